"""Every IRI of the graph dereferences on the server: 303 to a document per format, pages people can read.

Checked on a place, a project, a figure and a quote, as a browser (HTML) and as an
RDF client (Turtle and the other formats), plus /ontology, /.well-known/void and /dump.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS

from xianan_kg.rdf.namespaces import OA, VOID, XK, XKFIG, XKJ, XKP, XKQ

from .protocol.live_server import shared_server_fixture  # noqa: F401 - provides `server`

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ENTITIES = {
    "place": (XKP.xianan, ["咸安区", "Xian'an District"]),
    "project": (XKJ["jd-logistics-supply-chain-base"], ["京东", "JD"]),
    "figure": (XKFIG["general-public-budget-revenue-2023"], ["一般公共预算收入15.48亿元", "CNY 1.548 billion"]),
    "quote": (XKQ["762-777"], ["原文第762–777字", "characters 762–777"]),
}


def path_of(iri: URIRef) -> str:
    return str(iri).removeprefix("https://xianan-kg.example.org")


def follow(server, iri: URIRef, accept: str):
    """GET the thing, check the 303, GET the document it points to."""
    response = server.get(path_of(iri), Accept=accept)
    assert response.status == 303, response.text
    assert "Accept" in response.headers["vary"]
    location = response.headers["location"]
    assert location.startswith(path_of(iri) + ".")
    return location, server.get(location)


@pytest.mark.parametrize("kind", sorted(ENTITIES))
def test_html_page_of_an_entity(server, kind):
    iri, words = ENTITIES[kind]
    location, page = follow(server, iri, BROWSER)
    assert location.endswith(".html")
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.text
    for word in words:
        assert word.replace("'", "&#39;") in html, word
    assert '<ul class="types">' in html
    assert 'href="/ontology#' in html  # a type or property of ours links to the local ontology
    assert f'<link rel="alternate" type="text/turtle" href="{path_of(iri)}.ttl">' in html


def test_figure_page_shows_the_quote_it_came_from(server):
    page = server.get(path_of(XKFIG["general-public-budget-revenue-2023"]) + ".html").text
    assert "<mark>一般公共预算收入15.48亿元</mark>" in page  # highlighted inside its sentence
    assert "Characters 762–777 of the source text" in page
    assert 'href="/id/quote/762-777"' in page
    assert 'href="/id/place/xianan"' in page  # refArea, linked on this server
    assert ">stated value</a>" in page  # property named by its label in the reader's language
    assert 'class="inferred"' in page  # e.g. qb:Observation


def test_place_page_lists_incoming_links(server):
    page = server.get("/id/place/xianan.html").text
    assert "Links to it</h2>" in page
    assert 'href="/id/figure/general-public-budget-revenue-2023"' in page


@pytest.mark.parametrize("kind", sorted(ENTITIES))
def test_turtle_description_of_an_entity(server, kind):
    iri, _ = ENTITIES[kind]
    location, doc = follow(server, iri, "text/turtle")
    assert location.endswith(".ttl")
    assert doc.headers["content-type"] == "text/turtle; charset=utf-8"
    assert doc.headers["link"] == f'<{iri}>; rel="describes"'
    graph = Graph().parse(data=doc.body, format="turtle")
    languages = {o.language for o in graph.objects(iri, RDFS.label)}
    assert languages == {"zh", "en"}
    assert (iri, RDF.type, None) in graph
    neighbours = {o for o in graph.objects(iri, None) if isinstance(o, URIRef)} - {iri}
    assert any((n, RDFS.label, None) in graph for n in neighbours)  # labels of what it links to


def test_descriptions_carry_incoming_links_and_quote_selectors(server):
    place = Graph().parse(data=server.get("/id/place/xianan.ttl").body, format="turtle")
    assert (XKFIG["general-public-budget-revenue-2023"], None, XKP.xianan) in place
    figure = Graph().parse(data=server.get(path_of(XKFIG["general-public-budget-revenue-2023"]) + ".ttl").body)
    quote = XKQ["762-777"]
    assert (XKFIG["general-public-budget-revenue-2023"], PROV.wasDerivedFrom, quote) in figure
    exact = {o for sel in figure.objects(quote, OA.hasSelector) for o in figure.objects(sel, OA.exact)}
    assert exact == {Literal("一般公共预算收入15.48亿元", lang="zh")}


def test_every_document_format_says_the_same(server):
    base = path_of(XKJ["jd-logistics-supply-chain-base"])
    graphs = {}
    for suffix, fmt, media_type in (
        ("ttl", "turtle", "text/turtle"),
        ("jsonld", "json-ld", "application/ld+json"),
        ("nt", "nt", "application/n-triples"),
        ("rdf", "xml", "application/rdf+xml"),
    ):
        response = server.get(f"{base}.{suffix}")
        assert response.media_type == media_type
        graphs[suffix] = Graph().parse(data=response.body, format=fmt)
    assert all(isomorphic(graphs["ttl"], g) for g in graphs.values())
    assert follow(server, XKJ["jd-logistics-supply-chain-base"], "application/ld+json")[0].endswith(".jsonld")


def test_unknown_iri_is_404_page_or_text(server):
    page = server.get("/id/place/atlantis", Accept=BROWSER)
    assert page.status == 404
    assert page.media_type == "text/html"
    assert "is not in this dataset" in page.text
    text = server.get("/id/place/atlantis.ttl", Accept="text/turtle")
    assert text.status == 404
    assert text.media_type == "text/plain"
    assert server.get("/no/such/page").status == 404
    assert server.get("/id/%ff").status == 404  # not UTF-8: no such IRI, not a server error


def test_pages_escape_what_they_echo(server):
    page = server.get("/id/%3Cscript%3Ealert(1)%3C/script%3E", Accept=BROWSER)
    assert page.status == 404
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)" in page.text


def test_documents_are_cacheable(server):
    first = server.get("/id/place/xianan.html")
    again = server.get("/id/place/xianan.html", If_None_Match=first.headers["etag"])
    assert again.status == 304
    assert first.headers["access-control-allow-origin"] == "*"


def test_iris_resolve_whatever_host_the_server_runs_on(server):
    response = server.get("/id/place/xianan", Host="kg.example.net", Accept="text/turtle")
    assert response.status == 303
    assert response.headers["location"] == "/id/place/xianan.ttl"


# --- the ontology, VoID, the dump ---


def test_ontology_by_negotiation(server):
    turtle = server.get("/ontology", Accept="text/turtle")
    assert turtle.status == 200
    assert turtle.headers["content-location"] == "/ontology.ttl"
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert (URIRef("https://xianan-kg.example.org/ontology"), RDF.type, OWL.Ontology) in graph
    assert (XK.Figure, RDF.type, OWL.Class) in graph
    assert not any(str(s).startswith("https://xianan-kg.example.org/id/") for s in graph.subjects())
    html = server.get("/ontology", Accept=BROWSER)
    assert html.headers["content-location"] == "/ontology.html"
    assert 'id="Figure"' in html.text  # the pyLODE documentation, anchored by the terms' fragments
    jsonld = server.get("/ontology.jsonld")
    assert isomorphic(Graph().parse(data=jsonld.body, format="json-ld"), graph)


def test_void_names_the_uri_space_endpoint_and_dump(server):
    response = server.get("/.well-known/void")
    assert response.media_type == "text/turtle"
    graph = Graph().parse(data=response.body, format="turtle")
    dataset = URIRef("https://xianan-kg.example.org/id/dataset/xianan-kg")
    assert (dataset, VOID.uriSpace, Literal("https://xianan-kg.example.org/id/")) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{server.base_url}/sparql")) in graph
    assert (dataset, VOID.dataDump, URIRef(f"{server.base_url}/dump")) in graph
    assert int(graph.value(dataset, VOID.triples)) > 10_000


def test_dump_is_the_turtle_export(server, asserted, closure):
    dump = server.get("/dump")
    assert dump.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(Graph().parse(data=dump.body, format="turtle")) == len(asserted)
    full = server.get("/dump?inferred=true")
    assert len(Graph().parse(data=full.body, format="turtle")) == len(closure)
    assert server.get("/dump", Accept="application/sparql-results+json").status == 406
