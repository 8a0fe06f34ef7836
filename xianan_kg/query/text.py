"""Check a SPARQL query before it runs: syntax errors with line and column, no network from the local graph.

Queries typed on the command line may use the project's prefixes without declaring
them; the missing PREFIX lines are added in front and error positions are given in
the user's own lines. On the local graph a query must not reach the network:
SERVICE is refused, and so is FROM / FROM NAMED with anything but the build's own
named graphs (an engine may fetch such an IRI from the web); FROM <one of the build's
graphs> selects that graph. What counts as SERVICE or FROM, and how big a query may
be, is the endpoint's rule too: both read the text with `query.guard`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from xianan_kg.link.linkset import linkset_files, linkset_graph_iri
from xianan_kg.query.guard import QueryRefused, QueryShape, inspect_query
from xianan_kg.query.guard import refuse_network as refuse_reaching_out
from xianan_kg.query.syntax import describe, prefix_line
from xianan_kg.rdf.errors import UserError
from xianan_kg.rdf.namespaces import PREFIXES
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_DIVISIONS, GRAPH_INFERRED, GRAPH_ONTOLOGY
from xianan_kg.source.documents import document_graphs

LOCAL_GRAPHS = frozenset({GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_DIVISIONS})  # and the linksets' graphs
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix\s*:\s*(\S+)")


class QueryError(UserError):
    """The query cannot be run as written; exit code 2 like any unusable input."""

    exit_code = 2


class QuerySyntaxError(QueryError):
    def __init__(self, line: int, column: int, message: str, sentence: str | None = None) -> None:
        super().__init__(sentence or f"SPARQL syntax error at line {line}, column {column}: {message}")
        self.line, self.column, self.message = line, column, message


class NetworkRefused(QueryError):
    """SERVICE or a remote FROM on the local graph."""


@dataclass(frozen=True)
class PreparedQuery:
    text: str  # what the engine receives: missing project prefixes first, then the user's text
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    shape: QueryShape  # what the guard read: SERVICE targets, FROM / FROM NAMED graphs

    @property
    def services(self) -> tuple[str, ...]:
        return self.shape.services

    @property
    def from_graphs(self) -> tuple[str, ...]:
        return self.shape.from_graphs

    @property
    def from_named_graphs(self) -> tuple[str, ...]:
        return self.shape.from_named_graphs

    @property
    def datasets(self) -> tuple[str, ...]:
        return self.from_graphs + self.from_named_graphs


def missing_prologue(text: str) -> str:
    """PREFIX lines for the project's prefixes that the text does not declare itself."""
    declared = {m.group(1) or "" for m in DECLARED_PREFIX.finditer(text)}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)


def _position_of_prefix(text: str, prefix: str) -> tuple[int, int]:
    """Line and column (1-based) of the first use of an undeclared prefix, for the error message."""
    match = re.search(rf"(?<![\w:<\"'/#.-]){re.escape(prefix)}:", text)
    if not match:
        return 1, 1
    before = text[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


def prepare(text: str) -> PreparedQuery:
    """Parse the query; raise QuerySyntaxError with the user's line and column when it is not SPARQL.

    The guard reads it first, so that a text too big or too deep is refused before the parser recurses into it."""
    prologue = missing_prologue(text)
    offset = prologue.count("\n")
    full = prologue + text
    try:
        shape = inspect_query(full)
    except QueryRefused as exc:
        raise QueryError(f"the query is refused: {exc.message}") from None
    try:
        query = translateQuery(parseQuery(full))
    except ParseException as exc:
        line, column = exc.lineno - offset, exc.col
        if line < 1:
            line, column = 1, 1
        sentence = describe(text, line, column, exc.msg, implicit=frozenset(PREFIXES))
        raise QuerySyntaxError(line, column, exc.msg + _found(exc), sentence) from None
    except Exception as exc:  # rdflib signals semantic errors (unknown prefix, bad aggregate) with Exception
        unknown = UNKNOWN_PREFIX.search(str(exc))
        if unknown:
            prefix = unknown.group(1)
            line, column = _position_of_prefix(text, prefix)
            sentence = (
                f"SPARQL syntax error at line {line}, column {column}: undeclared prefix {prefix}:; add the line "
            )
            raise QuerySyntaxError(
                line, column, f"undeclared prefix {prefix}:", sentence + prefix_line(prefix)
            ) from None
        raise QuerySyntaxError(1, 1, str(exc)) from None
    return PreparedQuery(full, FORMS[query.algebra.name], shape)


def _found(exc: ParseException) -> str:
    snippet = exc.line[exc.col - 1 : exc.col + 19].strip() if exc.line else ""
    return f" (found {snippet!r})" if snippet else ""


def refuse_network(prepared: PreparedQuery) -> None:
    """The local query path never reaches the network: refuse SERVICE, and FROM of anything but the build's graphs."""
    try:
        linksets = {linkset_graph_iri(path.stem) for path in linkset_files()}
        documents = document_graphs()  # each source text's data (data/source/ of the checkout, as the linksets)
        refuse_reaching_out(prepared.shape, LOCAL_GRAPHS | linksets | documents)
    except QueryRefused as exc:
        advice = {
            "service": "; the local graph answers only from dist/. "
            "Run federated queries against an endpoint that allows them (--endpoint URL).",
        }
        raise NetworkRefused(exc.message + advice.get(exc.reason, "")) from None
