"""/sparql against the real server: every rule of the SPARQL 1.1 Protocol we promise, and the known traps.

One server (the session's build, on a free port of 127.0.0.1) answers every test.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from urllib.parse import quote, urlencode

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from xianan_kg.rdf.namespaces import SD, XKP, sparql_prologue
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_DIVISIONS, GRAPH_INFERRED, GRAPH_ONTOLOGY

from .protocol.live_server import published_graph_fixture, shared_server_fixture  # noqa: F401 - fixtures

FORM = "application/x-www-form-urlencoded"
GROWTH = (
    sparql_prologue()
    + """SELECT ?fig ?value WHERE {
  ?fig qb:dataSet <https://xianan-kg.example.org/id/dataset/figures-2023> ;  # the review's (not the bulletin's)
       xk:measureType xkc:measure-growth ; xk:value ?value . FILTER(?value > 0.08) } ORDER BY ?fig"""
)
ASK_XIANAN = sparql_prologue() + 'ASK { xkp:xianan xk:divisionCode "421202" }'
CONSTRUCT_XIANAN = sparql_prologue() + "CONSTRUCT { xkp:xianan ?p ?o } WHERE { xkp:xianan ?p ?o }"
GROWTH_FIGS = {
    "general-public-budget-revenue-growth-2023",
    "retail-sales-of-consumer-goods-growth-2023",
    "total-imports-and-exports-growth-2023",
    "industrial-enterprise-quality-and-efficiency-growth-2023",
}


def bindings(response) -> list[dict]:
    assert response.media_type == "application/sparql-results+json", response.text
    return json.loads(response.text)["results"]["bindings"]


def slugs(response) -> set[str]:
    return {b["fig"]["value"].rsplit("/", 1)[-1] for b in bindings(response)}


# --- the three ways to send a query ---


def test_get_answers_in_json_by_default(server):
    response = server.query(GROWTH)
    assert response.status == 200
    assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert slugs(response) == GROWTH_FIGS


def test_post_form_and_post_direct_answer_alike(server):
    form = server.request("POST", "/sparql", urlencode({"query": GROWTH}), {"Content-Type": FORM})
    direct = server.request("POST", "/sparql", GROWTH, {"Content-Type": "application/sparql-query"})
    assert form.status == direct.status == 200
    assert slugs(form) == slugs(direct) == GROWTH_FIGS


def test_head_has_headers_and_no_body(server):
    response = server.request("HEAD", "/sparql?" + urlencode({"query": ASK_XIANAN}))
    assert response.status == 200
    assert response.media_type == "application/sparql-results+json"
    assert response.body == b""


# --- content negotiation ---


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.9, application/sparql-results+json;q=0.1", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        ("text/html, */*;q=0.8", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(server, accept, media_type):
    response = server.query(GROWTH, accept)
    assert response.status == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert "Accept" in response.headers["vary"]


def test_select_csv_and_tsv_hold_the_rows(server):
    csv_lines = server.query(GROWTH, "text/csv").text.splitlines()
    tsv_lines = server.query(GROWTH, "text/tab-separated-values").text.splitlines()
    assert csv_lines[0] == "fig,value"
    assert tsv_lines[0] == "?fig\t?value"
    assert len(csv_lines) == len(tsv_lines) == 1 + len(GROWTH_FIGS)
    assert any(line.startswith("<https://xianan-kg.example.org/id/figure/") for line in tsv_lines[1:])


def test_select_in_turtle_is_406(server):
    response = server.query(GROWTH, "text/turtle")
    assert response.status == 406
    assert response.media_type == "text/plain"
    assert "application/sparql-results+json" in response.text


def test_ask_in_json_xml_and_not_csv(server):
    assert json.loads(server.query(ASK_XIANAN).text) == {"head": {}, "boolean": True}
    xml = server.query(ASK_XIANAN, "application/sparql-results+xml")
    assert "<boolean>true</boolean>" in xml.text
    assert server.query(ASK_XIANAN, "text/csv").status == 406


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("application/trig", "application/trig", "trig"),
        ("application/json", "application/ld+json", "json-ld"),
    ],
)
def test_construct_formats_parse_back(server, accept, media_type, rdflib_format):
    response = server.query(CONSTRUCT_XIANAN, accept)
    assert response.status == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    graph = Graph().parse(data=response.body, format=rdflib_format)
    assert (XKP.xianan, URIRef("https://xianan-kg.example.org/ontology#divisionCode"), Literal("421202")) in graph


def test_construct_in_json_results_is_406(server):
    assert server.query(CONSTRUCT_XIANAN, "application/sparql-results+json").status == 406


def test_describe_is_labelled_as_rdf(server):
    response = server.query(sparql_prologue() + "DESCRIBE xkp:xianan")
    assert response.status == 200
    assert response.media_type == "text/turtle"
    graph = Graph().parse(data=response.body, format="turtle")
    assert (XKP.xianan, RDF.type, None) in graph


def test_construct_with_relative_iris_resolves_against_the_endpoint(server):
    response = server.request(
        "POST", "/sparql", "CONSTRUCT { <s> <p> 1 } WHERE {}", {"Content-Type": "application/sparql-query"}
    )
    assert response.status == 200
    graph = Graph().parse(data=response.body, format="turtle")
    assert set(graph) == {
        (
            URIRef("https://xianan-kg.example.org/s"),
            URIRef("https://xianan-kg.example.org/p"),
            Literal(1, datatype=XSD.integer),
        )
    }


# --- the traps ---


def test_form_body_is_decoded_once(server):
    body = urlencode({"query": 'SELECT ("100%41" AS ?x) {}'})
    assert "100%2541" in body
    response = server.request("POST", "/sparql", body, {"Content-Type": FORM})
    assert bindings(response) == [{"x": {"type": "literal", "value": "100%41"}}]


def test_utf16_body_is_415_not_500(server):
    response = server.request(
        "POST", "/sparql", "ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}
    )
    assert response.status == 415
    assert "UTF-8" in response.text


def test_undecodable_body_is_400(server):
    response = server.request("POST", "/sparql", b"ASK { \xff }", {"Content-Type": "application/sparql-query"})
    assert response.status == 400
    assert "not valid UTF-8" in response.text


def test_body_without_content_type_is_415(server):
    for body in ("query=ASK%20%7B%7D", "ASK {}"):
        response = server.request("POST", "/sparql", body)
        assert response.status == 415
        assert "no Content-Type" in response.text


def test_other_content_type_is_415(server):
    response = server.request("POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"})
    assert response.status == 415
    assert "text/plain" in response.text


def test_several_queries_are_400(server):
    response = server.get("/sparql", [("query", "ASK {}"), ("query", "SELECT * {}")])
    assert response.status == 400
    assert "2 queries" in response.text
    both = server.request("POST", "/sparql?query=ASK%7B%7D", "ASK {}", {"Content-Type": "application/sparql-query"})
    assert both.status == 400


# --- errors ---


def test_syntax_error_is_400_with_line_and_column(server):
    response = server.query("SELECT ?x WHERE {\n  ?x ?y \n}")
    assert response.status == 400
    assert response.media_type == "text/plain"
    assert "syntax error" in response.text
    assert re.search(r"syntax error at line 3, column \d+: ", response.text)  # line 3: the pattern is incomplete
    assert len(response.text.strip().splitlines()) == 1
    assert "Traceback" not in response.text


def test_missing_query_is_400(server):
    response = server.get("/sparql", Accept="application/sparql-results+json")
    assert response.status == 400
    assert "no query" in response.text
    posted = server.request("POST", "/sparql", "", {"Content-Type": FORM})
    assert posted.status == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(server, method):
    response = server.request(method, "/sparql?query=ASK%20%7B%7D")
    assert response.status == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert response.media_type == "text/plain"


def test_oversized_body_is_413(server):
    response = server.request(
        "POST", "/sparql", "ASK {}" + " " * 1_100_000, {"Content-Type": "application/sparql-query"}
    )
    assert response.status == 413


# --- read-only ---


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("GET", "/sparql?update=CLEAR%20ALL", None, None),
        ("POST", "/sparql", "update=CLEAR%20ALL", FORM),
        ("POST", "/sparql", "INSERT DATA { <a:a> <a:b> <a:c> }", "application/sparql-update"),
        ("POST", "/sparql", "query=" + quote("INSERT DATA { <a:a> <a:b> <a:c> }"), FORM),
        ("POST", "/sparql", "LOAD <http://127.0.0.1:9/x.ttl>", "application/sparql-update"),
    ],
)
def test_updates_are_refused_as_read_only(server, method, path, body, content_type):
    response = server.request(method, path, body, {"Content-Type": content_type} if content_type else {})
    assert response.status == 403
    assert "read-only" in response.text
    assert server.query(ASK_XIANAN).text == '{"head":{},"boolean":true}'


# --- nothing ever leaves 127.0.0.1 for a remote IRI ---


@pytest.fixture()
def listener():
    """A socket on 127.0.0.1 that records whether anything connected to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            connections.append(conn.recv(1000))
            conn.close()

    thread = threading.Thread(target=accept)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/", connections
    stop.set()
    thread.join()
    sock.close()


