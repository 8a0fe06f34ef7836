"""Writing what the server returns: query answers (by the engine, natively) and RDF documents (by rdflib).

Every format we send is UTF-8 text, so every Content-Type carries `charset=utf-8`.
The query form decides what can be asked for: SELECT any SPARQL results format,
ASK the JSON or XML results (CSV/TSV define no boolean), CONSTRUCT and DESCRIBE an
RDF syntax. A generic type (application/json, application/xml, text/plain) is
answered with the specific one it stands for.
"""

from __future__ import annotations

from flask import Response
from rdflib import Graph

from xianan_kg.rdf.serialize import serialize_graph
from xianan_kg.store.base import Answer, AnswerWriteError

from .errors import HttpProblem

SOLUTION_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}
GRAPH_ALIASES = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
}
# media type -> xianan_kg.rdf.serialize format name, for the small documents we write with rdflib
DOCUMENT_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
DOCUMENT_MEDIA_TYPES = tuple(DOCUMENT_FORMATS)


def aliases_for(form: str) -> dict[str, str]:
    return GRAPH_ALIASES if form == "GRAPH" else SOLUTION_ALIASES


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def answer_response(answer: Answer, media_type: str) -> Response:
    try:
        body = answer.serialize(media_type)
    except AnswerWriteError as exc:
        raise HttpProblem(406, f"Not Acceptable: {exc}; ask for another format, e.g. text/turtle") from None
    return Response(body, content_type=content_type(media_type))


def document_bytes(graph: Graph, media_type: str) -> bytes:
    """A small graph as a byte-stable document (same graph, same bytes: ETags stay valid)."""
    return serialize_graph(graph, DOCUMENT_FORMATS[media_type])


def document_response(graph: Graph, media_type: str) -> Response:
    return Response(document_bytes(graph, media_type), content_type=content_type(media_type))
