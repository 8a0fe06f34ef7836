"""What every store offers: an Answer the engine writes itself, a query over any selection of the release's
named graphs, and the errors a query can meet."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO, cast

from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from xianan_kg.rdf.release import GRAPH_INFERRED, GRAPH_ONTOLOGY, REFERENCE_GRAPHS, data_graphs
from xianan_kg.store.results import QueryResult

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
        if default_graphs is None:
            default_graphs = [g for g in self.graph_names if g not in REFERENCE_GRAPHS]
        default = tuple(default_graphs)
        named = tuple(self.graph_names if named_graphs is None else named_graphs)
        return self._run(sparql, DatasetChoice(default, named), base_iri, dict(bindings or {}))

    @abstractmethod
    def _run(self, sparql: str, dataset: DatasetChoice, base_iri: str | None, bindings: dict[str, Node]) -> Answer:
        """The engine's part of `execute`, with the dataset spelled out."""

    def query(self, sparql: str, *, inferred: bool = True) -> QueryResult:
        return self.execute(sparql, default_graphs=asserted_graphs(inferred, self.graph_names)).to_result()


def asserted_graphs(inferred: bool, names: Iterable[str] = ()) -> list[str]:
    """The ontology and the data (the review's graph and, of `names`, each other source text's), the entailments
    when `inferred`."""
    return [GRAPH_ONTOLOGY, *data_graphs(names), *([GRAPH_INFERRED] if inferred else [])]


def rdflib_result(result: QueryResult) -> Result:
    """A QueryResult as rdflib's Result, to be written by rdflib's serialisers."""
    out = Result("CONSTRUCT" if result.graph is not None else result.form)
    if out.type == "ASK":
        out.askAnswer = bool(result.boolean)
    elif out.type == "SELECT":
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [{Variable(k): cast(Identifier, v) for k, v in row.items()} for row in result.rows]
    else:
        out.graph = result.graph
    return out
