"""What a server that other hosts take part in must not do (security review s24, findings 2 and 5), on real
servers on 127.0.0.1: relay another server's answer to a client, or take updates from the network
without a token.
"""

from __future__ import annotations

import http.client
import http.server
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from cooperative_security.serve import RunningServer, ServerConfig, start_server

SECRET = "SECRET-OF-THE-OTHER-SERVER"


class _Remote(http.server.BaseHTTPRequestHandler):
    """Another server on the network: an error page, Turtle where results are due, broken results, bad Turtle."""

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, kind = {"/error": (500, "text/plain"), "/turtle": (200, "text/turtle"),
                        "/broken-results": (200, "application/sparql-results+json"),
                        "/bad.ttl": (200, "text/turtle")}.get(self.path, (404, "text/plain"))
        body = (f'{{"head": {{"vars": ["{SECRET}"' if self.path == "/broken-results"
                else f"this is not turtle {SECRET}").encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Remote)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def federated() -> Iterator[RunningServer]:
    config = ServerConfig(port=0, classify=False, writable=True, allow_service=("127.0.0.1",))
    with start_server(config) as running:
        yield running


def post(server: RunningServer, kind: str, text: str) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("POST", "/sparql", body=text.encode(), headers={
            "Content-Type": f"application/sparql-{kind}", "Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize(("kind", "text"), [
    ("query", "SELECT * WHERE { SERVICE <REMOTE/error> { ?s ?p ?o } }"),
    ("query", "SELECT * WHERE { SERVICE <REMOTE/turtle> { ?s ?p ?o } }"),
    ("query", "SELECT * WHERE { SERVICE <REMOTE/broken-results> { ?s ?p ?o } }"),
    ("update", "INSERT { GRAPH <urn:x> { ?s ?p ?o } } WHERE { SERVICE <REMOTE/error> { ?s ?p ?o } }"),
    ("update", "LOAD <REMOTE/error> INTO GRAPH <urn:loaded>"),
    ("update", "LOAD <REMOTE/bad.ttl> INTO GRAPH <urn:loaded>"),
])
def test_a_failing_service_or_load_is_502_and_relays_nothing(federated: RunningServer, remote: str, kind: str,
                                                             text: str) -> None:
    """It was `500 the store failed: Error 500 ... with payload: <the other server's body>` (a read primitive
    into the server's network), a 400 quoting the parser of the data read, or (Turtle where results were due,
    which pyoxigraph raises as RuntimeError) a 500 for a worker that died of it."""
    status, content_type, body = post(federated, kind, text.replace("REMOTE", remote))
    assert status == 502 and content_type.startswith("text/plain"), (status, body)
    assert f"a SERVICE or LOAD of this {kind} failed" in body and "not relayed" in body
    assert SECRET not in body and "payload" not in body and "Parser error" not in body
    assert body.count("\n") == 1


def test_a_bad_query_naming_a_service_is_still_a_400(federated: RunningServer, remote: str) -> None:
    status, _, body = post(federated, "query", f"SELECT * WHERE {{ SERVICE <{remote}/error> {{ ?s ?p }} }}")
    assert status == 400 and body.startswith("the query is not valid SPARQL: error at 1:"), body
    status, _, body = post(federated, "query", "ASK { ?s ?p ?o }")
    assert status == 200 and '"boolean"' in body


# --- finding 2: a writable server that other machines reach needs a token ------------------------

COMMAND = [sys.executable, "-c", "from cooperative_security.cli import entry_point; entry_point()", "serve"]


@pytest.mark.parametrize("host", ["0.0.0.0", "server.example"])
def test_a_writable_server_on_another_address_needs_a_token_file(host: str) -> None:
    """It only warned: with no token, any client that reaches the address (and sends Host: 127.0.0.1, which
    only browsers cannot) could change the store. The refusal comes before the store is loaded or bound.
    (A child process, so that a regression fails at the timeout instead of serving for ever.)"""
    result = subprocess.run([*COMMAND, "--host", host, "--port", "0", "--writable"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2, result
    assert f"refusing to accept updates on {host} without --token-file" in result.stderr, result.stderr
    assert "drop --writable" in result.stderr and "Traceback" not in result.stderr and result.stdout == ""


def test_the_api_refuses_it_too(kg) -> None:  # type: ignore[no-untyped-def]
    from cooperative_security.errors import UsageError
    from cooperative_security.serve import check_config, make_server

    with pytest.raises(UsageError, match="without --token-file"):
        make_server(ServerConfig(host="0.0.0.0", port=0, allow_remote=True, writable=True), kg)
    # what stays allowed (checked without binding): read-only, or writable with a token
    check_config(ServerConfig(host="0.0.0.0", allow_remote=True))
    check_config(ServerConfig(host="0.0.0.0", allow_remote=True, writable=True, token="t" * 16))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_writable_server_on_loopback_still_starts_without_a_token(host: str) -> None:
    process = subprocess.Popen([*COMMAND, "--host", host, "--port", "0", "--writable"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"http://(127\.0\.0\.1|localhost):(\d+)/ \(SPARQL at \S+; writable\)", line)
        assert match, line + (process.stderr.read() if process.stderr else "")
        connection = http.client.HTTPConnection("127.0.0.1", int(match.group(2)), timeout=60)
        connection.request("POST", "/sparql", body=b"INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }",
                           headers={"Content-Type": "application/sparql-update"})
        assert connection.getresponse().status == 204
        connection.close()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0 and "warning" not in err, err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
