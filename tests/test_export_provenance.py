"""What coopsec writes says where it came from without the user's folders, and the same way in every format.

Until December 2026 an export, a release and every ingest record named each source file by its absolute path
(``/home/alice/thesis/cases/x.yaml``, and the checkout's own folder for the bundled data); ``classify`` wrote a
period's rules as ``rule:a; rule:b`` in CSV though the docs promised them ``;``-separated as ``members``; and
``dyads --format rdf`` did not say which releases of the data sets the run read.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from cooperative_security.ingest import field_datasets

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = ROOT / "tests" / "data" / "layout"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
CHECKSUM = ox.NamedNode("http://spdx.org/rdf/terms#checksumValue")
TITLE = ox.NamedNode(DCTERMS + "title")
SOURCE = ox.NamedNode(PROV + "hadPrimarySource")
USED = ox.NamedNode(PROV + "used")
RULE = "https://w3id.org/coopsec/id/rule/"

BIB = """@book{provenance-test-2026,
  author = {Tester, Tina},
  title = {A Book Only This Test Cites},
  publisher = {Nowhere Press},
  year = {2026}
}
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def _one(quads: list[ox.Quad], subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> str:
    (value,) = {q.object.value for q in quads if q.subject == subject and q.predicate == predicate}
    return value


# 1. sources by a relative path and a checksum, never by an absolute path

def test_an_export_names_ingested_files_relative_to_the_folder_ingested(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home" / "alice"
    thesis = home / "thesis"
    (thesis / "notes").mkdir(parents=True)
    bib = thesis / "notes" / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    (thesis / "extra.ttl").write_text("<https://example.org/a> <https://example.org/b> \"c\" .\n", encoding="utf-8")
    spec = f"oxigraph:{tmp_path / 'kg'}"
    assert cli("init", "--store", spec).code == 0
    assert (r := cli("ingest", str(thesis), "--store", spec)).code == 0, r.err
    out = tmp_path / "all.nq"
    assert (r := cli("export", "-f", "nquads", "-o", str(out), "--store", spec, "--no-classify")).code == 0, r.err
    text = out.read_text(encoding="utf-8")
    assert "alice" not in text and str(tmp_path) not in text, "an absolute path reached the export"
    quads = _quads(out)
    sources = {q.object for q in quads if q.predicate == SOURCE}
    titles = {_one(quads, s, TITLE): s for s in sources if isinstance(s, ox.NamedNode)}
    assert {"notes/refs.bib", "extra.ttl", "data/cases/korea.yaml"} <= set(titles), sorted(titles)
    assert _one(quads, titles["notes/refs.bib"], CHECKSUM) == _sha256(bib)
    assert _one(quads, titles["data/cases/korea.yaml"], CHECKSUM) == _sha256(ROOT / "data" / "cases" / "korea.yaml")
    used = {q.object.value for q in quads if q.predicate == USED and isinstance(q.object, ox.Literal)}
    assert not used, f"the ingest record names files by the path given: {sorted(used)[:3]}"
    # the store still tells the file by where it is: `coopsec remove` takes the path given to `coopsec ingest`
    assert (r := cli("remove", str(bib), "--store", spec)).code == 0, r.err
    assert "bibliography/notes/refs" in r.out + r.err
    # ... or the name the records and messages give it, from any folder, when one file has that name
    assert not (Path.cwd() / "extra.ttl").exists()
    assert (r := cli("remove", "extra.ttl", "--store", spec)).code == 0, r.err
    assert "graph/file/extra" in r.out


def _coopsec(*args: str, cwd: Path, resources: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED",)}
    env.update(PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1764460800", COOPSEC_RESOURCES=str(resources),
               COOPSEC_NO_CACHE="1")
    result = subprocess.run([sys.executable, "-m", "cooperative_security.cli", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_two_checkouts_in_different_folders_export_the_same_bytes(tmp_path: Path) -> None:
    """The bundled data is named by its path in the package (``data/cases/korea.yaml``), so the folder the
    package sits in changes nothing: a whole export and a release are byte-identical from two folders."""
    outputs = []
    for name in ("alice/checkout", "bob/elsewhere/coopsec"):
        checkout = tmp_path / name
        for part in ("ontology", "data", "queries"):
            shutil.copytree(ROOT / part, checkout / part)
        _coopsec("export", "-f", "nquads", "-o", "all.nq", "--no-classify", cwd=checkout, resources=checkout)
        _coopsec("release", "-o", "release", cwd=checkout, resources=checkout)
        outputs.append(checkout)
    first, second = outputs
    exported = (first / "all.nq").read_bytes()
    assert b"alice" not in exported and str(tmp_path).encode() not in exported
    assert b'"data/cases/korea.yaml"' in exported
    assert exported == (second / "all.nq").read_bytes(), "the export differs with the checkout's folder"
    released = sorted(p.name for p in (first / "release").iterdir())
    assert len(released) == 7
    for name in released:
        assert (first / "release" / name).read_bytes() == (second / "release" / name).read_bytes(), name


# 2. classify's rules: full IRIs in JSON, rule: CURIEs in CSV, `;`-separated as members

def test_classify_names_the_rules_alike_in_csv_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    as_json = cli("classify", "asean", "--format", "json")
    as_csv = cli("classify", "asean", "--format", "csv")
    assert as_json.code == 0 and as_csv.code == 0, as_json.err + as_csv.err
    records = json.loads(as_json.out)
    rows = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert len(rows) == len(records) >= 2
    for row, record in zip(rows, records, strict=True):
        assert record["rules"] and all(r.startswith(RULE) for r in record["rules"]), record["rules"]
        assert row["rules"] == ";".join("rule:" + r.removeprefix(RULE) for r in record["rules"])
        assert row["members"] == ";".join(record["members"])
    docs = (ROOT / "docs" / "guide" / "cli.md").read_text(encoding="utf-8")
    assert "`rule:` for `https://w3id.org/coopsec/id/rule/`" in docs


# 3. dyads --format rdf: the data set releases the run read

def test_the_dyads_run_names_each_data_set_release_it_read(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(LAYOUT, data)
    # the test files are slices, not the published releases: let one of them be the known release of MID
    mid = next(ds for ds in field_datasets.DATASETS if ds.name == "mid")
    known = dataclasses.replace(mid, sha256=_sha256(data / mid.path))
    monkeypatch.setattr(field_datasets, "DATASETS",
                        tuple(known if ds is mid else ds for ds in field_datasets.DATASETS))
    out = tmp_path / "dyads.nq"
    result = cli("dyads", "--from", "1990", "--to", "1991", "--data-dir", str(data), "--format", "rdf",
                 "-o", str(out), "--jobs", "1")
    assert result.code == 0, result.err
    quads = _quads(out)
    text = out.read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    (run,) = {q.subject for q in quads if q.object == ox.NamedNode(PROV + "Activity")
              and "/id/run/" in q.subject.value}
    used = {q.object for q in quads if q.subject == run and q.predicate == USED
            and q.object.value.startswith("https://w3id.org/coopsec/id/dataset/")}  # beside the rules it used
    by_name = {_one(quads, node, TITLE): node for node in used if isinstance(node, ox.NamedNode)}
    assert set(by_name) == {ds.name for ds in field_datasets.DATASETS}
    assert _one(quads, by_name["mid"], ox.NamedNode(DCAT + "version")) == "GML MID 2.1.1"
    for ds in field_datasets.DATASETS:
        node = by_name[ds.name]
        assert _one(quads, node, CHECKSUM) == _sha256(data / ds.path)
        assert _one(quads, node, ox.NamedNode(DCTERMS + "identifier")) == ds.path
        versions = {q.object.value for q in quads if q.subject == node and q.predicate == ox.NamedNode(DCAT + "version")}
        if _sha256(data / ds.path) == ds.sha256:  # mid (made so above), major-powers (the file itself)
            assert versions == {ds.version}
        else:  # another release than the one `coopsec datasets` lists: no version claimed, and it says so
            assert not versions
            assert ds.version in _one(quads, node, ox.NamedNode(DCTERMS + "description"))
