"""Real headless Chromium for the tests that look at pages as a person would (``test_browser``,
``test_docs``): one browser for the whole session, and the helpers they share. Import the fixture by name:
``from chromium import browser  # noqa: F401``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() or not CHROMEDRIVER.exists(),
                                    reason="needs Chromium: /usr/bin/chromium and /usr/bin/chromedriver "
                                           "(Debian packages chromium, chromium-driver)")


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(90)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def console_errors(browser: Any) -> list[str]:
    """The errors the page wrote to the console since the last call (the log is read once)."""
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def wait(browser: Any, condition: Any, seconds: float = 30) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds).until(condition)


def open_page(browser: Any, url: str) -> None:
    browser.get(url)
    console_errors(browser)  # nothing from an earlier page counts against this one
    browser.refresh()
