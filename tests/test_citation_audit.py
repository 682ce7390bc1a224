"""The citation audit of the rules and the ontology: every page cited is one the chapter's notes give for that
work (or `unverified`, with a paraphrase), and no rule or term cites a page or a section for a claim it does not
make. Parses the shipped files with rdflib; regression tests for the corrections of the audit."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from rdflib import DCTERMS, OWL, RDF, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
CS = Namespace("https://w3id.org/coopsec/ontology#")
RULE = "https://w3id.org/coopsec/id/rule/"
WORK = "https://w3id.org/coopsec/id/work/"
CHAPTER = "keating-wheeler-2013"
#: the section headings of Keating and Wheeler (2013), in order
SECTIONS = ("Introduction", "Conceptualizing Security", "The Security Dilemma", "Security Complexes and Regimes",
            "Security Communities", "Building Trust in World Politics", "The European Community and ASEAN Compared",
            "Conclusion")


@cache
def rules() -> Graph:
    g = Graph()
    g.parse(ROOT / "data" / "rules.ttl", format="turtle")
    return g


@cache
def ontology() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "coopsec.ttl", format="turtle")
    for path in sorted((ROOT / "ontology" / "modules").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def sources(g: Graph, subject: URIRef) -> list[dict[str, str]]:
    """The source notes of a subject: work key, pages, section, footnote, paraphrase, note (absent ones empty)."""
    out = []
    for node in g.objects(subject, DCTERMS.source):
        entry = {key: str(g.value(node, CS[key]) or "") for key in ("pages", "section", "footnote", "paraphrase",
                                                                      "note")}
        entry["work"] = str(g.value(node, CS.work) or "").removeprefix(WORK)
        out.append(entry)
    return out


def all_sources() -> list[tuple[str, dict[str, str]]]:
    return [(str(s), src) for g in (rules(), ontology()) for s in set(g.subjects(DCTERMS.source, None))
            for src in sources(g, s)]


def rule(slug: str) -> URIRef:
    iri = URIRef(RULE + slug)
    assert (iri, RDF.type, CS.Rule) in rules(), slug
    return iri


def cites(srcs: list[dict[str, str]], work: str, pages: str | None = None) -> bool:
    return any(s["work"] == work and (pages is None or pages in s["pages"].split(", ")) for s in srcs)


@cache
def footnote_pages() -> dict[str, set[str]]:
    """work key -> every page or range the chapter's footnotes give for it (data/citations.yaml)."""
    data = yaml.safe_load((ROOT / "data" / "citations.yaml").read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for note in data["footnotes"]:
        for cite in note.get("cites") or []:
            if cite.get("pages") is not None:
                out.setdefault(cite["work"], set()).add(str(cite["pages"]))
    return out


@cache
def footnote_cites() -> dict[int, set[tuple[str, str]]]:
    data = yaml.safe_load((ROOT / "data" / "citations.yaml").read_text(encoding="utf-8"))
    return {int(note["footnote"]): {(c["work"], str(c.get("pages"))) for c in note.get("cites") or []}
            for note in data["footnotes"]}


# --- Deutsch p. 5 (note 32) supports the definition only ---------------------------------------------

def test_deutsch_page_5_is_cited_only_by_rules_resting_on_the_definition() -> None:
    citing = {s.removeprefix(RULE) for s in map(str, rules().subjects(RDF.type, CS.Rule))
              if cites(sources(rules(), URIRef(s)), "deutsch-etal-1957", "5")}
    # the definition quoted under note 32: integration, sense of community, dependable expectations of peaceful change
    assert citing <= {"dependable-expectations", "dyad-security-community"}, citing
    for slug in ("participants", "regional-integration", "pluralistic-security-community", "no-force", "no-planning"):
        assert not cites(sources(rules(), rule(slug)), "deutsch-etal-1957", "5"), slug


def test_rules_that_left_deutsch_page_5_cite_what_supports_them() -> None:
    regional = sources(rules(), rule("regional-integration"))
    assert any(s["work"] == CHAPTER and s["section"] == "Security Complexes and Regimes" for s in regional)
    assert cites(regional, "buzan-etal-1998", "12")
    planning = sources(rules(), rule("no-planning"))
    assert any(s["work"] == CHAPTER and s["section"] == "Security Communities" for s in planning)
    assert any(s["work"] == "collins-2007" and s["pages"] == "216" and s["footnote"] == "92" for s in planning)
    for slug in ("no-force", "pluralistic-security-community"):  # Deutsch for what note 32 does not cover
        deutsch = [s for s in sources(rules(), rule(slug)) if s["work"] == "deutsch-etal-1957"]
        assert deutsch and all(s["pages"] == "unverified" and s["paraphrase"] for s in deutsch), slug


# --- Jervis pp. 360-62 (note 28) are the conditions for forming a regime -------------------------------

def test_jervis_conditions_are_not_cited_for_rules_that_do_not_rest_on_them() -> None:
    for slug in ("regime-ended", "regime-breaking-force", "conflict-formation", "dyad-sustained-force"):
        assert not cites(sources(rules(), rule(slug)), "jervis-1982", "360-62"), slug
    for slug in ("jervis-no-expansion", "jervis-great-power", "jervis-costliness", "regime-conduct"):
        assert cites(sources(rules(), rule(slug)), "jervis-1982", "360-62"), slug


def test_robust_security_regime_cites_collins_as_note_93_does() -> None:
    srcs = sources(rules(), rule("robust-security-regime"))
    assert not cites(srcs, "jervis-1982")
    assert any(s["work"] == "collins-2000" and s["pages"] == "106" and s["footnote"] == "93" for s in srcs)
    assert any(s["work"] == "collins-2007" and s["footnote"] == "93" and s["note"] for s in srcs)  # 'Ibid.'
    assert any(s["work"] == CHAPTER and s["section"] == "The European Community and ASEAN Compared" for s in srcs)


# --- pages --------------------------------------------------------------------------------------------

def _bib_ranges(path: Path) -> dict[str, set[str]]:
    """work key -> its full page range from the bibliography, written the ways a source might give it."""
    out: dict[str, set[str]] = {}
    for key, body in re.findall(r"@\w+\{([^,\s]+),(.*?)\n\}", path.read_text(encoding="utf-8"), re.S):
        found = re.search(r"pages\s*=\s*\{(\d+)-+(\d+)\}", body)
        if found:
            first, last = found.groups()
            # 331-348, 331-48, 331--348, 331\u2013348: every abbreviation that drops leading digits shared with the first
            tails = {last[k:] for k in range(len(last)) if last[:k] == first[:k]}
            out[key] = {f"{first}{dash}{tail}" for tail in tails for dash in ("-", "--", "\u2013")}
    return out


def test_no_dataset_article_is_cited_by_its_whole_page_range() -> None:
    ranges = _bib_ranges(ROOT / "data" / "datasets.bib")
    assert {"klein-etal-2006", "lemke-reed-2001", "stinnett-etal-2002"} <= set(ranges)
    wrong = [(term, s["work"], s["pages"]) for term, s in all_sources()
             if s["work"] in ranges and s["pages"] in ranges[s["work"]]]
    assert not wrong, wrong
    for work in ("klein-etal-2006", "lemke-reed-2001", "stinnett-etal-2002"):
        cited = [s for _, s in all_sources() if s["work"] == work]
        assert cited and all(s["pages"] == "unverified" and s["paraphrase"] for s in cited), work


def test_every_page_cited_is_one_the_chapters_notes_give_for_that_work() -> None:
    given = footnote_pages()
    wrong = [(term, s["work"], part) for term, s in all_sources() if s["pages"] and s["pages"] != "unverified"
             for part in s["pages"].split(", ") if part not in given.get(s["work"], set())]
    assert not wrong, wrong


def test_a_source_with_a_footnote_and_pages_matches_that_footnote() -> None:
    notes = footnote_cites()
    wrong = [(term, s["footnote"], s["work"], s["pages"]) for term, s in all_sources()
             if s["footnote"] and s["pages"] and s["pages"] != "unverified"
             and (s["work"], s["pages"]) not in notes.get(int(s["footnote"]), set())]
    assert not wrong, wrong


def test_every_unverified_page_says_what_the_work_is_cited_for() -> None:
    bare = [(term, s["work"]) for term, s in all_sources() if s["pages"] == "unverified"
            and not (s["paraphrase"] or s["note"])]
    assert not bare, bare


# --- sections -----------------------------------------------------------------------------------------

def test_every_section_is_a_heading_of_the_chapter_and_only_the_chapter_has_sections() -> None:
    wrong = [(term, s["work"], s["section"]) for term, s in all_sources()
             if s["section"] and (s["work"] != CHAPTER or s["section"] not in SECTIONS)]
    assert not wrong, wrong


def test_event_types_the_chapter_does_not_discuss_do_not_cite_a_section_that_never_names_them() -> None:
    g = ontology()
    for name in ("Abrogation", "ArbitrationRejected", "Secession"):
        srcs = sources(g, CS[name])
        assert srcs, name
        assert not any(s["section"] == "Security Complexes and Regimes" for s in srcs), name
        assert not cites(srcs, "jervis-1982"), name
        assert g.value(CS[name], URIRef("http://www.w3.org/2004/02/skos/core#note")), name  # a modelling choice
        assert all(s["paraphrase"] for s in srcs if s["work"] == CHAPTER), name


def test_dispute_data_terms_cite_the_dispute_data_not_the_security_dilemma() -> None:
    g = ontology()
    for name in ("MilitarizedDispute", "DisplayOfForce"):
        srcs = sources(g, CS[name])
        assert not any(s["section"] == "The Security Dilemma" for s in srcs), name
        assert any(s["work"] == "gibler-etal-2016" and s["pages"] == "unverified" and s["paraphrase"]
                   for s in srcs), name


# --- properties ---------------------------------------------------------------------------------------

def test_every_property_of_a_source_note_is_declared_in_the_ontology() -> None:
    declared = set(ontology().subjects(RDF.type, OWL.AnnotationProperty))
    used = {p for g in (rules(), ontology()) for node in g.objects(None, DCTERMS.source)
            for p in g.predicates(node, None)}
    assert used and used <= declared, used - declared
