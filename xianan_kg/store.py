"""The store seam: one query interface over the release artifacts, several engines behind it.

- `oxigraph` (default): pyoxigraph's native SPARQL engine over the build's N-Quads, loaded
  into memory (about 50 ms for the review's graph): the fastest answers;
  `oxigraph:disk` opens the store directory that `xianan-kg build` writes into dist/,
  read-only: nothing is parsed, so startup does not grow with the graph (14 ms at a
  million quads), at about three times the query time; `oxigraph:PATH` opens another
  store directory.
- `memory`: rdflib's in-memory store, the reference engine the build itself uses.
- a URL: any SPARQL 1.1 store holding the build's named graphs (`xianan-kg load` puts them
  there), through the protocol (xianan_kg.remote).

All open what the build wrote and never reason or parse the sources again. Results come
back as rdflib terms whatever the engine, with the same literals (xianan_kg.literals), so
callers and tests compare them directly.

A store also runs a query on any selection of its named graphs (the SPARQL Protocol's
dataset) and hands back an `Answer` that the engine itself writes in a result media
type: pyoxigraph serialises natively, which is what makes the endpoint fast.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result
from rdflib.term import Node, Variable

from . import paths
from .build import ARTIFACT_STEM, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from .errors import InputError
from .literals import engine_term
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

    def write(self, media_type: str, output: BinaryIO) -> None:
        """Write the answer to `output`; an engine that streams writes as it computes, and stops when
        `output.write` raises (the endpoint's result limits). Consumes the answer."""
        output.write(self.serialize(media_type))

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


def rdflib_result(result: QueryResult) -> Result:
    """A QueryResult as rdflib's Result, to be written by rdflib's serialisers."""
    out = Result("CONSTRUCT" if result.graph is not None else result.form)
    if out.type == "ASK":
        out.askAnswer = bool(result.boolean)
    elif out.type == "SELECT":
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [{Variable(k): v for k, v in row.items()} for row in result.rows]
    else:
        out.graph = result.graph
    return out


def _graph_result(triples: object) -> QueryResult:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return QueryResult("CONSTRUCT", graph=graph)


# --- pyoxigraph ---


def from_ox_term(term: object) -> Node:
    """The rdflib term for an Oxigraph one (the inverse of `to_ox_term`)."""
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


def to_ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
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
        return self._serialize(media_type, None)

    def write(self, media_type: str, output: BinaryIO) -> None:
        self._serialize(media_type, output)

    def _serialize(self, media_type: str, output: BinaryIO | None) -> bytes | None:
        try:
            if self.form == "GRAPH":
                rdf_format = ox.RdfFormat.from_media_type(media_type)
                triples = self._result = list(self._result)  # read once, to declare only the prefixes it uses
                return ox.serialize(triples, output, format=rdf_format, prefixes=used_prefixes(triples))
            return self._result.serialize(output, format=ox.QueryResultsFormat.from_media_type(media_type))
        except (ValueError, TypeError) as exc:
            raise AnswerWriteError(f"cannot write the answer as {media_type}: {exc}") from None

    def to_result(self) -> QueryResult:
        if self.form == "ASK":
            return QueryResult("ASK", boolean=bool(self._result))
        if self.form == "SELECT":
            names = [v.value for v in self._result.variables]
            rows = [{n: from_ox_term(sol[n]) for n in names if sol[n] is not None} for sol in self._result]
            return QueryResult("SELECT", variables=names, rows=rows)
        return _graph_result(
            (from_ox_term(t.subject), from_ox_term(t.predicate), from_ox_term(t.object)) for t in self._result
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
        substitutions = {ox.Variable(k): to_ox_term(v) for k, v in bindings.items()}
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


# --- the build's oxigraph store directory ---

OXIGRAPH_DIRECTORY = f"{ARTIFACT_STEM}.oxigraph"  # in dist/, next to the .nq it was loaded from
STORE_STAMP = "xianan-kg-build.json"  # inside the directory: which .nq (by sha256) it holds


def _nq_sha256(dist: Path) -> str | None:
    try:
        return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["files"][f"{ARTIFACT_STEM}.nq"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_is_current(dist: Path) -> bool:
    """Whether dist/ has a store directory loaded from the .nq that its manifest lists (no file is hashed)."""
    stamp = dist / OXIGRAPH_DIRECTORY / STORE_STAMP
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8")).get("nq_sha256")
    except (OSError, ValueError, AttributeError):
        return False
    return recorded is not None and recorded == _nq_sha256(dist)


def write_oxigraph_store(dist: Path) -> Path:
    """Load the build's .nq into a fresh store directory in dist/ (replacing the old one) and stamp it.

    Written beside, then renamed into place; a server already running keeps the files it opened.
    """
    nq = dist / f"{ARTIFACT_STEM}.nq"
    return fill_store(dist, lambda store: store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))


def store_scratch(dist: Path) -> Path:
    """Where `fill_store` fills a store directory before moving it into place."""
    return dist / f"{OXIGRAPH_DIRECTORY}.tmp"


def fill_store(dist: Path, fill: Callable[[ox.Store], object], *, fresh: bool = True, seal: bool = True) -> Path:
    """Fill the store directory beside dist/'s (emptied first if `fresh`); if `seal`, stamp it with the
    manifest's .nq digest and move it into place. Unsealed, another step (another process) may add to it."""
    scratch, target = store_scratch(dist), dist / OXIGRAPH_DIRECTORY
    dist.mkdir(parents=True, exist_ok=True)
    if fresh:
        shutil.rmtree(scratch, ignore_errors=True)
    store = ox.Store(str(scratch))
    fill(store)
    if seal:
        store.optimize()
    store.flush()
    quads = len(store)
    del store  # closes the database before the directory moves or another process opens it
    if not seal:
        return scratch
    stamp = {"nq_sha256": _nq_sha256(dist), "quads": quads}
    (scratch / STORE_STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target


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
    """rdflib's answer with its literals written as pyoxigraph writes them (see xianan_kg.literals)."""

    def __init__(self, result: object) -> None:
        self._result = result
        self.form = {"CONSTRUCT": "GRAPH", "DESCRIBE": "GRAPH"}.get(result.type, result.type)
        if self.form == "SELECT":
            result.bindings = [{k: engine_term(v) for k, v in row.items()} for row in result.bindings]
        elif self.form == "GRAPH":
            graph = Graph()
            for s, p, o in result.graph:
                graph.add((s, p, engine_term(o)))
            result.graph = graph

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
# Every store that runs inside the process; `open_store` also takes oxigraph:PATH and an endpoint URL.
EMBEDDED_STORES = ("oxigraph", "oxigraph:disk", "memory")
STORE_HELP = (
    "oxigraph (the build's quads in memory: fastest answers; default), oxigraph:disk (the build's store "
    "directory, read-only: instant startup at any size), oxigraph:PATH (another store directory), "
    "memory (rdflib, the reference engine), or the URL of a SPARQL 1.1 endpoint holding the build's graphs "
    "(see `xianan-kg load`)"
)


def is_endpoint(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def check_store_spec(spec: str) -> str:
    """The --store value if it names a kind of store; raises ValueError otherwise."""
    if spec in EMBEDDED_STORES or is_endpoint(spec) or (spec.startswith("oxigraph:") and len(spec) > 9):
        return spec
    raise ValueError(f"unknown store {spec!r}; give {STORE_HELP}")


def store_argument(spec: str) -> str:
    """`type=` of a --store option: the message of a wrong value lists what is accepted."""
    try:
        return check_store_spec(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_graph_names(dist: Path) -> tuple[str, ...]:
    """The named graphs the build published (its manifest), or the three every build has."""
    try:
        graphs = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["graphs"]
        return tuple(sorted(graphs))
    except (OSError, ValueError, KeyError, TypeError):
        return tuple(sorted(_asserted_graphs(True)))


def open_store(kind: str = "oxigraph", dist: Path = paths.DIST_DIR) -> LocalStore:
    """Open the built graph in the store `kind` names (see STORE_HELP); `xianan-kg build` must have run first."""
    check_store_spec(kind)
    if is_endpoint(kind):
        from .remote import SparqlDatasetStore  # remote.py imports this module

        return SparqlDatasetStore(kind, build_graph_names(dist))
    if kind.startswith("oxigraph:") and kind != "oxigraph:disk":
        return OxigraphStore.from_directory(Path(kind.removeprefix("oxigraph:")))
    if not (dist / f"{ARTIFACT_STEM}.nq").is_file():
        raise FileNotFoundError(f"{dist / (ARTIFACT_STEM + '.nq')}: not built yet; run `xianan-kg build`")
    if kind == "oxigraph:disk":
        return OxigraphStore.from_build(dist)
    return BACKENDS[kind].from_artifacts(dist)
