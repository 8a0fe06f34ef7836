"""Search by name: `/search?q=` for people (a page of links), `/search.json?q=` for scripts.

Matches any rdfs:label, skos:prefLabel or skos:altLabel, Chinese or English, by
substring, ranked exact > prefix > substring and shorter names first (labels.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, request

from .dataset import current_dataset
from .errors import HttpProblem
from .headers import dataset_response
from .i18n import current_language
from .labels import NameIndex, SearchHit
from .linked_data import names
from .site import render_page

bp = Blueprint("search", __name__)

MAX_RESULTS = 50
MAX_QUERY_CHARS = 200
RANK_NAMES = {0: "exact", 1: "prefix", 2: "substring"}


@dataclass(frozen=True)
class Result:
    iri: str
    href: str
    label: str  # in the reader's language
    labels: dict[str, str]
    matched: str
    matched_lang: str
    rank: str
    types: list[tuple[str, str]]  # (name, href)


def _query() -> str:
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise HttpProblem(400, f"Bad Request: q is longer than {MAX_QUERY_CHARS} characters")
    return query


def results(index: NameIndex, query: str, lang: str) -> tuple[list[Result], int]:
    """The best MAX_RESULTS hits as results for a page or JSON, and how many there were in all."""
    config = current_dataset().config
    hits: list[SearchHit] = index.search(query)

    def href(iri: str) -> str:
        return config.local_path(iri) or iri

    out = [
        Result(
            iri=hit.iri,
            href=href(hit.iri),
            label=index.label(hit.iri, lang) or hit.name.text,
            labels=index.labels(hit.iri),
            matched=hit.name.text,
            matched_lang=hit.name.lang,
            rank=RANK_NAMES[hit.rank],
            types=[(index.label(t, lang) or t.rsplit("#", 1)[-1], href(t)) for t in index.types.get(hit.iri, [])],
        )
        for hit in hits[:MAX_RESULTS]
    ]
    return out, len(hits)


@bp.route("/search", methods=["GET"])
def search_page() -> Response:
    query = _query()
    lang = current_language()
    found, total = results(names(), query, lang) if query else ([], 0)
    return render_page("search.html", query=query, results=found, total=total)


@bp.route("/search.json", methods=["GET"])
def search_json() -> Response:
    """{"query", "total", "results": [{"iri", "href", "label", "labels", "matched", "rank", "types"}]}."""
    query = _query()
    lang = current_language()
    found, total = results(names(), query, lang) if query else ([], 0)
    body = {
        "query": query,
        "total": total,
        "results": [
            {
                "iri": r.iri,
                "href": r.href,
                "label": r.label,
                "labels": r.labels,
                "matched": {"text": r.matched, "lang": r.matched_lang, "rank": r.rank},
                "types": [{"label": name, "href": href} for name, href in r.types],
            }
            for r in found
        ],
    }
    response = jsonify(body)
    response.headers["Content-Language"] = lang
    response.vary.update(("Cookie", "Accept-Language"))
    return dataset_response(response)
