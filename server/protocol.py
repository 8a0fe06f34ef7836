"""`/sparql`: the SPARQL 1.1 Protocol query operation over the published dataset, read-only.

One request goes: read the operation (sparql_request) → refuse updates, SERVICE,
graphs that are not ours and texts past the shape limits (xianan_kg.query.guard, the
same guard as `xianan-kg query`) → answer from the cache (cache.py) or run it in a
query process that the time limit can kill (execution.py), which negotiates the format
for the query form and writes the answer within the size limits (limits.py).
Without a query, the endpoint describes itself (Service Description), or sends a
browser to the query UI.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from xianan_kg.query.guard import QueryRefused, QueryShape, foreign_graphs, inspect_query, refuse_network

from .cache import answer_key, lookup, remember
from .dataset import PublishedDataset, current_dataset
from .descriptions import service_description
from .errors import HttpProblem
from .execution import QueryJob, run_query
from .fairness import fair_share
from .headers import dataset_response
from .hosts import external_url, this_url
from .negotiation import NotAcceptable, negotiate
from .results import DOCUMENT_MEDIA_TYPES, GRAPH_ALIASES, content_type, document_response
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


REFUSAL_STATUS = {"length": 413, "service": 403, "graph": 400}
REFUSAL_PREFIX = {400: "Bad Request: ", 413: "Content Too Large: "}


def guarded_shape(query: str, dataset: PublishedDataset) -> QueryShape:
    """The query's shape if this endpoint may run it; HttpProblem (403, 400, 413) otherwise."""
    try:
        shape = inspect_query(query, dataset.config.query_base_iri, dataset.config.limits.shape)
        if shape.operation == "update":
            raise HttpProblem(403, READ_ONLY)
        refuse_network(shape, dataset.graph_names)
    except QueryRefused as exc:
        if exc.reason == "service":
            raise HttpProblem(403, f"{NO_SERVICE} ({exc.message})") from None
        status = REFUSAL_STATUS.get(exc.reason, 400)
        raise HttpProblem(status, REFUSAL_PREFIX[status] + exc.message) from None
    return shape


def unique(graphs: tuple[str, ...]) -> tuple[str, ...]:
    """Each graph once, in the order given: the engine would merge a graph named twice twice, doubling counts."""
    return tuple(dict.fromkeys(graphs))


def select_dataset(
    op: SparqlRequest, shape: QueryShape, dataset: PublishedDataset
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(default graphs, named graphs); None means the service default (all graphs). Protocol beats FROM (§2.1.4)."""
    if op.names_dataset:
        for source, names in (("default-graph-uri", op.default_graphs), ("named-graph-uri", op.named_graphs)):
            message = foreign_graphs(names, dataset.graph_names, source)
            if message:
                raise HttpProblem(400, f"Bad Request: {message}")
        return unique(op.default_graphs), unique(op.named_graphs)
    if shape.has_dataset_clause:  # the guard has checked they are ours
        return unique(shape.from_graphs), unique(shape.from_named_graphs)
    return None, None


def describe_service() -> Response:
    media_type = negotiate(request.headers.get("Accept"), ["text/html", *DOCUMENT_MEDIA_TYPES], GRAPH_ALIASES)
    if media_type == "text/html":
        return redirect(url_for("ui.index"), code=303)  # type: ignore[return-value]  # flask types it as werkzeug's Response; it makes the app's
    graph = service_description(current_dataset(), this_url(), external_url("linked_data.void"))
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
    shape = guarded_shape(op.query, dataset)
    default, named = select_dataset(op, shape, dataset)
    accept = request.headers.get("Accept")
    cache_key = answer_key(dataset.version, op.query, default, named, accept)
    if (cached := lookup(dataset.cache, cache_key)) is not None:
        return dataset_response(cached)
    with fair_share() as used:  # 429 past the client's query time or concurrency
        outcome = run_query(QueryJob(op.query, default, named, dataset.config.query_base_iri, accept), used)
    if outcome.status != 200:
        raise HttpProblem(outcome.status, outcome.message)
    response = Response(outcome.body, content_type=content_type(outcome.media_type))
    return dataset_response(remember(dataset.cache, cache_key, response))
