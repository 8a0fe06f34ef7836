"""Crafted input that used to fool the endpoint (issue 15, point 4): each case answered wrongly or with a 500 before.

- two queries differing only inside what a lax tokenizer took for an IRI and a comment
  shared one cache entry: the second got the first one's answer;
- a graph named twice (default-graph-uri, FROM) was merged twice, doubling every count;
- `Host:` was reflected into the VoID and service descriptions and into routing redirects,
  and the nginx of docs/deploy.md cached answers without the host in its key;
- `/\\evil.example/` put an off-site link (a browser reads `/\\` as `//`) in the page;
- `/source?start=²`, `①` and a 4,301-digit start, and malformed chunked bodies, were 500s;
- `Transfer-Encoding: identity, chunked` was accepted.
"""

from __future__ import annotations

import json
import re
import socket

import pytest
from xianan_kg.server.cache import normalise_query

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import BASE
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_ONTOLOGY

from .conftest import app_client
from .protocol.live_server import start_server

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def client(dist):
    with app_client(dist, timeout=5, max_concurrent=1) as client:
        yield client


def answer(client, params: dict | list, **headers: str) -> tuple[list[dict], str]:
    response = client.get("/sparql", query_string=params, headers={"Accept": JSON, **headers})
    assert response.status_code == 200, response.data
    return json.loads(response.data)["results"]["bindings"], response.headers.get("X-Cache", "")


def count(client, params: dict | list) -> int:
    rows, _ = answer(client, params)
    return int(rows[0]["n"]["value"])


# --- the answer cache keys on the query as the engine reads it ---

COMPARE = "SELECT ?x WHERE {{ BIND('> #B' AS ?a) BIND(?a<'> #{0}' AS ?x) }}"


def test_queries_differing_after_a_hash_in_a_string_get_their_own_answers(client):
    first, _ = answer(client, {"query": COMPARE.format("A")})
    second, cached = answer(client, {"query": COMPARE.format("C")})
    assert (first[0]["x"]["value"], second[0]["x"]["value"], cached) == ("false", "true", "MISS")


DISTINCT = [  # pairs the engine reads differently: never one key
    (COMPARE.format("A"), COMPARE.format("C")),
    ("SELECT * { ?s ?p 'a  #b' }", "SELECT * { ?s ?p 'a #b' }"),
    ('SELECT * { ?s ?p """a\n  # b""" }', 'SELECT * { ?s ?p """a\n # b""" }'),
    ("SELECT * { ?s ?p 'it\\'s  #x' }", "SELECT * { ?s ?p 'it\\'s #x' }"),
    ("PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a\\#b }", "PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a\\#c }"),
    ("SELECT * { ?s ?p <http://e/a#b> }", "SELECT * { ?s ?p <http://e/a#c> }"),
    ("SELECT * { ?s ?p '\\u0020 #a' }", "SELECT * { ?s ?p '\\u0020  #a' }"),
    ("SELECT ?x { BIND(1.e1 AS ?x) }", "SELECT ?x { BIND(1. e1 AS ?x) }"),
    ("PREFIX \u1680: <http://a/> SELECT * { ?s ?p \u1680:x }", "PREFIX \u1680: <http://a/> SELECT * { ?s ?p  :x }"),
    ("SELECT * { ?s ?p 'a", "SELECT * { ?s ?p 'a "),
]


@pytest.mark.parametrize(("one", "other"), DISTINCT)
def test_different_queries_never_share_a_key(one, other):
    assert normalise_query(one) != normalise_query(other)


