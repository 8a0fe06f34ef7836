"""Semi-naive rounds reach the naive fixpoint, and rules the rewriting cannot follow fall back to naive ones.

tests/test_reasoning_rules.py proves the closure equals owlrl's; here the engine itself: every rule of
ontology/rules/ is rewritable (else the build would silently run naively), the rewriting of one rule reads as
intended, and the closure on the review is the naive loop's, triple for triple.
"""

from __future__ import annotations

import logging

import pyoxigraph as ox
import pytest
from rdflib import Literal

from xianan_kg.rdf.terms import Terms
from xianan_kg.reason.rules import close, fixpoint, load_rules
from xianan_kg.reason.seminaive import NEW, NotRewritable, rewrite, seminaive_fixpoint

RDF = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
SCO = RDF + "INSERT { ?x rdf:type ?c2 }\nWHERE { ?c1 rdfs:subClassOf ?c2 . ?x rdf:type ?c1 }"


def test_every_fixpoint_rule_is_rewritable():
    updates, _ = load_rules()
    for rule in updates:
        if not rule.once:
            text = rewrite(rule.text, NEW[0], NEW[1])  # raises NotRewritable if not
            assert f"GRAPH <{NEW[1]}>" in text and f"GRAPH <{NEW[0]}>" in text, rule.name


def test_a_rule_becomes_one_update_per_premise_read_from_the_last_rounds_additions():
    text = rewrite(SCO, "urn:w", "urn:r")
    updates = text.split(" ;\n")
    assert len(updates) == 2
    assert "GRAPH <urn:r> { ?c1 rdfs:subClassOf ?c2 }" in updates[0] and "?x rdf:type ?c1" in updates[0]
    assert "GRAPH <urn:r> { ?x rdf:type ?c1 }" in updates[1] and "?c1 rdfs:subClassOf ?c2" in updates[1]
    for update in updates:  # what is new goes to the default graph and to the next round's graph, once
        assert "GRAPH <urn:w> {" in update and "FILTER NOT EXISTS { ?x rdf:type ?c2 }" in update


@pytest.mark.parametrize(
    "where",
    [
        "{ ?c1 rdfs:subClassOf ?c2 . ?x rdf:type ?c1 FILTER NOT EXISTS { ?x rdf:type ?c2 } }",
        "{ { ?c1 rdfs:subClassOf ?c2 } UNION { ?c1 rdfs:subClassOf ?c2 } ?x rdf:type ?c1 }",
        "{ ?c1 rdfs:subClassOf* ?c2 . ?x rdf:type ?c1 }",
        "{ ?c1 rdfs:subClassOf ?c2 ; rdfs:label ?l . ?x rdf:type ?c1 }",
        "{ OPTIONAL { ?c1 rdfs:subClassOf ?c2 } ?x rdf:type ?c1 }",
    ],
    ids=["negation", "union", "path", "abbreviated", "optional"],
)
def test_what_the_rewriting_cannot_follow_is_refused(where):
    with pytest.raises(NotRewritable):
        rewrite(RDF + "INSERT { ?x rdf:type ?c2 }\nWHERE " + where, "urn:w", "urn:r")


def _review_store(closure_graph) -> ox.Store:
    triples = list(closure_graph)
    terms = Terms({o for _, _, o in triples if isinstance(o, Literal)})
    store = ox.Store()
    store.bulk_extend(terms.quad(t) for t in triples)
    return store


def test_semi_naive_rounds_reach_the_naive_fixpoint_on_the_review(built):
    asserted = built.asserted
    naive, semi = _review_store(asserted), _review_store(asserted)
    updates, _ = load_rules()
    for store in (naive, semi):
        for rule in updates:
            if rule.once:
                store.update(rule.text)
    rounds = [rule for rule in updates if not rule.once]
    fixpoint(naive, rounds)
    semi_rounds = seminaive_fixpoint(semi, [rule.text for rule in rounds])
    assert set(semi) == set(naive) and len(naive) > len(asserted) + 3000
    assert semi_rounds >= 2
    assert not any(True for g in NEW for _ in semi.quads_for_pattern(None, None, None, ox.NamedNode(g)))


def test_a_rule_set_with_an_unrewritable_rule_runs_naively_and_says_so(tmp_path, caplog):
    (tmp_path / "cax-sco.ru").write_text(SCO.replace("WHERE {", "WHERE { { ?q rdfs:label ?l } UNION {} "))
    store = ox.Store()
    prefix = "http://www.w3.org/2000/01/rdf-schema#"
    store.update(
        f"INSERT DATA {{ <urn:a> <{prefix}subClassOf> <urn:b> . <urn:b> <{prefix}subClassOf> <urn:c> . "
        "<urn:x> a <urn:a> }"
    )
    with caplog.at_level(logging.WARNING):
        close(store, tmp_path)
    assert "rules run naively" in caplog.text
    typed = {q.object.value for q in store.quads_for_pattern(ox.NamedNode("urn:x"), None, None)}
    assert typed == {"urn:a", "urn:b", "urn:c"}
