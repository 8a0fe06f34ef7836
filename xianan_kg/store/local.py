"""The store seam: one query interface over the release artifacts, several engines behind it.

- `oxigraph` (default): pyoxigraph's native SPARQL engine over the build's N-Quads, loaded
  into memory (about 50 ms for the review's graph): the fastest answers;
  `oxigraph:disk` opens the store directory that `xianan-kg build` writes into dist/,
  read-only: nothing is parsed, so startup does not grow with the graph (14 ms at a
  million quads), at about three times the query time; `oxigraph:PATH` opens another
  store directory.
- `memory`: rdflib's in-memory store, the reference engine the build itself uses.
- a URL: any SPARQL 1.1 store holding the build's named graphs (`xianan-kg load` puts them
  there), through the protocol (xianan_kg.store.remote).

All open what the build wrote and never reason or parse the sources again. Results come
back as rdflib terms whatever the engine, with the same literals (xianan_kg.rdf.literals), so
callers and tests compare them directly.

A store also runs a query on any selection of its named graphs (the SPARQL Protocol's
dataset) and hands back an `Answer` that the engine itself writes in a result media
type: pyoxigraph serialises natively, which is what makes the endpoint fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from xianan_kg.assemble.storedir import store_is_current
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.literals import engine_term
from xianan_kg.rdf.namespaces import PREFIXES, bind_prefixes
from xianan_kg.rdf.release import ARTIFACT_STEM, OXIGRAPH_DIRECTORY
from xianan_kg.rdf.terms import from_ox_term, to_ox_term
from xianan_kg.store.base import (
    Answer,
    AnswerWriteError,
    DatasetChoice,
    LocalStore,
    QueryEvaluationError,
    QuerySyntaxError,
)
from xianan_kg.store.results import QueryResult, to_tsv


def _graph_result(triples: Iterable[tuple[Node, Node, Node]]) -> QueryResult:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return QueryResult("CONSTRUCT", graph=graph)


# --- pyoxigraph ---


OX_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project's prefixes that name at least one IRI or datatype of the triples: a CONSTRUCT answer in Turtle
    starts with the @prefix lines it needs, not with all of them."""
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    namespaces = set()  # the longest namespace of each IRI: xkp:, not also xkd: (…/id/) above it
    for iri in iris:
        fitting = [ns for ns in OX_PREFIXES.values() if iri.startswith(ns)]
        if fitting:
            namespaces.add(max(fitting, key=len))
    return {prefix: ns for prefix, ns in OX_PREFIXES.items() if ns in namespaces}


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
        written = self._serialize(media_type, None)
        assert written is not None  # with no output, pyoxigraph returns the bytes
        return written

    def write(self, media_type: str, output: BinaryIO) -> None:
        self._serialize(media_type, output)

    def _serialize(self, media_type: str, output: BinaryIO | None) -> bytes | None:
        result = self._result
        try:
            if isinstance(result, ox.QueryTriples):  # self.form == "GRAPH"
                rdf_format = ox.RdfFormat.from_media_type(media_type)
                triples = list(result)  # read once, to declare only the prefixes it uses
                return ox.serialize(triples, output, format=rdf_format, prefixes=used_prefixes(triples))
            return result.serialize(output, format=ox.QueryResultsFormat.from_media_type(media_type))
        except (ValueError, TypeError) as exc:
            raise AnswerWriteError(f"cannot write the answer as {media_type}: {exc}") from None

    def to_result(self) -> QueryResult:
        if self.form == "ASK":
            return QueryResult("ASK", boolean=bool(self._result))
        result = self._result
        if isinstance(result, ox.QuerySolutions):  # self.form == "SELECT"
            names = [v.value for v in result.variables]
            rows = [{n: from_ox_term(sol[n]) for n in names if sol[n] is not None} for sol in result]
            return QueryResult("SELECT", variables=names, rows=rows)
        assert isinstance(result, ox.QueryTriples)  # self.form == "GRAPH"
        return _graph_result(
            (from_ox_term(t.subject), from_ox_term(t.predicate), from_ox_term(t.object)) for t in result
        )


