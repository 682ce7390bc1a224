"""``coopsec serve``: a SPARQL 1.1 Protocol endpoint, a query page and dereferenceable IRIs.

For tests and notebooks, :func:`start_server` runs it in a thread on a free port::

    from cooperative_security.serve import ServerConfig, start_server
    with start_server(ServerConfig(port=0)) as server:
        print(server.url)   # http://127.0.0.1:PORT/
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..store import InProcess, Store
from .access import Access, is_loopback
from .cors import Cors
from .description import dataset_license
from .engine import Limits, QueryService
from .http import CoopsecHTTPServer
from .httperror import HttpError

if TYPE_CHECKING:
    import pyoxigraph as ox


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    writable: bool = False
    limits: Limits = field(default_factory=Limits)
    site_dir: Path | None = None
    allow_remote: bool = False  # binding a non-loopback address needs this (the CLI sets it for an explicit --host)
    classify: bool = True  # run the classifier at start, so the inferred graph is there
    allow_service: tuple[str, ...] = ()  # hosts SERVICE and LOAD may reach (--allow-service); none by default
    allow_host: tuple[str, ...] = ()  # Host names, besides loopback and --host, that may send updates
    token: str | None = None  # updates need "Authorization: Bearer TOKEN" (--token-file)
    cors: tuple[str, ...] = ()  # origins whose pages may read the answers (--cors); none by default


def prepare_store(spec: str = "memory:", classify: bool = True) -> Store:
    """Open the store the server holds: ``memory:`` loads the bundled data and runs the classifier once.

    An on-disk store is served as it is (a read-only server does not write the inferred graph into it):
    run ``coopsec classify --store oxigraph:DIR`` first to have the classifications there.
    """
    from ..kb import open_knowledge_graph

    store = open_knowledge_graph(spec)
    if not isinstance(store, InProcess):
        store.close()
        raise UsageError(f"coopsec serve needs an embedded store (memory: or oxigraph:DIR), not {spec}: "
                         "a remote SPARQL endpoint already is one")
    if classify and store.ephemeral:
        from ..classify import classify as run_classifier

        run_classifier(store)
    return store


class RunningServer:
    """A server answering in a background thread; ``stop()`` (or leaving the ``with``) shuts it down."""

    def __init__(self, httpd: CoopsecHTTPServer, store: Store, owns_store: bool) -> None:
        self.httpd = httpd
        self.store = store
        self._owns_store = owns_store
        address = httpd.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._thread = threading.Thread(target=httpd.serve_forever, name="coopsec-serve", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def check_config(config: ServerConfig) -> None:
    """Refuse, before anything is loaded or bound, a server other machines could reach by accident, or
    change without a secret: the Host and Origin checks stop browsers, not a client that sends any Host; and
    a ``--cors`` that is not an exact origin."""
    Cors.of(config.cors)
    if is_loopback(config.host):
        return
    if not config.allow_remote:
        raise UsageError(f"refusing to listen on {config.host}, which other machines can reach: "
                         "name the host explicitly with --host to do so")
    if config.writable and config.token is None:
        raise UsageError(f"refusing to accept updates on {config.host} without --token-file: any machine that "
                         "reaches it could change the store (the Host and Origin checks stop browsers, not other "
                         "clients). Give --token-file FILE (a secret of 16 characters or more), or drop --writable")


def make_server(config: ServerConfig, store: Store) -> CoopsecHTTPServer:
    check_config(config)
    if not isinstance(store, InProcess):
        raise UsageError("coopsec serve needs an embedded store (memory: or oxigraph:DIR)")
    raw: ox.Store | None = store.raw
    license = dataset_license(store)  # before a writable server's store is handed to its writer
    path = store.path
    if config.site_dir is not None and not (config.site_dir / "index.html").is_file():
        raise UsageError(f"--site {config.site_dir}: no index.html there; build it with `coopsec site -o DIR`")
    if config.writable and path is not None:
        # RocksDB lets one process write a store: from now on that is the server's writer, not this one
        store.close()
        raw = None
    try:
        service = QueryService(raw, config.limits, config.writable, path, config.allow_service, license)
    except OSError as exc:
        raise UsageError(f"cannot start the query workers over {store.spec}: {exc}") from exc
    try:
        httpd = CoopsecHTTPServer((config.host, config.port), service, config.site_dir,
                                  Access.for_host(config.host, config.allow_host, config.token), Cors.of(config.cors))
        return httpd
    except OSError as exc:
        service.close()
        raise UsageError(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}") from exc
    except BaseException:
        service.close()
        raise


def start_server(config: ServerConfig | None = None, store: Store | None = None,
                 spec: str = "memory:") -> RunningServer:
    """Start a server in a thread (``port=0`` picks a free port; read it from ``.port``).

    With ``store`` the server uses it and leaves it open at the end; otherwise it opens ``spec``. A
    writable server over an on-disk store closes ``store`` (its writer process holds the folder instead).
    """
    config = config or ServerConfig(port=0)
    owns = store is None
    kg = store if store is not None else prepare_store(spec, config.classify)
    try:
        httpd = make_server(config, kg)
    except BaseException:
        if owns:
            kg.close()
        raise
    return RunningServer(httpd, kg, owns)


def serve_until_signal(config: ServerConfig, store: Store, ready: Callable[[str], None] | None = None) -> None:
    """Serve in this thread until SIGINT or SIGTERM, then finish the requests under way and return."""
    httpd = make_server(config, store)
    host, port = str(httpd.server_address[0]), int(httpd.server_address[1])

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ready:
            ready(f"http://{host}:{port}/")
        httpd.serve_forever()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        httpd.server_close()


__all__ = ["ServerConfig", "Limits", "HttpError", "RunningServer", "start_server", "prepare_store", "make_server",
           "serve_until_signal", "check_config"]
