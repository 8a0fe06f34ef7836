"""A SPARQL 1.1 Protocol endpoint behind the store seam, so `--endpoint URL` answers like the local graph.

The query goes out as an HTML-form POST; the response's media type says what came
back (SPARQL JSON results, or an RDF graph). With `select_graphs` the request names
the build's graphs as default-graph-uri, so asserted and inferred can be chosen on an
endpoint that serves the release's named graphs; otherwise the endpoint's own default
graph answers.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from rdflib import Graph

from .build import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from .errors import UserError
from .namespaces import bind_prefixes
from .results import from_srj
from .store import QueryResult, Store

ACCEPT = (
    "application/sparql-results+json, text/turtle;q=0.9, application/n-triples;q=0.8, "
    "application/ld+json;q=0.7, application/rdf+xml;q=0.6"
)
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
        if self.select_graphs:
            graphs = [GRAPH_ONTOLOGY, GRAPH_DATA, *([GRAPH_INFERRED] if inferred else [])]
            fields += [("default-graph-uri", g) for g in graphs]
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                media = response.headers.get_content_type()
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0] if detail else exc.reason
            raise EndpointError(f"{self.url} answered {exc.code}: {reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(f"cannot reach {self.url}: {reason}") from None
        return parse_response(body, media, self.url)


def parse_response(body: bytes, media: str, url: str = "the endpoint") -> QueryResult:
    if media in ("application/sparql-results+json", "application/json"):
        return from_srj(json.loads(body.decode("utf-8")))
    if media in GRAPH_TYPES:
        graph = bind_prefixes(Graph())
        graph.parse(data=body.decode("utf-8"), format=GRAPH_TYPES[media])
        return QueryResult("CONSTRUCT", graph=graph)
    raise EndpointError(f"{url} answered with {media!r}, which is neither SPARQL JSON results nor RDF")
