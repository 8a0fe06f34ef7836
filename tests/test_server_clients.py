"""Standard SPARQL clients get the same answers from the endpoint as a query on the graph itself.

The graph itself (`published`) is the merge of the session build's named graphs:
asserted triples, OWL 2 RL entailments and any linksets, the endpoint's default graph.
"""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from xianan_kg.rdf.namespaces import sparql_prologue

from .protocol.live_server import published_graph_fixture, shared_server_fixture  # noqa: F401 - fixtures

HONOURS = (
    sparql_prologue()
    + """SELECT ?h ?label WHERE {
  ?h a xk:Honour ; xk:honourLevel xkc:level-national ; rdfs:label ?label FILTER(LANG(?label) = "zh")
} ORDER BY ?h"""
)
PLACES_IN_HUBEI = sparql_prologue() + "SELECT ?place WHERE { ?place xk:locatedInTransitive xkp:hubei } ORDER BY ?place"
PROJECTS = (
    sparql_prologue()
    + """CONSTRUCT { ?p a ?type ; rdfs:label ?label ; xk:projectStatus ?status }
WHERE { ?p a xk:InvestmentProject , ?type ; rdfs:label ?label . OPTIONAL { ?p xk:projectStatus ?status } }"""
)


def local_rows(published: Graph, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in row) for row in published.query(query)]


def wrapper(server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.base_url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


@pytest.mark.parametrize("query", [HONOURS, PLACES_IN_HUBEI], ids=["honours", "places-in-hubei"])
def test_sparqlwrapper_json(server, published, query):
    result = wrapper(server, query, JSON).queryAndConvert()
    variables = result["head"]["vars"]
    rows = [tuple(b[v]["value"] for v in variables) for b in result["results"]["bindings"]]
    expected = local_rows(published, query)
    assert rows == expected
    assert len(rows) >= 4  # national honours: 4 since rankings, firsts and exchanges are not honours


def test_sparqlwrapper_xml(server, published):
    document = wrapper(server, HONOURS, XML).queryAndConvert()
    rows = []
    for result in document.getElementsByTagName("result"):
        row = {b.getAttribute("name"): b.firstChild.firstChild.data for b in result.getElementsByTagName("binding")}
        rows.append((row["h"], row["label"]))
    assert rows == local_rows(published, HONOURS)


def test_sparqlwrapper_csv(server, published):
    text = wrapper(server, HONOURS, CSV).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["h", "label"]
    assert [tuple(r) for r in rows[1:]] == local_rows(published, HONOURS)


def test_sparqlwrapper_ask_and_construct(server, published):
    ask = wrapper(server, sparql_prologue() + 'ASK { xkp:xianan xk:divisionCode "421202" }', JSON)
    assert ask.queryAndConvert()["boolean"] is True
    graph = wrapper(server, PROJECTS, TURTLE).queryAndConvert()
    remote = Graph().parse(data=graph, format="turtle")
    assert isomorphic(remote, published.query(PROJECTS).graph)


def test_rdflib_sparqlstore_returns_the_same_rows(server, published):
    remote = Graph(store=SPARQLStore(query_endpoint=f"{server.base_url}/sparql", returnFormat="xml"))
    for query in (HONOURS, PLACES_IN_HUBEI):
        assert [tuple(str(t) for t in row) for row in remote.query(query)] == local_rows(published, query)
    labels = {row.label for row in remote.query(HONOURS)}
    assert Literal("全国医养结合示范县", lang="zh") in labels


def test_construct_parses_back_to_an_isomorphic_graph(server, published):
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        response = server.query(PROJECTS, accept)
        assert response.status == 200
        remote = Graph().parse(data=response.body, format=fmt)
        local = published.query(PROJECTS).graph
        assert len(remote) == len(local) > 50
        assert isomorphic(remote, local), accept
    assert (URIRef("https://xianan-kg.example.org/id/project/jd-logistics-supply-chain-base"), None, None) in remote
