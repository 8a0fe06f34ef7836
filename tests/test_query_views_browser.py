"""The query page's first hour in headless Chromium: the banner follows edits, answers as charts, shared links.

Each test opens the page afresh on the session's live server and waits for what a reader
would wait for; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

from .browser import (  # noqa: F401 - fixtures: browser, downloads, server
    browser_fixture,
    console_errors,
    downloads_fixture,
    screenshot,
    shared_server_fixture,
    wait_until,
)
from .test_server_ui_browser import by_css, open_ui, type_query, wait_for_rows


def test_the_banner_and_highlight_leave_an_edited_question(browser, server):
    open_ui(browser, server, name="growth-over-8-percent")
    wait_for_rows(browser, lambda rows: len(rows) == 4)
    assert by_css(browser, "#question")[0].is_displayed()
    assert [a.get_attribute("data-name") for a in by_css(browser, "a.example.selected")] == ["growth-over-8-percent"]
    type_query(browser, "SELECT (1 AS ?one) WHERE {}")
    wait_until(browser, lambda d: not by_css(d, "#question")[0].is_displayed())
    assert by_css(browser, "a.example.selected") == []
    assert console_errors(browser) == []


def chart_marks(driver) -> list[dict]:
    return driver.execute_script(
        """return [...document.querySelectorAll('.chart-box svg.chart .mark')].map(m =>
             ({href: m.getAttribute('href'), title: m.querySelector('title').textContent, tag: m.tagName}))"""
    )


def test_a_library_question_with_amounts_is_drawn_as_bars_linked_to_its_figures(browser, server):
    open_ui(browser, server, name="largest-amounts-of-money")
    wait_for_rows(browser, lambda rows: len(rows) == 5)  # the table stays beside the chart
    marks = wait_until(browser, lambda d: chart_marks(d) or None)
    assert by_css(browser, ".chart-box")[0].get_attribute("data-view") == "bar"  # `# view: bar ?yuan` in the query
    assert by_css(browser, '.view-button[aria-pressed="true"]')[0].get_attribute("data-view") == "bar"
    assert len(marks) == 5  # one mark per row
    assert marks[0] == {
        "href": "/id/figure/new-signed-projects-agreed-investment-2023",
        "title": "新签约招商引资项目协议投资额: 358 亿元",
        "tag": "a",
    }
    widths = browser.execute_script(
        "return [...document.querySelectorAll('.chart-box .mark rect')].map(r => Number(r.getAttribute('width')))"
    )
    assert widths == sorted(widths, reverse=True) and widths[0] > 2 * widths[-1]  # 358 against 121 亿元
    quote = wait_until(browser, lambda d: next(iter(by_css(d, ".chart-box a.quote-link")), None))
    assert re.search(r"/source\?start=\d+&end=\d+#c\d+$", quote.get_dom_attribute("href"))
    screenshot(browser, "ui-view-bar")
    by_css(browser, ".chart-box a.mark")[0].click()  # a mark is a link to the entity page
    wait_until(browser, lambda d: "/id/figure/new-signed-projects-agreed-investment-2023" in d.current_url)
    assert by_css(browser, "h1")[0].text == "Agreed investment of newly signed projects: CNY 35.8 billion"
    assert console_errors(browser) == []


def test_every_view_of_a_numeric_answer_draws_one_mark_per_row(browser, server):
    open_ui(browser, server, name="figures-per-part")
    rows = wait_for_rows(browser, lambda rows: len(rows) >= 5)
    wait_until(browser, lambda d: chart_marks(d) or None)
    for kind in ("bar", "line", "treemap", "scatter"):
        by_css(browser, f'.view-button[data-view="{kind}"]')[0].click()
        assert by_css(browser, ".chart-box")[0].get_attribute("data-view") == kind
        assert len(chart_marks(browser)) == len(rows), kind
    by_css(browser, '.view-button[data-view="table"]')[0].click()
    assert not by_css(browser, ".chart-box")[0].is_displayed()
    assert console_errors(browser) == []


def test_two_columns_of_iris_are_drawn_as_a_graph_and_a_comment_chooses_the_view(browser, server):
    query = (
        "PREFIX xk: <https://xianan-kg.example.org/ontology#>\n"
        "SELECT ?place ?in WHERE { ?place xk:locatedIn ?in } ORDER BY ?place ?in"
    )
    open_ui(browser, server, query=query)
    rows = wait_for_rows(browser, lambda rows: len(rows) > 3)
    wait_until(browser, lambda d: chart_marks(d) or None)
    assert by_css(browser, ".chart-box")[0].get_attribute("data-view") == "graph"
    places = {cell for row in rows for cell in row}
    assert len(chart_marks(browser)) == len(places)  # one node per distinct IRI
    assert len(by_css(browser, ".chart-box line.edge")) == len(rows)
    screenshot(browser, "ui-view-graph")
    open_ui(browser, server, query="#view: table\n" + query)
    wait_for_rows(browser, lambda rows: len(rows) > 3)
    assert not by_css(browser, ".chart-box")[0].is_displayed()


def test_the_library_filters_by_part_of_the_review_and_by_what_a_question_demonstrates(browser, server):
    from selenium.webdriver.support.select import Select

    open_ui(browser, server)
    shown = lambda d: [a.get_attribute("data-name") for a in by_css(d, "#example-list li:not([hidden]) a.example")]  # noqa: E731
    everything = shown(browser)
    Select(by_css(browser, "#part-filter")[0]).select_by_value("outlook")
    outlook = shown(browser)
    assert "outlook-2024-goals" in outlook and "largest-amounts-of-money" not in outlook
    assert 0 < len(outlook) < len(everything)
    by_css(browser, "#example-filter")[0].send_keys("GROUP BY")  # words of its "Demonstrates:" line
    assert set(shown(browser)) <= set(outlook)
    Select(by_css(browser, "#part-filter")[0]).select_by_value("")
    grouped = shown(browser)
    assert "honours-by-level" in grouped and "largest-amounts-of-money" not in grouped


def test_a_shared_link_reopens_the_same_query_and_its_answer(browser, server):
    open_ui(browser, server)
    wait_for_rows(browser, lambda rows: len(rows) == 4)
    type_query(
        browser,
        'SELECT ?n WHERE { <https://xianan-kg.example.org/id/place/xianan> ?p ?n FILTER(isLiteral(?n) && LANG(?n) = "zh") }',
    )
    by_css(browser, "#run")[0].click()
    first = wait_for_rows(browser, lambda rows: ["咸安区"] in rows)
    link = by_css(browser, "a#permalink")[0].get_attribute("href")
    browser.get("about:blank")
    browser.get(link)  # "run on open": the link alone brings back query and answer
    assert wait_for_rows(browser, lambda rows: rows == first) == first
    assert "query=" in link


def test_typing_the_start_of_a_chinese_label_offers_its_iri_and_inserts_it_with_its_prefix(browser, server):
    from selenium.webdriver.common.keys import Keys

    open_ui(browser, server)
    wait_for_rows(browser, lambda rows: len(rows) == 4)
    type_query(browser, "SELECT * WHERE { ?s ?p 咸安")
    offered = wait_until(
        browser, lambda d: [li.get_attribute("data-iri") for li in by_css(d, ".completions li")] or None
    )
    assert offered[0] == "xkp:xianan"  # 咸安 is a name of the district itself
    screenshot(browser, "ui-completion")
    by_css(browser, ".CodeMirror textarea")[0].send_keys(Keys.ENTER)
    text = browser.execute_script("return document.querySelector('.workbench .CodeMirror').CodeMirror.getValue()")
    # the } closed itself as { was typed
    assert text == "PREFIX xkp: <https://xianan-kg.example.org/id/place/>\nSELECT * WHERE { ?s ?p xkp:xianan }"
    type_query(browser, "SELECT * WHERE { ?s ?p xiananq")  # pinyin finds it too
    offered = wait_until(
        browser, lambda d: [li.get_attribute("data-iri") for li in by_css(d, ".completions li")] or None
    )
    assert offered[0] == "xkp:xianan"
    assert console_errors(browser) == []
