"""The server's settings, passed to `create_app` as one object; nothing is read from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import BASE

from .fairness import FairShare
from .limits import QueryLimits


@dataclass(frozen=True)
class ServerConfig:
    dist: Path = paths.DIST_DIR  # release artifacts written by `xianan-kg build`
    store: str = "oxigraph"  # oxigraph[:disk|:PATH], memory (rdflib) or a SPARQL endpoint URL (xianan_kg.store.local)
    base_iri: str = BASE  # IRIs under this prefix are served at their own path on this server
    max_request_bytes: int = 1_000_000  # largest POST body; a longer query is a 413
    max_incoming_links: int = 2_000  # incoming links listed on an entity page
    cache: bool = True  # keep query answers in memory (server/cache.py); off for cold measurements
    cache_max_bytes: int = 64 * 2**20  # per worker process
    cache_max_entry_bytes: int = 2 * 2**20  # a larger answer is computed every time
    limits: QueryLimits = QueryLimits()  # time, rows, bytes, memory, processes of a query (limits.py)
    fair_share: FairShare = FairShare()  # query time and concurrency per client address (fairness.py)
    trusted_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")  # Host headers links may name (hosts.py)

    @property
    def id_space(self) -> str:
        """The IRI space of the data (void:uriSpace); these IRIs name things, not documents."""
        return self.base_iri + "id/"

    @property
    def ontology_iri(self) -> str:
        """The ontology (its terms are `#` fragments of it), served at /ontology."""
        return self.base_iri + "ontology"

    @property
    def query_base_iri(self) -> str:
        """Relative IRIs in a query resolve against the endpoint's canonical IRI, the same on every host."""
        return self.base_iri + "sparql"

    def local_path(self, iri: str) -> str | None:
        """The path at which this server serves an IRI of our space (fragment kept), or None for other IRIs."""
        return "/" + iri[len(self.base_iri) :] if iri.startswith(self.base_iri) else None
