"""The query UI in headless Chromium, as a person uses it: pick a question, type a query, read the answer.

Each test opens the page afresh on the session's live server and waits for what a
reader would wait for (the table with the expected rows, the error box, the entity's
labels). Screenshots go to test-artifacts/ to be looked at.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from xianan_kg.query.library import load_library

from .browser import (  # noqa: F401 - fixtures: browser, downloads, server
    browser_fixture,
    console_errors,
    downloads_fixture,
    first_visit,
    screenshot,
    shared_server_fixture,
    wait_until,
)

pytestmark = pytest.mark.browser

LIBRARY = load_library()


def by_css(driver, selector: str) -> list:
    return driver.find_elements("css selector", selector)


def open_ui(driver, server, **params) -> None:
    first_visit(driver)
    driver.get(server.base_url + "/" + (f"?{urlencode(params)}" if params else ""))
    wait_until(
        driver, lambda d: d.execute_script("return document.documentElement.classList.contains('query-ui-ready')")
    )


def table_rows(driver) -> list[list[str]]:
    """The answer table as text, one list per row, without the row numbers and the tags beside values."""
    return driver.execute_script(
        """return [...document.querySelectorAll('table.solutions tbody tr')].map(tr =>
             [...tr.querySelectorAll('td:not(.rownum)')].map(td =>
               (td.querySelector('.literal, .iri, .bnode, .triple') || td).textContent))"""
    )


def wait_for_rows(driver, predicate) -> list[list[str]]:
    def ready(d):
        rows = table_rows(d)
        return rows if rows and predicate(rows) else None

    return wait_until(driver, ready)


def type_query(driver, text: str) -> None:
    """Replace the editor's text by typing, as a person would (CodeMirror reads its hidden textarea)."""
    from selenium.webdriver.common.keys import Keys

    by_css(driver, ".CodeMirror")[0].click()
    keyboard = by_css(driver, ".CodeMirror textarea")[0]
    keyboard.send_keys(Keys.CONTROL, "a")
    keyboard.send_keys(Keys.DELETE)
    keyboard.send_keys(text)


def add_prefixes(driver) -> str:
    """Click "Add PREFIX" once it shows (it follows the text after a short pause); returns what it said."""
    button = wait_until(driver, lambda d: next((b for b in by_css(d, "#add-prefixes") if b.is_displayed()), None))
    label = button.text
    button.click()
    return label


def editor_text(driver) -> str:
    return driver.execute_script("return document.querySelector('.workbench .CodeMirror').CodeMirror.getValue()")


def test_example_runs_in_one_click_and_shows_its_table(browser, server):
    open_ui(browser, server)
    wait_for_rows(browser, lambda rows: any(r[0] == "Total value of imports and exports" for r in rows))
    example = by_css(browser, 'a.example[data-name="amounts-over-1-billion-yuan"]')[0]
    example.click()
    rows = wait_for_rows(browser, lambda rows: len(rows) == 11)
    assert ["General public budget revenue", "15.48", "亿元"] in rows
    assert rows[0] == ["Agreed investment of newly signed investment-attraction projects", "358", "亿元"]
    assert editor_text(browser) == LIBRARY["amounts-over-1-billion-yuan"].text
    assert browser.current_url.endswith("/?name=amounts-over-1-billion-yuan")
    assert by_css(browser, "#question .q-zh")[0].text == "哪些金额超过10亿元?"
    assert by_css(browser, "#status")[0].text.startswith("11 rows")
    languages = browser.execute_script(
        "return [...document.querySelectorAll('table.solutions tbody tr:first-child .tag.lang')].map(t => t.textContent)"
    )
    assert languages == ["@en", "@zh"]
    by_css(browser, 'th button.sort[title="Sort by ?stated"]')[0].click()  # numbers sort as numbers
    assert [row[1] for row in table_rows(browser)][:3] == ["10.5", "11.83", "12.5"]
    assert console_errors(browser) == []
    screenshot(browser, "ui-example-amounts", full_page=True)