def test_service_and_load_are_refused_and_never_called(server, listener):
    url, connections = listener
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <{url}> SELECT * WHERE {{ SERVICEex:x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o.service <{url}> {{ ?s ?p ?o }} }}",
    ]
    for q in queries:
        response = server.query(q)
        assert response.status == 403, q
        assert "SERVICE" in response.text
    load = f"LOAD <{url}data.ttl>"
    assert server.request("POST", "/sparql", load, {"Content-Type": "application/sparql-update"}).status == 403
    assert server.query(load).status == 403
    assert connections == []


def test_remote_graphs_are_400_and_never_fetched(server, listener):
    url, connections = listener
    responses = [
        server.query(f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}"),
        server.query(f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        server.get("/sparql", {"query": "ASK {}", "default-graph-uri": url + "data.ttl"}),
        server.get("/sparql", {"query": "ASK {}", "named-graph-uri": url + "data.ttl"}),
    ]
    for response in responses:
        assert response.status == 400
        assert "not a graph of this dataset" in response.text
        assert GRAPH_DATA in response.text
    assert connections == []


def test_service_iris_in_strings_and_names_are_fine(server):
    query = sparql_prologue() + 'SELECT ?service WHERE { BIND("SERVICE <http://x>" AS ?service) ?b a xk:ServiceBrand }'
    assert server.query(query).status == 200


# --- the dataset: union by default, our graphs selectable ---


def count(server, query: str, extra: list[tuple[str, str]] = ()) -> int:
    response = server.get("/sparql", [("query", query), *extra])
    return int(bindings(response)[0]["n"]["value"])


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_default_graph_is_the_union_of_the_named_graphs_but_the_code_list(server, published, built):
    counts = json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))["graphs"]
    assert count(server, COUNT) == len(published) - counts[GRAPH_DIVISIONS]  # asked with GRAPH or FROM


