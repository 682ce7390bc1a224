"""Where the publishers' files of the dyad-year graph are (``DataFiles``), in the shared data folder's layout,
for the reader (``dyad_graph.py``) and the build (``ingest/dyad_years.py``, which hands it on). The catalogue
of the data sets, with each file's expected name and checksum, is ``ingest/field_datasets.py``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import UsageError


@dataclass(frozen=True)
class DataFiles:
    """Where the publishers' files are, in the shared data folder's layout (docs/guide/datasets.md)."""

    root: Path

    @property
    def dyad_years(self) -> Path:
        return self.root / "cow" / "directed-dyad-years.csv.gz"

    @property
    def mid(self) -> Path:
        return self.root / "mid" / "gml-mid-dyad-years-2.1.1.csv"

    @property
    def wars(self) -> Path:
        return self.root / "cow" / "interstate-war-dyad-years.csv"

    @property
    def atop(self) -> Path:
        return self.root / "atop" / "atop-dyad-years.csv.gz"

    @property
    def atop_members(self) -> Path:
        """ATOP's member-level file: which pacts have only two members (a consultation pledge counts
        towards a security regime only from such a pact; data/rules.ttl, rule:dyad-security-regime)."""
        return self.root / "atop" / "atop-member-level.csv"

    @property
    def igo(self) -> Path:
        return self.root / "cow" / "igo-shared-memberships-dyad-years.csv.gz"

    @property
    def contiguity(self) -> Path:
        return self.root / "cow" / "direct-contiguity.csv"

    @property
    def majors(self) -> Path:
        return self.root / "cow" / "major-powers.csv"

    @property
    def distance(self) -> Path:
        return self.root / "cow" / "minimum-distance-dyad-years.csv.gz"

    def all(self) -> tuple[Path, ...]:
        return (self.dyad_years, self.mid, self.wars, self.atop, self.atop_members, self.igo, self.contiguity,
                self.majors, self.distance)

    def check(self) -> None:
        missing = [str(f) for f in self.all() if not f.is_file()]
        if missing:
            raise UsageError(f"data files missing under {self.root}: {', '.join(missing)} (`coopsec datasets` "
                             "lists each file, where to obtain it and its expected name)")


def resolve_data_dir(data_dir: Path | None) -> Path:
    """``--data-dir``, else ``COOPSEC_DATA``; never a path relative to the current directory by default. A
    folder that does not exist is refused here, as `coopsec datasets check` refuses it, rather than as a
    list of every file missing from it."""
    env = os.environ.get("COOPSEC_DATA")
    given, where = (data_dir, "--data-dir") if data_dir is not None else (Path(env) if env else None, "COOPSEC_DATA")
    if given is not None:
        if not given.exists():
            raise UsageError(f"{where} {given}: no such folder; give the folder holding cow/, mid/ and atop/ "
                             "(`coopsec datasets` lists each file and where to obtain it)")
        if not given.is_dir():
            raise UsageError(f"{where} {given}: that is a file; give the folder holding cow/, mid/ and atop/")
        return given
    raise UsageError("give --data-dir DIR (the folder holding cow/, mid/ and atop/ as shipped) or set COOPSEC_DATA; "
                     "`coopsec datasets` lists each file, where to obtain it and where to put it")
