"""Ontology quality: the OOPS! pitfalls and FOOPS! metadata checks that run offline, as SPARQL.

Each query in ontology/qc/ returns one row per violation; the ontology passes when
all return nothing. A deliberately broken ontology shows that each query can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from xianan_kg.rdf import paths
from xianan_kg.source.load import load_ontology

from .conftest import FIXTURES

QC_QUERIES = sorted(paths.QC_DIR.glob("*.rq"))


def rows(graph: Graph, query: Path) -> list[tuple]:
    return [tuple(str(v) for v in row) for row in graph.query(query.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def test_there_are_qc_queries():
    assert len(QC_QUERIES) >= 10


@pytest.mark.parametrize("query", QC_QUERIES, ids=lambda p: p.stem)
def test_ontology_passes(ontology, query):
    assert rows(ontology, query) == []


@pytest.mark.parametrize("query", QC_QUERIES, ids=lambda p: p.stem)
def test_check_catches_the_broken_ontology(query):
    broken = Graph().parse(FIXTURES / "broken-ontology.ttl")
    assert rows(broken, query), f"{query.name} found nothing in the broken ontology"


def test_data_uses_only_declared_terms(ontology, sources):
    """OOPS! P34/P35 over the data too: every xk: class and property the data uses is declared."""
    both = ontology + sources.data
    assert rows(both, paths.QC_DIR / "untyped-term.rq") == []
