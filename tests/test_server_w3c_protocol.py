"""The W3C SPARQL 1.1 Protocol test suite, run by our harness against `xianan-kg serve` on both engines.

Every query test and every bad_* test runs; the update tests need a writable
endpoint and are reported as not applicable. The pass rate is written to
test-artifacts/w3c-protocol-<store>.txt.
"""

from __future__ import annotations

import pytest

from xianan_kg.rdf import paths

from .protocol.harness import Outcome, build_fixture_dist, load_manifest, not_applicable, report, run_test
from .protocol.live_server import start_server

TESTS = load_manifest()
RESULTS: dict[str, list[Outcome]] = {}


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def fixture_server(request, tmp_path_factory):
    dist = build_fixture_dist(tmp_path_factory.mktemp("w3c-dist"))
    server = start_server(dist, "--store", request.param, "--workers", "1")
    RESULTS[request.param] = []
    yield request.param, server
    assert server.stop() == 0
    skipped = [(t, why) for t in TESTS if (why := not_applicable(t))]
    text = report(RESULTS[request.param], skipped)
    out = paths.ROOT / "test-artifacts" / f"w3c-protocol-{request.param}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\n[{request.param}] {text.splitlines()[-1]}")


def test_manifest_has_the_whole_suite():
    names = [t.name for t in TESTS]
    assert len(names) == 34
    assert sum(1 for t in TESTS if not_applicable(t) is None) == 27
    assert {n for n in names if n.startswith("bad_")} <= {t.name for t in TESTS if not_applicable(t) is None}


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(fixture_server, test):
    store, server = fixture_server
    reason = not_applicable(test)
    if reason:
        pytest.skip(reason)
    outcome = run_test(server, test)
    RESULTS[store].append(outcome)
    assert outcome.passed, "\n".join(outcome.details)
