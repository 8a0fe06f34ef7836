"""Vocabulary alignment: only true, documented mappings, only verified Wikidata identifiers, a small closure."""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import BASE, SCHEMA, SDMX_MEASURE, WD, XK, XKFIG, XKP, bind_prefixes
from xianan_kg.source.load import load_ontology

# The Wikidata properties shared/FACTS.md verifies; no item (Q-number) belongs in the ontology.
VERIFIED_PROPERTIES = {WD[p] for p in ("P442", "P31", "P17", "P131", "P166", "P1082", "P625", "P452", "P248", "P585")}
MAPPINGS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.narrowMatch,
    SKOS.broadMatch,
    SKOS.relatedMatch,
)


def alignments() -> Graph:
    return bind_prefixes(Graph()).parse(paths.ONTOLOGY_DIR / "alignments.ttl")


def test_alignments_are_part_of_the_ontology():
    ontology = load_ontology()
    assert set(alignments()) <= set(ontology)


def test_only_verified_wikidata_properties_and_no_items():
    used = {t for triple in load_ontology() for t in triple if isinstance(t, URIRef) and t.startswith(str(WD))}
    assert used <= VERIFIED_PROPERTIES
    assert {WD.P131, WD.P166, WD.P442} <= used


def test_no_equivalence_or_identity_with_external_terms():
    ontology = load_ontology()
    for p in (OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs):
        external = [(s, o) for s, o in ontology.subject_objects(p) if not str(o).startswith(BASE)]
        assert external == [], p


def test_readme_shows_every_alignment():
    graph = alignments()
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \|$", readme, re.MULTILINE))
    stated = {
        tuple(graph.namespace_manager.normalizeUri(t) for t in (s, p, o))
        for p in MAPPINGS
        for s, o in graph.subject_objects(p)
        if str(s).startswith(BASE)
    }
    assert len(stated) == 13
    assert stated == rows


def test_alignments_entail_what_they_promise(closure):
    assert (XKP["huanhe-river"], RDF.type, SCHEMA.Landform) in closure
    figure = XKFIG["general-public-budget-revenue-2023"]
    assert closure.value(figure, SDMX_MEASURE.obsValue) == closure.value(figure, XK["value"])
    assert (XKP.xianan, SCHEMA.identifier, None) in closure


def test_the_closure_stays_small(built):
    """OWL 2 RL over ontology + alignments + data adds fewer triples than were asserted."""
    assert len(built.inference.graph) < len(built.asserted) / 2
