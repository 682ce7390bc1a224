"""Regression: a work described in two graphs is shown once.

Ingesting a BibTeX file whose keys the bundled bibliography already has describes the same work IRIs in
``graph/bibliography`` and in ``graph/bibliography/<file stem>``. Queries that joined a work's short
citation (or a person's name, a work's title or author list) from any graph returned one row per
description: ``cases/event-sources`` 145 rows became 158 after one overlapping entry.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from cooperative_security.ingest import ingest_paths
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.queries import Query, list_queries
from cooperative_security.resources import data_dir
from cooperative_security.store import Store

# Two works once more, described differently (another author, a shorter title, so another short
# citation): the chapter (evidence for most cases and concepts) and a work whose reading is disputed.
DESCRIBED_AGAIN = """@incollection{keating-wheeler-2013,
  author = {Keating, Vincent Charles and Wheeler, Nicholas J. and Zed, Zoe},
  title = {Concepts and Practices of Cooperative Security},
  booktitle = {The Legacy of the Cold War},
  year = {2013}
}

@book{white-1984,
  author = {White, Ralph K. and Zed, Zoe},
  title = {Fearful Warriors},
  publisher = {Free Press},
  year = {1984}
}
"""

QUERIES = [q for folder in ("cases", "concepts", "works") for q in list_queries(folder)]
_EXAMPLE = re.compile(r'e\.g\. ("[^"]*"|\S+)')


def overlapping_files(folder: Path) -> list[Path]:
    """A copy of the bundled bibliography (every work described twice), and two works a third time.

    The files add no work, person or citation the bundled data lacks, so no query of cases/, concepts/
    or works/ should gain a row from them.
    """
    copy = folder / "mine.bib"
    shutil.copy(data_dir() / "bibliography.bib", copy)
    again = folder / "again.bib"
    again.write_text(DESCRIBED_AGAIN, encoding="utf-8")
    return [copy, again]


def example_bindings(query: Query) -> dict[str, ox.NamedNode | ox.Literal]:
    """Each parameter bound to the example its header gives (``e.g. cs:LeapOfTrust``)."""
    bindings = {}
    for p in query.parameters:
        match = _EXAMPLE.search(p.doc)
        assert match, f"{query.name}: the header gives no example for ?{p.name}"
        bindings[p.name] = p.to_term(match.group(1).strip('"'))
    return bindings


@pytest.fixture(scope="module")
def described_twice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The bundled data with every work described again by an ingested file."""
    store = open_knowledge_graph("memory:")
    ingest_paths(store, overlapping_files(tmp_path_factory.mktemp("bib")))
    yield store
    store.close()


def test_the_ingested_file_really_describes_the_bundled_works_again(described_twice: Store) -> None:
    rows = described_twice.select(
        "SELECT ?work WHERE { GRAPH ?g { ?work <https://w3id.org/coopsec/ontology#bibKey> ?key } } "
        "GROUP BY ?work HAVING (COUNT(DISTINCT ?g) > 1)")
    assert len(rows) >= 70
    assert len(QUERIES) >= 20 and sum(not q.parameters for q in QUERIES) >= 15


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_a_work_described_twice_gives_no_extra_rows(query: Query, kg: Store, described_twice: Store) -> None:
    bindings = example_bindings(query)
    bundled = kg.select(query, bindings)
    if not query.parameters:
        assert bundled, f"{query.name} answers nothing on the bundled data: the comparison would prove nothing"
    after = described_twice.select(query, bindings)
    assert len(after) == len(bundled), f"{query.name}: {len(bundled)} rows on the bundled data, {len(after)} after"


def _source_lists(node: Any) -> Iterator[list[dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                yield value
            else:
                yield from _source_lists(value)
    elif isinstance(node, list):
        for item in node:
            yield from _source_lists(item)


def test_classify_cites_each_evidence_source_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", store).code == 0
    ingested = cli("ingest", *map(str, overlapping_files(tmp_path)), "--store", store)
    assert ingested.code == 0, ingested.err
    result = cli("classify", "--store", store, "--format", "json")
    assert result.code == 0, result.err
    lists = list(_source_lists(json.loads(result.out)))
    assert sum(map(len, lists)) >= 100, "the classification should cite plenty of evidence"
    for sources in lists:
        keys = [json.dumps(s, sort_keys=True) for s in sources]
        assert len(keys) == len(set(keys)), f"a source repeated: {sorted(keys)}"
    bundled = list(_source_lists(json.loads(cli("classify", "--format", "json").out)))
    assert [len(s) for s in lists] == [len(s) for s in bundled]
