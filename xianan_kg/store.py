"""The store seam: one query interface over the release artifacts, several engines behind it.

rdflib is the reference engine (used to build and check); pyoxigraph is the fast
one the endpoint serves from. Both open what `xianan-kg build` wrote and never
reason or parse the sources again. Results come back as rdflib terms whatever
the engine, so callers and tests compare them directly.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from . import paths
from .build import ARTIFACT_STEM, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from .namespaces import bind_prefixes


@dataclass
class QueryResult:
    form: str  # SELECT, ASK, CONSTRUCT (DESCRIBE answers are graphs too)
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Store(ABC):
    """Read-only SPARQL over the built graph; `inferred` chooses asserted-only or asserted + entailments."""

    name: str

    @abstractmethod
    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult: ...


def _asserted_graphs(inferred: bool) -> list[str]:
    return [GRAPH_ONTOLOGY, GRAPH_DATA, *([GRAPH_INFERRED] if inferred else [])]


# --- pyoxigraph ---


def _from_ox(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == str(XSD.string) else Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


class OxigraphStore(Store):
    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def from_artifacts(cls, dist: Path = paths.DIST_DIR) -> OxigraphStore:
        store = ox.Store()
        store.bulk_load(path=str(dist / f"{ARTIFACT_STEM}.nq"), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult:
        default = [ox.NamedNode(g) for g in _asserted_graphs(inferred)]
        result = self._store.query(sparql, default_graph=default)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = [{n: _from_ox(sol[n]) for n in names if sol[n] is not None} for sol in result]
            return QueryResult("SELECT", variables=names, rows=rows)
        graph = bind_prefixes(Graph())
        for t in result:
            graph.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
        return QueryResult("CONSTRUCT", graph=graph)


# --- rdflib ---


class RdflibStore(Store):
    name = "memory"

    def __init__(self, asserted: Graph, closure: Graph) -> None:
        self._graphs = {False: asserted, True: closure}

    @classmethod
    def from_artifacts(cls, dist: Path = paths.DIST_DIR) -> RdflibStore:
        ds = Dataset()
        ds.parse(dist / f"{ARTIFACT_STEM}.nq", format="nquads")
        asserted, closure = bind_prefixes(Graph()), bind_prefixes(Graph())
        for name in _asserted_graphs(True):
            for triple in ds.graph(URIRef(name)):
                closure.add(triple)
                if name != GRAPH_INFERRED:
                    asserted.add(triple)
        return cls(asserted, closure)

    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult:
        result = self._graphs[inferred].query(sparql)
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            names = [str(v) for v in result.vars]
            rows = [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in result]
            return QueryResult("SELECT", variables=names, rows=rows)
        graph = bind_prefixes(Graph())
        for triple in result.graph:
            graph.add(triple)
        return QueryResult("CONSTRUCT", graph=graph)


BACKENDS: dict[str, type[Store]] = {"oxigraph": OxigraphStore, "memory": RdflibStore}


def open_store(kind: str = "oxigraph", dist: Path = paths.DIST_DIR) -> Store:
    """Open a built store; `xianan-kg build` must have run first."""
    if kind not in BACKENDS:
        raise ValueError(f"unknown store {kind!r}; choose one of {', '.join(sorted(BACKENDS))}")
    if not (dist / f"{ARTIFACT_STEM}.nq").is_file():
        raise FileNotFoundError(f"{dist / (ARTIFACT_STEM + '.nq')}: not built yet; run `xianan-kg build`")
    return BACKENDS[kind].from_artifacts(dist)
