"""The attack run of bench/attack.py in its short form (issue 15, point 5): CI runs it on every change.

Every attack of the issue's table, smaller and 3 s long, against a default `xianan-kg serve`
on loopback; a legitimate client asks 10 times during each one and must be answered, correctly,
at least 9 times with a median under 1 s; afterwards the server has the same worker processes
and the build's files are unchanged.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from bench.attack import ATTACKS, SHORT, run_attacks
from bench.load import children_of

from .protocol.live_server import start_server

pytestmark = pytest.mark.serial  # timed: run alone (scripts/test.sh)


@pytest.fixture(scope="module")
def server(built):
    dist = built.files["manifest.json"].parent
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in dist.rglob("*") if p.is_file()}
    live = start_server(dist)
    yield live
    assert live.stop() == 0
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in dist.rglob("*") if p.is_file()}
    assert after == before


def settled_children(pid: int, seconds: float = 2.0) -> set[int]:
    """The server's children once no worker has started or gone for `seconds` (gunicorn starts its workers one
    after the other, some after the first one answers)."""
    last, stable_since = children_of(pid), time.monotonic()
    while time.monotonic() - stable_since < seconds:
        time.sleep(0.2)
        now = children_of(pid)
        if now != last:
            last, stable_since = now, time.monotonic()
    return last


def test_every_attack_leaves_a_legitimate_client_served(server):
    workers = settled_children(server.process.pid)
    outcomes = run_attacks(f"{server.base_url}/sparql", server.process.pid, SHORT)
    assert [o.name for o in outcomes] == [name for name, _, _ in ATTACKS]
    failed = [o.line() for o in outcomes if not o.passed]
    assert not failed, failed
    assert children_of(server.process.pid) == workers
