"""The store seam: one query interface over the release artifacts, several engines behind it.

rdflib is the reference engine (used to build and check); pyoxigraph is the fast
one the endpoint serves from. Both open what `xianan-kg build` wrote and never
reason or parse the sources again. Results come back as rdflib terms whatever
the engine, so callers and tests compare them directly.

A local store also runs a query on any selection of its named graphs (the SPARQL
Protocol's dataset) and hands back an `Answer` that the engine itself writes in a
result media type: pyoxigraph serialises natively, which is what makes the
endpoint fast.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from . import paths
from .build import ARTIFACT_STEM, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from .errors import InputError
from .namespaces import PREFIXES, bind_prefixes

# Media types an Answer can be written in: solutions (SELECT, ASK) and graphs (CONSTRUCT, DESCRIBE).
SOLUTION_MEDIA_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
BOOLEAN_MEDIA_TYPES = SOLUTION_MEDIA_TYPES[:2]  # SPARQL CSV/TSV define no boolean form
GRAPH_MEDIA_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
)


class QuerySyntaxError(ValueError):
    """The engine cannot parse the query; the message says where (line and column)."""


class QueryEvaluationError(ValueError):
    """The engine failed while evaluating the query; a fault of the query, not of the server."""


class AnswerWriteError(ValueError):
    """The answer cannot be written in the asked media type (e.g. a predicate RDF/XML cannot name)."""


@dataclass
class QueryResult:
    form: str  # SELECT, ASK, CONSTRUCT (DESCRIBE answers are graphs too)
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Answer(ABC):
    """One query's answer before it is written out: `form` is SELECT, ASK or GRAPH (CONSTRUCT, DESCRIBE)."""

    form: str

    @property
    def media_types(self) -> tuple[str, ...]:
        return {"SELECT": SOLUTION_MEDIA_TYPES, "ASK": BOOLEAN_MEDIA_TYPES}.get(self.form, GRAPH_MEDIA_TYPES)

    @abstractmethod
    def serialize(self, media_type: str) -> bytes:
        """The answer as bytes (UTF-8 for every textual type); consumes the answer."""

    @abstractmethod
    def to_result(self) -> QueryResult:
        """The answer as rdflib terms; consumes the answer."""


class Store(ABC):
    """Read-only SPARQL over the built graph; `inferred` chooses asserted-only or asserted + entailments."""

    name: str

    @abstractmethod
    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult: ...


@dataclass(frozen=True)
class DatasetChoice:
    """The graphs a query sees: the merge of `default` as its default graph, `named` for GRAPH."""

    default: tuple[str, ...]
    named: tuple[str, ...]


class LocalStore(Store):
    """A store that holds the named graphs itself and runs a query on any selection of them."""

    graph_names: tuple[str, ...]

    def execute(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        bindings: Mapping[str, Node] | None = None,
    ) -> Answer:
        """Run a query. The default graph is the merge of `default_graphs` (all graphs when None); GRAPH
        sees `named_graphs` (all when None). The given dataset replaces any FROM / FROM NAMED of the query.
        `bindings` pre-bind variables; `base_iri` resolves relative IRIs of the query."""
        default = tuple(self.graph_names if default_graphs is None else default_graphs)
        named = tuple(self.graph_names if named_graphs is None else named_graphs)
        return self._run(sparql, DatasetChoice(default, named), base_iri, dict(bindings or {}))

    @abstractmethod
    def _run(self, sparql: str, dataset: DatasetChoice, base_iri: str | None, bindings: dict[str, Node]) -> Answer:
        """The engine's part of `execute`, with the dataset spelled out."""

    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult:
        return self.execute(sparql, default_graphs=_asserted_graphs(inferred)).to_result()


def _asserted_graphs(inferred: bool) -> list[str]:
    return [GRAPH_ONTOLOGY, GRAPH_DATA, *([GRAPH_INFERRED] if inferred else [])]


def _graph_result(triples: object) -> QueryResult:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return QueryResult("CONSTRUCT", graph=graph)


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


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"unsupported term {term!r}")


OX_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


class OxigraphAnswer(Answer):
    def __init__(self, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> None:
        self._result = result
        if isinstance(result, ox.QueryBoolean):
            self.form = "ASK"
        elif isinstance(result, ox.QuerySolutions):
            self.form = "SELECT"
        else:
            self.form = "GRAPH"

    def serialize(self, media_type: str) -> bytes:
        try:
            if self.form == "GRAPH":
                return ox.serialize(self._result, format=ox.RdfFormat.from_media_type(media_type), prefixes=OX_PREFIXES)
            return self._result.serialize(format=ox.QueryResultsFormat.from_media_type(media_type))
        except (ValueError, TypeError) as exc:
            raise AnswerWriteError(f"cannot write the answer as {media_type}: {exc}") from None

    def to_result(self) -> QueryResult:
        if self.form == "ASK":
            return QueryResult("ASK", boolean=bool(self._result))
        if self.form == "SELECT":
            names = [v.value for v in self._result.variables]
            rows = [{n: _from_ox(sol[n]) for n in names if sol[n] is not None} for sol in self._result]
            return QueryResult("SELECT", variables=names, rows=rows)
        return _graph_result((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)) for t in self._result)


