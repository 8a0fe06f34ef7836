"""The pages in headless Chromium against `xianan-kg serve`, as a reader sees them, and checked for accessibility.

A reader opens the query editor, the dashboard, a project's page and the ontology,
and searches for 华勃铝业 from the header's box until its page opens, by the results page and by completion
as you type (Chinese, pinyin or English; Enter or a click on a choice opens its page). Assertions
are on what is visible; screenshots go to test-artifacts/. Every page is then
checked with axe-core (vendored under tests/vendor/axe-core, injected by WebDriver,
so the page's own CSP is untouched): WCAG 2 A/AA rules, among them alt text,
form labels and colour contrast, with no violation allowed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PROJECT = "/id/project/donghu-high-tech-xianan-industrial-park.html"
PAGE_OPENS_SECONDS = 60  # a page the script opens (location.assign): room for a shared, loaded machine
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || ''))})))))
  .catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));
"""


@pytest.fixture(autouse=True)
def forget_language(browser, server):
    """The browser is shared by the session: leave no language cookie behind for the next module's tests."""
    yield
    browser.get(server.base_url + "/ontology.css")
    browser.delete_all_cookies()


def css(driver, selector: str) -> list:
    return driver.find_elements("css selector", selector)


def visible_text(driver, selector: str = "body") -> str:
    return css(driver, selector)[0].text


def open_page(driver, server, path: str) -> None:
    driver.get(server.base_url + path)
    wait_until(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def test_dashboard_shows_charts_built_from_the_graph(browser, server):
    open_page(browser, server, "/dashboard?lang=en")
    charts = [svg for svg in css(browser, "svg.chart") if svg.is_displayed()]
    assert len(charts) >= 4
    for chart in charts:
        assert chart.size["width"] > 300 and chart.size["height"] > 80
        assert chart.find_elements("css selector", "rect")  # bars drawn
    text = visible_text(browser)
    assert "Year-on-year growth by indicator, 2023" in text
    assert "12.3%" in text and "General public budget revenue" in text
    assert "15.48 亿元 = 1,548,000,000 yuan" in text
    screenshot(browser, "pages-dashboard", full_page=True)
    # one click opens a chart's query in the query editor
    css(browser, "a.open-query")[0].click()
    wait_until(browser, lambda d: d.current_url.startswith(server.base_url + "/?query="))
    wait_until(browser, lambda d: "measure-growth" in d.execute_script("return document.querySelector('#query').value"))


def test_project_page_shows_amount_with_unit_and_highlighted_quote(browser, server):
    open_page(browser, server, PROJECT + "?lang=zh")
    assert visible_text(browser, "h1") == "东湖高新咸安产业园"
    amount = css(browser, ".figures .stated")[0]
    assert amount.is_displayed() and amount.text == "10.5 亿元"
    assert "1,050,000,000 元" in visible_text(browser, ".figures")
    marks = [m for m in css(browser, ".figures mark") if m.is_displayed()]
    assert marks and marks[0].text == "的东湖高新咸安产业园,总投资10.5亿元"
    background = marks[0].value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # highlighted, not just tagged
    assert css(browser, "svg.neighbourhood")[0].is_displayed()
    screenshot(browser, "pages-project-zh", full_page=True)
    # the quote links to its place in the source text
    css(browser, ".figures figcaption a")[0].click()
    wait_until(browser, lambda d: "/source?start=1519&end=1539" in d.current_url)
    assert css(browser, "mark#c1519")[0].text == "的东湖高新咸安产业园,总投资10.5亿元"


def test_language_switch_in_the_header(browser, server):
    open_page(browser, server, PROJECT + "?lang=zh")
    css(browser, '.language-switch a[hreflang="en"]')[0].click()
    wait_until(browser, lambda d: css(d, "h1")[0].text == "Donghu High-tech Xian'an Industrial Park (project)")
    assert "Figures about it" in visible_text(browser)
    open_page(browser, server, "/dashboard")  # the choice is remembered
    assert visible_text(browser, "h1") == "The review's figures"


def test_ontology_page_documents_every_class(browser, server, built):
    from rdflib import Graph
    from rdflib.namespace import OWL, RDF

    from xianan_kg.rdf.namespaces import XK

    ontology = Graph().parse(built.files["xianan-kg.ttl"], format="turtle")
    classes = sorted(str(c).split("#")[1] for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(XK)))
    open_page(browser, server, "/ontology?lang=en")
    documented = browser.execute_script(
        "return [...document.querySelectorAll('#classes .entity')].map(e => [e.id, e.querySelector('h3').innerText])"
    )
    ids = {i for i, _ in documented}
    assert set(classes) <= ids, sorted(set(classes) - ids)
    assert dict(documented)["Figure"].startswith("Figure")
    assert "Xian'an 2023 Review Ontology" in visible_text(browser, "h1")
    screenshot(browser, "pages-ontology")
    open_page(browser, server, "/ontology?lang=zh#Figure")
    assert css(browser, "#Figure h3")[0].text.startswith("数据")
    screenshot(browser, "pages-ontology-zh-figure")


