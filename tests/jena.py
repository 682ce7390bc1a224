"""Apache Jena from Debian (``libapache-jena-java``) or from an Apache distribution (``JENA_HOME``), started from
Python: the class path, and why a test that needs it is skipped.

Debian's jena-core relocates the XML Schema datatype classes it embeds to ``xerces.*`` but leaves their message
resources under ``org/apache/jena/ext/xerces``, so Jena fails to start; :func:`classpath` copies those
resources to where the classes look for them (a folder put first on the class path).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

DEBIAN_JARS = Path("/usr/share/java")
# SLF4J bindings and bridges that clash with each other when the whole folder is on the class path
_CLASHING = ("slf4j-log4j12", "slf4j-jcl", "slf4j-jdk14", "slf4j-simple", "slf4j-migrator", "log4j-over-slf4j",
             "maven3-slf4j-provider", "jul-to-slf4j", "jcl-over-slf4j")
_RELOCATED = "org/apache/jena/ext/xerces/"


def jars() -> list[Path]:
    home = os.environ.get("JENA_HOME")
    if home:
        return sorted((Path(home) / "lib").glob("*.jar"))
    if not (DEBIAN_JARS / "jena-arq.jar").is_file():
        return []
    # the unversioned names only (Debian links each to its versioned jar), without clashing logging bindings
    return sorted(p for p in DEBIAN_JARS.glob("*.jar")
                  if not any(ch.isdigit() for ch in p.stem.rpartition("-")[2][:1])
                  and not p.stem.startswith(_CLASHING))


def skip_reason() -> str | None:
    """Why Jena cannot run here, or None."""
    if shutil.which("java") is None:
        return "java is not installed (install default-jre-headless and libapache-jena-java)"
    if not jars():
        return "Apache Jena is not installed: no /usr/share/java/jena-arq.jar (libapache-jena-java) and no JENA_HOME"
    return None


def _resource_fix(found: list[Path], folder: Path) -> Path | None:
    """Copy the XML Schema message resources of a relocated jena-core to where its classes look for them."""
    core = next((j for j in found if j.name.startswith("jena-core")), None)
    if core is None:
        return None
    with zipfile.ZipFile(core) as zf:
        names = zf.namelist()
        if "xerces/impl/dv/SchemaDVFactory.class" not in names or "xerces/impl/msg/XMLSchemaMessages.properties" in names:
            return None
        for name in names:
            if name.startswith(_RELOCATED) and not name.endswith("/"):
                target = folder / "xerces" / name.removeprefix(_RELOCATED)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
    return folder


def classpath(work: Path, logging: bool = False) -> str:
    """Jena's class path, with the resource fix made under ``work``. With ``logging``, Jena's warnings and
    errors go to standard error (SLF4J's simple binding in place of Debian's no-op one), for a test that must
    see them."""
    found = jars()
    if logging and found and found[0].parent == DEBIAN_JARS:
        found = [j for j in found if not j.stem.startswith("slf4j-nop")] + [DEBIAN_JARS / "slf4j-simple.jar"]
    fix = _resource_fix(found, work / "jena-resources")
    return os.pathsep.join(([str(fix)] if fix else []) + [str(j) for j in found])