def test_default_graph_uri_selects_our_graphs(server, built):
    counts = json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))["graphs"]
    for name in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED):
        assert count(server, COUNT, extra=[("default-graph-uri", name)]) == counts[name]


def test_from_selects_our_graphs_and_protocol_wins(server, built):
    counts = json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))["graphs"]
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
    assert count(server, query) == counts[GRAPH_ONTOLOGY]
    assert count(server, query, extra=[("default-graph-uri", GRAPH_DATA)]) == counts[GRAPH_DATA]
    prefixed = "PREFIX g: <https://xianan-kg.example.org/graph/> BASE <https://xianan-kg.example.org/graph/> "
    assert count(server, prefixed + "SELECT (COUNT(*) AS ?n) FROM g:data WHERE { ?s ?p ?o }") == counts[GRAPH_DATA]
    assert (
        count(server, prefixed + "SELECT (COUNT(*) AS ?n) FROM <ontology> WHERE { ?s ?p ?o }") == counts[GRAPH_ONTOLOGY]
    )
    assert server.query(prefixed + "SELECT * FROM g:elsewhere WHERE { ?s ?p ?o }").status == 400


def test_named_graphs_only_leave_the_default_graph_empty(server):
    params = [("named-graph-uri", GRAPH_DATA)]
    assert count(server, COUNT, extra=params) == 0
    response = server.get("/sparql", [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), *params])
    assert [b["g"]["value"] for b in bindings(response)] == [GRAPH_DATA]


# --- CORS and caching ---


def test_cors_on_get_post_and_preflight(server):
    get = server.get("/sparql", {"query": ASK_XIANAN}, Origin="https://example.com")
    assert get.headers["access-control-allow-origin"] == "*"
    post = server.request("POST", "/sparql", ASK_XIANAN, {"Content-Type": "application/sparql-query"})
    assert post.headers["access-control-allow-origin"] == "*"
    preflight = server.request(
        "OPTIONS",
        "/sparql",
        headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "content-type"


def test_etag_last_modified_and_304(server):
    first = server.query(GROWTH)
    etag = first.headers["etag"]
    assert etag.startswith('"')  # strong: the same tag means the same bytes
    assert "last-modified" in first.headers
    again = server.get("/sparql", {"query": GROWTH}, If_None_Match=etag)
    assert again.status == 304
    assert again.body == b""
    other_format = server.query(GROWTH, "text/csv")
    assert other_format.headers["etag"] != etag


# --- service description ---


def test_service_description_for_rdf_accept(server, built):
    response = server.get("/sparql", Accept="text/turtle")
    assert response.status == 200
    assert response.media_type == "text/turtle"
    graph = Graph().parse(data=response.body, format="turtle")
    endpoint = URIRef(f"{server.base_url}/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(set(graph.objects(endpoint, SD.resultFormat))) == 10
    dataset = graph.value(endpoint, SD.defaultDataset)
    names = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert names == set(json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))["graphs"])
    assert {GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED} <= names
    assert graph.value(dataset, SD.defaultGraph) is not None


def test_browser_without_query_gets_the_ui(server):
    response = server.get("/sparql", Accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert response.status == 303
    assert response.headers["location"] == "/"
    page = server.get("/", Accept="text/html")
    assert page.status == 200
    assert '<form action="/sparql"' in page.text
