"""SHACL core compiled to SPARQL on Oxigraph (xianan_kg.validate.shacl) reports exactly what pyshacl reports.

The reference is pyshacl on the shapes without their sh:sparql constraints (`core_shapes`), compared as
whole lists (focus, path, message with its "(value: …)" suffix, shape, severity, multiplicity) on every
fixture of tests/shapes/, on the review, and on the review broken in many ways (tests/test_shapes_fast.py).
The store is built as the large build builds it: typed literals under `rules.Terms.literal`'s encoding.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from tests.test_shapes_fast import BROKEN_CORE_MESSAGES, CONTEXT, FIXTURES, assert_same, broken_review
from xianan_kg.rdf.namespaces import OA, XK, XKSH
from xianan_kg.rdf.terms import TYPED, Terms, to_ox_term
from xianan_kg.source.load import load_sources
from xianan_kg.validate.constraints import Unsupported, core_shapes
from xianan_kg.validate.reference import shacl_violations
from xianan_kg.validate.report import Violation
from xianan_kg.validate.shacl import sparql_core_violations
from xianan_kg.validate.validator import load_shapes


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


@pytest.fixture(scope="module")
def core(shapes):
    """The reference's shapes: no sh:sparql constraints, the shapes' prefixes kept for the report."""
    graph = core_shapes(shapes)
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace, override=True)
    return graph


@pytest.fixture(scope="module")
def review():
    return load_sources()


def ox_term(term):
    return Terms.literal(term) if isinstance(term, Literal) else to_ox_term(term)


def build_store(*graphs: Graph) -> ox.Store:
    """Ontology + data in the default graph, typed literals encoded as the large build encodes them."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(*map(ox_term, triple)) for graph in graphs for triple in graph)
    return store


def reference(data: Graph, ontology: Graph, core: Graph) -> list[Violation]:
    return shacl_violations(data, ontology, core)


def ours(data: Graph, ontology: Graph, shapes: Graph) -> list[Violation]:
    return sparql_core_violations(build_store(ontology, data), shapes, data)


def test_store_helper_keeps_blank_node_labels_and_literals_as_written():
    node = BNode("keepme")
    graph = Graph()
    graph.add((node, XK.partNumber, Literal("46400.0", datatype=XSD.decimal)))
    (quad,) = build_store(graph)
    assert quad.subject == ox.BlankNode("keepme")
    assert quad.object == ox.Literal("46400.0", datatype=ox.NamedNode(TYPED + str(XSD.decimal)))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reports_what_pyshacl_reports(fixture, shapes, core):
    sources = load_sources(data_files=[*CONTEXT, fixture])
    expected = reference(sources.data, sources.ontology, core)
    if fixture.name.endswith("-valid.ttl"):
        assert expected == []
    assert_same(expected, ours(sources.data, sources.ontology, shapes))


def test_review_conforms(review, shapes, core):
    assert reference(review.data, review.ontology, core) == []
    assert ours(review.data, review.ontology, shapes) == []


def test_broken_review_reports_what_pyshacl_reports(review, shapes, core):
    ontology, data = broken_review(review)
    expected = reference(data, ontology, core)
    messages = [v.message for v in expected]
    for part in BROKEN_CORE_MESSAGES:
        assert any(part in m for m in messages), (part, messages)
    assert not any("xk:statedValue ×" in m for m in messages)  # sh:sparql results are not ours
    assert_same(expected, ours(data, ontology, shapes))


def _copy(graph: Graph) -> Graph:
    out = Graph(namespace_manager=graph.namespace_manager)
    for triple in graph:
        out.add(triple)
    return out


def test_encoded_literal_is_read_as_written(review, shapes, core):
    """Oxigraph would store "4"^^xsd:nonNegativeInteger as an xsd:integer, which sh:datatype xsd:integer accepts;
    pyshacl does not: the datatype as written must reach the check. "-1" is ill-typed for rdflib, which then
    orders it after 1 by datatype IRI, so pyshacl finds it within sh:minInclusive 1: one result, not two."""
    data = _copy(review.data)
    parts = sorted(s for s in data.subjects(XK.partNumber, None) if isinstance(s, URIRef))
    data.set((parts[0], XK.partNumber, Literal("4", datatype=XSD.nonNegativeInteger)))
    data.set((parts[1], XK.partNumber, Literal("-1", datatype=XSD.nonNegativeInteger)))
    expected = reference(data, review.ontology, core)
    message = "a review part has at most one xk:partNumber, a whole number from 1"
    short = data.namespace_manager.normalizeUri
    assert [(v.focus, v.path, v.message) for v in expected] == sorted(
        [
            (short(parts[0]), "xk:partNumber", f"{message} (value: 4)"),
            (short(parts[1]), "xk:partNumber", f"{message} (value: -1)"),
        ]
    )
    assert_same(expected, ours(data, review.ontology, shapes))


def test_ill_typed_selector_start_fails_the_qualified_shape(review, shapes, core):
    """A selector is checked only as a quote's qualified value: "-1"^^xsd:nonNegativeInteger makes it not count."""
    data = _copy(review.data)
    position = min(s for s in data.subjects(RDF.type, OA.TextPositionSelector) if isinstance(s, URIRef))
    data.set((position, OA.start, Literal("-1", datatype=XSD.nonNegativeInteger)))
    expected = reference(data, review.ontology, core)
    assert [(v.path, v.message) for v in expected] == [
        ("oa:hasSelector", "a quote needs exactly one oa:TextPositionSelector")
    ]
    assert_same(expected, ours(data, review.ontology, shapes))


def test_decimal_bound_and_shared_property_shape_multiplicity(review, shapes, core):
    """A value on a bound is decided as rdflib orders it; a shared property shape reports once per node shape."""
    data = _copy(review.data)
    figure = min(s for s in data.subjects(RDF.type, XK.Figure) if isinstance(s, URIRef))
    data.set((figure, XK.statedValue, Literal("0.0", datatype=XSD.decimal)))  # minInclusive 0: passes
    place = min(s for s in data.subjects(XK.divisionCode, None) if isinstance(s, URIRef))  # an xk:Place
    data.add((place, RDF.type, XK.Organisation))  # PlaceShape and OrganisationShape both hold xksh:labels
    data.add((place, URIRef(str(XK) + "inPark"), Literal("not a park")))
    data.remove((place, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None))
    expected = reference(data, review.ontology, core)
    assert sum("rdfs:label in Chinese" in v.message for v in expected) == 2
    assert_same(expected, ours(data, review.ontology, shapes))


def test_unsupported_feature_raises(review, shapes):
    closed = Graph()
    for triple in shapes:
        closed.add(triple)
    closed.add((XKSH.labels, SH.closed, Literal(True)))  # sh:closed on a node shape is compiled
    with pytest.raises(Unsupported, match="closed"):
        ours(review.data, review.ontology, closed)


def test_several_messages_raise(review, shapes):
    worded = Graph()
    for triple in shapes:
        worded.add(triple)
    worded.add((XKSH.labels, SH.message, Literal("a second message")))
    with pytest.raises(Unsupported, match="sh:message"):
        ours(review.data, review.ontology, worded)
