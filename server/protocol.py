"""`/sparql`: the SPARQL 1.1 Protocol query operation over the published dataset, read-only.

One request goes: read the operation (sparql_request) → refuse updates, SERVICE and
graphs that are not ours (query_guard, this module) → run it on the chosen dataset
(the store) → negotiate the format for the query form → let the engine write it.
Without a query, the endpoint describes itself (Service Description), or sends a
browser to the query UI.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, redirect, request, url_for

from xianan_kg.store import QueryEvaluationError, QuerySyntaxError

from .dataset import PublishedDataset, current_dataset
from .descriptions import service_description
from .errors import HttpProblem
from .headers import dataset_response
from .negotiation import NotAcceptable, negotiate
from .query_guard import QueryShape, inspect_query
from .results import DOCUMENT_MEDIA_TYPES, GRAPH_ALIASES, aliases_for, answer_response, document_response
from .sparql_request import SparqlRequest, read_sparql_request

bp = Blueprint("protocol", __name__)

READ_ONLY = (
    "Forbidden: this endpoint is read-only; SPARQL Update (and LOAD) is not accepted here. "
    "Rebuild the dataset with `xianan-kg build` to change it."
)
NO_SERVICE = (
    "Forbidden: SERVICE (federated query) is not allowed on this endpoint; it never connects to other "
    "services. Run the federated part against the other endpoint yourself."
)


def select_dataset(
    op: SparqlRequest, shape: QueryShape, dataset: PublishedDataset
) -> tuple[Sequence[str] | None, Sequence[str] | None]:
    """(default graphs, named graphs); None means the service default (all graphs). Protocol beats FROM (§2.1.4)."""
    if op.names_dataset:
        source, default, named = "default-graph-uri / named-graph-uri", op.default_graphs, op.named_graphs
    elif shape.has_dataset_clause:
        source, default, named = "FROM / FROM NAMED", shape.from_graphs, shape.from_named_graphs
    else:
        return None, None
    unknown = [g for g in (*default, *named) if g not in dataset.graph_names]
    if unknown:
        raise HttpProblem(
            400,
            f"Bad Request: {source} names {', '.join(f'<{g}>' for g in unknown)}, not a graph of this dataset "
            f"(this endpoint never fetches remote documents). Its graphs: "
            f"{', '.join(f'<{g}>' for g in dataset.graph_names)}",
        )
    return list(default), list(named)


def describe_service() -> Response:
    media_type = negotiate(request.headers.get("Accept"), ["text/html", *DOCUMENT_MEDIA_TYPES], GRAPH_ALIASES)
    if media_type == "text/html":
        return redirect(url_for("ui.index"), code=303)
    graph = service_description(current_dataset(), request.base_url, url_for("linked_data.void", _external=True))
    return dataset_response(document_response(graph, media_type))


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)  # /sparql/ too, as the W3C tests write it
def endpoint() -> Response:
    op = read_sparql_request(request)
    if op.is_update:
        raise HttpProblem(403, READ_ONLY)
    if op.query is None:
        if request.method == "GET" and not op.names_dataset:
            try:
                return describe_service()
            except NotAcceptable:
                pass  # the client wants results, not a description: it forgot the query
        raise HttpProblem(400, "Bad Request: no query; send it as the `query` parameter or the request body")
    dataset = current_dataset()
    shape = inspect_query(op.query, dataset.config.query_base_iri)
    if shape.operation == "update":
        raise HttpProblem(403, READ_ONLY)
    if shape.uses_service:
        raise HttpProblem(403, NO_SERVICE)
    default, named = select_dataset(op, shape, dataset)
    try:
        answer = dataset.store.execute(
            op.query, default_graphs=default, named_graphs=named, base_iri=dataset.config.query_base_iri
        )
    except QuerySyntaxError as exc:
        raise HttpProblem(400, f"Bad Request: SPARQL syntax error: {exc}") from None
    except QueryEvaluationError as exc:
        raise HttpProblem(400, f"Bad Request: {exc}") from None
    media_type = negotiate(request.headers.get("Accept"), answer.media_types, aliases_for(answer.form))
    return dataset_response(answer_response(answer, media_type))
