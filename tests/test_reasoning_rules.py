"""The SPARQL rules of ontology/rules/ keep exactly what owlrl's OWL 2 RL closure keeps, and find the same
contradictions, so the build may use the fast path with owlrl as the reference."""

from __future__ import annotations

import shutil
import sys

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, XSD

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import SCHEMA, SDMX_MEASURE, XK, XKP, bind_prefixes
from xianan_kg.rdf.release import GRAPH_INFERRED
from xianan_kg.rdf.terms import TYPED, Terms
from xianan_kg.reason.keep import InconsistencyError
from xianan_kg.reason.reference import reason
from xianan_kg.reason.rules import load_rules, reason_with_rules
from xianan_kg.source.load import load_ontology, load_sources

sys.path.insert(0, str(paths.ROOT / "bench"))

import gen  # noqa: E402 - bench/gen.py


def difference(expected: Graph, actual: Graph, limit: int = 20) -> str:
    """Which kept triples only one side has, in Turtle terms, to read on failure."""
    nm = bind_prefixes(Graph()).namespace_manager
    lines = []
    for label, triples in (("owlrl only", set(expected) - set(actual)), ("rules only", set(actual) - set(expected))):
        lines.append(f"{label}: {len(triples)}")
        lines += ["    " + " ".join(t.n3(nm) for t in triple) for triple in sorted(triples)[:limit]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def owlrl_kept(built):
    """owlrl's, computed here: the build may take its entailments from the rules."""
    return reason(built.asserted)


@pytest.fixture(scope="module")
def fast(built):
    return reason_with_rules(built.asserted)


def test_the_rules_keep_what_owlrl_keeps_on_the_review(owlrl_kept, fast):
    assert set(fast.graph) == set(owlrl_kept.graph), difference(owlrl_kept.graph, fast.graph)
    assert fast.counts == owlrl_kept.counts
    assert len(fast.graph) > 3000


def test_the_rules_keep_what_owlrl_keeps_on_two_districts(owlrl_kept):
    """On two districts the rules keep owlrl's entailments of the review, copied once per district."""
    two = gen.synthetic_sources(2)
    expected = gen.synthetic_graphs(2, base=load_sources(), inferred=owlrl_kept.graph)[GRAPH_INFERRED]
    actual = reason_with_rules(two.combined()).graph
    assert set(actual) == set(expected), difference(expected, actual)
    assert len(actual) > len(owlrl_kept.graph)


def ontology_with(*triples) -> Graph:
    graph = load_ontology()
    for triple in triples:
        graph.add(triple)
    return graph


CONTRADICTIONS = {
    # Place and Organisation are members of an owl:AllDisjointClasses in the ontology.
    "cax-adc": [(XKP.t, RDF.type, XK.Place), (XKP.t, RDF.type, XK.Organisation)],
    "cax-dw": [
        (XK.Hospital, OWL.disjointWith, XK.Kindergarten),
        (XKP.t, RDF.type, XK.Hospital),
        (XKP.t, RDF.type, XK.Kindergarten),
    ],
    "cls-nothing2": [(XKP.t, RDF.type, OWL.Nothing)],
}


@pytest.mark.parametrize("rule", sorted(CONTRADICTIONS))
def test_a_contradiction_is_reported_by_both_reasoners(rule):
    graph = ontology_with(*CONTRADICTIONS[rule])
    with pytest.raises(InconsistencyError):
        reason(graph)
    with pytest.raises(InconsistencyError) as raised:
        reason_with_rules(graph)
    assert f"{rule} (OWL 2 RL" in str(raised.value)  # names the rule, then the culprits
    assert f"?x = <{XKP.t}>" in str(raised.value)


def test_every_contradiction_check_has_a_fixture():
    _, checks = load_rules()
    assert {check.name for check in checks} == set(CONTRADICTIONS)


def without(rule: str, target) -> object:
    shutil.copytree(paths.RULES_DIR, target)
    next(target.glob(f"{rule}.r?")).unlink()
    return target


# Graphs on which a rule that is idle on the review is at work: the data types every node, gives no
# subject two values of a functional property and states no owl:sameAs; the ontology has no chain of
# subproperties.
AT_WORK = {
    "prp-dom": [(XKP.a, XK.projectSite, XKP.b)],
    "prp-rng": [(XKP.a, XK.projectSite, XKP.b)],
    "scm-spo": [(XKP.sub, RDFS.subPropertyOf, XK.investor)],
    "prp-fp": [
        (XKP.f, XK.indicator, XKP.i1),
        (XKP.f, XK.indicator, XKP.i2),
        (XKP.g, XK.locatedIn, XKP.i2),
        (XKP.r, XK.partNumber, Literal("2", datatype=XSD.integer)),
        (XKP.r, XK.partNumber, Literal("3", datatype=XSD.integer)),
        (XKP.h, XK.consecutiveYears, Literal("2", datatype=XSD.integer)),
    ],
    "eq-sym": [(XKP.a, OWL.sameAs, XKP.b)],
    "eq-rep": [(XKP.a, OWL.sameAs, XKP.b), (XKP.b, OWL.sameAs, XKP.c), (XKP.c, XK.locatedIn, XKP.d)],
}


@pytest.mark.parametrize("rule", [rule.name for rule in load_rules()[0]])
def test_every_rule_is_needed_or_says_why_not(rule, built, fast, tmp_path):
    """Drop one rule: what the build keeps must change, unless the rule's header says why it is idle here
    and a small graph shows it at work, as owlrl does."""
    (update,) = [r for r in load_rules()[0] if r.name == rule]
    idle = [line for line in update.header() if line.startswith("# idle:")]
    rules = without(rule, tmp_path / "rules")
    dropped = reason_with_rules(built.asserted, rules).graph
    assert (set(dropped) == set(fast.graph)) == bool(idle), update.summary
    if idle:
        graph = ontology_with(*AT_WORK[rule])
        complete, slow = reason_with_rules(graph).graph, reason(graph).graph
        assert set(complete) == set(slow), difference(slow, complete)
        assert set(reason_with_rules(graph, rules).graph) != set(complete)


def test_literals_come_back_as_written():
    """Oxigraph keeps values ("4"^^xsd:nonNegativeInteger is "4"^^xsd:integer there); the rules must not."""
    written = [
        Literal("4", datatype=XSD.integer),
        Literal("4", datatype=XSD.nonNegativeInteger),
        Literal("46400.0", datatype=XSD.decimal),
        Literal("x"),
        Literal("x", datatype=XSD.string),
        Literal("县", lang="zh"),
    ]
    terms = Terms(written)
    stored = [terms.literal(lit) for lit in written]
    assert len(set(stored)) == len(written)
    assert stored[1].datatype.value == TYPED + str(XSD.nonNegativeInteger)
    back = [terms.term(lit) for lit in stored]
    assert [(str(lit), lit.datatype, lit.language) for lit in back] == [
        (str(lit), lit.datatype, lit.language) for lit in written
    ]


def test_an_inferred_triple_keeps_its_literal():
    """xk:value is a subproperty of sdmx-measure:obsValue: each copy carries its decimal or integer as written."""
    graph = ontology_with(
        (XKP.f, XK.value, Literal("46400.0", datatype=XSD.decimal)),
        (XKP.g, XK.value, Literal("46400", datatype=XSD.integer)),
    )
    fast, slow = reason_with_rules(graph).graph, reason(graph).graph
    assert set(fast) == set(slow), difference(slow, fast)
    assert set(fast.objects(None, SDMX_MEASURE.obsValue)) == {
        Literal("46400.0", datatype=XSD.decimal),
        Literal("46400", datatype=XSD.integer),
    }


def test_language_tags_come_back_as_written():
    """Oxigraph lowercases language tags and rdflib compares them ignoring case: compare the tags themselves."""
    graph = ontology_with((XKP.a, XK.divisionCode, Literal("x", lang="zh-Hans")))
    (value,) = reason_with_rules(graph).graph.objects(XKP.a, SCHEMA.identifier)
    assert value.language == "zh-Hans"
