"""`/`: the query UI, a SPARQL editor with the question library one click away, answering from `/sparql`.

The page is plain HTML that works without JavaScript (its form posts to `/sparql`);
static/ui/query.js turns the textarea into a highlighted editor (CodeMirror 5, vendored
under static/ui/vendor/) and shows answers as a table, a yes/no, or Turtle. `?query=`
pre-fills the editor (the dashboard links its charts that way) and `?name=` loads a
library query; either is run as soon as the page opens. Every asset is served by us, and
the page goes out like every page of the site (site.render_page: a CSP that allows
scripts and styles from this server only).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request, url_for

from xianan_kg.query.library import NamedQuery, load_library
from xianan_kg.rdf.namespaces import PREFIXES
from xianan_kg.rdf.release import COMPLETION as COMPLETION_FILE

from .dataset import current_dataset
from .errors import HttpProblem
from .i18n import current_language
from .results import content_type
from .site import per_dataset, render_page
from .ui_text import PAGE_TEXT, SCRIPT_TEXT

bp = Blueprint("ui", __name__)

PARTS = ("intro", "part 1", "part 2", "part 3", "part 4", "captions", "outlook")  # the review's parts, in order
DEFAULT_QUERY = "growth-over-8-percent"  # what `/` opens with: short, and its answer is a readable table


def client_config(lang: str) -> dict:
    """What the script needs to know: where to send queries, which IRIs are ours, prefixes, its words."""
    return {
        "endpoint": url_for("protocol.endpoint"),
        "library": url_for("ui.library_query", name="NAME"),
        "defaultQuery": DEFAULT_QUERY,
        "baseIri": current_dataset().config.base_iri,
        "prefixes": {prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
        "messages": SCRIPT_TEXT[lang],
        "completion": url_for("ui.completion"),
    }


def release_library() -> dict[str, NamedQuery]:
    """The question library as the release carries it (read once per dataset version)."""
    return per_dataset("library", lambda: load_library(current_dataset().queries_dir))


def parts_of(query: NamedQuery) -> list[str]:
    """The parts of the review a question reads (its `# Part:` line), so the list can be filtered by part."""
    named = query.header.get("part", "").lower()
    return [part for part in PARTS if re.search(rf"\b{part}\b", named)]


@bp.route("/", methods=["GET"])
def index() -> Response:
    library = release_library()
    text_of = PAGE_TEXT[current_language()]
    name = request.args.get("name")
    text = request.args.get("query")
    selected: NamedQuery | None = None
    notice = None
    if text is None and name:
        selected = library.get(name)
        if selected is None:
            notice = text_of["unknown_name"].format(name=name)
    if text is None:
        selected = selected or library.get(DEFAULT_QUERY)
        text = selected.text if selected else ""
    return render_page(
        "query.html",
        status=404 if notice else 200,
        examples=list(library.values()),
        parts=PARTS,
        parts_of=parts_of,
        selected=selected,
        text=text,
        notice=notice,
        ui=text_of,
        config=client_config(current_language()),
    )


@bp.route("/queries/<name>.rq", methods=["GET"])
def library_query(name: str) -> Response:
    """One query of the library as its file reads, comments included (the editor loads examples from here)."""
    query = release_library().get(name)
    if query is None:
        raise HttpProblem(404, f"Not Found: no query named {name!r} in the library; see / for the list")
    return Response(query.text, content_type=content_type("application/sparql-query"))


@bp.route("/completion.json", methods=["GET"])
def completion() -> Response:
    """The build's completion index (xianan_kg.assemble.completion) for the editor: read from dist/, never computed here."""
    path = current_dataset().artifact(COMPLETION_FILE)
    if path is None:  # a lean build writes none
        raise HttpProblem(404, f"Not Found: {COMPLETION_FILE} is not in the release; run `xianan-kg build`")
    body = path.read_bytes()
    response = Response(body, content_type="application/json")
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response
