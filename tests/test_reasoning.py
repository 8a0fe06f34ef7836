"""OWL 2 RL reasoning: consistent, useful, and kept apart from what was asserted."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal
from rdflib.namespace import OWL, PROV, RDF

from xianan_kg.rdf.namespaces import XK, XKI, XKJ, XKO, XKP
from xianan_kg.reason.keep import InconsistencyError
from xianan_kg.reason.reference import reason
from xianan_kg.source.load import load_ontology

# Classes that exist to organise the hierarchy or for future data; every other class must have instances.
ABSTRACT_OR_UNUSED = {XK.Country, XK.Village, XK.School, XK.EducationalOrganisation}


def test_closure_is_consistent(built):
    assert len(built.inference.graph) > 1000


def test_inferred_triples_are_new_and_rdf_1_1(built):
    for s, p, o in built.inference.graph:
        assert not isinstance(s, Literal)
        assert (s, p, o) not in built.asserted
        assert not (p == OWL.sameAs and s == o)


def test_located_in_transitively_is_the_closure_of_located_in(closure):
    assert (XKP["xiangyanghu-town"], XK.locatedInTransitive, XKP.china) in closure
    assert (XKO["xiangyanghu-judicial-office"], XK.locatedInTransitive, XKP.hubei) in closure
    assert (XKP["xiangyanghu-town"], XK.locatedIn, XKP.china) not in closure  # locatedIn stays direct


def test_contains_is_the_inverse_of_located_in(closure):
    assert (XKP.xianan, XK.contains, XKP["xiangyanghu-town"]) in closure
    assert (XKP.china, XK.containsTransitive, XKP.xianan) in closure
    assert (XKP.china, XK.contains, XKP.xianan) not in closure


def test_part_of_stays_direct(closure):
    four_firsts = XKI["four-firsts-strategy"]
    assert len(set(closure.objects(four_firsts, XK.hasPart))) == 4
    assert len(set(closure.objects(four_firsts, XK.hasPartTransitive))) > 4


def test_types_follow_the_class_hierarchy(closure):
    assert (XKP["xiangyanghu-town"], RDF.type, XK.AdministrativeDivision) in closure
    assert (XKP["xiangyanghu-town"], RDF.type, XK.Place) in closure


def test_no_class_is_empty_by_mistake(closure):
    ontology = load_ontology()
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(XK))}
    empty = {c for c in classes if not any(closure.subjects(RDF.type, c))} - ABSTRACT_OR_UNUSED
    assert empty == set()


def test_an_inconsistency_is_reported():
    g = load_ontology()
    g.add((XKP.t, RDF.type, XK.Place))
    g.add((XKP.t, RDF.type, XK.Organisation))  # disjoint classes
    with pytest.raises(InconsistencyError):
        reason(g)


def test_no_blank_nodes_leak_into_inferences(built):
    assert not any(isinstance(t, BNode) for triple in built.inference.graph for t in triple)


def test_subproperty_entailment(closure, asserted):
    """xk:investor is a kind of prov:wasAssociatedWith, so PROV-only clients see who is behind a project."""
    project = XKJ["jd-logistics-supply-chain-base"]
    investors = XKO["listed-and-leading-enterprise-investors"]
    assert (project, PROV.wasAssociatedWith, investors) not in asserted
    assert (project, PROV.wasAssociatedWith, investors) in closure


def test_honours_are_reachable_from_their_recipient(closure, asserted):
    """xk:received is the inverse of xk:recipient: ask the district for its honours directly."""
    received = set(closure.objects(XKP.xianan, XK.received))
    assert len(received) >= 10
    assert not set(asserted.objects(XKP.xianan, XK.received))
