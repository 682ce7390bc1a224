"""``coopsec dyads --from 1995 --to 1990``: a reversed span is a usage error before anything is read.

Regression: the span was checked only once the data were being read (the output's folder, --data-dir or
COOPSEC_DATA, the rules graph of every part, the store's dyad-year graph came first), so a reversed span
with a missing --data-dir was told about the data folder, and with --store about the store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cooperative_security.cli.dyads as dyads_cli

HERE = Path(__file__).parent / "data"
SAID = "--from 1995 is after --to 1990: the span runs from --from to --to; give the earlier year to --from " \
       "(--from 1990 --to 1995)"


@pytest.fixture
def nothing_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any reading of data (a part's store with the rules graph, the data folder, a store) fails the test."""
    def read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("data read before the span was checked")

    for name in ("new_store", "resolve_data_dir", "open_store", "build_parts"):
        monkeypatch.setattr(dyads_cli, name, read)
    monkeypatch.delenv("COOPSEC_DATA", raising=False)


@pytest.mark.parametrize("where", [
    (),  # no --data-dir and no COOPSEC_DATA: that was the error shown
    ("--data-dir", str(HERE / "nowhere")),  # a data folder that is not there
    ("--data-dir", str(HERE / "layout")),  # the real slices: the rules graph was loaded into every part first
    ("--store", "memory:"),  # a store without a dyad-year graph: that was the error shown
])
def test_a_reversed_span_is_refused_first(cli, nothing_read, tmp_path: Path,  # type: ignore[no-untyped-def]
                                          where: tuple[str, ...]) -> None:
    result = cli("dyads", "--from", "1995", "--to", "1990", *where, "-o", str(tmp_path / "out.csv"))
    assert result.code == 2
    assert SAID in " ".join(result.err.split()), result.err
    assert not (tmp_path / "out.csv").exists()


def test_a_reversed_span_is_refused_before_the_output_is_checked(cli, nothing_read,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    result = cli("dyads", "--from", "1995", "--to", "1990", "-o", str(tmp_path / "no-folder" / "out.csv"))
    assert result.code == 2
    assert SAID in " ".join(result.err.split()), result.err


def test_a_span_of_one_year_is_not_reversed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    result = cli("dyads", "--from", "1990", "--to", "1990", "--data-dir", str(HERE / "layout"), "-o", str(out))
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").startswith("ccode1,ccode2,year")
