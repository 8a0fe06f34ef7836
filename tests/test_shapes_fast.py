"""The validator (SHACL core compiled to SPARQL + the shapes' SPARQL constraints) reports exactly what pyshacl reports.

Whole lists are compared (focus, path, message with its "(value: …)" suffix, shape, severity) on
every fixture of tests/shapes/, on the review's data, and on a copy of the review broken in many
different ways at once.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, QB, RDF, RDFS, SH, SKOS, XSD

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import OA, XK, XKC, XKSH
from xianan_kg.source.load import Sources, load_sources
from xianan_kg.validate.reference import shacl_violations
from xianan_kg.validate.report import Violation
from xianan_kg.validate.validator import load_shapes
from xianan_kg.validate.validator import shacl_results as fast_shacl_violations

SHAPES_DIR = Path(__file__).parent / "shapes"
CONTEXT = [paths.DATA_DIR / f for f in ("places.ttl", "organisations.ttl", "dataset.ttl")]
FIXTURES = sorted(SHAPES_DIR.glob("*-valid.ttl")) + sorted(SHAPES_DIR.glob("*-invalid-*.ttl"))


@pytest.fixture(autouse=True)
def answered_by_the_fast_path(caplog):
    """A fallback to pyshacl would make every comparison pass: none may happen here."""
    yield
    assert "running pyshacl" not in caplog.text, caplog.text


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


@pytest.fixture(scope="module")
def review():
    return load_sources()


def assert_same(reference: list[Violation], fast: list[Violation]) -> None:
    """Equal lists, or a diff a person can read: what only one side reports."""
    only_reference = [v for v in reference if v not in fast]
    only_fast = [v for v in fast if v not in reference]
    diff = "\n".join(
        [*(f"- pyshacl only: {v!r}" for v in only_reference), *(f"+ fast only:    {v!r}" for v in only_fast)]
    )
    assert fast == reference, diff or f"same violations, different multiplicity or order:\n{reference}\n{fast}"


# Broken fixtures whose violation a check beside SHACL reports (validate/figures.py: a stated value not in its
# quote, digits or Chinese numerals): no shape fails on them, in either engine.
CHECKED_BESIDE_SHACL = {"FigureShape-invalid-09.ttl"}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reports_what_pyshacl_reports(fixture, shapes):
    sources = load_sources(data_files=[*CONTEXT, fixture])
    reference = shacl_violations(sources.data, sources.ontology, shapes)
    if fixture.name not in CHECKED_BESIDE_SHACL:
        assert ("-invalid-" in fixture.name) == bool(reference)
    assert_same(reference, fast_shacl_violations(sources.data, sources.ontology, shapes))


def test_review_conforms_on_the_fast_path(review, shapes):
    assert shacl_violations(review.data, review.ontology, shapes) == []
    assert fast_shacl_violations(review.data, review.ontology, shapes) == []


def _first(graph: Graph, predicate: URIRef, obj: object = None) -> URIRef:
    return min(s for s in graph.subjects(predicate, obj) if isinstance(s, URIRef))


def _copy(graph: Graph) -> Graph:
    out = Graph(namespace_manager=graph.namespace_manager)
    for triple in graph:
        out.add(triple)
    return out


def broken_review(review: Sources) -> tuple[Graph, Graph]:
    """The review's ontology and data with violations of many different constraints (core and SPARQL)."""
    ontology, data = _copy(review.ontology), _copy(review.data)
    figures = sorted(s for s in data.subjects(RDF.type, XK.Figure) if isinstance(s, URIRef))
    fig_value, fig_negative, fig_year, fig_growth, fig_dataset = figures[:5]
    stated = data.value(fig_value, XK.value)
    data.set((fig_value, XK.value, Literal(stated.value + 1, datatype=XSD.decimal)))  # SPARQL: value ≠ stated × factor
    data.set((fig_negative, XK.statedValue, Literal("-2.50", datatype=XSD.decimal)))  # minInclusive
    data.set((fig_negative, XK.value, Literal("-2.50", datatype=XSD.decimal)))  # SPARQL: negative, not growth
    data.set((fig_year, XK.refYear, Literal("2023")))  # datatype
    data.add((fig_year, XK.refYear, Literal("2022", datatype=XSD.gYear)))  # maxCount
    data.set((fig_growth, XK.measureType, XKC["measure-growth"]))  # SPARQL: growth without comparison year
    data.remove((fig_growth, XK.comparisonYear, None))
    data.set((fig_dataset, QB.dataSet, URIRef("https://xianan-kg.example.org/id/dataset/other")))  # not a qb:DataSet
    # datatype; pyrudof's entries print this value canonically ("…Z"), pyshacl as rdflib writes it ("…+00:00")
    data.set((fig_dataset, XK.comparisonYear, Literal("2022-01-01T00:00:00Z", datatype=XSD.dateTime)))
    place = _first(data, XK.wikidataDivisionCode)  # a unit down to the county: townships carry no P442 form
    data.set((place, XK.divisionCode, Literal("42120")))  # pattern; SPARQL: codes disagree
    data.add((place, RDFS.comment, Literal("地方", lang="zh")))  # languageIn
    labelled = _first(data, XK.projectStatus)
    data.add((labelled, RDFS.label, Literal("second", lang="en")))  # uniqueLang
    data.add((_first(data, XK.locatedIn), XK.locatedIn, Literal("Xian'an")))  # nodeKind and class
    data.remove((_first(data, XK.honourLevel), XK.honourLevel, None))  # minCount
    unit = _first(ontology, XK.conversionFactor)  # minExclusive; SPARQL: its figures' values
    ontology.set((unit, XK.conversionFactor, Literal("0.0", datatype=XSD.decimal)))
    concept = _first(data, SKOS.inScheme)
    data.remove((concept, SKOS.inScheme, None))  # minCount on a concept
    position = _first(data, OA.start)
    data.set((position, OA.start, Literal(10**6, datatype=XSD.nonNegativeInteger)))  # lessThan: quote qualified
    quotes = sorted(
        q for q in data.subjects(OA.hasSelector, None, unique=True) if q != data.value(None, OA.hasSelector, position)
    )
    data.remove((quotes[0], OA.hasSelector, data.value(quotes[0], OA.hasSelector)))  # qualifiedMinCount
    extra = URIRef(str(quotes[1]) + "-extra-selector")
    data.add((quotes[1], OA.hasSelector, extra))  # qualifiedMaxCount
    data.add((extra, RDF.type, OA.TextQuoteSelector))
    data.add((extra, OA.exact, Literal("区")))
    return ontology, data


