"""Issue 18's rough edges, each as a newcomer met it: one request or one command, and the answer it should get."""

from __future__ import annotations

import pytest

from xianan_kg.query.syntax import describe

from .conftest import app_client, run_cli


@pytest.fixture(scope="module")
def client(dist):
    with app_client(dist, max_concurrent=2) as client:
        yield client


# --- a syntax error is one line: where, what was found, what would fix it ---

SYNTAX_CASES = [
    (
        "SELEC ?x WHERE { ?x ?p ?o }",
        "SPARQL syntax error at line 1, column 1: found 'SELEC' where the query form is expected: "
        "SELECT, CONSTRUCT, ASK or DESCRIBE",
    ),
    (
        "PREFIX xk: <https://xianan-kg.example.org/ontology#>\nSELECT ?f WHERE {\n  ?f xk:value ?v ; nope:p ?o }",
        "SPARQL syntax error at line 3, column 20: undeclared prefix nope:; add the line PREFIX nope: <…namespace IRI…>",
    ),
]


@pytest.mark.parametrize(("text", "sentence"), SYNTAX_CASES)
def test_endpoint_and_cli_word_a_syntax_error_alike(client, text, sentence):
    response = client.get("/sparql", query_string={"query": text})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == f"Bad Request: {sentence}\n"
    result = run_cli("query", "-e", text)
    assert result.returncode == 2
    assert result.stderr == f"error: {sentence}\n"


def test_an_undeclared_project_prefix_is_given_its_prefix_line(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?f WHERE { ?f xk:value ?v }"})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == (
        "Bad Request: SPARQL syntax error at line 1, column 22: undeclared prefix xk:; "
        "add the line PREFIX xk: <https://xianan-kg.example.org/ontology#>\n"
    )


def test_other_syntax_errors_keep_the_engines_position_without_character_classes(client):
    response = client.get("/sparql", query_string={"query": "SELECT * { ?a ?b ?c } LIMT 3"})
    text = response.get_data(as_text=True)
    assert text == (
        "Bad Request: SPARQL syntax error at line 1, column 29: the query ends after '* { ?a ?b ?c } LIMT 3'; "
        "expected one of HAVING, OFFSET, OPTIONAL, VALUES\n"
    )


def test_prefixes_inside_iris_strings_and_comments_are_not_prefixes():
    text = "# see rdfs:label\nSELECT * { ?s <http://a.example/x:y> 'a:b' . _:b ?p ?o }"
    assert describe(text, 2, 9, 'expected one of "{"') == (
        "SPARQL syntax error at line 2, column 9: found '{' after 'SELECT *'; expected \"{\""
    )


# --- amounts in English, counts in English ---


def figure_box(client, name: str, lang: str) -> str:
    response = client.get(f"/id/figure/{name}.html", headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index('<dl class="amount">') :].split("</dl>", 1)[0]


def test_english_amounts_move_the_scale_into_english_words(client):
    assert '<dd class="stated">1.548 billion yuan (CNY)</dd>' in figure_box(
        client, "general-public-budget-revenue-2023", "en"
    )
    assert '<dd class="stated">12,000 mu</dd>' in figure_box(client, "xiangyanghu-paddy-field-reclaimed-2023", "en")
    assert '<dd class="stated">15.48 亿元</dd>' in figure_box(client, "general-public-budget-revenue-2023", "zh")


@pytest.mark.parametrize(("query", "count"), [("two sessions", "1 result for"), ("revenue", "3 results for")])
def test_search_counts_agree_with_their_noun(client, query, count):
    response = client.get(
        "/search", query_string={"q": query}, headers={"Accept": "text/html", "Accept-Language": "en"}
    )
    assert f'<p class="result-count">{count} “{query}”' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/dashboard", "/ontology", "/source", "/search?q=咸安", "/id/place/xianan.html"])
def test_every_page_names_its_icon_so_no_browser_asks_for_favicon_ico(client, path):
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert html.count('<link rel="icon" href="data:,">') == 1


