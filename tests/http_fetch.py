"""One HTTP request to a test server on loopback, whatever its status: the status, headers and body."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request


def fetch(url: str, data: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def send(port: int, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request written as given (its request line and headers, then ``body``) on a raw socket, for what
    urllib would not send: the status, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    status = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert status, answer[:200]
    lines, _, rest = answer.partition(b"\r\n\r\n")
    headers = dict(line.decode("latin-1").split(": ", 1) for line in lines.split(b"\r\n")[1:])
    return int(status[1]), headers, rest