class OxigraphStore(LocalStore):
    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self.graph_names = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))

    @classmethod
    def from_artifacts(cls, dist: Path = paths.DIST_DIR) -> OxigraphStore:
        path = dist / f"{ARTIFACT_STEM}.nq"
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise InputError(f"{path}: corrupt artifact ({exc}); run `xianan-kg build` again") from None
        return cls(store)

    def _run(self, sparql: str, dataset: DatasetChoice, base_iri: str | None, bindings: dict[str, Node]) -> Answer:
        substitutions = {ox.Variable(k): _to_ox(v) for k, v in bindings.items()}
        try:
            result = self._store.query(
                sparql,
                base_iri=base_iri,
                default_graph=[ox.NamedNode(g) for g in dataset.default],
                named_graphs=[ox.NamedNode(g) for g in dataset.named],
                substitutions=substitutions or None,
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from None
        return OxigraphAnswer(result)


# --- rdflib ---

RDFLIB_GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt11",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
RDFLIB_RESULT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
}


class RdflibAnswer(Answer):
    def __init__(self, result: object) -> None:
        self._result = result
        self.form = {"CONSTRUCT": "GRAPH", "DESCRIBE": "GRAPH"}.get(result.type, result.type)

    def serialize(self, media_type: str) -> bytes:
        if self.form != "GRAPH":
            if media_type == "text/tab-separated-values":
                from .results import to_tsv  # the CLI's writer; imported late, it imports this module

                return to_tsv(self.to_result()).encode("utf-8")
            return self._result.serialize(format=RDFLIB_RESULT_FORMATS[media_type], encoding="utf-8")
        fmt = RDFLIB_GRAPH_FORMATS[media_type]
        target = Dataset() if fmt in ("nquads", "trig") else bind_prefixes(Graph())
        sink = target.default_graph if isinstance(target, Dataset) else target
        for triple in self._result.graph:
            sink.add(triple)
        try:
            return target.serialize(format=fmt, encoding="utf-8")
        except ValueError as exc:
            raise AnswerWriteError(f"cannot write the answer as {media_type}: {exc}") from None

    def to_result(self) -> QueryResult:
        if self.form == "ASK":
            return QueryResult("ASK", boolean=bool(self._result.askAnswer))
        if self.form == "SELECT":
            names = [str(v) for v in self._result.vars]
            rows = [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in self._result]
            return QueryResult("SELECT", variables=names, rows=rows)
        return _graph_result(self._result.graph)


class RdflibStore(LocalStore):
    name = "memory"

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._views: dict[DatasetChoice, Dataset] = {}
        self.graph_names = tuple(
            sorted(str(g.identifier) for g in dataset.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID)
        )

    @classmethod
    def from_artifacts(cls, dist: Path = paths.DIST_DIR) -> RdflibStore:
        path = dist / f"{ARTIFACT_STEM}.nq"
        ds = Dataset()
        try:
            ds.parse(path, format="nquads")
        except Exception as exc:  # rdflib's parsers raise assorted types on bad input
            raise InputError(f"{path}: corrupt artifact ({exc}); run `xianan-kg build` again") from None
        return cls(ds)

    def _view(self, choice: DatasetChoice) -> Dataset:
        """An rdflib dataset holding exactly the chosen graphs; built once per choice."""
        if choice not in self._views:
            view = Dataset()
            for name in choice.default:
                for triple in self._dataset.graph(URIRef(name)):
                    view.default_graph.add(triple)
            for name in choice.named:
                target = view.graph(URIRef(name))
                for triple in self._dataset.graph(URIRef(name)):
                    target.add(triple)
            self._views[choice] = view
        return self._views[choice]

    def _run(self, sparql: str, dataset: DatasetChoice, base_iri: str | None, bindings: dict[str, Node]) -> Answer:
        try:
            prepared = translateQuery(parseQuery(sparql), base=base_iri)
        except ParseException as exc:
            raise QuerySyntaxError(f"error at {exc.lineno}:{exc.col}: {exc.msg}") from None
        except Exception as exc:  # e.g. an undeclared prefix; rdflib raises a bare Exception
            raise QuerySyntaxError(str(exc)) from None
        prepared.algebra["datasetClause"] = None  # the dataset is the caller's, never fetched
        try:
            result = self._view(dataset).query(prepared, initBindings=bindings)
            if result.type == "SELECT":
                result.bindings  # noqa: B018 - evaluate now, so that evaluation errors surface here
        except Exception as exc:  # rdflib fails with assorted types (bad regex, unorderable terms, …)
            raise QueryEvaluationError(f"the query could not be evaluated: {type(exc).__name__}: {exc}") from None
        return RdflibAnswer(result)


BACKENDS: dict[str, type[LocalStore]] = {"oxigraph": OxigraphStore, "memory": RdflibStore}


def open_store(kind: str = "oxigraph", dist: Path = paths.DIST_DIR) -> LocalStore:
    """Open a built store; `xianan-kg build` must have run first."""
    if kind not in BACKENDS:
        raise ValueError(f"unknown store {kind!r}; choose one of {', '.join(sorted(BACKENDS))}")
    if not (dist / f"{ARTIFACT_STEM}.nq").is_file():
        raise FileNotFoundError(f"{dist / (ARTIFACT_STEM + '.nq')}: not built yet; run `xianan-kg build`")
    return BACKENDS[kind].from_artifacts(dist)
