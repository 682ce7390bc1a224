"""A validation case may not take the place of a bundled case.

A helper coding India-Pakistan from 1947 first named it ``india-pakistan``, the id of the chapter's own
1998-1999 case: the validation set loaded without a word and replaced the chapter's events in the store.
``coopsec ingest`` refused such a file already; ``load_validation`` (``coopsec validate``) now does too,
naming the file and the graph, and writes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.errors import InputError
from cooperative_security.kb import open_knowledge_graph
from cooperative_security.resources import data_dir
from cooperative_security.validation import load_validation, validation_dir

CASE = ox.NamedNode("https://w3id.org/coopsec/graph/case/india-pakistan")


def _set_with(tmp_path: Path, case_file: Path, name: str) -> Path:
    folder = tmp_path / "validation"
    (folder / "cases").mkdir(parents=True)
    for f in ("actors.yaml", "bibliography.bib"):
        shutil.copy(validation_dir() / f, folder / f)
    text = case_file.read_text(encoding="utf-8").replace(f"id: {case_file.stem}\n", f"id: {name}\n", 1)
    (folder / "cases" / f"{name}.yaml").write_text(text.replace("\nlabel: ", "\nlabel: Recoded, ", 1),
                                                   encoding="utf-8")
    return folder


def test_a_validation_case_with_a_bundled_case_id_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    bundled = data_dir() / "cases" / "india-pakistan.yaml"
    folder = _set_with(tmp_path, validation_dir() / "cases" / "india-pakistan-1947.yaml", "india-pakistan")
    kg = open_knowledge_graph("memory:")
    try:
        before = {q.triple for q in kg.quads(CASE)}
        assert before  # the chapter's case is loaded
        with pytest.raises(InputError) as caught:
            load_validation(kg, folder)
        message = str(caught.value)
        assert "india-pakistan.yaml" in message and "graph/case/india-pakistan" in message
        # the bundled file as the store records it (never the install's absolute path), said to be coopsec's
        assert f"written by coopsec's bundled data/cases/{bundled.name}" in message
        assert str(bundled.parent) not in message
        assert {q.triple for q in kg.quads(CASE)} == before  # the chapter's case is as it was
    finally:
        kg.close()


def test_a_validation_case_with_an_id_of_its_own_loads(tmp_path: Path) -> None:
    folder = _set_with(tmp_path, validation_dir() / "cases" / "india-pakistan-1947.yaml", "india-pakistan-recoded")
    kg = open_knowledge_graph("memory:")
    try:
        assert load_validation(kg, folder) == ["india-pakistan-recoded"]
        assert load_validation(kg, folder) == ["india-pakistan-recoded"]  # the same set again: its own graphs
    finally:
        kg.close()


def test_a_second_set_loaded_on_top_keeps_the_first_sets_states_and_works(tmp_path: Path) -> None:
    """An unseen round's actors.yaml and bibliography.bib have the stems of the scored set's; their graphs
    get a hash of their path instead of replacing the scored set's states and works."""
    second = _set_with(tmp_path, validation_dir() / "cases" / "india-pakistan-1947.yaml", "india-pakistan-again")
    kg = open_knowledge_graph("memory:")
    try:
        load_validation(kg, validation_dir())
        before = {g: kg.count(ox.NamedNode(g)) for g in kg.graph_names()
                  if "/graph/actors/" in g or "/graph/bibliography/" in g}
        assert before and all(before.values())
        load_validation(kg, second)
        assert {g: kg.count(ox.NamedNode(g)) for g in before} == before
        assert len([g for g in kg.graph_names() if "/graph/actors/" in g]) == 2
    finally:
        kg.close()
