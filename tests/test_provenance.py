"""Every fact is traceable to the exact words it came from, at the recorded positions."""

from __future__ import annotations

import hashlib

from rdflib import URIRef
from rdflib.namespace import DCAT, FOAF, PROV, QB, RDF, SKOS

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import BASE, OA, SOURCE_IRI, XK

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


def test_every_quote_is_at_its_recorded_position(sources):
    text = sources.source.text
    quotes = list(sources.data.subjects(RDF.type, XK.Quote))
    assert len(quotes) > 250
    for quote in quotes:
        exact = start = end = None
        for sel in sources.data.objects(quote, OA.hasSelector):
            exact = sources.data.value(sel, OA.exact) or exact
            start = sources.data.value(sel, OA.start) or start
            end = sources.data.value(sel, OA.end) or end
        assert text[int(start) : int(end)] == str(exact), quote
        assert str(quote).endswith(f"/{int(start)}-{int(end)}")


def test_quotes_are_verbatim_modulo_whitespace(sources):
    """The authoring form may drop the blank lines of the printed page, nothing else."""
    compact = "".join(sources.source.text.split())
    for sel in sources.data.subjects(RDF.type, OA.TextQuoteSelector):
        exact = str(sources.data.value(sel, OA.exact))
        assert "".join(exact.split()) in compact


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
        if set(data.objects(node, RDF.type)) & METADATA_TYPES or node == SOURCE_IRI:
            continue
        if data.value(node, PROV.wasDerivedFrom) is None:
            missing.append(str(node))
    assert missing == []


def test_no_authoring_shorthand_survives_the_build(asserted):
    assert list(asserted.triples((None, XK.quote, None))) == []
