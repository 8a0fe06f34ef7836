"""One answer wherever it is asked: what the default graph holds, and SPARQLWrapper against a live server.

The endpoint's default graph is the RDF merge of the build's graphs (asserted + entailments), so
requests send no dataset parameters: what a new user types is what is checked. Every library
question through every other door is tests/test_library_answers.py's matrix.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import DCTERMS, Graph, URIRef
from xianan_kg.server import ServerConfig, create_app

from xianan_kg.query.api import execute, from_named, list_queries, load_graph
from xianan_kg.rdf.namespaces import XK
from xianan_kg.store.results import from_srj

from .answers import differences, is_ordered, load_expected

LOCAL = [q for q in list_queries() if not q.needs_internet]


@pytest.fixture(scope="module")
def client(dist):
    return create_app(ServerConfig(dist=dist, cache=False)).test_client()


def test_the_default_graph_is_a_merge(client):
    """No triple comes back twice: every triple of the release is in one named graph only."""
    body = client.post(
        "/sparql",
        data={"query": "SELECT (COUNT(*) AS ?all) (COUNT(DISTINCT *) AS ?distinct) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()
    row = body["results"]["bindings"][0]
    assert int(row["all"]["value"]) == int(row["distinct"]["value"]) > 10_000


def test_no_triple_is_in_two_graphs(built):
    lines = built.files["xianan-kg.nq"].read_text(encoding="utf-8").splitlines()
    triples = Counter(line.rsplit(" ", 2)[0] for line in lines if line.strip())
    assert [t for t, n in triples.items() if n > 1] == []


def test_the_service_description_says_what_the_default_graph_holds(client):
    text = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    graph = Graph().parse(data=text, format="turtle")
    descriptions = {str(o) for o in graph.objects(None, DCTERMS.description)}
    assert any("OWL 2 RL entailments" in d and "in the default graph once" in d for d in descriptions), descriptions


def test_a_direct_question_does_not_change_with_reasoning(dist):
    """xk:hasPart means directly: the Four Firsts have four parts with or without the closure."""
    store = load_graph(dist)
    query = next(q for q in LOCAL if q.name == "four-firsts-strategy")
    with_closure = execute(from_named(query), store, inferred=True)
    asserted_only = execute(from_named(query), store, inferred=False)
    assert len(with_closure.rows) == len(asserted_only.rows) == 4


def test_as_sparqlwrapper_asks_a_live_server(live_endpoint):
    """SPARQLWrapper's defaults (GET, JSON), no dataset parameters."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    wrong = {}
    for name in ("four-firsts-strategy", "projects-by-status", "national-honours", "ask-xianan-is-in-hubei"):
        query = next(q for q in LOCAL if q.name == name)
        client = SPARQLWrapper(live_endpoint)
        client.setTimeout(10)
        client.setQuery(query.text)
        client.setReturnFormat(JSON)
        found = differences(
            from_srj(client.query().convert()), load_expected(query.expected_path), is_ordered(query.text)
        )
        if found:
            wrong[name] = found
    assert wrong == {}


def test_the_linked_data_page_gives_the_same_parts(client):
    """The entity's RDF document states the four direct parts, and their closure under its own name."""
    response = client.get("/id/initiative/four-firsts-strategy.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    strategy = URIRef("https://xianan-kg.example.org/id/initiative/four-firsts-strategy")
    assert len(set(graph.objects(strategy, XK.hasPart))) == 4
    assert len(set(graph.objects(strategy, XK.hasPartTransitive))) > 4
