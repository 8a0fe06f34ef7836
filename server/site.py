"""What every HTML page shares: the header (search box, language switch), the language cookie, strict headers.

Pages are rendered with `render_page`, which answers with a Content-Security-Policy
that allows scripts and styles from this server only (no inline script or style),
and with an ETag per dataset version *and* language, since the same URL reads
differently in Chinese and English (`Vary: Cookie, Accept-Language`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from .dataset import current_dataset
from .headers import HTML_CSP, dataset_response
from .i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES, current_language, strings
from .results import content_type

bp = Blueprint("site", __name__)
T = TypeVar("T")

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def language_links() -> list[dict[str, str | bool]]:
    """The current page in each language (the switch in the header).

    The path is built from the matched route, never copied from the request: `/\\evil.example/` (which a browser
    reads as `//evil.example/`) would otherwise become a link off the site. A page no route matched (a 404)
    links to itself with a query alone."""
    args = {k: v for k, v in request.args.items(multi=True) if k != "lang"}
    path = url_for(request.endpoint, **(request.view_args or {})) if request.url_rule and request.endpoint else ""
    links: list[dict[str, str | bool]] = []
    for lang in LANGUAGES:
        query = urlencode([*args.items(), ("lang", lang)])
        links.append({"lang": lang, "name": LANGUAGE_NAMES[lang], "href": f"{path}?{query}"})
    return links


@bp.app_context_processor
def site_context() -> dict:
    """`site` in every template: the language, its interface text, the switch, the search box's text."""
    lang = current_language()
    return {
        "site": {
            "lang": lang,
            "t": strings(lang),
            "languages": language_links(),
            "query": request.args.get("q", "") if request.endpoint and request.endpoint.startswith("search") else "",
            # completion as you type in the search box (static/ui/complete.js): the index, and which IRIs have a page
            "completion": url_for("ui.completion"),
            "base_iri": current_dataset().config.base_iri,
        }
    }


@bp.after_app_request
def remember_language(response: Response) -> Response:
    """`?lang=` is remembered for the next pages; HTML differs by language, so caches must key on it."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    if response.mimetype == "text/html":
        response.vary.update(("Cookie", "Accept-Language"))
    return response


def render_page(template: str, status: int = 200, **context: object) -> Response:
    """A page of this site: strict CSP, Content-Language, and an ETag for this dataset version and language."""
    lang = current_language()
    response = Response(render_template(template, **context), status=status, content_type=content_type("text/html"))
    response.headers["Content-Security-Policy"] = HTML_CSP
    response.headers["Content-Language"] = lang
    return dataset_response(response)  # an ETag per language too: the page's bytes differ


def per_dataset(name: str, build: Callable[[], T]) -> T:
    """A value computed once per published dataset version (labels, charts), kept with the app."""
    dataset = current_dataset()
    cache = current_app.extensions.setdefault("xianan_kg.pages", {})
    key = (name, dataset.version)
    if key not in cache:
        cache[key] = build()
    return cache[key]
