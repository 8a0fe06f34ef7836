"""Every value from the data is shown as text: a label or comment holding markup never becomes markup.

The pages are rendered from a test-only dataset whose names, comments and units
carry <script>, an attribute break-out and a closing </svg>; the ontology
documentation is generated from a test ontology whose definition does the same.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from xianan_kg.server import ServerConfig, create_app
from xianan_kg.server.dataset import PublishedDataset

from xianan_kg.assemble.docs import documentation_files
from xianan_kg.rdf.namespaces import sparql_prologue
from xianan_kg.rdf.release import GRAPH_DATA
from xianan_kg.store.local import OxigraphStore

HOSTILE = """
@prefix xk:   <https://xianan-kg.example.org/ontology#> .
@prefix xkc:  <https://xianan-kg.example.org/id/concept/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
<https://xianan-kg.example.org/id/project/evil> a xk:Project ;
    rdfs:label "<script>alert(1)</script>"@en , "<b>坏</b>"@zh ;
    rdfs:comment "\\"><img src=x onerror=alert(1)>"@en ;
    xk:inPark <https://xianan-kg.example.org/id/facility/park> .
<https://xianan-kg.example.org/id/facility/park> rdfs:label "Park</text></svg><script>alert(2)</script>"@en .
<https://xianan-kg.example.org/id/figure/evil-amount> a xk:Figure ;
    rdfs:label "<script>alert(3)</script>"@en ;
    xk:about <https://xianan-kg.example.org/id/project/evil> ;
    xk:statedValue 1.5 ; xk:statedUnit xkc:unit-evil ; xk:value 1.5 ; xk:baseUnit xkc:unit-evil .
xkc:unit-evil skos:prefLabel "<i onclick=alert(4)>units</i>"@en .
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    store = ox.Store()
    store.load(HOSTILE.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH_DATA))
    config = ServerConfig(dist=tmp_path_factory.mktemp("empty-dist"))
    dataset = PublishedDataset(config, OxigraphStore(store), version="test" * 10, last_modified=datetime.now(UTC))
    return create_app(config, dataset=dataset).test_client()


def assert_only_text(html: str) -> None:
    for markup in ("<script>alert", "<img src=x", "<b>坏", "<i onclick", "</svg><script>"):
        assert markup not in html


def test_entity_page_escapes_names_comments_and_units(client):
    response = client.get("/id/project/evil.html?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_only_text(html)
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Park&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html  # also inside the SVG
    assert "1.5 &lt;i onclick=alert(4)&gt;units&lt;/i&gt;" in html


def test_search_escapes_what_it_finds_and_what_was_asked(client):
    html = client.get("/search?q=<script>").get_data(as_text=True)
    assert_only_text(html)
    assert 'value="&lt;script&gt;"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_ontology_documentation_escapes_definitions(tmp_path):
    ontology = tmp_path / "evil.ttl"
    ontology.write_text(
        sparql_prologue().replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + """
<https://xianan-kg.example.org/ontology> a owl:Ontology ; dcterms:title "Test"@en .
xk:Evil a owl:Class ; rdfs:label "Evil"@en , "坏"@zh ;
    skos:definition "<script>alert(5)</script> & <img src=x onerror=alert(6)>"@en .
""",
        encoding="utf-8",
    )
    from rdflib import Graph

    files = documentation_files(Graph().parse(ontology, format="turtle"))
    for name in ("ontology.html", "ontology.zh.html"):
        html = files[name].decode("utf-8")
        assert 'id="Evil"' in html
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;alert(5)&lt;/script&gt;" in html