# What `broken_review` breaks, as parts of the messages: the shapes' SPARQL constraints, then SHACL core.
BROKEN_SPARQL_MESSAGES = [
    "xk:value must equal xk:statedValue",
    "only a growth rate may be negative",
    "a year-on-year growth rate needs xk:comparisonYear",
    "xk:wikidataDivisionCode must be xk:divisionCode grouped",
]
BROKEN_CORE_MESSAGES = [
    "the non-negative xsd:decimal as written (value: -2.50)",
    "exactly one xk:refYear (xsd:gYear) (value: 2023)",
    "a figure belongs to the data set",
    "xk:comparisonYear is at most one xsd:gYear (value: 2022-01-01T00:00:00+00:00)",
    "xk:divisionCode is the 6- or 9-digit NBS code",
    "rdfs:comment must be tagged @en",
    "needs exactly one rdfs:label in Chinese",
    "xk:locatedIn must point to an xk:Place",
    "an honour needs its level",
    "a unit needs one positive xsd:decimal",
    "a concept belongs to a skos:ConceptScheme",
    "a quote needs exactly one oa:TextPositionSelector",
    "a quote needs exactly one oa:TextQuoteSelector",
]


def test_broken_review_reports_what_pyshacl_reports(review, shapes):
    ontology, data = broken_review(review)
    reference = shacl_violations(data, ontology, shapes)
    expected = BROKEN_SPARQL_MESSAGES + BROKEN_CORE_MESSAGES
    messages = [v.message for v in reference]
    assert [m for m in expected if not any(m in message for message in messages)] == [], messages
    assert_same(reference, fast_shacl_violations(data, ontology, shapes))


def test_sparql_constraint_violation_is_found_by_the_fast_path(review, shapes):
    """A figure whose value is not its stated value × the unit's factor breaks only the SPARQL constraint."""
    data = _copy(review.data)
    figure = min(s for s in data.subjects(RDF.type, XK.Figure) if isinstance(s, URIRef))
    wrong = Literal("123456.00", datatype=XSD.decimal)
    data.set((figure, XK.value, wrong))
    found = fast_shacl_violations(data, review.ontology, shapes)
    assert found == [
        Violation(
            focus=data.namespace_manager.normalizeUri(figure),
            path="",
            message="xk:value must equal xk:statedValue × the stated unit's xk:conversionFactor (value: 123456.00)",
            shape=data.namespace_manager.normalizeUri(XKSH.FigureShape),
        )
    ]
    assert found == shacl_violations(data, review.ontology, shapes)


def test_fast_path_fetches_nothing_it_is_pointed_at(review, shapes):
    """owl:imports in the shapes and the data, and a class target on a dereferenceable IRI, reach no server."""
    requests = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        here = Namespace(f"http://127.0.0.1:{server.server_port}/")
        pointed = _copy(shapes)
        pointed.add((XKSH.ImportingShapes, OWL.imports, here["shapes"]))
        pointed.add((XKSH.RemoteShape, SH.targetClass, here["Class"]))
        pointed.add((XKSH.RemoteShape, SH["class"], here["Other"]))
        pointed.add((XKSH.RemoteShape, SH.message, Literal("must be an Other")))
        data = _copy(review.data)
        data.add((here["thing"], RDF.type, here["Class"]))
        data.add((here["thing"], OWL.imports, here["data"]))
        found = fast_shacl_violations(data, review.ontology, pointed)
    finally:
        server.shutdown()
    assert requests == []
    assert [(v.shape, v.message) for v in found] == [
        ("xksh:RemoteShape", f"must be an Other (value: <{here['thing']}>)")
    ]
    assert found == shacl_violations(data, review.ontology, pointed)
