"""The field's data sets coopsec reads, in the style of peacesciencer's ``ps_cite()`` and ``ps_version()``.

Each entry names the publisher, the version, the BibTeX citation (from ``data/datasets.bib``), the file
name and folder coopsec expects, the SHA-256 checksum of the known release, and where a user obtains it.
``check(folder)`` verifies a folder: each file present, readable, and (if its checksum differs from the
known release's) reported as another release, which coopsec reads but whose figures may differ.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import DCTERMS, PROV, RDF_TYPE, instance
from ..resources import data_dir

DCAT = "http://www.w3.org/ns/dcat#"
#: the SHA-256 of a file's bytes (as the ingest records and ``coopsec init``'s graph checksums give it)
CHECKSUM = ox.NamedNode("http://spdx.org/rdf/terms#checksumValue")


@dataclass(frozen=True)
class FieldDataset:
    name: str
    path: str
    """Where coopsec expects the file, relative to the data folder (``--data-dir``)."""
    what: str
    publisher: str
    version: str
    cite: tuple[str, ...]
    """Keys of ``data/datasets.bib``."""
    sha256: str
    obtain: str

    def bibtex(self) -> str:
        entries = _bibliography()
        return "\n".join(entries[k] for k in self.cite if k in entries)


DATASETS: tuple[FieldDataset, ...] = (
    FieldDataset("dyad-years", "cow/directed-dyad-years.csv.gz", "every directed dyad-year of the state system",
                 "Correlates of War Project", "State System Membership v2016 (derived)", ("cow-2017",),
                 "a5d18b6fbe0187b864019418fc9758ab9e2d9fab42b82beef1355b58300d401f",
                 "https://correlatesofwar.org/data-sets/state-system-membership (or peacesciencer's "
                 "create_dyadyears(directed = TRUE), written as CSV)"),
    FieldDataset("mid", "mid/gml-mid-dyad-years-2.1.1.csv", "militarized interstate disputes, dyad-years",
                 "Gibler, Miller and Little", "GML MID 2.1.1", ("gibler-etal-2016",),
                 "d3bb3f573ac25739bf5c16755096ceded339185ede5a50465c1fca7ed5bd4b68",
                 "https://correlatesofwar.org/data-sets/MIDs (GML MID data: dyad-year file)"),
    FieldDataset("wars", "cow/interstate-war-dyad-years.csv", "dyad-years of interstate war",
                 "Correlates of War Project", "COW war data v4", ("sarkees-wayman-2010",),
                 "88a1e1b48fb9d0b815a71f00b6548049a81f53452650f953332a3483d9c8e442",
                 "https://correlatesofwar.org/data-sets/COW-war (dyadic inter-state war data)"),
    FieldDataset("atop", "atop/atop-dyad-years.csv.gz", "alliance obligations per dyad-year", "Leeds et al.",
                 "ATOP v4.01", ("leeds-etal-2002",),
                 "f4c627f0943f10f4fcaa289d9a90af7ca5f1f8a30b4fe8bef2a6e7becc6ac922",
                 "http://www.atopdata.org/data.html (dyad-year file, gzip)"),
    FieldDataset("atop-members", "atop/atop-member-level.csv",
                 "alliance members and their obligations (which pacts have only two members)", "Leeds et al.",
                 "ATOP v4.01", ("leeds-etal-2002",),
                 "37533634acbba64af9b900425fad50fcecb69f4a80f9f1d22d9847911bf21e40",
                 "http://www.atopdata.org/data.html (member-level file, CSV)"),
    FieldDataset("igo", "cow/igo-shared-memberships-dyad-years.csv.gz",
                 "shared intergovernmental organisations per dyad-year", "Pevehouse et al.", "COW IGO v3",
                 ("pevehouse-etal-2020",), "26c83f4a3e811f5eedc8567ea7b413ef2aebf9acc266dffa66286ad88417a45d",
                 "https://correlatesofwar.org/data-sets/IGOs (dyadic file; ccode1, ccode2, year, dyadigos)"),
    FieldDataset("contiguity", "cow/direct-contiguity.csv", "contiguity spells (land and up to 400 miles of water)",
                 "Stinnett et al.", "COW Direct Contiguity v3.2", ("stinnett-etal-2002",),
                 "1fbc6601fdb72823da4d0eb260028abc7a1de02c9b444b86175d699554ee2ae9",
                 "https://correlatesofwar.org/data-sets/direct-contiguity (or peacesciencer's cow_ddy contiguity)"),
    FieldDataset("major-powers", "cow/major-powers.csv", "spells of major-power status",
                 "Correlates of War Project", "State System Membership v2016", ("cow-2017",),
                 "9e8b72eec51bec8bc175c2d1a1c968828c4571558e281c0b3bd554dca135100e",
                 "https://correlatesofwar.org/data-sets/state-system-membership (majors2016.csv)"),
    FieldDataset("distance", "cow/minimum-distance-dyad-years.csv.gz",
                 "minimum distance between two states' territories, km, 1886-2019", "Schvitz et al.",
                 "CShapes 2.0 (minimum distances as computed by peacesciencer)", ("schvitz-etal-2022",),
                 "890c6e9c9cda464bf9cb7e5096a18bdc14a6a0915140f226c14860d92680f782",
                 "https://icr.ethz.ch/data/cshapes/ (or peacesciencer's add_minimum_distance(), written as CSV)"),
)


def _bibliography() -> dict[str, str]:
    import bibtexparser  # here, not at the top: only `datasets` commands need it
    from bibtexparser.bparser import BibTexParser
    from bibtexparser.bwriter import BibTexWriter

    parser = BibTexParser(common_strings=True)
    database = bibtexparser.loads((data_dir() / "datasets.bib").read_text(encoding="utf-8"), parser)
    out: dict[str, str] = {}
    for entry in database.entries:
        single = bibtexparser.bibdatabase.BibDatabase()
        single.entries = [entry]
        out[entry["ID"]] = BibTexWriter().write(single).strip()
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileCheck:
    dataset: FieldDataset
    path: Path
    status: str
    """``ok`` (the known release), ``other-release`` (present, another checksum), ``missing``."""


def check(folder: Path) -> list[FileCheck]:
    out = []
    for ds in DATASETS:
        path = folder / ds.path
        if not path.is_file():
            out.append(FileCheck(ds, path, "missing"))
        else:
            out.append(FileCheck(ds, path, "ok" if sha256(path) == ds.sha256 else "other-release"))
    return out


def used_by(run: ox.NamedNode, folder: Path) -> list[ox.Triple]:
    """What a run read from the data folder, in RDF: ``run prov:used`` a node per data set file present, with
    the data set's name (``dcterms:title``), its file under the folder (``dcterms:identifier``), the SHA-256 of
    the bytes read (``spdx:checksumValue``) and, when those are the known release's, its version as `coopsec
    datasets` lists it (``dcat:version``); another release says so (``dcterms:description``) instead. The node's
    IRI is the data set's name and checksum (``id/dataset/mid/d3bb3f573ac25739``): the same file, the same node."""
    triples: list[ox.Triple] = []
    for found in check(folder):
        if found.status != "missing":
            triples += _described(run, found.dataset.name, found.dataset.path, sha256(found.path), found.dataset)
    return triples


def file_used(run: ox.NamedNode, name: str, path: Path) -> list[ox.Triple]:
    """:func:`used_by` for one file given by itself (``coopsec ingest-dataset mid FILE``): the data set of the
    catalogue it is (by its checksum, or by its place ``mid/gml-mid-dyad-years-2.1.1.csv`` under a data
    folder), named by that path; else ``name`` (the data set it was read as) and the file's own name. Never
    the folders above it."""
    checksum = sha256(path)
    where = path.resolve().as_posix()
    placed = next((ds for ds in DATASETS if where.endswith("/" + ds.path)), None)
    known = next((ds for ds in DATASETS if ds.sha256 == checksum), placed)
    label = known.path if known is not None and where.endswith("/" + known.path) else path.name
    return _described(run, known.name if known else name, label, checksum, known)


def _described(run: ox.NamedNode, name: str, label: str, checksum: str, ds: FieldDataset | None) -> list[ox.Triple]:
    node = instance("dataset", f"{name}/{checksum[:16]}")
    triples = [ox.Triple(run, ox.NamedNode(PROV + "used"), node),
               ox.Triple(node, RDF_TYPE, ox.NamedNode(PROV + "Entity")),
               ox.Triple(node, RDF_TYPE, ox.NamedNode(DCAT + "Dataset")),
               ox.Triple(node, ox.NamedNode(DCTERMS + "title"), ox.Literal(name)),
               ox.Triple(node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(label)),
               ox.Triple(node, CHECKSUM, ox.Literal(checksum))]
    if ds is None:
        return triples
    if checksum == ds.sha256:
        triples.append(ox.Triple(node, ox.NamedNode(DCAT + "version"), ox.Literal(ds.version)))
    else:
        triples.append(ox.Triple(node, ox.NamedNode(DCTERMS + "description"), ox.Literal(
            f"another release than {ds.version} (whose SHA-256 is {ds.sha256})", language="en")))
    return triples


__all__ = ["DATASETS", "FieldDataset", "check", "FileCheck", "sha256", "used_by", "file_used"]
