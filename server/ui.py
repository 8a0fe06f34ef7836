"""`/`: a placeholder start page (a plain query form and the ways in), to be replaced by the query UI blueprint.

Kept in its own blueprint named `ui` with the view `index`, so the real UI can take
its place without touching the rest of the server (`/sparql` sends browsers here).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from .dataset import current_dataset
from .results import content_type

bp = Blueprint("ui", __name__)


@bp.route("/", methods=["GET"])
def index() -> Response:
    config = current_dataset().config
    example = config.local_path(config.id_space + "place/xianan")
    return Response(render_template("ui_placeholder.html", example=example), content_type=content_type("text/html"))
