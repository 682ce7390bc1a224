"""Rows the dyad-year rules do not classify, and the order the rules are applied in.

Regressions of the 2026-12 audit: rows after 2010 (``--to 2012``) were no_data but still carried
``interdependence`` and ``gml_disputes_window`` computed over years the dispute data do not cover; and
data/rules.ttl's cs:order ranked sustained force before rivalry and the regime before the community, the
reverse of the precedence rule-90 applies.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cooperative_security.classify.dyads import classify
from cooperative_security.export.dyads import dataframe
from cooperative_security.ingest.dyad_years import DataFiles, build, new_store
from cooperative_security.queries import load_query

HERE = Path(__file__).parent / "data"
#: what the rules infer over windows (export/dyads.py: the INFERRED_GRAPH columns)
INFERRED = ("interdependence", "gml_disputes_window", "last_dispute_year", "last_fatal_dispute_year",
            "last_war_year", "unassessed", "margin", "margin_on")


def test_no_data_rows_carry_nothing_inferred_over_uncovered_years() -> None:
    store = new_store()
    build(store, DataFiles(HERE / "layout"), 2009, 2012)
    classify(store, 2009, 2012)
    frame = dataframe(store).set_index(["ccode1", "ccode2", "year"])
    greece_turkey = frame.loc[(350, 640)]
    covered = greece_turkey.loc[2010]
    assert not covered.no_data and covered.gml_disputes_window >= 1 and pd.notna(covered.interdependence)
    late = frame[frame.index.get_level_values("year") > 2010]
    assert len(late) and late.no_data.all() and late.position.isna().all()
    for column in INFERRED:
        assert late[column].isna().all(), column
    assert greece_turkey.loc[2011].conttype == covered.conttype  # the data themselves are still given


def test_rule_order_follows_the_precedence_rule_90_applies() -> None:
    import rdflib

    from cooperative_security.resources import data_dir

    g = rdflib.Graph().parse(data_dir() / "rules.ttl")
    cs = rdflib.Namespace("https://w3id.org/coopsec/ontology#")
    rule = rdflib.Namespace("https://w3id.org/coopsec/id/rule/")
    ranked = re.findall(r"\(rule:(dyad-[a-z-]+) (\d)\)", load_query("classify/dyads/rule-90-position").text)
    assert len(ranked) == 5
    precedence = [name for name, _ in sorted(ranked, key=lambda pair: int(pair[1]))]
    order = {name: int(g.value(rule[name], cs.order)) for name in precedence}
    assert sorted(precedence, key=order.__getitem__) == precedence, order
    assert int(g.value(rule["dyad-undetermined"], cs.order)) > max(order.values())