SAME = [  # white space and comments between tokens: one key
    ("SELECT * { ?s ?p ?o }", "SELECT *\n{\t?s ?p ?o # any\n}"),
    ("PREFIX o: <http://e/o#>\nSELECT * { ?s a o:T }", "PREFIX o: <http://e/o#>  SELECT * {   ?s a o:T }"),
    ("SELECT * { ?s ?p 'a # b' }", "SELECT  * { ?s ?p 'a # b' }  "),
    ("SELECT * { ?s ?p ?o } # it's", "SELECT * { ?s ?p ?o }  # it's"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spacing_and_comments_between_tokens_share_a_key(one, other):
    assert normalise_query(one) == normalise_query(other)


# --- a graph named twice is merged once ---


def test_repeated_default_graph_uri_counts_once(client):
    once = count(client, [("query", COUNT), ("default-graph-uri", GRAPH_DATA)])
    twice = count(client, [("query", COUNT), ("default-graph-uri", GRAPH_DATA), ("default-graph-uri", GRAPH_DATA)])
    both = count(client, [("query", COUNT), ("default-graph-uri", GRAPH_DATA), ("default-graph-uri", GRAPH_ONTOLOGY)])
    ontology = count(client, [("query", COUNT), ("default-graph-uri", GRAPH_ONTOLOGY)])
    assert twice == once and both == once + ontology


def test_repeated_from_counts_once(client):
    once = count(client, {"query": f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_DATA}> WHERE {{ ?s ?p ?o }}"})
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_DATA}> FROM <{GRAPH_DATA}> FROM <{GRAPH_DATA}> WHERE {{ ?s ?p ?o }}"
    assert count(client, {"query": query}) == once


# --- no host from the request unless trusted ---

EVIL = {"Host": "evil.example"}


def test_void_names_the_base_iri_for_an_untrusted_host(client):
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples", **EVIL})
    assert response.status_code == 200
    text = response.data.decode()
    assert "evil.example" not in text
    assert f"<{BASE}sparql>" in text and f"<{BASE}dump>" in text


def test_service_description_names_the_base_iri_for_an_untrusted_host(client):
    response = client.get("/sparql", headers={"Accept": "application/n-triples", **EVIL})
    assert response.status_code == 200
    text = response.data.decode()
    assert "evil.example" not in text and f"<{BASE}sparql>" in text


def test_a_trusted_host_is_named_as_reached(client):
    text = client.get("/.well-known/void", headers={"Accept": "application/n-triples"}).data.decode()
    assert "<http://localhost/sparql>" in text


def test_routing_redirects_are_relative(client):
    response = client.get("/id//place/xianan", headers=EVIL)
    assert response.status_code == 308
    assert response.headers["Location"] == "/id/place/xianan"


def test_deploy_doc_nginx_cache_key_holds_what_the_answer_depends_on():
    text = (paths.ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    keys = re.findall(r"proxy_cache_key\s+\"([^\"]+)\"", text)
    assert keys, "docs/deploy.md has no proxy_cache_key"
    for key in keys:
        for part in ("$scheme", "$host", "$request_uri", "$http_accept", "$http_accept_language", "$cookie_lang"):
            assert part in key, (part, key)


# --- page links come from the route ---


def test_language_links_never_leave_the_site(client):
    for path in ("/\\evil.example/", "/\\evil.example/id/x", "/source"):
        page = client.get(path, headers={"Accept": "text/html"}).data.decode()
        hrefs = re.findall(r'hreflang="\w+"', page) and re.findall(r'<a href="([^"]*)" lang=', page)
        assert hrefs, path
        assert all(not h.startswith(("//", "/\\", "\\")) and "evil" not in h for h in hrefs), (path, hrefs)


# --- every number parameter: ASCII digits within range, else 400 ---


@pytest.mark.parametrize("start", ["²", "①", "٣", "1" * 4301, "-1", "+1", " 1", "1.0", ""])
def test_source_positions_are_ascii_digits(client, start):
    response = client.get("/source", query_string={"start": start, "end": "5"})
    assert response.status_code == 400, response.data
    assert response.data.decode().startswith("Bad Request: start must be")


# --- framing ---


def test_a_transfer_encoding_list_is_refused(client):
    response = client.post(
        "/sparql",
        data=b"query=ASK%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "identity, chunked"},
    )
    assert response.status_code == 400
    assert b"Transfer-Encoding" in response.data


@pytest.fixture(scope="module")
def live(dist):
    server = start_server(dist, "--workers", "1", "--threads", "2")
    yield server
    assert server.stop() == 0


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


CHUNKED = (
    b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Transfer-Encoding: %s\r\nConnection: close\r\n\r\n%s"
)
FORM = b"query=ASK%7B%7D"


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        (b"chunked", b"zz\r\n" + FORM + b"\r\n0\r\n\r\n"),  # not a chunk size
        (b"chunked", b"5\r\nquery=ASK\r\n0\r\n\r\n"),  # a chunk longer than its size
        (b"chunked", b"f\r\nquery=ASK%7B%7D"),  # ends inside the chunk
        (b"identity, chunked", b"%x\r\n%s\r\n0\r\n\r\n" % (len(FORM), FORM)),
    ],
)
def test_malformed_framing_is_a_400_on_the_real_server(live, coding, body):
    reply = raw_request(live.port, CHUNKED % (coding, body))
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]


def test_a_well_framed_chunked_body_is_read(live):
    reply = raw_request(live.port, CHUNKED % (b"chunked", b"%x\r\n%s\r\n0\r\n\r\n" % (len(FORM), FORM)))
    assert reply.startswith(b"HTTP/1.1 200 "), reply[:200]
