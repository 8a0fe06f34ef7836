"""Every fact is traceable to the exact words it came from, at the recorded positions."""

from __future__ import annotations

import hashlib

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, QB, RDF, SKOS, XSD

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import BASE, OA, SOURCE_IRI, XK
from xianan_kg.rdf.release import GRAPH_DATA

from .conftest import DOCUMENTS

# Nodes that describe the dataset rather than state a fact of the review.
METADATA_TYPES = {
    DCAT.Dataset,
    QB.DataSet,
    QB.DataStructureDefinition,
    QB.ComponentSpecification,
    SKOS.ConceptScheme,
    FOAF.Document,
    XK.Indicator,
    XK.Quote,
    OA.TextQuoteSelector,
    OA.TextPositionSelector,
}


def test_source_is_the_published_file_unchanged(sources):
    raw = paths.SOURCE_FILE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == "e69306a657e790326373a416e898882bab9f94966f330ba20d309289335c9f71"
    assert str(sources.data.value(SOURCE_IRI, XK.sha256)) == hashlib.sha256(raw).hexdigest()


def test_every_quote_is_found_exactly_once(sources):
    assert [str(p) for p in sources.quote_problems] == []


def test_there_are_two_documents_each_in_its_own_graph(sources):
    assert list(DOCUMENTS) == ["xianan-2023-review", "jianshi-2023-statistical-bulletin"]
    assert set(sources.graphs) == {d.graph for d in DOCUMENTS.values()}
    assert DOCUMENTS.main.graph == GRAPH_DATA  # the review's graph keeps its name


def test_every_source_text_is_described_with_its_digest_and_terms(sources):
    """Sources are data: each text of data/source/ has its file, sha256, size, place, year and terms in the graph."""
    for document in DOCUMENTS.values():
        raw = document.text.path.read_bytes()
        node, data = document.iri, sources.graphs[document.graph]
        assert (node, RDF.type, FOAF.Document) in data, node
        assert data.value(node, XK.sha256) == Literal(hashlib.sha256(raw).hexdigest(), datatype=XSD.hexBinary)
        assert data.value(node, DCTERMS.identifier) == Literal(f"data/source/{document.text.path.name}")
        assert int(data.value(node, DCAT.byteSize)) == len(raw)
        assert data.value(node, DCTERMS.spatial) is not None and data.value(node, DCTERMS.temporal) is not None
        assert data.value(node, DCTERMS.rights) is not None or data.value(node, DCTERMS.license) is not None


def test_every_quote_anchors_in_its_own_document(sources):
    """A quote of a document's graph points to that document's text, never to another's."""
    for document in DOCUMENTS.values():
        quotes = set(sources.graphs[document.graph].subjects(RDF.type, XK.Quote))
        assert quotes, document.name
        assert {sources.data.value(q, OA.hasSource) for q in quotes} == {document.iri}, document.name


def test_every_quote_is_at_its_recorded_position(sources):
    texts = {d.iri: d for d in DOCUMENTS.values()}
    quotes = list(sources.data.subjects(RDF.type, XK.Quote))
    assert len(quotes) > 250
    for quote in quotes:
        exact = start = end = None
        for sel in sources.data.objects(quote, OA.hasSelector):  # (not `or`: a quote may start at 0, a falsy literal)
            exact = exact if sources.data.value(sel, OA.exact) is None else sources.data.value(sel, OA.exact)
            start = start if sources.data.value(sel, OA.start) is None else sources.data.value(sel, OA.start)
            end = end if sources.data.value(sel, OA.end) is None else sources.data.value(sel, OA.end)
        document = texts[sources.data.value(quote, OA.hasSource)]
        assert document.text.text[int(start) : int(end)] == str(exact), quote
        assert quote == document.quote_iri(int(start), int(end))
        assert str(quote).endswith(f"/{int(start)}-{int(end)}" if document.main else f"-{int(start)}-{int(end)}")


def test_quotes_are_verbatim_modulo_whitespace(sources):
    """The authoring form may drop the blank lines of the printed page, nothing else."""
    compact = {d.iri: "".join(d.text.text.split()) for d in DOCUMENTS.values()}
    for quote in sources.data.subjects(RDF.type, XK.Quote):
        for sel in sources.data.objects(quote, OA.hasSelector):
            exact = sources.data.value(sel, OA.exact)
            if exact is not None:
                assert "".join(str(exact).split()) in compact[sources.data.value(quote, OA.hasSource)]


def test_broken_sentences_are_quoted_across_the_blank_line(sources):
    exacts = {str(o) for o in sources.data.objects(None, OA.exact)}
    assert any("奋进智能车\n\n等一批" in e for e in exacts)
    assert any("国贸三角\n\n洲广场" in e for e in exacts)


def test_every_fact_node_has_provenance(sources):
    data = sources.data
    missing = []
    for node in set(data.subjects(RDF.type, None)):
        if not isinstance(node, URIRef) or not str(node).startswith(BASE) or "#" in str(node):
            continue
        if set(data.objects(node, RDF.type)) & METADATA_TYPES or node in {d.iri for d in DOCUMENTS.values()}:
            continue
        if data.value(node, PROV.wasDerivedFrom) is None:
            missing.append(str(node))
    assert missing == []


def test_no_authoring_shorthand_survives_the_build(asserted):
    assert list(asserted.triples((None, XK.quote, None))) == []
