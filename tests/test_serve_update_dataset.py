"""SPARQL 1.1 Protocol's ``using-graph-uri`` and ``using-named-graph-uri`` (2.2.3) on a writable server.

Regression: they were ignored without a word, so an update that named its graphs that way ran over the store's
default graph instead (here: deleted nothing, answered 204). pyoxigraph's update takes no dataset, so they are
refused with a 400 that says to write USING / USING NAMED in the update, which the last test shows doing the job.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

import pytest
from http_fetch import fetch

from cooperative_security.serve import RunningServer, ServerConfig, start_server

GRAPH = "urn:coopsec-test:g"
INSERT = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "kept" }} }}'
ASK = f'ASK {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "kept" }} }}'
# what a client means with using-graph-uri=GRAPH: match the pattern in GRAPH, delete from it
DELETE = f"DELETE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"
NAMED = "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def server() -> Iterator[RunningServer]:
    with start_server(ServerConfig(port=0, writable=True, classify=False)) as running:
        assert _post(running, INSERT)[0] == 204 and _holds(running)
        yield running


def _post(server: RunningServer, update: str, url: str = "", form: dict[str, str] | None = None
          ) -> tuple[int, str]:
    base = f"http://127.0.0.1:{server.port}/sparql{url}"
    if form is None:
        status, _, body = fetch(base, update.encode(), {"Content-Type": "application/sparql-update"})
    else:
        status, _, body = fetch(base, urllib.parse.urlencode({"update": update, **form}).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
    return status, body.decode()


def _holds(server: RunningServer) -> bool:
    query = urllib.parse.urlencode({"query": ASK})
    _, _, body = fetch(f"http://127.0.0.1:{server.port}/sparql?{query}",
                       headers={"Accept": "application/sparql-results+json"})
    return bool(json.loads(body)["boolean"])


@pytest.mark.parametrize(("update", "name", "how"), [
    (DELETE, "using-graph-uri", "url"),
    (DELETE, "using-graph-uri", "form"),
    (NAMED, "using-named-graph-uri", "url"),
    (NAMED, "using-named-graph-uri", "form"),
])
def test_a_using_parameter_is_refused_not_ignored(server: RunningServer, update: str, name: str, how: str) -> None:
    if how == "url":
        status, said = _post(server, update, "?" + urllib.parse.urlencode({name: GRAPH}))
    else:
        status, said = _post(server, update, form={name: GRAPH})
    assert status == 400, said  # was 204, the graph ignored
    assert f"{name} is not supported" in said and "USING <graph>" in said and "USING NAMED <graph>" in said
    assert _holds(server)  # nothing ran


def test_both_are_named_in_one_refusal(server: RunningServer) -> None:
    status, said = _post(server, DELETE, "?" + urllib.parse.urlencode(
        {"using-graph-uri": GRAPH, "using-named-graph-uri": GRAPH}))
    assert status == 400 and "using-graph-uri and using-named-graph-uri are not supported" in said


def test_using_in_the_update_does_what_the_parameter_was_for(server: RunningServer) -> None:
    assert _post(server, DELETE)[0] == 204 and _holds(server)  # without a dataset: the default graph, empty
    status, said = _post(server, f"DELETE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} USING <{GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert status == 204, said
    assert not _holds(server)


def test_a_read_only_server_still_says_it_is_read_only() -> None:
    with start_server(ServerConfig(port=0, classify=False)) as running:
        status, said = _post(running, DELETE, "?" + urllib.parse.urlencode({"using-graph-uri": GRAPH}))
    assert status == 403 and "--writable" in said


@pytest.mark.parametrize(("name", "using"), [("default-graph-uri", "using-graph-uri"),
                                             ("named-graph-uri", "using-named-graph-uri")])
@pytest.mark.parametrize("how", ["url", "form"])
def test_a_query_dataset_parameter_on_an_update_is_refused(server: RunningServer, name: str, using: str,
                                                           how: str) -> None:
    status, said = (_post(server, DELETE, "?" + urllib.parse.urlencode({name: GRAPH})) if how == "url"
                    else _post(server, DELETE, form={name: GRAPH}))
    assert status == 400, said  # was 204, the graph ignored
    assert f"{name} names a query's dataset" in said and using in said and "USING <graph>" in said
    assert _holds(server)
