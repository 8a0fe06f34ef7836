"""Fair shares of query time (issue 15, point 2): a client past its budget or its concurrency gets 429 + Retry-After."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from xianan_kg.server.config import ServerConfig
from xianan_kg.server.errors import HttpProblem
from xianan_kg.server.execution import PREEMPTED, ProcessPool, QueryJob
from xianan_kg.server.fairness import ClientLedger, FairShare, client_of
from xianan_kg.server.limits import QueryLimits

from .conftest import app_client

pytestmark = pytest.mark.serial  # timed: run alone (scripts/test.sh)

SHARE = FairShare(seconds=10, window=60, concurrent=2)


def test_a_client_past_its_time_budget_waits_for_it_to_drain():
    ledger = ClientLedger(SHARE, stale_after=60)
    slot = ledger.admit("192.0.2.1", now=0)
    ledger.settle(slot, 12, now=0)
    with pytest.raises(HttpProblem) as refused:
        ledger.admit("192.0.2.1", now=1)
    assert refused.value.status == 429
    assert refused.value.headers == {
        "Retry-After": "11"
    }  # 12 - 1/6 drained at 1 s; 1.83 s over, drained at 1/6 s a second
    assert refused.value.message.startswith("Too Many Requests: 192.0.2.1 has used 12 s of query time")
    assert "\n" not in refused.value.message
    ledger.settle(ledger.admit("192.0.2.2", now=1), 0.1, now=1)  # another client is not concerned
    ledger.admit("192.0.2.1", now=14)  # 12 - 14/6 < 10: admitted again


def test_a_client_runs_at_most_its_concurrent_queries():
    ledger = ClientLedger(SHARE, stale_after=60)
    first, _second = ledger.admit("192.0.2.1", now=0), ledger.admit("192.0.2.1", now=0)
    with pytest.raises(HttpProblem, match="already runs 2 queries, at most 2 at once") as refused:
        ledger.admit("192.0.2.1", now=0)
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "1"
    ledger.settle(first, 0.5, now=0.5)
    ledger.admit("192.0.2.1", now=0.5)


def test_a_dead_workers_running_queries_are_forgotten():
    ledger = ClientLedger(SHARE, stale_after=60)
    ledger.admit("192.0.2.1", now=0)
    ledger.admit("192.0.2.1", now=0)  # never settled: the worker died
    ledger.admit("192.0.2.1", now=61)


def test_a_killed_workers_running_queries_are_given_back_when_the_master_reaps_it():
    """stop 19's CI failure: a worker killed with queries running left them counted, and its client got 429."""
    ledger = ClientLedger(SHARE, stale_after=600)
    ledger.claim(4001)  # the worker that will be killed
    ledger.admit("192.0.2.1", now=0)
    ledger.admit("192.0.2.1", now=0)
    ledger.claim(4002)  # its sibling runs one of another client's, which stays counted
    other = ledger.admit("192.0.2.9", now=0)
    with pytest.raises(HttpProblem, match="already runs 2 queries"):
        ledger.admit("192.0.2.1", now=1)
    assert ledger.release(4001) == 2
    assert ledger.release(4001) == 0  # a row is given back once
    ledger.admit("192.0.2.1", now=1)
    ledger.admit("192.0.2.9", now=1)
    with pytest.raises(HttpProblem, match="already runs 2 queries"):
        ledger.admit("192.0.2.9", now=1)
    ledger.settle(other, 0.1, now=1)


def test_the_master_does_not_hang_on_a_lock_a_killed_worker_held():
    ledger = ClientLedger(SHARE, stale_after=600)
    ledger.claim(4001)
    ledger.admit("192.0.2.1", now=0)
    ledger._lock.acquire()  # as if a worker had been killed inside admit
    started = time.monotonic()
    assert ledger.release(4001) == 0
    assert time.monotonic() - started < 5


def test_an_ipv6_client_is_its_64():
    assert client_of("2001:db8:1:2:aaaa::1") == client_of("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_of("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_of("192.0.2.1") == "192.0.2.1"


@pytest.fixture(scope="module")
def client(dist):
    config = replace(ServerConfig(dist=dist, cache=False), fair_share=FairShare(seconds=0.2, window=60, concurrent=2))
    with app_client(dist, config, timeout=5, max_concurrent=1) as client:
        yield client


def test_the_endpoint_answers_429_with_retry_after_past_the_budget(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?x }"
    statuses = []
    for _ in range(20):
        response = client.get("/sparql", query_string={"query": query}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[0] == 200 and statuses[-1] == 429, statuses
    assert int(response.headers["Retry-After"]) >= 1
    assert response.data.decode().startswith("Too Many Requests: 192.0.2.9 has used")
    assert response.data.decode().count("\n") == 1
    other = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert other.status_code == 200


def test_the_service_description_states_the_shares(client):
    text = client.get("/sparql", headers={"Accept": "application/n-triples"}).data.decode()
    assert "may use 0.2 s of query time per 60 s and run 2 queries at once" in text


# --- a full server: the greediest client's slow query makes room ---

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def pool(built):
    from xianan_kg.store.choice import open_store

    pool = ProcessPool(
        open_store("oxigraph", built.files["manifest.json"].parent),
        QueryLimits(timeout=8, max_concurrent=1),
        isolate=False,
    )
    yield pool
    pool.close()


def test_a_well_behaved_client_preempts_the_slow_query_of_a_greedy_one(pool):
    greedy: list = []
    hog = threading.Thread(target=lambda: greedy.append(pool.run(QueryJob(CROSS, None, None, None, None), 50.0)))
    hog.start()
    time.sleep(1.5)  # past SLOW_AFTER: the hog may be cancelled
    start = time.monotonic()
    outcome = pool.run(QueryJob("ASK {}", None, None, None, None), 0.01)
    waited = time.monotonic() - start
    hog.join(10)
    assert outcome.status == 200 and waited < 1.0, (outcome, waited)
    assert greedy[0].status == 503 and greedy[0].message == PREEMPTED


def test_a_greedier_client_does_not_preempt(pool):
    modest: list = []
    hog = threading.Thread(target=lambda: modest.append(pool.run(QueryJob(CROSS, None, None, None, None), 0.0)))
    hog.start()
    time.sleep(1.5)
    outcome = pool.run(QueryJob("ASK {}", None, None, None, None), 50.0)  # more than 0 + the hog's 8 s
    hog.join(10)
    assert modest[0].status == 503 and "cancelled after 8 s" in modest[0].message  # it ran to the time limit
    assert outcome.status == 200  # served once the process was free again
