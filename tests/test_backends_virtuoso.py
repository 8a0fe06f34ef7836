"""An existing external store, for real: Virtuoso Open Source 7 (Debian) on 127.0.0.1, loaded and served by us.

`xianan-kg load` puts the build into a throwaway Virtuoso database (Graph Store Protocol
and SPARQL Update, each with HTTP digest authentication), then `xianan-kg serve --store
URL` serves it: the W3C SPARQL 1.1 Protocol tests pass through it, and every library
question gets the embedded store's answer, compared by value, except where Virtuoso
7.2.5 itself answers differently (KNOWN_DIFFERENCES; docs/benchmarks.md).

Skipped, saying why, when Virtuoso is not installed (`apt-get install -y virtuoso-opensource`).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from xianan_kg.query.api import execute, from_named, list_queries
from xianan_kg.store.choice import open_store
from xianan_kg.store.remote import EndpointStore

from . import virtuoso
from .answers import differences, is_ordered
from .protocol.harness import build_fixture_dist, load_manifest, not_applicable, run_test
from .protocol.live_server import start_server

pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(
        not virtuoso.available(),
        reason=f"Virtuoso Open Source 7 is not installed ({virtuoso.INSTALL_HINT}): the external-store tests need it",
    ),
]

LOCAL = [q for q in list_queries() if not q.needs_internet]
# Where Virtuoso 7.2.5 answers differently from the SPARQL 1.1 semantics pyoxigraph and rdflib follow.
ZERO_OR_MORE_PATH = "Virtuoso 7.2.5 drops rows when a zero-or-more path (p*) is joined with further patterns"
KNOWN_DIFFERENCES = {
    "administrative-hierarchy-graph": ZERO_OR_MORE_PATH,
    "completed-projects": ZERO_OR_MORE_PATH,
    "honours-by-level": ZERO_OR_MORE_PATH,
    "national-honours": ZERO_OR_MORE_PATH,
    "projects-by-status-and-park": ZERO_OR_MORE_PATH,
    "named-osmanthus": "Virtuoso 7.2.5's REGEX matches no pattern with Chinese characters",
    "describe-revenue-provenance": "DESCRIBE is the store's choice; Virtuoso describes a resource differently",
    # Seen since the question asks for the most specific kind; not traced further than this test's difference.
    "photo-captions": "Virtuoso 7.2.5 answers a one-or-more path (rdfs:subClassOf+) inside FILTER NOT EXISTS differently",
}
PROTOCOL_TESTS = load_manifest()


def cli(*args: str, password: str | None = virtuoso.PASSWORD) -> subprocess.CompletedProcess:
    env = {**os.environ, "XIANAN_KG_STORE_PASSWORD": password or ""}
    return subprocess.run(
        [sys.executable, "-m", "xianan_kg", *args], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def store():
    server = virtuoso.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def loaded(store, dist):
    result = cli(
        "load", "--store", store.sparql_url, "--graph-store", store.graph_store_url, "--user", virtuoso.USER,
        "--dist", str(dist),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def served(loaded, store, dist):
    server = start_server(dist, "--store", store.sparql_url, "--workers", "1")
    yield server
    assert server.stop() == 0


def test_load_by_graph_store_protocol_puts_every_graph(loaded, dist):
    counts = (
        open_store("oxigraph", dist)
        .execute("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        .to_result()
    )
    for row in counts.rows:
        assert f"loaded   <{row['g']}>  {row['n']} triples" in loaded
    assert "as built" in loaded


def test_load_by_update_replaces_the_graphs(store, dist, loaded):
    result = cli(
        "load", "--store", store.sparql_url, "--update", store.update_url, "--user", virtuoso.USER,
        "--dist", str(dist),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == loaded.splitlines()[-1]  # same counts: replaced, not added


def test_load_without_the_password_is_refused(store, dist):
    result = cli("load", "--store", store.sparql_url, "--graph-store", store.graph_store_url, "--user", "dba",
                 "--dist", str(dist), password="wrong")  # fmt: skip
    assert result.returncode == 1
    assert "answered 401" in result.stderr


@pytest.mark.parametrize("query", LOCAL, ids=[q.name for q in LOCAL])
def test_serve_over_virtuoso_gives_the_library_answers(served, dist, query):
    embedded = execute(from_named(query), open_store("oxigraph", dist))
    through_us = execute(from_named(query), EndpointStore(f"{served.base_url}/sparql", select_graphs=True))
    found = differences(through_us, embedded, is_ordered(query.text))
    if query.name in KNOWN_DIFFERENCES:
        if found:
            pytest.xfail(KNOWN_DIFFERENCES[query.name])
        return
    assert found == []


def test_serve_refuses_a_store_without_this_build(store, loaded, tmp_path):
    fixture = build_fixture_dist(tmp_path / "w3c-dist")
    result = cli("serve", "--store", store.sparql_url, "--dist", str(fixture), "--port", "0")
    assert result.returncode == 1
    assert "does not hold this build" in result.stderr and "xianan-kg load" in result.stderr


@pytest.fixture(scope="module")
def protocol_server(store, tmp_path_factory):
    fixture = build_fixture_dist(tmp_path_factory.mktemp("w3c-virtuoso"))
    result = cli("load", "--store", store.sparql_url, "--graph-store", store.graph_store_url, "--user",
                 virtuoso.USER, "--dist", str(fixture))  # fmt: skip
    assert result.returncode == 0, result.stderr
    server = start_server(fixture, "--store", store.sparql_url, "--workers", "1")
    yield server
    assert server.stop() == 0


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_w3c_protocol_through_virtuoso(protocol_server, test):
    reason = not_applicable(test)
    if reason:
        pytest.skip(reason)
    outcome = run_test(protocol_server, test)
    assert outcome.passed, "\n".join(outcome.details)
