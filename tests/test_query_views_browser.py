"""The query page's first hour in headless Chromium: the banner follows edits, answers as charts, shared links.

Each test opens the page afresh on the session's live server and waits for what a reader
would wait for; screenshots go to test-artifacts/.
"""

from __future__ import annotations

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