def test_the_source_checksum_is_a_block_that_breaks_only_inside_the_digest(client):
    html = client.get("/source", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<span class="iri checksum">sha256 e69306a6' in html
    css = client.get("/static/site/site.css").get_data(as_text=True)
    assert ".iri.checksum { display: block; word-break: normal; overflow-wrap: anywhere; }" in css


def test_a_construct_in_turtle_declares_only_the_prefixes_it_uses(client):
    query = (
        "PREFIX xk: <https://xianan-kg.example.org/ontology#>\n"
        "CONSTRUCT { ?a xk:locatedIn ?b } WHERE { ?a xk:locatedIn ?b } ORDER BY ?a ?b LIMIT 2"
    )
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    prefixes = sorted(line.split()[1] for line in response.get_data(as_text=True).splitlines() if "@prefix" in line)
    assert prefixes == ["xk:", "xkf:", "xkp:"]


def test_to_dataframe_gives_rates_pandas_can_plot_and_exact_decimals_on_request(built):
    pytest.importorskip("pandas")
    from decimal import Decimal

    from xianan_kg.query.api import load_graph, run_query, to_dataframe

    result = run_query("growth-over-8-percent", store=load_graph(built.files["manifest.json"].parent))
    frame = to_dataframe(result)
    assert frame["rate"].dtype == "float64"
    assert frame["rate"].tolist() == [0.8, 0.25, 0.123, 0.083]
    exact = to_dataframe(result, exact=True)["rate"].tolist()
    assert exact == [Decimal("0.8"), Decimal("0.25"), Decimal("0.123"), Decimal("0.083")]


def test_a_quote_not_found_is_one_violation_with_a_short_name_and_what_to_do():
    from rdflib import URIRef
    from rdflib.namespace import PROV

    from xianan_kg.source.anchor import QuoteProblem
    from xianan_kg.source.load import load_sources
    from xianan_kg.validate.validator import validate

    sources = load_sources()
    figure = URIRef("https://xianan-kg.example.org/id/figure/general-public-budget-revenue-2023")
    sources.data.remove((figure, PROV.wasDerivedFrom, None))  # what anchoring leaves when the words are not found
    sources.quote_problems.append(QuoteProblem(figure, "一般公共预算收入15.49亿元", 0))
    report = validate(sources)
    assert [str(v) for v in report.violations] == [
        "Violation: xkfig:general-public-budget-revenue-2023\n  path: xk:quote\n"
        "  quote '一般公共预算收入15.49亿元' not found in the source; "
        "copy the words exactly from xianan-2023-review.zh.txt"
    ]


def test_an_entity_page_lists_a_link_once_not_again_through_an_inferred_super_property(client):
    html = client.get(
        "/id/initiative/four-firsts-strategy.html", headers={"Accept": "text/html", "Accept-Language": "en"}
    ).get_data(as_text=True)
    assert ">has part<" in html
    assert ">dcterms:hasPart<" not in html  # every dcterms:hasPart here is an xk:hasPart, inferred upwards


def test_the_status_chart_counts_the_projects_without_a_status_too(client):
    html = client.get("/dashboard", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)
    chart = html[html.index("Projects by status") :]
    assert "(not stated in the text)" in chart  # 2 projects of the review have no stated status


def test_the_chinese_ontology_contents_are_in_pinyin_order(built):
    import re

    from xianan_kg.assemble.docs import reading_key

    html = built.files["ontology.zh.html"].read_text(encoding="utf-8")
    toc = html[html.index('id="toc"') :]
    classes = toc[toc.index('href="#classes"') : toc.index("</ul>", toc.index('href="#classes"'))]
    names = re.findall(r'<a href="#[^"]*">([^<]*)</a>', classes)  # the heading "类" itself is cut off
    assert len(names) > 20
    assert names == sorted(names, key=lambda n: reading_key(n, "zh"))
    assert names[:3] == ["产业园区", "成效", "村湾"]  # chǎn, chéng, cūn


def test_dashboard_bars_keep_labels_of_sixty_characters_whole_and_name_the_rest_in_a_title(client):
    import re

    html = client.get("/dashboard", headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)
    labels = re.findall(r'class="bar-label"[^>]*>(?:<title>([^<]*)</title>)?([^<]*)</text>', html)
    assert len(labels) > 30
    for full, shown in labels:
        if shown.endswith("…"):
            assert len(full) > 55 and full.startswith(shown[:-1])  # cut only when long, and whole on hover
        else:
            assert full == ""
    assert re.search(r'<svg class="chart" viewBox="0 0 1270 \d+" width="1270"', html)  # scaled to the page's width


def test_the_neighbourhood_centre_box_is_wide_enough_for_its_bold_label():
    from xianan_kg.server.svg import CENTRE_FONT, Neighbour, neighbourhood, text_width

    pic = neighbourhood("东湖高新咸安产业园", [Neighbour("咸安区", None, "located in", True)])
    assert pic.centre.width >= text_width(pic.centre.label, CENTRE_FONT) * 1.1 + 20  # 13 px bold, padded
