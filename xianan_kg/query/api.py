"""The knowledge graph from Python (a notebook, a script): load it, ask a library question, get rows or a DataFrame.

    from xianan_kg import load_graph
    from xianan_kg import run_query
    from xianan_kg import result_rows
    from xianan_kg import to_dataframe
    kg = load_graph()                                  # the built dist/, served by pyoxigraph
    answer = run_query("growth-over-8-percent", store=kg)
    result_rows(answer)      # [{'indicator': 'Development quality …', 'rate': Decimal('0.8'), 'qualifier': 'estimated'}, …]
    to_dataframe(answer)     # the same as a pandas DataFrame, when pandas is installed

The command `xianan-kg query` runs through the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef

from xianan_kg.query.library import NamedQuery, find_query, load_library, parse_header
from xianan_kg.query.text import QueryError, prepare, refuse_network
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError, UserError
from xianan_kg.store.base import LocalStore, Store
from xianan_kg.store.choice import open_store
from xianan_kg.store.results import QueryResult, tabular

if TYPE_CHECKING:  # pandas is optional
    import pandas


@dataclass(frozen=True)
class QuerySource:
    """A query to run and where it came from: a library name, a .rq file or text."""

    text: str
    origin: str
    needs_inferred: bool = False


def load_graph(dist: Path | str = paths.DIST_DIR, engine: str = "oxigraph") -> Store:
    """Open the built graph (run `xianan-kg build` first); engine "oxigraph" (fast) or "memory" (rdflib)."""
    return open_store(engine, Path(dist))


def list_queries(directory: Path = paths.QUERIES_DIR) -> list[NamedQuery]:
    """The question library, in name order."""
    return list(load_library(directory).values())


def from_named(query: NamedQuery) -> QuerySource:
    return QuerySource(query.text, query.name, query.needs_inferred)


def from_file(path: Path) -> QuerySource:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8")
    return QuerySource(text, str(path), "inferred" in parse_header(text).get("needs", "").lower())


def resolve(query: str, directory: Path = paths.QUERIES_DIR) -> QuerySource:
    """A library name, a path to a .rq file, or SPARQL text (anything with a brace or a space)."""
    if "\n" not in query and query.endswith(".rq"):
        return from_file(Path(query))
    if "{" in query or any(ch.isspace() for ch in query.strip()):
        return QuerySource(query, "query text")
    if Path(query).is_file():
        return from_file(Path(query))
    return from_named(find_query(query, directory))


def execute(source: QuerySource, store: Store, inferred: bool | None = None) -> QueryResult:
    """Check and run one query. `inferred=None` asks the default graph the endpoint serves (every graph of
    the build, entailments included), so a question gets one answer here, in the CLI and over HTTP;
    True or False choose asserted + entailments or asserted only."""
    prepared = prepare(source.text)
    try:
        if isinstance(store, LocalStore):
            refuse_network(prepared)
            if prepared.datasets:  # FROM / FROM NAMED of the build's own graphs choose the dataset
                return store.execute(
                    prepared.text,
                    default_graphs=prepared.from_graphs,
                    named_graphs=prepared.from_named_graphs,
                ).to_result()
            if inferred is None:
                return store.execute(prepared.text).to_result()
        return store.query(prepared.text, inferred=True if inferred is None else inferred)
    except UserError:
        raise
    except Exception as exc:  # the engines report evaluation problems with their own exception types
        raise QueryError(f"{source.origin}: the {store.name} engine could not run the query: {exc}") from None


def run_query(
    query: str,
    *,
    store: Store | None = None,
    inferred: bool | None = None,
    directory: Path = paths.QUERIES_DIR,
) -> QueryResult:
    """Run a library question by name, a .rq file or SPARQL text over `store` (default: the built graph)."""
    return execute(resolve(query, directory), store if store is not None else load_graph(), inferred)


def python_value(term: object) -> object:
    """A literal as its Python value (Decimal, int, str, date …), an IRI as its string."""
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    if isinstance(term, (URIRef, BNode)):
        return str(term)
    return term


def result_rows(result: QueryResult) -> list[dict[str, object]]:
    """Rows of plain Python values; a graph result gives subject/predicate/object rows, ASK one `boolean` row."""
    columns, rows = tabular(result)
    return [{c: python_value(row.get(c)) for c in columns} for row in rows]


def to_dataframe(result: QueryResult, exact: bool = False) -> pandas.DataFrame:
    """The rows as a pandas DataFrame, one column per variable in the query's order.

    xsd:decimal values (rates, amounts) become floats, so that a column is numeric and pandas can plot and
    sum it; `exact=True` keeps them as decimal.Decimal objects (an object column), as `result_rows` gives them."""
    try:
        import pandas
    except ImportError:
        raise UserError("to_dataframe needs pandas: pip install 'xianan-kg[notebook]'") from None
    columns, _ = tabular(result)
    rows = result_rows(result)
    if not exact:
        rows = [{c: float(v) if isinstance(v, Decimal) else v for c, v in row.items()} for row in rows]
    return pandas.DataFrame(rows, columns=columns)
