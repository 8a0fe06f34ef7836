"""The pages people read, over real HTTP from `xianan-kg serve`: entities, search, dashboard, source, ontology.

Each test fetches what a browser would and checks what a reader would look for: the
amount with its unit, the quote marked inside its sentence, the search hit, the chart
built from the graph, the documentation of every term, the language switch, and the
strict headers every page carries.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from xianan_kg.rdf.namespaces import SH, XK, XKSH
from xianan_kg.rdf.paths import SHAPES_FILE

from .protocol.live_server import shared_server_fixture  # noqa: F401 - provides `server`

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
PROJECT = "/id/project/donghu-high-tech-xianan-industrial-park"
FIGURE = "/id/figure/general-public-budget-revenue-2023"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if "id" in attrs}

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page(server, path: str, **headers: str):
    response = server.get(path, Accept=BROWSER, **headers)
    assert response.status == 200, (path, response.status, response.text[:300])
    assert response.media_type == "text/html"
    return response


# --- every page ---

PAGES = [f"{PROJECT}.html", f"{FIGURE}.html", "/search?q=%E5%8D%8E%E5%8B%83", "/dashboard", "/source", "/ontology"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_search_box_language_switch_and_strict_headers(server, path):
    response = page(server, path)
    html = response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert not re.search(r"<style|\sstyle=|<script(?![^>]*\ssrc=)", html), "inline script or style"
    forms = [f for f in Tags(html).all("form") if f.get("role") == "search"]
    assert forms and forms[0]["action"] == "/search"
    assert 'id="site-search" type="search" name="q"' in html
    assert 'hreflang="zh"' in html and 'hreflang="en"' in html
    assert 'href="/static/site/site.css"' in html


def test_language_switch_changes_labels_and_interface_and_is_remembered(server):
    english = page(server, f"{FIGURE}.html?lang=en")
    chinese = page(server, f"{FIGURE}.html?lang=zh")
    assert english.headers["content-language"] == "en" and chinese.headers["content-language"] == "zh"
    assert '<html lang="en">' in english.text and '<html lang="zh">' in chinese.text
    assert "<h1>General public budget revenue: CNY 1.548 billion</h1>" in english.text
    assert "<h1>一般公共预算收入15.48亿元</h1>" in chinese.text
    assert "From the source text" in english.text and "原文出处" in chinese.text
    assert "lang=zh" in chinese.headers["set-cookie"]
    remembered = page(server, f"{FIGURE}.html", Cookie="lang=zh")
    assert "<h1>一般公共预算收入15.48亿元</h1>" in remembered.text
    assert "Cookie" in remembered.headers["vary"]
    # one ETag per language: a cached English page is never answered for a Chinese reader
    assert english.headers["etag"] != chinese.headers["etag"]
    again = server.get(f"{FIGURE}.html?lang=zh", Accept=BROWSER, If_None_Match=english.headers["etag"])
    assert again.status == 200


def test_browser_language_decides_when_nothing_was_chosen(server):
    assert "<h1>一般公共预算收入15.48亿元</h1>" in page(server, f"{FIGURE}.html", Accept_Language="zh-CN,zh;q=0.9").text


# --- entity pages ---


def test_project_page_shows_its_amount_with_unit_and_the_quote_in_its_sentence(server):
    html = page(server, f"{PROJECT}.html?lang=zh").text
    assert "<h1>东湖高新咸安产业园</h1>" in html
    assert "Donghu High-tech Xian&#39;an Industrial Park (project)" in html  # the other language's name
    assert '<strong class="stated">10.5 亿元</strong>' in html  # the figure about it (xk:about / xk:hasFigure)
    assert '<span class="normalised">1,050,000,000 元</span>' in html
    assert "<mark>的东湖高新咸安产业园,总投资10.5亿元</mark>" in html
    assert "成功引入筹资、建设、招商“三位一体”<mark>" in html  # the sentence around the quote
    assert 'href="/source?start=1519&amp;end=1539#c1519"' in html
    assert 'href="/id/concept/status-signed"' in html and ">签约引进</a>" in html  # linked names, not IRIs


def test_figure_page_formats_both_numbers_with_units(server):
    html = page(server, f"{FIGURE}.html?lang=en").text
    assert '<dd class="stated">1.548 billion yuan (CNY)</dd>' in html
    assert '<dd class="normalised">1,548,000,000 yuan (CNY)</dd>' in html
    zh = page(server, f"{FIGURE}.html?lang=zh").text
    assert '<dd class="stated">15.48 亿元</dd>' in zh
    assert '<dd class="normalised">1,548,000,000 元</dd>' in zh


def test_entity_page_draws_its_neighbourhood_as_svg_with_links(server):
    tags = Tags(page(server, "/id/place/xianan.html?lang=en").text)
    svgs = [a for a in tags.all("svg") if "neighbourhood" in a.get("class", "")]
    assert len(svgs) == 1 and "aria-labelledby" in svgs[0]
    links = {a["href"] for a in tags.all("a")}
    assert "/id/place/xianning" in links  # locatedIn, drawn and linked
    assert "Links to it" in "".join(tags.text)


def test_quote_page_shows_its_passage(server):
    html = page(server, "/id/quote/762-777.html").text
    assert "<mark>一般公共预算收入15.48亿元</mark>" in html


# --- the source text ---


def test_source_page_marks_a_passage_with_a_character_anchor(server):
    html = page(server, "/source?start=762&end=777").text
    assert '<mark id="c762">一般公共预算收入15.48亿元</mark>' in html
    assert 'id="L1"' in html
    assert server.get("/source?start=9&end=3", Accept=BROWSER).status == 400
    assert server.get("/source?start=abc&end=3", Accept=BROWSER).status == 400


def test_each_source_text_has_its_page_and_the_review_keeps_source(server):
    """/source is the review; /source/NAME each text of the release; a quote of the bulletin links to its own text."""
    review = page(server, "/source/xianan-2023-review?start=762&end=777").text
    assert '<mark id="c762">一般公共预算收入15.48亿元</mark>' in review
    bulletin = page(server, "/source/jianshi-2023-statistical-bulletin").text
    assert "建始县2023年国民经济和社会发展" in bulletin and "一般公共预算收入" not in bulletin
    assert 'href="/source"' in bulletin  # the links between the texts
    assert 'href="/source/jianshi-2023-statistical-bulletin"' in page(server, "/source").text
    assert server.get("/source/no-such-text", Accept=BROWSER).status == 404
    figure = page(server, "/id/figure/jianshi-new-urban-employment-2023.html").text
    assert "<mark>年末城镇新增就业9328人</mark>" in figure  # in its sentence of the bulletin, not of the review
    assert 'href="/source/jianshi-2023-statistical-bulletin?start=' in figure


def test_a_passage_across_lines_is_marked_on_each(server):
    from server.source_text import marked_lines

    lines = marked_lines("ab\ncd\nef", 1, 4)
    marked = [(n, s.text, s.anchor) for n, _, segments in lines for s in segments if s.marked]
    assert marked == [(1, "b", "c1"), (2, "c", None)]


# --- search ---


def test_search_page_reaches_huabo_aluminium(server):
    html = page(server, "/search?q=%E5%8D%8E%E5%8B%83%E9%93%9D%E4%B8%9A").text  # 华勃铝业
    first = Tags(html).all("a")
    results = [a["href"] for a in first if a.get("class") == "result-name"]
    assert results[0] == "/id/project/huabo-aluminium"
    assert 'value="华勃铝业"' in html  # the box keeps what was asked


def test_search_json_ranks_exact_then_prefix_then_substring_shorter_first(server):
    answer = server.get("/search.json", {"q": "咸安"})
    assert answer.media_type == "application/json"
    body = json.loads(answer.text)
    ranks = [r["matched"]["rank"] for r in body["results"]]
    assert ranks == sorted(ranks, key=["exact", "prefix", "substring"].index)
    assert body["results"][0]["matched"]["text"] == "咸安"
    assert body["results"][0]["href"] == "/id/place/xianan"
    prefixes = [len(r["matched"]["text"]) for r in body["results"] if r["matched"]["rank"] == "prefix"]
    assert prefixes == sorted(prefixes)
    assert body["total"] >= len(body["results"]) > 10


def test_search_matches_english_ignoring_case_and_width(server):
    body = json.loads(server.get("/search.json", {"q": "HUABO ａｌｕｍｉｎｉｕｍ"}).text)
    assert body["results"][0]["iri"] == "https://xianan-kg.example.org/id/project/huabo-aluminium"
    assert body["results"][0]["labels"] == {"en": "Huabo Aluminium (industrial project)", "zh": "华勃铝业"}
    assert json.loads(server.get("/search.json", {"q": "no such name anywhere"}).text)["results"] == []
    assert server.get("/search.json", {"q": "x" * 201}).status == 400


# --- dashboard ---


def test_dashboard_draws_at_least_four_charts_from_the_graph(server):
    html = page(server, "/dashboard?lang=en").text
    tags = Tags(html)
    charts = [a for a in tags.all("svg") if "chart" in a.get("class", "").split()]
    assert len(charts) >= 4
    for chart in charts:
        title, desc = chart["aria-labelledby"].split()
        assert title in tags.ids() and desc in tags.ids()
    assert "12.3%" in html and "15.48 亿元 = 1,548,000,000 yuan" in html  # values with their units
    money = html[html.index('id="money"') : html.index('id="figures-per-part"')]
    bars = re.findall(r'<a href="(/id/figure/[^"]+)">', money)
    assert len(bars) == len(set(bars)) == 19  # each amount of money once, however many qualifiers it has
    taxes = re.findall(r"300 万元 = 3,000,000 yuan \(([^)]*)\)", money)
    assert sorted(taxes[0].split(", ")) == ["cumulative over a stated period", "nearly"]


def test_each_chart_opens_its_query_in_the_editor_and_the_query_gives_its_numbers(server):
    html = page(server, "/dashboard?lang=en").text
    links = [a["href"] for a in Tags(html).all("a") if a.get("class") == "open-query"]
    assert len(links) >= 4
    shown = re.findall(r"<pre><code>(.*?)</code></pre>", html, re.S)
    growth = parse_qs(urlsplit(links[0]).query)["query"][0]
    assert urlsplit(links[0]).path == "/"
    assert growth.replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;") == shown[0]
    rows = json.loads(server.query(growth, accept="application/sparql-results+json").text)["results"]["bindings"]
    rates = [float(r["rate"]["value"]) for r in rows]
    assert rates == sorted(rates, reverse=True) and 0.123 in rates
    assert page(server, links[0]).status == 200  # the editor opens with it


def test_dashboard_in_chinese(server):
    html = page(server, "/dashboard?lang=zh").text
    assert "一般公共预算收入" in html and "同比增长" in html and "在查询编辑器中打开" in html


# --- ontology documentation ---


def test_ontology_page_documents_every_class_and_property(server, built):
    ontology = Graph().parse(built.files["xianan-kg.ttl"], format="turtle")
    terms = {
        str(t).split("#", 1)[1]
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in ontology.subjects(RDF.type, kind)
        if str(t).startswith(str(XK))
    }
    assert len(terms) > 60
    for lang in ("en", "zh"):
        ids = Tags(page(server, f"/ontology?lang={lang}").text).ids()
        assert terms <= ids, sorted(terms - ids)


def test_ontology_page_shows_labels_definitions_alignments_and_shapes(server):
    html = page(server, "/ontology?lang=en").text
    enterprise = html[html.index('id="Enterprise"') :][:3000]
    assert "A company or enterprise group." in enterprise  # definition
    assert "企业" in enterprise  # the other language's label
    assert 'href="http://schema.org/Corporation"' in enterprise  # alignment from ontology/alignments.ttl
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    node_shapes = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).startswith(str(XKSH))]
    assert len(node_shapes) > 15
    for shape in node_shapes:
        assert f'id="shape-{str(shape).rsplit("#", 1)[1]}"' in html
    assert "a figure needs exactly one xk:indicator (an xk:Indicator)" in html
    assert "<h2>类</h2>" in page(server, "/ontology?lang=zh").text


def test_ontology_stylesheet_and_rdf_by_negotiation(server):
    css = server.get("/ontology.css")
    assert css.status == 200 and css.media_type == "text/css"
    turtle = server.get("/ontology", Accept="text/turtle")
    assert turtle.media_type == "text/turtle" and turtle.headers["content-location"] == "/ontology.ttl"
