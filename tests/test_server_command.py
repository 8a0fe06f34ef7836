"""`xianan-kg serve` as an operator meets it: options, refusals at startup, access log, clean shutdown."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from xianan_kg.rdf.namespaces import sparql_prologue

from .conftest import run_cli
from .protocol.live_server import shared_server_fixture, start_server  # noqa: F401 - provides `server`

GROWTH = sparql_prologue() + (
    "SELECT ?fig WHERE { ?fig qb:dataSet <https://xianan-kg.example.org/id/dataset/figures-2023> ; "
    "xk:measureType xkc:measure-growth } ORDER BY ?fig"  # the review's growth rates, not the bulletin's
)


@pytest.fixture()
def dist_copy(built, tmp_path):
    target = tmp_path / "dist"
    shutil.copytree(built.files["manifest.json"].parent, target)
    return target


def test_serve_help_lists_the_options():
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for option in (
        "--host",
        "--port",
        "--workers",
        "--worker-class",
        "--client-timeout",
        "--store",
        "--dist",
        "--base-iri",
    ):
        assert option in result.stdout


def test_unbuilt_dist_says_run_build(tmp_path):
    result = run_cli("serve", "--port", "0", "--dist", str(tmp_path / "empty"))
    assert result.returncode != 0
    assert result.stderr.startswith("error: ")
    assert "run `xianan-kg build`" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_artifact_is_named(dist_copy):
    with (dist_copy / "xianan-kg.ttl").open("ab") as f:
        f.write(b"<a> <b> .\n")
    result = run_cli("serve", "--port", "0", "--dist", str(dist_copy))
    assert result.returncode == 2
    assert f"{dist_copy / 'xianan-kg.ttl'}: corrupt" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_manifest_is_named(dist_copy):
    (dist_copy / "manifest.json").write_text("{", encoding="utf-8")
    result = run_cli("serve", "--port", "0", "--dist", str(dist_copy))
    assert result.returncode == 2
    assert f"{dist_copy / 'manifest.json'}: corrupt manifest" in result.stderr


def test_unparsable_store_artifact_is_named(dist_copy):
    """Even with a matching checksum, an N-Quads file that does not parse stops the server with its name."""
    nq = dist_copy / "xianan-kg.nq"
    nq.write_bytes(nq.read_bytes() + b"<broken\n")
    manifest = json.loads((dist_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["xianan-kg.nq"] = hashlib.sha256(nq.read_bytes()).hexdigest()
    (dist_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("serve", "--port", "0", "--dist", str(dist_copy))
    assert result.returncode == 2
    assert f"{nq}: corrupt artifact" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-iri", "xianan-kg.example.org"], "--base-iri"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--port", "70000"], "not a TCP port"),
    ],
)
def test_bad_options_are_one_line_errors(args, message):
    result = run_cli("serve", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_access_log_base_iri_and_clean_sigterm(built):
    live = start_server(built.files["manifest.json"].parent, "--workers", "1", "--base-iri", "https://kg.example.net/")
    response = live.request(
        "POST", "/sparql", "CONSTRUCT { <s> <p> 1 } WHERE {}", {"Content-Type": "application/sparql-query"}
    )
    triple = (URIRef("https://kg.example.net/s"), URIRef("https://kg.example.net/p"), Literal(1, datatype=XSD.integer))
    assert set(Graph().parse(data=response.body, format="turtle")) == {triple}
    assert live.stop() == 0
    log = "".join(live.log)
    assert '"POST /sparql HTTP/1.1" 200' in log
    assert "Handling signal: term" in log
    assert "Shutting down" in log
    assert "Traceback" not in log


def test_memory_store_answers_like_oxigraph(built, server):
    memory = start_server(built.files["manifest.json"].parent, "--store", "memory", "--workers", "1")
    try:
        answers = [json.loads(s.query(GROWTH).text)["results"]["bindings"] for s in (server, memory)]
        assert answers[0] == answers[1]
        assert len(answers[0]) == 7  # every growth rate of the review
        assert memory.get("/id/place/xianan.ttl").status == 200
        failing = memory.query('SELECT (REGEX("a", "(") AS ?x) {}')  # rdflib raises on the bad pattern
        assert failing.status == 400
        assert "could not be evaluated" in failing.text
    finally:
        assert memory.stop() == 0
