"""`xianan-kg query` as a user meets it: the library by name, files, -e, every output format, reasoning on and off,
errors with line and column, no network from the local graph, and a real SPARQL endpoint on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import unicodedata

import pytest
from rdflib import Graph

import xianan_kg.cli.main as cli
from xianan_kg.query.api import list_queries
from xianan_kg.store.results import QueryResult

from .answers import differences, load_expected
from .conftest import ROOT, run_cli

LIBRARY = list_queries()
LOCAL = [q for q in LIBRARY if not q.needs_internet]
BY_NAME = {q.name: q for q in LIBRARY}
WHERE_IS_XIANAN = """SELECT ?place WHERE {
  xkp:xianan xk:locatedIn ?p . ?p rdfs:label ?place FILTER(LANG(?place) = "zh")
}"""


@pytest.fixture
def query(capsys, dist):
    """Run `xianan-kg query …` in this process (the console script's own code path); return code, stdout, stderr."""

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.run(["query", *args, "--dist", str(dist)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- the library ---


def test_list_shows_every_question():
    result = run_cli("query", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for q in LIBRARY:
        line = next(line for line in lines if line.startswith(q.name + " "))
        assert q.question_zh in line and q.question_en in line
        assert ("[inferred]" in line) == q.needs_inferred
        assert ("[internet]" in line) == q.needs_internet
    assert lines[-1].startswith(f"({len(LIBRARY)} queries")


def test_unknown_name_suggests_the_closest():
    result = run_cli("query", "national-honour")
    assert result.returncode == 2
    assert "did you mean national-honours" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_query_at_all_is_a_usage_error(query):
    code, out, err = query()
    assert code == 2 and out == ""
    assert "--list" in err


# --- output formats ---


def display_columns(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two (independent of the product's code)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def bar_positions(line: str, bar: str) -> list[int]:
    return [display_columns(line[:i]) for i, ch in enumerate(line) if ch == bar]


@pytest.mark.parametrize("name", ["photo-captions", "national-honours"])
def test_table_columns_line_up_with_chinese_text(name):
    result = run_cli("query", name, "--format", "table")
    assert result.returncode == 0, result.stderr
    header, rule, *rows, footer = result.stdout.splitlines()
    expected = load_expected(BY_NAME[name].expected_path)
    assert footer == f"({len(expected.rows)} rows)"
    assert header.split("|")[0].strip() == expected.variables[0]
    columns = bar_positions(rule, "+")
    assert len(columns) == len(expected.variables) - 1
    for line in [header, *rows]:
        assert bar_positions(line, "|")[: len(columns)] == columns, line
    wide = [r for r in rows if len(r.split("|")[0]) != display_columns(r.split("|")[0])]
    assert wide, "the table has Chinese cells, so characters and columns differ"


def test_table_cuts_long_cells_and_stays_aligned():
    result = run_cli("query", "national-honours", "--max-width", "20")
    assert result.returncode == 0, result.stderr
    header, rule, *rows, _ = result.stdout.splitlines()
    assert any("…" in r for r in rows)
    assert all(display_columns(r.split("|")[0]) <= 22 for r in rows)
    assert all(bar_positions(r, "|") == bar_positions(rule, "+") for r in rows)


def test_csv_is_sparql_csv(query):
    code, out, _ = query("beds", "--format", "csv")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert header == ["indicator", "stated", "qualifier"]
    assert sorted((r[0], float(r[1]), r[2]) for r in rows) == [
        ("养老机构床位", 3849.0, ""),
        ("医院总床位数", 1200.0, "超过/余/多"),
    ]
    assert out.endswith("\r\n")


def test_tsv_keeps_datatypes_and_languages(query):
    code, out, _ = query("beds", "--format", "tsv")
    assert code == 0
    header, *rows = out.splitlines()
    assert header == "?indicator\t?stated\t?qualifier"
    hospital = next(r for r in rows if "医院总床位数" in r).split("\t")
    assert hospital[0] == '"医院总床位数"@zh'
    assert hospital[1].endswith("^^<http://www.w3.org/2001/XMLSchema#decimal>")
    assert hospital[2] == '"超过/余/多"@zh'


def test_turtle_for_a_graph_result(query):
    code, out, _ = query("osmanthus-topic-graph", "--format", "turtle")
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    expected = load_expected(BY_NAME["osmanthus-topic-graph"].expected_path)
    assert differences(QueryResult("CONSTRUCT", graph=graph), expected, False) == []
    assert "PREFIX xki: <https://xianan-kg.example.org/id/initiative/>" in out


def test_turtle_for_a_select_is_refused(query):
    code, out, err = query("beds", "--format", "turtle")
    assert code == 2 and out == ""
    assert "turtle is for graph results" in err


def test_ask_prints_a_boolean(query):
    assert query("ask-xianan-is-in-hubei", "--format", "csv")[1] == "boolean\r\ntrue\r\n"
    assert json.loads(query("ask-rural-income-grew-more-than-8-percent", "--format", "json")[1]) == {
        "head": {},
        "boolean": False,
    }


# --- query text, files, reasoning ---


def test_expression_uses_project_prefixes_and_the_default_graph_unless_asserted(query):
    code, out, _ = query("-e", WHERE_IS_XIANAN, "--format", "csv")
    assert code == 0
    assert out.splitlines()[1:] == ["咸宁市"]  # xk:locatedIn is direct: reasoning adds nothing to it
    transitively = WHERE_IS_XIANAN.replace("xk:locatedIn", "xk:locatedInTransitive")
    code, out, _ = query("-e", transitively, "--format", "csv")
    assert sorted(out.splitlines()[1:]) == sorted(["咸宁市", "湖北省", "中国"])
    code, out, _ = query("-e", transitively, "--format", "csv", "--asserted")
    assert out.splitlines()[1:] == []


def test_named_query_needing_reasoning_runs_inferred_unless_asserted(query):
    _, out, _ = query("what-is-in-wuhan", "--format", "json")
    assert len(json.loads(out)["results"]["bindings"]) == 2
    _, out, _ = query("what-is-in-wuhan", "--format", "json", "--asserted")
    assert json.loads(out)["results"]["bindings"] == []


def test_a_query_file(tmp_path):
    path = tmp_path / "in-hubei.rq"
    text = WHERE_IS_XIANAN.replace("xkp:xianan", "xkp:damu-township").replace("xk:locatedIn", "xk:locatedInTransitive")
    path.write_text("# needs: inferred\n" + text, "utf-8")
    result = run_cli("query", str(path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()[1:]) == sorted(["咸安区", "咸宁市", "湖北省", "中国"])


def test_a_library_file_by_path(query):
    code, out, _ = query(str(ROOT / "queries" / "new-school-places.rq"), "--format", "csv")
    assert code == 0
    assert float(out.splitlines()[1]) == 2520


def test_from_a_build_graph_selects_it(query):
    text = "SELECT (COUNT(*) AS ?n) FROM <https://xianan-kg.example.org/graph/inferred> WHERE { ?s xk:received ?h }"
    code, out, _ = query("-e", text, "--format", "csv")
    assert code == 0
    assert int(out.splitlines()[1]) > 0  # xk:received is only ever inferred


# --- errors ---


def test_syntax_error_gives_line_and_column_and_exit_2():
    result = run_cli("query", "-e", "SELECT ?x WHERE {\n  ?x ?p\n}")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: SPARQL syntax error at line 2, column 3:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_syntax_error_in_a_file_counts_the_files_lines(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text(
        "# a comment\nPREFIX xk: <https://xianan-kg.example.org/ontology#>\nSELECT * WHERE { ?s xk:value }\n"
    )
    result = run_cli("query", str(path))
    assert result.returncode == 2
    assert "line 3, column" in result.stderr
    assert "Traceback" not in result.stderr


def test_undeclared_prefix_is_located(query):
    code, _, err = query("-e", "SELECT * WHERE {\n  ?s nope:p ?o\n}")
    assert code == 2
    assert "line 2, column 6: undeclared prefix nope:" in err


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"the local query path tried to connect: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE <http://127.0.0.1:9/sparql>"),
        ("SELECT * WHERE { OPTIONAL { SERVICE SILENT ?endpoint { ?s ?p ?o } } }", "SERVICE ?endpoint"),
        ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM <http://127.0.0.1:9/data.ttl>"),
        (
            "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "FROM NAMED <http://127.0.0.1:9/g>",
        ),
    ],
)
def test_local_graph_refuses_what_would_reach_the_network(query, no_network, text, message, store):
    code, out, err = query("-e", text, "--store", store)
    assert code == 2 and out == ""
    assert message in err and "network" in err


def test_local_queries_run_without_any_network(query, no_network):
    for name in ("national-honours", "describe-revenue-provenance", "ask-xianan-is-in-hubei"):
        assert query(name, "--format", "json")[0] == 0


# --- a SPARQL endpoint: the project's own server on 127.0.0.1 ---


def test_endpoint_from_the_command_line(live_endpoint):
    result = run_cli("query", "growth-over-8-percent", "--endpoint", live_endpoint, "--asserted", "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "Total value of imports and exports" in result.stdout
    assert result.stdout.splitlines()[-1] == "(4 rows)"


def test_endpoint_refusal_is_reported(query, live_endpoint):
    code, _, err = query(
        "-e", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--endpoint", live_endpoint
    )
    assert code == 1
    assert f"{live_endpoint} answered 403" in err


def test_unreachable_endpoint_is_a_clear_error(query):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = query("national-honours", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert code == 1 and out == ""
    assert err.startswith(f"error: cannot reach http://127.0.0.1:{port}/sparql")


def test_the_endpoint_client_names_itself():
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from xianan_kg.store.remote import EndpointStore, query_form

    seen: list[dict[str, str]] = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(dict(self.headers))
            body = json.dumps({"head": {}, "boolean": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = EndpointStore(f"http://127.0.0.1:{server.server_address[1]}/sparql")
        assert store.query("PREFIX s: <http://example.org/select#> ASK { ?x s:construct ?y }").boolean is True
    finally:
        server.shutdown()
    assert seen[0]["User-Agent"].startswith("xianan-kg/")
    # what the store asks for follows the form the guard reads, not words inside IRIs or comments
    assert query_form("PREFIX s: <http://example.org/select#> # CONSTRUCT\nASK { ?x s:construct ?y }") == "ASK"
