"""Faults at start and while running: a broken artifact stops `serve` with its name (and line), a killed worker or
query process is replaced without losing other requests, and SIGTERM lets the requests in flight finish.

Each test starts its own `xianan-kg serve` on a copy of the session's build (or on the
build itself, when nothing is changed), since these tests kill parts of it.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from bench.load import children_of, is_running, process_tree, wait_until

from .conftest import run_cli
from .protocol.live_server import start_server

ASK_XIANAN = 'PREFIX xk: <https://xianan-kg.example.org/ontology#> ASK { ?p xk:divisionCode "421202" }'
TRUE = '{"head":{},"boolean":true}'
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW_BUT_LEGIT = "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 3000 } ?d ?e ?f }"  # ~2 s


@pytest.fixture()
def dist_copy(dist, tmp_path) -> Path:
    target = tmp_path / "dist"
    shutil.copytree(dist, target)
    return target


def count(response) -> int:
    assert response.status == 200, response.text
    return int(json.loads(response.text)["results"]["bindings"][0]["n"]["value"])


def wait_for_workers(live, n: int, without: int = -1) -> set[int]:
    """The server's worker processes, once there are `n` of them (not counting `without`) with query processes."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = children_of(live.process.pid) - {without}
        if len(workers) == n and all(len(process_tree(w)) > 2 for w in workers):
            return workers
        time.sleep(0.1)
    raise AssertionError(f"no {n} workers after 30 s:\n" + "".join(live.log[-20:]))


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rewrite_manifest(dist: Path, name: str) -> None:
    """Make the manifest agree with a changed file, as a careless hand or a broken build would."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = hashlib.sha256((dist / name).read_bytes()).hexdigest()
    (dist / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


# --- at start ---


@pytest.mark.parametrize("name", ["xianan-kg.nq", "xianan-kg.jsonld", "manifest.json"])
def test_missing_artifact_stops_serve_with_its_name(dist_copy, name):
    (dist_copy / name).unlink()
    result = run_cli("serve", "--port", "0", "--dist", str(dist_copy))
    assert result.returncode != 0
    assert str(dist_copy / name) in result.stderr
    assert "Listening at" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_unparsable_artifact_is_named_with_its_line(dist_copy):
    nq = dist_copy / "xianan-kg.nq"
    lines = nq.read_bytes().count(b"\n")
    with nq.open("ab") as f:
        f.write(b"<https://xianan-kg.example.org/id/x> <broken\n")
    rewrite_manifest(dist_copy, "xianan-kg.nq")  # the checksum agrees: only the parser can tell
    result = run_cli("serve", "--port", "0", "--dist", str(dist_copy))
    assert result.returncode == 2
    assert f"{nq}: corrupt artifact" in result.stderr
    assert f"line {lines + 1}" in result.stderr
    assert "Listening at" not in result.stdout + result.stderr


def test_truncated_artifact_is_refused_by_its_checksum(dist_copy):
    nq = dist_copy / "xianan-kg.nq"
    data = nq.read_bytes()
    nq.write_bytes(data[: data.rindex(b"\n", 0, len(data) // 2) + 1])  # half the graph, every line whole
    result = run_cli("serve", "--port", "0", "--dist", str(dist_copy))
    assert result.returncode == 2
    assert f"{nq}: corrupt" in result.stderr


# --- while running ---


def test_killed_worker_is_replaced_and_requests_elsewhere_are_not_lost(dist):
    # 4 client threads from one address: the replacement's cache is cold, so up to 4 of its queries run at once,
    # and at the default share of 3 the fourth would rightly be a 429 (fair shares are test_fairness's)
    live = start_server(dist, "--workers", "2", "--threads", "4", "--client-concurrency", "8")
    try:
        workers = wait_for_workers(live, 2)
        victim = sorted(workers)[0]
        victim_processes = set(process_tree(victim)) - {victim}  # its forker and query processes
        results: list[tuple[float, float, str]] = []  # (start, end, outcome)
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                start = time.monotonic()
                try:
                    outcome = live.query(ASK_XIANAN).text
                except (OSError, http.client.HTTPException) as exc:  # the killed worker's: cut mid-answer too
                    outcome = type(exc).__name__
                results.append((start, time.monotonic(), outcome))

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()  # taken after the kill: a client thread may connect to the victim in between
        replaced = wait_for_workers(live, 2, without=victim)  # a new worker takes its place
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join()
        assert len(replaced) == 2 and victim not in replaced
        assert not any(is_running(pid) for pid in victim_processes)  # its query processes died with it
        failed = [r for r in results if r[2] != TRUE]
        assert len(failed) <= 4, failed  # at most the requests the killed worker held (one per thread)
        assert all(start < killed_at for start, _, _ in failed), failed  # nothing sent after the crash was lost
        assert sum(1 for start, _, outcome in results if start > killed_at and outcome == TRUE) > 10
        assert live.query(ASK_XIANAN).text == TRUE
    finally:
        live.stop()


def test_killed_query_process_is_a_503_and_is_replaced(dist):
    live = start_server(dist, "--workers", "1", "--threads", "2", "--query-timeout", "30")
    try:
        (worker,) = wait_for_workers(live, 1)
        (forker,) = children_of(worker)
        processes = children_of(forker)
        assert len(processes) == 2
        before = {pid: cpu_ticks(pid) for pid in processes}
        response: dict = {}
        thread = threading.Thread(target=lambda: response.update(r=live.query(SLOW_BUT_LEGIT)))
        thread.start()
        time.sleep(0.8)
        busy = max(processes, key=lambda pid: cpu_ticks(pid) - before[pid])
        os.kill(busy, signal.SIGKILL)
        thread.join(timeout=10)
        assert response["r"].status == 503
        assert "stopped" in response["r"].text
        assert wait_until(lambda: not is_running(busy) and len(children_of(forker)) == 2)
        assert live.query(ASK_XIANAN).text == TRUE
    finally:
        live.stop()


def test_sigterm_lets_the_request_in_flight_finish(dist):
    live = start_server(dist, "--workers", "1", "--query-timeout", "30")
    triples = count(live.query(COUNT_ALL))
    response: dict = {}
    thread = threading.Thread(target=lambda: response.update(r=live.query(SLOW_BUT_LEGIT)))
    thread.start()
    time.sleep(0.5)
    server_processes = process_tree(live.process.pid)  # master, worker, forker, query processes
    assert len(server_processes) == 7
    started = time.monotonic()
    assert live.stop(timeout=60) == 0  # SIGTERM, then wait for the exit
    thread.join(timeout=5)
    assert count(response["r"]) == 3000 * triples  # answered in full, after the signal
    assert time.monotonic() - started > 0.5  # the server did wait for it
    log = "".join(live.log)
    assert "Handling signal: term" in log and "Traceback" not in log
    time.sleep(0.2)
    assert not any(is_running(pid) for pid in server_processes)  # none left behind


def test_disk_store_queries_are_cancelled_and_answered_alike(dist):
    """The execution layer fits the store directory too: each query process opens it read-only for itself."""
    memory = start_server(dist, "--workers", "1")
    disk = start_server(dist, "--workers", "1", "--store", "oxigraph:disk", "--query-timeout", "2")
    try:
        assert count(disk.query(COUNT_ALL)) == count(memory.query(COUNT_ALL))
        runaway = disk.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert runaway.status == 503 and "cancelled after 2 s" in runaway.text
        assert disk.query(ASK_XIANAN).text == TRUE
    finally:
        memory.stop()
        disk.stop()
