"""`xianan-kg query`: ask the graph a question from the library, a .rq file or the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xianan_kg.query.api import QuerySource, execute, from_file, from_named, list_queries, load_graph
from xianan_kg.query.library import find_query
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import UserError
from xianan_kg.store.base import Store
from xianan_kg.store.choice import STORE_HELP, store_argument
from xianan_kg.store.remote import EndpointStore
from xianan_kg.store.results import FORMATS, FormatError, display_width, pad, render

EPILOG = """\
examples:
  xianan-kg query --list
  xianan-kg query growth-over-8-percent
  xianan-kg query national-honours --format csv
  xianan-kg query queries/photo-captions.rq --format json
  xianan-kg query -e 'SELECT ?p WHERE { ?p xk:locatedInTransitive xkp:hubei }'
  xianan-kg query osmanthus-topic-graph --format turtle
  xianan-kg query national-honours --endpoint http://127.0.0.1:8000/sparql

The project's prefixes (xk:, xkp:, xkfig:, rdfs:, skos: …) may be used without PREFIX lines.
Every query asks the default graph the endpoint serves: asserted + inferred triples, each once
(`# needs: inferred` marks the library queries whose answer needs the entailments); --asserted
asks the asserted triples only, --inferred names asserted + inferred explicitly.
"""


class UsageError(UserError):
    exit_code = 2


def register(sub: argparse._SubParsersAction) -> None:
    """Add `query` to the `xianan-kg` parser."""
    q = sub.add_parser(
        "query",
        help="run a SPARQL query: a library question by NAME, a FILE.rq or -e TEXT",
        description="Run a SPARQL query over the built graph (dist/) or a SPARQL endpoint. "
        "Exit 0 with the answer, 2 for a syntax error or a query that would reach the network, "
        "1 when the endpoint fails.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    q.add_argument("query", nargs="?", metavar="NAME|FILE.rq", help="a name from `--list` or a .rq file")
    q.add_argument("-e", "--expression", metavar="SPARQL", help="the query text itself")
    q.add_argument("--list", action="store_true", help="list the library's questions and exit")
    q.add_argument("-f", "--format", choices=FORMATS, default="table", help="output format (default: table)")
    reasoning = q.add_mutually_exclusive_group()
    reasoning.add_argument(
        "--inferred", dest="inferred", action="store_const", const=True, help="asserted + OWL 2 RL entailments"
    )
    reasoning.add_argument("--asserted", dest="inferred", action="store_const", const=False, help="asserted only")
    q.add_argument("--endpoint", metavar="URL", help="send the query to this SPARQL endpoint instead")
    q.add_argument("--store", type=store_argument, default="oxigraph", metavar="STORE", help=STORE_HELP)
    q.add_argument("--dist", default=str(paths.DIST_DIR), help="built artifacts (default: %(default)s)")
    q.add_argument("--queries", default=str(paths.QUERIES_DIR), help=argparse.SUPPRESS)
    q.add_argument(
        "--max-width", type=int, default=60, metavar="N", help="table cells wider than N columns are cut (0: never)"
    )
    q.set_defaults(func=cmd_query)


def library_listing(directory: Path) -> str:
    """One line per question: name, marks, the question in Chinese and in English."""
    queries = list_queries(directory)
    width = max((display_width(q.name) for q in queries), default=0)
    lines = []
    for q in queries:
        marks = "".join(f" [{n}]" for n in sorted(q.needs))
        lines.append(f"{pad(q.name, width)}  {q.question_zh}  {q.question_en}{marks}")
    lines.append(f"({len(queries)} queries in {directory})")
    return "\n".join(lines) + "\n"


def source_of(args: argparse.Namespace) -> QuerySource:
    if args.expression is not None and args.query is not None:
        raise UsageError("give either NAME|FILE.rq or -e SPARQL, not both")
    if args.expression is not None:
        return QuerySource(args.expression, "-e")
    if args.query is None:
        raise UsageError("give a query NAME, a FILE.rq or -e SPARQL (`xianan-kg query --list` shows the library)")
    if args.query.endswith(".rq") or Path(args.query).is_file():
        return from_file(Path(args.query))
    return from_named(find_query(args.query, Path(args.queries)))


def cmd_query(args: argparse.Namespace) -> int:
    if args.list:
        sys.stdout.write(library_listing(Path(args.queries)))
        return 0
    source = source_of(args)
    store: Store
    if args.endpoint:
        store = EndpointStore(args.endpoint, select_graphs=args.inferred is not None)
    else:
        store = load_graph(Path(args.dist), args.store)
    result = execute(source, store, args.inferred)
    try:
        text = render(result, args.format, max_width=args.max_width)
    except FormatError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(text)
    return 0
