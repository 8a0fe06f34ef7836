"""A reconciler run's decisions written as a linkset (links, evidence records, the run) and as the review table
a person reads before committing it."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from xianan_kg.link.linkset import REVIEW_COLUMNS, add_link
from xianan_kg.link.reconcile import Decision
from xianan_kg.link.wikidata import describe_wikidata
from xianan_kg.rdf.namespaces import ID, XK, bind_prefixes


def linkset_graph(
    decisions: list[Decision], *, linkset: str, endpoint: str, threshold: Decimal, when: datetime
) -> Graph:
    """The links of the decisions that are links, each with its record, and the run that made them."""
    graph = bind_prefixes(Graph())
    describe_wikidata(graph)
    day = when.date().isoformat()
    activity = ID[f"activity/link/{linkset}/{day}"]
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"与维基数据对齐({day})", lang="zh")))
    graph.add((activity, RDFS.label, Literal(f"Reconciliation with Wikidata ({day})", lang="en")))
    graph.add((activity, PROV.startedAtTime, Literal(when)))
    graph.add((activity, PROV.used, URIRef(endpoint)))
    graph.add((activity, XK.scoreThreshold, Literal(threshold)))
    for decision in decisions:
        if decision.predicate is None:
            continue
        c = decision.candidate
        record = add_link(
            graph,
            linkset,
            (c.entity.iri, decision.predicate, c.item),
            method=c.method,
            score=Literal(c.score),
            matched_on=c.matched_on,
            activity=activity,
        )
        graph.add((record, DCTERMS.date, Literal(when.date())))
        graph.add((record, RDFS.comment, Literal(c.evidence, lang="en")))
    return graph


def write_review(decisions: list[Decision], path: Path) -> int:
    """Candidates that did not become links, as CSV for a person to judge; returns how many."""
    rows = [
        {
            "entity": str(c.entity.iri),
            "label": c.entity.label,
            "item": str(c.item),
            "item_label": c.item_label,
            "method": str(c.method).rsplit("/", 1)[-1],
            "matched_on": str(c.matched_on),
            "score": str(c.score),
            "reason": d.reason,
            "evidence": c.evidence,
        }
        for d in decisions
        if d.predicate is None
        for c in [d.candidate]
    ]
    rows.sort(key=lambda r: (r["entity"], -Decimal(r["score"]), r["item"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


# --- Reading linksets for the build ---
