"""Fair shares of query time: no client address may take more than its budget of the engine, or more processes.

The Wikidata Query Service gives each client 60 s of query time per minute and answers
429 with Retry-After beyond it; so does this endpoint (`FairShare`, `serve
--client-seconds`, `--client-concurrency`). A client is its address (IPv6: its /64, which
one host may fill with addresses). The ledger lives in shared memory created before the
workers fork, so the budget holds for the whole server, not per worker:

- time: every query the engine runs (a cache hit costs nothing) is charged its wall-clock
  time, which drains at `seconds / window` per second; a client whose balance is past
  its budget gets 429 with the seconds until it is under again;
- concurrency: at most `concurrent` queries of one client run at once; one more is a 429;
- everyone else: a query waits for a free query process; after 0.25 s the slow query (past
  1 s) of the client that used the most query time, if more than this one's, is cancelled
  for it (503 to that client); a query waits at most the time limit, then 503.

Addresses share a slot of the ledger by hash (4,096 slots): two clients in one slot share
one budget, which errs on the side of refusing. Behind a proxy every client has the
proxy's address: the proxy must then apply its own per-client limits (docs/deploy.md).

Each worker also counts the queries it runs in a row of its own (`claim`); when a worker
dies, the master gives its running queries back (`release`, from gunicorn's `child_exit`),
so a killed worker's clients are not refused for queries that no longer run.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, request

from .errors import HttpProblem

EXTENSION = "xianan_kg.fairness"
SLOTS = 4096
FIELDS = 4  # balance (s), last update (monotonic s), running queries, running since (monotonic s)
ROWS = 64  # workers (live and just replaced) whose running queries are counted per worker


@dataclass(frozen=True)
class FairShare:
    seconds: float = 60.0  # query time per client address per window
    window: float = 60.0  # seconds
    concurrent: int = 3  # queries of one client address at once

    def describe(self) -> str:
        return (
            f"Each client address (IPv6: each /64) may use {self.seconds:g} s of query time per {self.window:g} s "
            f"and run {self.concurrent} queries at once; beyond either it gets 429 Too Many Requests with "
            "Retry-After. Answers from the cache cost no query time."
        )


def client_of(address: str | None) -> str:
    """The ledger's name for a peer address: the address itself, or its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "?"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class ClientLedger:
    """Balances and running counts per client, in memory shared by every worker forked after it is made."""

    def __init__(self, share: FairShare, stale_after: float) -> None:
        self.share, self.stale_after = share, stale_after  # a running count older than this is a dead worker's
        self._cells = multiprocessing.RawArray("d", SLOTS * FIELDS)
        self._owners = multiprocessing.RawArray("q", ROWS)  # the pid whose row it is; 0: free
        self._rows = multiprocessing.RawArray("i", ROWS * SLOTS)  # running queries per worker row and slot
        self._lock = multiprocessing.Lock()
        self._row: int | None = None  # this process's row, once claimed

    def claim(self, pid: int) -> None:
        """Give the worker `pid` (this process, just forked) a row for its running queries."""
        with self._lock:
            for row in range(ROWS):
                if self._owners[row] == 0:
                    self._owners[row] = pid
                    self._row = row
                    return
        self._row = None  # more than ROWS workers: its counts go stale only after `stale_after`

    def release(self, pid: int) -> int:
        """The worker `pid` has died: its running queries no longer run. Returns how many were given back.

        Run by gunicorn's master, which must not hang: a worker killed inside `admit` or `settle` (a few
        microseconds) would hold the lock for ever, so the master gives up after a second and returns 0."""
        given = 0
        if not self._lock.acquire(timeout=1.0):
            return 0
        try:
            for row in range(ROWS):
                if self._owners[row] != pid:
                    continue
                base = row * SLOTS
                for slot in range(SLOTS):
                    held = self._rows[base + slot]
                    if held:
                        i = slot * FIELDS
                        self._cells[i + 2] = max(0.0, self._cells[i + 2] - held)
                        self._rows[base + slot] = 0
                        given += held
                self._owners[row] = 0
        finally:
            self._lock.release()
        return given

    def _count(self, i: int, change: int) -> None:
        """Count a query of slot `i` as started (+1) or ended (-1) in this worker's row; under the lock."""
        if self._row is not None:
            cell = self._row * SLOTS + i // FIELDS
            self._rows[cell] = max(0, self._rows[cell] + change)

    @staticmethod
    def slot(client: str) -> int:
        return int.from_bytes(hashlib.blake2b(client.encode(), digest_size=4).digest(), "big") % SLOTS * FIELDS

    def _drain(self, i: int, now: float) -> None:
        cells = self._cells
        rate = self.share.seconds / self.share.window
        cells[i] = max(0.0, cells[i] - (now - cells[i + 1]) * rate)
        cells[i + 1] = now
        if cells[i + 2] and now - cells[i + 3] > self.stale_after:
            cells[i + 2] = 0.0
            for row in range(ROWS):
                self._rows[row * SLOTS + i // FIELDS] = 0

    def balance(self, i: int) -> float:
        """The query time the client of slot `i` has used (as drained): its priority, lower first."""
        return self._cells[i]

    def admit(self, client: str, now: float | None = None) -> int:
        """The client's slot, its query counted as running; HttpProblem 429 (with Retry-After) beyond its share."""
        now = time.monotonic() if now is None else now
        i = self.slot(client)
        with self._lock:
            self._drain(i, now)
            balance, running = self._cells[i], self._cells[i + 2]
            if balance >= self.share.seconds:
                drain = (balance - self.share.seconds) * self.share.window / self.share.seconds
                wait = max(1, math.ceil(round(drain, 6)))  # whole seconds until the balance is under the budget
                raise HttpProblem(
                    429,
                    f"Too Many Requests: {client} has used {balance:.0f} s of query time in the last "
                    f"{self.share.window:g} s, its budget is {self.share.seconds:g} s; retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
            if running >= self.share.concurrent:
                raise HttpProblem(
                    429,
                    f"Too Many Requests: {client} already runs {running:.0f} queries, at most "
                    f"{self.share.concurrent} at once; retry when one has answered",
                    {"Retry-After": "1"},
                )
            self._cells[i + 2] = running + 1
            self._cells[i + 3] = now
            self._count(i, +1)
        return i

    def settle(self, i: int, seconds: float, now: float | None = None) -> None:
        """Charge a finished query's time and count it as no longer running."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._drain(i, now)
            self._cells[i] += seconds
            self._cells[i + 2] = max(0.0, self._cells[i + 2] - 1)
            self._count(i, -1)


def init_app(app: Flask, share: FairShare, timeout: float) -> ClientLedger:
    ledger = ClientLedger(share, stale_after=timeout * 3 + 30)
    app.extensions[EXTENSION] = ledger
    return ledger


def ledger_of(app: Flask) -> ClientLedger:
    ledger: ClientLedger = app.extensions[EXTENSION]
    return ledger


@contextmanager
def fair_share() -> Iterator[float]:
    """Run the body (one query in the engine) within the requesting client's share; 429 beyond it.

    Yields the query time the client has used: its priority when every query process is busy."""
    ledger: ClientLedger = current_app.extensions[EXTENSION]
    slot = ledger.admit(client_of(request.remote_addr))
    start = time.monotonic()
    try:
        yield ledger.balance(slot)
    finally:
        ledger.settle(slot, time.monotonic() - start)
