"""One matrix: every library question, through every door a user has, on every embedded store, gets the answer
written in queries/expected/ (read from the source text, not copied from a run).

Doors: the notebook API on either engine (`run_query(name)`, what `xianan-kg query NAME` runs), the CLI in this
process, the CLI asking a live endpoint on 127.0.0.1 (`--endpoint`), and the endpoint as the query UI, curl and a
plain GET ask it (Flask's test client; no dataset parameters: what a new user sends is what is checked). The two
stores also give the same terms, exactly, over asserted + inferred. SPARQLWrapper and Virtuoso have their own
modules (test_one_answer, test_backends_virtuoso), since they need a process.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from functools import cache
from urllib.parse import quote

import pytest
from rdflib import Graph
from xianan_kg.server import ServerConfig, create_app

import xianan_kg.cli.main as cli
from xianan_kg.query.api import NamedQuery, execute, from_named, list_queries, load_graph, run_query
from xianan_kg.store.results import QueryResult, from_srj

from .answers import differences, is_ordered, load_expected

LOCAL = [q for q in list_queries() if not q.needs_internet]
UI_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"  # server/static/ui/query.js, ACCEPT
ENGINES = ("oxigraph", "memory")
DOORS = ("notebook-oxigraph", "notebook-memory", "cli", "cli-endpoint", "query-ui", "curl", "get")


def query_id(query: NamedQuery) -> str:
    return query.name


def answer_of(response) -> QueryResult:
    assert response.status_code == 200, response.get_data(as_text=True)
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    if media_type == "application/sparql-results+json":
        return from_srj(json.loads(response.get_data(as_text=True)))
    assert media_type == "text/turtle", media_type
    return QueryResult("CONSTRUCT", graph=Graph().parse(data=response.get_data(as_text=True), format="turtle"))


def printed(output: str, graph: bool) -> QueryResult:
    """What `xianan-kg query … --format json` printed: SPARQL JSON results, or JSON-LD for a graph."""
    if graph:
        return QueryResult("CONSTRUCT", graph=Graph().parse(data=output, format="json-ld"))
    return from_srj(json.loads(output))


@pytest.fixture(scope="module")
def stores(dist):
    return {engine: load_graph(dist, engine=engine) for engine in ENGINES}


@pytest.fixture(scope="module")
def notebook(stores) -> Callable[[str, str], QueryResult]:
    """run_query(name) on an engine, once per engine and question: the door and the comparison of stores share it."""
    return cache(lambda engine, name: run_query(name, store=stores[engine]))


@pytest.fixture(scope="module")
def doors(dist, notebook, live_endpoint) -> dict[str, Callable[[NamedQuery], QueryResult]]:
    client = create_app(ServerConfig(dist=dist, cache=False)).test_client()

    def query_command(q: NamedQuery, *args: str) -> QueryResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.run(["query", q.name, "--format", "json", "--dist", str(dist), *args])
        assert code == 0, err.getvalue()
        return printed(out.getvalue(), load_expected(q.expected_path).graph is not None)

    def query_ui(q: NamedQuery) -> QueryResult:
        """The editor loads /queries/NAME.rq and POSTs it as a form, Accept as in query.js."""
        text = client.get(f"/queries/{q.name}.rq").get_data(as_text=True)
        assert text == q.text
        return answer_of(client.post("/sparql", data={"query": text}, headers={"Accept": UI_ACCEPT}))

    def curl(q: NamedQuery) -> QueryResult:
        """`curl --data-urlencode query@queries/NAME.rq URL/sparql`: a form POST, Accept */*."""
        headers = {"Accept": "*/*", "Content-Type": "application/x-www-form-urlencoded"}
        return answer_of(client.post("/sparql", data=f"query={quote(q.text)}", headers=headers))

    return {
        "notebook-oxigraph": lambda q: notebook("oxigraph", q.name),
        "notebook-memory": lambda q: notebook("memory", q.name),
        "cli": query_command,
        "cli-endpoint": lambda q: query_command(q, "--endpoint", live_endpoint),
        "query-ui": query_ui,
        "curl": curl,
        "get": lambda q: answer_of(client.get("/sparql", query_string={"query": q.text})),
    }


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("query", LOCAL, ids=query_id)
def test_the_documented_answer(query, door, doors):
    answer = doors[door](query)
    assert answer.rows or answer.graph or answer.form == "ASK", "empty answer"
    assert differences(answer, load_expected(query.expected_path), is_ordered(query.text)) == []


def exact(result: QueryResult, ordered: bool) -> object:
    """The answer as exact terms: a list of rows when ordered, else a multiset; a set of triples for graphs."""
    if result.form == "ASK":
        return result.boolean
    if result.graph is not None:
        return set(result.graph)
    rows = [tuple(row.get(v) for v in result.variables) for row in result.rows]
    return (result.variables, rows if ordered else Counter(rows))


@pytest.mark.parametrize("query", LOCAL, ids=query_id)
def test_both_stores_give_the_same_terms(query, stores, notebook):
    """As the library runs it (in order), and over asserted + inferred, where more rows can tie under the query's
    ORDER BY and SPARQL leaves the order of ties open (compared as multisets)."""
    ordered = is_ordered(query.text)
    assert exact(notebook("memory", query.name), ordered) == exact(notebook("oxigraph", query.name), ordered)
    closure = {engine: exact(execute(from_named(query), stores[engine], True), False) for engine in ENGINES}
    assert closure["memory"] == closure["oxigraph"]
