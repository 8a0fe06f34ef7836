"""A SPARQL 1.1 Protocol endpoint behind the store seam, so `--endpoint URL` answers like the local graph.

The query goes out as an HTML-form POST; the response's media type says what came
back (SPARQL JSON results, or an RDF graph). With `select_graphs` the request names
the build's graphs as default-graph-uri, so asserted and inferred can be chosen on an
endpoint that serves the release's named graphs; otherwise the endpoint's own default
graph answers.

`SparqlDatasetStore` is the same HTTP client as a full store (`--store URL`): the
server and `xianan-kg query` run on an external store that `xianan-kg load` filled.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

from rdflib import Graph
from rdflib.term import Node

from xianan_kg.rdf.errors import UserError
from xianan_kg.rdf.namespaces import bind_prefixes
from xianan_kg.rdf.release import VERSION as __version__
from xianan_kg.rdf.sparql import names_its_graphs
from xianan_kg.rdf.sparql import query_form as sparql_query_form
from xianan_kg.source.documents import document_graphs
from xianan_kg.store.base import (
    Answer,
    DatasetChoice,
    LocalStore,
    QuerySyntaxError,
    Store,
    asserted_graphs,
    rdflib_result,
)
from xianan_kg.store.local import RdflibAnswer
from xianan_kg.store.results import QueryResult, from_srj

ACCEPT = (
    "application/sparql-results+json, text/turtle;q=0.9, application/n-triples;q=0.8, "
    "application/ld+json;q=0.7, application/rdf+xml;q=0.6"
)
# Asked by the query's form: some stores (Virtuoso) write a graph as JSON results, or results as Turtle, if allowed.
SOLUTIONS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
# Public endpoints (Wikidata's among them) ask clients to name themselves and a contact: set
# XIANAN_KG_USER_AGENT to one that includes yours before running `xianan-kg link` against them.
USER_AGENT = os.environ.get("XIANAN_KG_USER_AGENT") or f"xianan-kg/{__version__} (SPARQL 1.1 Protocol client)"
JSON_TYPES = ("application/sparql-results+json", "application/json")
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


class EndpointError(UserError):
    """The endpoint could not be reached or refused the query."""


class EndpointStore(Store):
    name = "endpoint"

    def __init__(self, url: str, *, select_graphs: bool = False, timeout: float = 60.0) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise EndpointError(f"{url}: an endpoint URL starts with http:// or https://")
        self.url, self.select_graphs, self.timeout = url, select_graphs, timeout

    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult:
        fields = [("query", sparql)]
        if self.select_graphs and not names_its_graphs(sparql):  # its own FROM or GRAPH is kept
            graphs = asserted_graphs(inferred, document_graphs())  # the data of each source text of data/source/
            fields += [("default-graph-uri", g) for g in graphs]
        media, body = self.post(fields)
        return parse_response(body, media, self.url)

    def post(self, fields: list[tuple[str, str]], accept: str = ACCEPT) -> tuple[str, bytes]:
        """One protocol request as an HTML-form POST; (media type, body) of the answer."""
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": USER_AGENT,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0] if detail else exc.reason
            error = EndpointQueryError if exc.code == 400 else EndpointError
            raise error(f"{self.url} answered {exc.code}: {reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            why = getattr(exc, "reason", exc)
            raise EndpointError(f"cannot reach {self.url}: {why}") from None


class EndpointQueryError(EndpointError):
    """The endpoint refused the query itself (400): a fault of the query."""


class SparqlDatasetStore(LocalStore):
    """A SPARQL 1.1 store holding the build's named graphs (see `xianan-kg load`), served like an embedded one.

    The dataset of every query is spelled out as default-graph-uri / named-graph-uri, so
    the store's own graphs (Virtuoso keeps several) never join the default graph;
    pre-bound variables travel as a trailing VALUES clause and the base IRI as BASE.
    An answer in the media type the client wants is passed on as the store wrote it.
    """

    name = "sparql"

    def __init__(self, url: str, graph_names: Sequence[str], timeout: float = 60.0) -> None:
        self.endpoint = EndpointStore(url, timeout=timeout)
        self.url = url
        self.graph_names = tuple(graph_names)

    def _run(self, sparql: str, dataset: DatasetChoice, base_iri: str | None, bindings: dict[str, Node]) -> Answer:
        text = f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql
        if bindings:
            names = " ".join(f"?{name}" for name in bindings)
            values = " ".join(term.n3() for term in bindings.values())
            text += f"\nVALUES ({names}) {{ ({values}) }}"
        fields = [("query", text)]
        fields += [("default-graph-uri", g) for g in dataset.default]
        fields += [("named-graph-uri", g) for g in dataset.named]
        accept = GRAPH_ACCEPT if query_form(sparql) in ("CONSTRUCT", "DESCRIBE") else SOLUTIONS_ACCEPT
        try:
            media, body = self.endpoint.post(fields, accept)
        except EndpointQueryError as exc:
            raise QuerySyntaxError(str(exc)) from None
        return EndpointAnswer(body, media, self.url)


class EndpointAnswer(Answer):
    def __init__(self, body: bytes, media: str, url: str) -> None:
        self._body, self._media, self._url = body, media, url
        if media in JSON_TYPES:
            self.form = "ASK" if b'"boolean"' in body and "boolean" in json.loads(body) else "SELECT"
        elif media in GRAPH_TYPES:
            self.form = "GRAPH"
        else:
            raise EndpointError(f"{url} answered with {media!r}, which is neither SPARQL JSON results nor RDF")

    def serialize(self, media_type: str) -> bytes:
        if media_type == self._media:
            return self._body
        return RdflibAnswer(rdflib_result(self.to_result())).serialize(media_type)

    def to_result(self) -> QueryResult:
        return parse_response(self._body, self._media, self._url)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the server has checked the text already; the store decides the rest)."""
    return sparql_query_form(sparql) or "SELECT"


def parse_response(body: bytes, media: str, url: str = "the endpoint") -> QueryResult:
    if media in JSON_TYPES:
        return from_srj(json.loads(body.decode("utf-8")))
    if media in GRAPH_TYPES:
        graph = bind_prefixes(Graph())
        graph.parse(data=body.decode("utf-8"), format=GRAPH_TYPES[media])
        return QueryResult("CONSTRUCT", graph=graph)
    raise EndpointError(f"{url} answered with {media!r}, which is neither SPARQL JSON results nor RDF")