def test_typed_query_gets_its_prefixes_and_runs_with_ctrl_enter(browser, server):
    from selenium.webdriver.common.keys import Keys

    open_ui(browser, server)
    wait_for_rows(browser, lambda rows: len(rows) == 4)
    type_query(browser, "SELECT ?label WHERE { xkp:xianan rdfs:label ?label } ORDER BY ?label")
    assert add_prefixes(browser) == "Add PREFIX rdfs: xkp:"
    text = editor_text(browser)
    assert "PREFIX xkp: <https://xianan-kg.example.org/id/place/>" in text
    by_css(browser, ".CodeMirror textarea")[0].send_keys(Keys.CONTROL, Keys.ENTER)
    rows = wait_for_rows(browser, lambda rows: len(rows) == 2)
    assert rows == [["Xian'an District"], ["咸安区"]]
    assert "query=" in browser.current_url  # the address is the link to this query
    by_css(browser, "a#permalink")[0].click()  # and opening it runs the same query again
    assert wait_for_rows(browser, lambda rows: len(rows) == 2) == [["Xian'an District"], ["咸安区"]]
    assert editor_text(browser) == text


def test_run_button_and_readable_syntax_error(browser, server):
    open_ui(browser, server, query="SELECT * WHERE {\n  ?s ?p\n}")
    problem = wait_until(browser, lambda d: next(iter(by_css(d, ".problem")), None))
    assert (
        problem.find_element("css selector", ".problem-title").text == "The endpoint did not run the query (HTTP 400)"
    )
    assert "SPARQL syntax error" in problem.find_element("css selector", ".problem-message").text
    assert "Line 3, column" in problem.text
    assert len(by_css(browser, ".CodeMirror .cm-error-line")) == 1  # the line the parser names is marked
    screenshot(browser, "ui-syntax-error")
    type_query(browser, 'SELECT ?s WHERE { ?s xk:divisionCode "421202" }')
    by_css(browser, "#run")[0].click()
    hint = wait_until(browser, lambda d: next(iter(by_css(d, ".problem-hint")), None))
    assert "uses xk: without declaring it" in hint.text
    hint.find_element("css selector", "button").click()  # adds the PREFIX line and runs again
    rows = wait_for_rows(browser, lambda rows: len(rows) == 1)
    assert rows == [["xkp:xianan"]]
    logged = console_errors(browser)  # Chromium logs every 4xx answer; nothing else may be there
    assert len(logged) == 2 and all("/sparql - Failed to load resource" in m and "400" in m for m in logged), logged


def test_iri_links_to_its_local_page_which_shows_both_labels(browser, server):
    open_ui(browser, server, name="ask-xianan-is-in-hubei")
    verdict = wait_until(browser, lambda d: next(iter(by_css(d, ".boolean")), None))
    assert verdict.text.startswith("true")
    type_query(browser, 'SELECT ?place WHERE { ?place xk:divisionCode "421202" }')
    add_prefixes(browser)
    by_css(browser, "#run")[0].click()
    wait_for_rows(browser, lambda rows: rows == [["xkp:xianan"]])
    link = by_css(browser, "table.solutions a.iri.local")[0]
    assert link.get_attribute("title") == "https://xianan-kg.example.org/id/place/xianan"
    assert link.get_attribute("href") == server.base_url + "/id/place/xianan"
    link.click()
    wait_until(browser, lambda d: d.current_url.endswith("/id/place/xianan.html"))
    body = wait_until(browser, lambda d: d.find_element("css selector", "body").text)
    assert "咸安区" in body
    assert "Xian'an District" in body
    screenshot(browser, "ui-entity-xianan")


def test_describe_answer_is_shown_as_turtle_with_graph_downloads(browser, server, downloads):
    open_ui(browser, server, name="describe-revenue-provenance")
    wait_until(browser, lambda d: by_css(d, ".graph .CodeMirror"))
    turtle = browser.execute_script("return document.querySelector('.graph .CodeMirror').CodeMirror.getValue()")
    assert "一般公共预算收入15.48亿元" in turtle
    assert "762" in turtle and "777" in turtle
    assert by_css(browser, "#status")[0].text.startswith("Graph (text/turtle)")
    labels = [a.text for a in by_css(browser, "#downloads a.download")]
    assert labels == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]
    screenshot(browser, "ui-describe-turtle")
    saved = downloads / "xianan-kg-answer.nt"
    saved.unlink(missing_ok=True)
    by_css(browser, '#downloads a[data-accept="application/n-triples"]')[0].click()
    wait_until(browser, lambda d: saved.is_file() and saved.stat().st_size > 0)
    assert '"一般公共预算收入15.48亿元"' in saved.read_text(encoding="utf-8")


