"""One answer through every door: each library question, asked as the query UI, curl, SPARQLWrapper,
the CLI and the notebook API ask it, gets the answer written in queries/expected/.

The endpoint's default graph is the RDF merge of the build's graphs (asserted + entailments), so
these requests send no dataset parameters: what a new user types is what is checked.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from urllib.parse import quote

import pytest
from rdflib import DCTERMS, Graph, URIRef
from xianan_kg.server import ServerConfig, create_app

from xianan_kg.query.api import execute, from_named, list_queries, load_graph, run_query
from xianan_kg.rdf.namespaces import XK
from xianan_kg.store.results import QueryResult, from_srj

from .answers import differences, is_ordered, load_expected

LOCAL = [q for q in list_queries() if not q.needs_internet]
UI_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"  # server/static/ui/query.js, ACCEPT


def query_id(query) -> str:
    return query.name


@pytest.fixture(scope="module")
def client(dist):
    return create_app(ServerConfig(dist=dist, cache=False)).test_client()


def answer_of(response) -> QueryResult:
    assert response.status_code == 200, response.get_data(as_text=True)
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    if media_type == "application/sparql-results+json":
        return from_srj(json.loads(response.get_data(as_text=True)))
    assert media_type == "text/turtle", media_type
    return QueryResult("CONSTRUCT", graph=Graph().parse(data=response.get_data(as_text=True), format="turtle"))


def check(query, answer: QueryResult) -> None:
    assert differences(answer, load_expected(query.expected_path), is_ordered(query.text)) == []


@pytest.mark.parametrize("query", LOCAL, ids=query_id)
def test_as_the_query_ui_asks(query, client):
    """The editor loads the file from /queries/NAME.rq and POSTs it as a form, Accept as in query.js."""
    text = client.get(f"/queries/{query.name}.rq").get_data(as_text=True)
    assert text == query.text
    check(query, answer_of(client.post("/sparql", data={"query": text}, headers={"Accept": UI_ACCEPT})))


@pytest.mark.parametrize("query", LOCAL, ids=query_id)
def test_as_curl_asks(query, client):
    """`curl --data-urlencode query@queries/NAME.rq URL/sparql`: a form POST, Accept */*, no dataset."""
    response = client.post(
        "/sparql",
        data=f"query={quote(query.text)}",
        headers={"Accept": "*/*", "Content-Type": "application/x-www-form-urlencoded"},
    )
    check(query, answer_of(response))


@pytest.mark.parametrize("query", LOCAL, ids=query_id)
def test_as_a_get_asks(query, client):
    """GET /sparql?query=… with no dataset parameters."""
    check(query, answer_of(client.get("/sparql", query_string={"query": query.text})))


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
def test_as_the_notebook_api_and_cli_ask(engine, dist):
    """`run_query(name)` with no `inferred` (what `xianan-kg query NAME` runs) on either engine."""
    store = load_graph(dist, engine=engine)
    wrong = {}
    for query in LOCAL:
        found = differences(
            run_query(query.name, store=store), load_expected(query.expected_path), is_ordered(query.text)
        )
        if found:
            wrong[query.name] = found
    assert wrong == {}


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


def test_as_sparqlwrapper_asks_a_live_server(dist):
    """One live server on 127.0.0.1; SPARQLWrapper's defaults (GET, JSON), no dataset parameters."""
    from SPARQLWrapper import JSON, SPARQLWrapper
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(ServerConfig(dist=dist, cache=False)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}/sparql"
        wrong = {}
        for name in ("four-firsts-strategy", "projects-by-status", "national-honours", "ask-xianan-is-in-hubei"):
            query = next(q for q in LOCAL if q.name == name)
            client = SPARQLWrapper(endpoint)
            client.setTimeout(10)
            client.setQuery(query.text)
            client.setReturnFormat(JSON)
            found = differences(
                from_srj(client.query().convert()), load_expected(query.expected_path), is_ordered(query.text)
            )
            if found:
                wrong[name] = found
        assert wrong == {}
    finally:
        server.shutdown()
        thread.join(5)


def test_the_linked_data_page_gives_the_same_parts(client):
    """The entity's RDF document states the four direct parts, and their closure under its own name."""
    response = client.get("/id/initiative/four-firsts-strategy.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    strategy = URIRef("https://xianan-kg.example.org/id/initiative/four-firsts-strategy")
    assert len(set(graph.objects(strategy, XK.hasPart))) == 4
    assert len(set(graph.objects(strategy, XK.hasPartTransitive))) > 4
