"""Real SPARQL servers on free loopback ports, for the tests.

``oxigraph serve`` (PyPI package ``oxigraph``) always; Virtuoso open source (Debian package
``virtuoso-opensource``) when installed. Import the fixture into a test module:
``from oxigraph_server import oxigraph_server  # noqa: F401``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command next to this Python (a virtualenv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OxigraphServer:
    """A running server: its base URL and the store spec that reaches it."""

    process: subprocess.Popen[bytes]
    port: int
    location: Path
    #: the server's standard error, in a file (a pipe nobody reads fills up and stalls the server)
    log: BinaryIO | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def spec(self) -> str:
        return f"sparql:{self.base}/query,{self.base}/update"

    @property
    def read_only_spec(self) -> str:
        return f"sparql:{self.base}/query"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()


def start_server(location: Path, wait: float = 30.0) -> OxigraphServer:
    """Start ``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` and wait until it answers."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph command is not installed: pip install oxigraph")
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=log,
    )
    server = OxigraphServer(process, port, location, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace")
            log.close()
            raise RuntimeError(f"oxigraph serve exited with {process.returncode}: {err}")
        try:
            with urllib.request.urlopen(f"{server.base}/query?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"oxigraph serve did not answer on port {port} within {wait} s")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An empty Oxigraph server on 127.0.0.1, for the tests of one module."""
    server = start_server(tmp_path_factory.mktemp("oxigraph-server"))
    try:
        yield server
    finally:
        server.stop()


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@dataclass
class VirtuosoServer:
    """Virtuoso with its own database folder; SPARQL (query and update) at /sparql."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def spec(self) -> str:
        # Virtuoso's Graph Store Protocol endpoint is not found by probing (HEAD ?default fails): name it
        url = f"http://127.0.0.1:{self.port}/sparql"
        return f"sparql:{url},{url},http://127.0.0.1:{self.port}/sparql-graph-crud"

    def stop(self) -> None:
        OxigraphServer.stop(self)  # type: ignore[arg-type]


_VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 5
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
DefaultQuery = ASK {{}}
"""


def start_virtuoso(location: Path, wait: float = 60.0) -> VirtuosoServer:
    """Start ``virtuoso-t`` on loopback ports and let the SPARQL user update."""
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed: apt-get install virtuoso-opensource")
    sql_port, http_port = free_port(), free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(d=location, sql=sql_port, http=http_port), encoding="utf-8")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=location,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = VirtuosoServer(process, http_port)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}; see {location}/virtuoso.log")
        try:
            url = f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D"
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    else:
        server.stop()
        raise RuntimeError(f"Virtuoso did not answer on port {http_port} within {wait} s")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql is None:
        server.stop()
        raise RuntimeError("isql-vt is missing: it is needed to let the SPARQL user update")
    subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
                   check=True, capture_output=True, timeout=30)
    return server
