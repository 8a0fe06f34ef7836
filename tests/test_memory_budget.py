"""One memory budget for the whole server (issue 15, point 3): split before the workers start, held under sorting hogs."""

from __future__ import annotations

import threading
import time

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from xianan_kg.server.budget import MIN_QUERY_MB, WORKER_MB, machine_budget_mb, plan_memory

from bench.load import RUNAWAY, rss_mib

from .protocol.live_server import start_server

BUDGET = 1200  # MiB, for 1 worker with 3 query processes: each query may add ~300 MiB


def test_the_plan_divides_what_the_data_leaves():
    plan = plan_memory(4096, 200, workers=2, processes=4, cache_bytes=64 * 2**20)
    assert plan.query_mb == (4096 - 200 - 2 * (WORKER_MB + 64)) // 8
    assert 200 + 2 * (WORKER_MB + 64) + 8 * plan.query_mb <= 4096
    assert "4,096 MiB" in plan.describe() and f"add {plan.query_mb} MiB" in plan.describe()


def test_a_budget_too_small_is_refused_with_what_it_needs():
    with pytest.raises(ValueError, match=r"give at least 1,480 MiB"):
        plan_memory(1000, 200, workers=2, processes=4, cache_bytes=64 * 2**20)
    assert 200 + 2 * (WORKER_MB + 64) + 8 * MIN_QUERY_MB == 1480


def test_the_default_is_half_the_machine_at_most_4_gib(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:        2097152 kB\nMemFree: 1 kB\n")
    assert machine_budget_mb(meminfo) == 1024
    meminfo.write_text("MemTotal:       25165824 kB\n")
    assert machine_budget_mb(meminfo) == 4096
    assert machine_budget_mb(tmp_path / "missing") == 4096


def test_the_serve_command_refuses_a_budget_it_cannot_hold(built):
    from .conftest import run_cli

    dist = built.files["manifest.json"].parent
    result = run_cli("serve", "--dist", str(dist), "--port", "0", "--memory-budget", "100")
    assert result.returncode != 0
    assert "--memory-budget 100: a memory budget of 100 MiB cannot hold this server" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def server(built):
    dist = built.files["manifest.json"].parent
    live = start_server(dist, "--workers", "1", "--threads", "3", "--memory-budget", str(BUDGET), "--no-cache")
    yield live
    assert live.stop() == 0


def test_the_service_description_states_the_budget(server):
    response = server.get("/sparql", Accept="text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    text = " ".join(str(o) for o in graph.objects(URIRef(f"{server.base_url}/sparql"), DCTERMS.description))
    assert f"The whole server stays within {BUDGET:,} MiB" in text


def test_sorting_hogs_keep_the_server_under_its_budget(server):
    peak: list[float] = [rss_mib(server.process.pid)]
    statuses: list[int] = []
    done = threading.Event()

    def hog() -> None:
        statuses.append(server.query(RUNAWAY["sorted cross product"]).status)

    def sample() -> None:
        while not done.is_set():
            peak.append(rss_mib(server.process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    hogs = [threading.Thread(target=hog) for _ in range(3)]
    for h in hogs:
        h.start()
    for h in hogs:
        h.join(120)
    done.set()
    sampler.join()
    assert statuses and all(s == 503 for s in statuses), statuses
    assert max(peak) < BUDGET, (max(peak), peak)
    assert server.query("ASK {}").status == 200