class OxigraphStore(LocalStore):
    """pyoxigraph over the build's quads: in memory (loaded from the .nq) or a store directory opened read-only.

    A directory store is opened once per process (gunicorn forks workers after the
    app is made; a RocksDB handle is not shared across a fork) and never written.
    """

    name = "oxigraph"

    def __init__(self, store: ox.Store, directory: Path | None = None) -> None:
        self._store, self._pid, self.directory = store, os.getpid(), directory
        self._inherited: ox.Store | None = None
        self.graph_names = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))

    @property
    def store(self) -> ox.Store:
        if self.directory is not None and self._pid != os.getpid():
            self._inherited = self._store  # never closed in a forked child: the parent still uses it
            self._store, self._pid = ox.Store.read_only(str(self.directory)), os.getpid()
        return self._store

    @classmethod
    def from_artifacts(cls, dist: Path = paths.DIST_DIR) -> OxigraphStore:
        """The build's quads loaded into memory (about 50 ms for the review's graph, 4 s for a million quads)."""
        path = dist / f"{ARTIFACT_STEM}.nq"
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise InputError(f"{path}: corrupt artifact ({exc}); run `xianan-kg build` again") from None
        return cls(store)

    @classmethod
    def from_directory(cls, directory: Path) -> OxigraphStore:
        """A store directory (as `xianan-kg build` writes one), read-only: opening it parses nothing."""
        if not (directory / "CURRENT").is_file():
            raise InputError(f"{directory}: not an oxigraph store directory")
        try:
            return cls(ox.Store.read_only(str(directory)), directory)
        except OSError as exc:
            raise InputError(f"{directory}: cannot open the oxigraph store ({exc})") from None

    @classmethod
    def from_build(cls, dist: Path = paths.DIST_DIR) -> OxigraphStore:
        """The build's store directory, when it holds this build's quads."""
        directory = dist / OXIGRAPH_DIRECTORY
        if not store_is_current(dist):
            raise InputError(f"{directory}: missing or not loaded from this build's quads; run `xianan-kg build`")
        return cls.from_directory(directory)

    def _run(self, sparql: str, dataset: DatasetChoice, base_iri: str | None, bindings: dict[str, Node]) -> Answer:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): to_ox_term(v) for k, v in bindings.items()
        }
        try:
            result = self.store.query(
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
    """rdflib's answer with its literals written as pyoxigraph writes them (see xianan_kg.rdf.literals)."""

    def __init__(self, result: Result) -> None:
        self._result = result
        self.form = {"CONSTRUCT": "GRAPH", "DESCRIBE": "GRAPH"}.get(result.type, result.type)
        if self.form == "SELECT":
            result.bindings = [{k: cast(Identifier, engine_term(v)) for k, v in row.items()} for row in result.bindings]
        elif self.form == "GRAPH":
            assert result.graph is not None  # a CONSTRUCT's or DESCRIBE's answer is a graph
            graph = Graph()
            for s, p, o in result.graph:
                graph.add((s, p, engine_term(o)))
            result.graph = graph

    def serialize(self, media_type: str) -> bytes:
        if self.form != "GRAPH":
            if media_type == "text/tab-separated-values":
                return to_tsv(self.to_result()).encode("utf-8")
            written = self._result.serialize(format=RDFLIB_RESULT_FORMATS[media_type], encoding="utf-8")
            assert written is not None  # with no destination, rdflib returns the bytes
            return written
        fmt = RDFLIB_GRAPH_FORMATS[media_type]
        target = Dataset() if fmt in ("nquads", "trig") else bind_prefixes(Graph())
        sink = target.default_graph if isinstance(target, Dataset) else target
        assert self._result.graph is not None  # self.form == "GRAPH"
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
            assert self._result.vars is not None  # a SELECT's answer names its variables
            names = [str(v) for v in self._result.vars]
            solutions = cast(Iterable[ResultRow], self._result)  # a SELECT's answer yields its rows
            rows: list[dict[str, Node]] = [
                {n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in solutions
            ]
            return QueryResult("SELECT", variables=names, rows=rows)
        assert self._result.graph is not None  # self.form == "GRAPH"
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
            result = self._view(dataset).query(prepared, initBindings=bindings)  # type: ignore[arg-type]  # rdflib types a binding as Identifier; ours are its terms
            if result.type == "SELECT":
                result.bindings  # noqa: B018 - evaluate now, so that evaluation errors surface here
        except Exception as exc:  # rdflib fails with assorted types (bad regex, unorderable terms, …)
            raise QueryEvaluationError(f"the query could not be evaluated: {type(exc).__name__}: {exc}") from None
        return RdflibAnswer(result)