def test_search_from_the_header_reaches_huabo_aluminium(browser, server):
    open_page(browser, server, "/dashboard?lang=zh")
    box = css(browser, "#site-search")[0]
    box.send_keys("华勃铝业")
    box.submit()
    wait_until(browser, lambda d: "/search?" in d.current_url)
    first = css(browser, "ol.search-results a.result-name")[0]
    assert first.text == "华勃铝业"
    screenshot(browser, "pages-search")
    first.click()
    wait_until(browser, lambda d: d.current_url.startswith(server.base_url + "/id/project/huabo-aluminium.html"))
    assert visible_text(browser, "h1") == "华勃铝业"
    assert "华勃铝业、精研新能源" in visible_text(browser, ".quotes")


def search_offers(driver) -> list[str] | None:
    """The compact IRIs the header's search box offers as you type, once it offers any."""
    return [li.get_attribute("data-iri") for li in css(driver, ".site-search .completions li")] or None


def test_the_header_search_box_completes_a_chinese_name_and_opens_its_page(browser, server):
    first_visit(browser)  # what earlier tests left in the console is theirs
    from selenium.webdriver.common.keys import Keys

    open_page(browser, server, "/dashboard?lang=zh")
    box = css(browser, "#site-search")[0]
    box.send_keys("华勃")  # the first two characters of 华勃铝业
    assert wait_until(browser, search_offers)[0] == "xkj:huabo-aluminium"
    first = css(browser, ".site-search .completions li")[0]
    assert first.is_displayed() and first.find_element("css selector", ".c-label").text == "华勃铝业"
    assert box.get_attribute("aria-expanded") == "true"
    screenshot(browser, "pages-search-completion")
    browser.execute_script(AXE.read_text(encoding="utf-8"))  # the open list is accessible too
    browser.set_script_timeout(60)
    violations = json.loads(browser.execute_async_script(AXE_RUN))
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)[:4000]
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "search-completions-0"
    box.send_keys(Keys.ENTER)  # the chosen entity's page, not the search page
    wait_until(
        browser, lambda d: d.current_url.startswith(server.base_url + "/id/project/huabo-aluminium"), PAGE_OPENS_SECONDS
    )
    assert "/search" not in browser.current_url
    assert visible_text(browser, "h1") == "华勃铝业"
    assert console_errors(browser) == []


def test_the_header_search_box_completes_pinyin_and_english_and_a_click_opens_the_page(browser, server):
    first_visit(browser)  # what earlier tests left in the console is theirs
    open_page(browser, server, "/source?lang=en")
    box = css(browser, "#site-search")[0]
    box.send_keys("xianan")  # toneless pinyin of 咸安
    assert "xkp:xianan" in wait_until(browser, search_offers)
    box.clear()  # WebDriver's clear leaves the box and comes back: the list must survive that
    box.send_keys("Huabo Alu")  # the start of the English name
    wait_until(browser, lambda d: (search_offers(d) or [None])[0] == "xkj:huabo-aluminium")
    css(browser, ".site-search .completions li")[0].click()
    wait_until(
        browser, lambda d: d.current_url.startswith(server.base_url + "/id/project/huabo-aluminium"), PAGE_OPENS_SECONDS
    )
    assert visible_text(browser, "h1") == "Huabo Aluminium (industrial project)"
    assert console_errors(browser) == []


def test_the_header_search_box_offers_only_things_with_a_page_and_enter_alone_still_searches(browser, server):
    first_visit(browser)  # what earlier tests left in the console is theirs
    from selenium.webdriver.common.keys import Keys

    open_page(browser, server, "/ontology?lang=zh")
    box = css(browser, "#site-search")[0]
    box.send_keys("品牌")  # schema:brand is named 品牌 exactly, but has no page here; our brand classes have
    offered = wait_until(browser, search_offers)
    assert "xk:RegionalBrand" in offered and "schema:brand" not in offered, offered
    box.send_keys(Keys.ENTER)  # nothing chosen with the arrows: the form searches, as it does without JavaScript
    wait_until(browser, lambda d: "/search?" in d.current_url)
    assert css(browser, "ol.search-results a.result-name")
    assert console_errors(browser) == []


@pytest.mark.parametrize(
    "path",
    [
        "/?lang=en",
        "/dashboard?lang=en",
        "/dashboard?lang=zh",
        PROJECT + "?lang=en",
        PROJECT + "?lang=zh",
        "/id/figure/general-public-budget-revenue-2023.html",
        "/id/place/xianan.html",
        "/ontology?lang=en",
        "/ontology?lang=zh",
        "/search?q=%E5%8D%8E%E5%8B%83",
        "/source?start=762&end=777",
        "/id/place/atlantis",
    ],
)
def test_every_page_passes_axe(browser, server, path):
    open_page(browser, server, path)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    violations = json.loads(browser.execute_async_script(AXE_RUN))
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)[:4000]
    assert not [e for e in console_errors(browser) if "Content Security Policy" in e or "Refused" in e]
