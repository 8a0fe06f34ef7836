"""The query UI's HTML and assets over real HTTP: what the page promises before any script runs.

The browser tests (test_server_ui_browser.py) drive the same page in Chromium; these
check what any client receives: the pre-filled editor, the library, the CSP, and that
every asset is ours.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from xianan_kg.query.library import load_library

from .protocol.live_server import shared_server_fixture  # noqa: F401 - fixture

LIBRARY = load_library()


class PageParts(HTMLParser):
    """The textarea's text, the assets the page loads, and the library links, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.textarea = ""
        self.assets: list[str] = []
        self.examples: list[str] = []
        self.inline_scripts = 0
        self._in_textarea = False
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "textarea":
            self._in_textarea = True
        elif tag == "script":
            if a.get("src"):
                self.assets.append(a["src"])
            elif a.get("type") != "application/json":
                self.inline_scripts += 1
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.assets.append(a["href"])
        elif tag == "a" and "example" in (a.get("class") or "").split():
            self.examples.append(a["data-name"])
        if "style" in a:
            self.inline_scripts += 1  # an inline style attribute would be blocked by the CSP just the same

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._in_textarea = False

    def handle_data(self, data: str) -> None:
        if self._in_textarea:
            self.textarea += data


def page(server, **params) -> tuple:
    response = server.get("/", params or None, Accept="text/html")
    parts = PageParts()
    parts.feed(response.text)
    return response, parts


def test_home_opens_with_a_library_question_and_lists_them_all(server):
    response, parts = page(server)
    assert response.status == 200
    assert response.media_type == "text/html"
    assert parts.textarea == LIBRARY["growth-over-8-percent"].text
    assert parts.examples == list(LIBRARY)
    assert "哪些金额超过10亿元?" in response.text
    assert "Which amounts of money in the review are more than CNY 1 billion?" in response.text


def test_name_parameter_loads_that_library_query(server):
    response, parts = page(server, name="beds")
    assert response.status == 200
    assert parts.textarea == LIBRARY["beds"].text
    assert "文中提到了多少张床位?" in response.text


def test_unknown_name_is_a_404_page_that_still_offers_the_library(server):
    response, parts = page(server, name="no-such-question")
    assert response.status == 404
    assert "No query named “no-such-question” in the library" in response.text
    assert len(parts.examples) == len(LIBRARY)


def test_query_parameter_prefills_the_editor_escaped(server):
    hostile = 'SELECT ("</textarea><script>alert(1)</script>" AS ?x) {}'
    response, parts = page(server, query=hostile)
    assert parts.textarea == hostile
    assert "<script>alert(1)" not in response.text
    assert parts.inline_scripts == 0


def test_page_has_a_strict_csp_and_only_our_own_assets(server):
    response, parts = page(server)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert parts.inline_scripts == 0
    assert "/static/ui/query.js" in parts.assets
    assert all(src.startswith("/static/") for src in parts.assets), parts.assets
    for src in parts.assets:
        asset = server.get(src)
        assert asset.status == 200, src
        assert not re.search(rb"https?://[^\s\"')]*\.(?:js|css)\b", asset.body), f"{src} loads from elsewhere"


def test_library_query_is_served_as_its_file_reads(server):
    response = server.get("/queries/amounts-over-1-billion-yuan.rq")
    assert response.status == 200
    assert response.media_type == "application/sparql-query"
    assert response.text == LIBRARY["amounts-over-1-billion-yuan"].text
    missing = server.get("/queries/nope.rq", Accept="text/plain")
    assert missing.status == 404
    assert "no query named 'nope'" in missing.text


def test_vendored_editor_carries_its_licence(server):
    licence = server.get("/static/ui/vendor/codemirror/LICENSE")
    assert licence.status == 200
    assert "MIT License" in licence.text