def test_select_answer_downloads_as_csv(browser, server, downloads):
    open_ui(browser, server, name="amounts-over-1-billion-yuan")
    wait_for_rows(browser, lambda rows: len(rows) == 11)
    assert [a.text for a in by_css(browser, "#downloads a.download")] == ["JSON", "XML", "CSV", "TSV"]
    saved = downloads / "xianan-kg-answer.csv"
    saved.unlink(missing_ok=True)
    by_css(browser, '#downloads a[data-accept="text/csv"]')[0].click()
    wait_until(browser, lambda d: saved.is_file() and saved.stat().st_size > 0)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "measures,stated,unit"
    assert "General public budget revenue,15.48,亿元" in lines


def test_values_from_the_data_are_text_never_markup(browser, server):
    open_ui(browser, server, query='SELECT ?x WHERE { BIND("<b id=\\"injected\\">bold</b>" AS ?x) }')
    rows = wait_for_rows(browser, lambda rows: len(rows) == 1)
    assert rows == [['<b id="injected">bold</b>']]
    assert by_css(browser, "#injected") == []


def test_filter_narrows_the_question_list(browser, server):
    open_ui(browser, server)
    total = len(LIBRARY)
    assert len([a for a in by_css(browser, "a.example") if a.is_displayed()]) > 5
    by_css(browser, "#example-filter")[0].send_keys("床位")
    wait_until(browser, lambda d: by_css(d, "#examples-heading .count")[0].text != str(total))
    shown = [a.get_attribute("data-name") for a in by_css(browser, "a.example") if a.is_displayed()]
    assert "beds" in shown
    assert len(shown) < 5
    assert by_css(browser, "#examples-heading .count")[0].text == f"{len(shown)} / {total}"


def test_federated_question_is_loaded_but_not_sent(browser, server):
    open_ui(browser, server)
    by_css(browser, 'a.example[data-name="federated-division-items"]')[0].click()
    note = wait_until(browser, lambda d: next(iter(by_css(d, "#output .note")), None))
    assert "SERVICE" in note.text
    assert editor_text(browser) == LIBRARY["federated-division-items"].text


def test_everything_the_page_loads_comes_from_this_server(browser, server):
    open_ui(browser, server, name="beds")
    wait_for_rows(browser, lambda rows: len(rows) == 2)
    time.sleep(0.2)  # let late resource entries land
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert resources, "the page loaded no assets at all"
    assert all(url.startswith(server.base_url + "/") for url in resources), resources
    assert console_errors(browser) == []


def test_narrow_window_stacks_the_library_under_the_editor(browser, server):
    size = browser.get_window_size()
    browser.set_window_size(820, 1000)
    try:
        open_ui(browser, server)
        wait_for_rows(browser, lambda rows: len(rows) == 4)
        editor = by_css(browser, ".workbench .CodeMirror")[0].rect
        examples = by_css(browser, "aside.examples")[0].rect
        assert examples["y"] > editor["y"] + editor["height"]
        screenshot(browser, "ui-narrow")
    finally:
        browser.set_window_size(size["width"], size["height"])


def test_without_the_editor_library_the_plain_textarea_still_runs_queries(browser, server):
    from selenium.webdriver.common.keys import Keys

    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/codemirror.js"]})
    try:
        open_ui(browser, server, name="beds")
        wait_for_rows(browser, lambda rows: len(rows) == 2)
        assert by_css(browser, ".CodeMirror") == []
        textarea = by_css(browser, "textarea#query")[0]
        textarea.send_keys(Keys.CONTROL, "a")
        textarea.send_keys(
            "SELECT ?code WHERE { <https://xianan-kg.example.org/id/place/xianan> <https://xianan-kg.example.org/ontology#divisionCode> ?code }"
        )
        textarea.send_keys(Keys.CONTROL, Keys.ENTER)
        assert wait_for_rows(browser, lambda rows: len(rows) == 1) == [["421202"]]
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        browser.execute_cdp_cmd("Network.disable", {})
