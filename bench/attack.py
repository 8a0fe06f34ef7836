"""Attacks on `xianan-kg serve` (issue 15's table), one at a time, and what a well-behaved client meets meanwhile.

    python bench/attack.py                  # every attack at full size against a server it starts (dist/)
    python bench/attack.py --short          # the same, smaller and shorter (well under a minute)
    python bench/attack.py --url http://127.0.0.1:8000/sparql
    python bench/attack.py --serve=--worker-class=gthread   # against serve's former worker class

Each attack runs for a bounded time on a bounded number of connections from loopback
addresses of its own (127.0.3.x; the server's fair shares are per address); meanwhile
a legitimate client (127.0.2.1) asks a simple question 20 times, one after the other,
each with a 5 s timeout, and checks the answer. Printed per attack: the legitimate
client's successes of 20 and its median latency, the server's peak PSS, and PASS
when >= 19 of 20 answered correctly with p50 < 1 s. At the end: whether the server's
worker processes are the ones it started with, whether the build's files (sha256) are
unchanged, and a verdict line. Nothing leaves 127.0.0.0/8; every loop ends at its deadline.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import random
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import CROSS, RUNAWAY, children_of, rss_mib  # noqa: E402
from tests.protocol.live_server import start_server  # noqa: E402

LEGIT = 'PREFIX xk: <https://xianan-kg.example.org/ontology#> ASK { ?p xk:divisionCode "421202" }'
LEGIT_SOURCE = "127.0.2.1"
BIG = "SELECT * WHERE { ?s ?p ?o VALUES ?k { 1 2 3 } }"  # ~9 MB of JSON: never cached, written to whoever asks


@dataclass(frozen=True)
class Size:
    seconds: float  # of each attack
    scale: float  # share of the table's connection counts
    legit: int = 20


FULL, SHORT = Size(seconds=15, scale=1.0), Size(seconds=3, scale=0.5, legit=10)


def source(i: int) -> tuple[str, int]:
    return (f"127.0.3.{1 + i % 250}", 0)


def connect(port: int, i: int, timeout: float = 5) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=source(i))


def quiet(action: Callable[[], None]) -> None:
    try:
        action()
    except OSError:
        pass


# --- the attacks: each (port, connections, deadline) -> None, returning at the deadline ---


def slow_headers(port: int, n: int, deadline: float) -> None:
    """Connections that send one header line every 2 s (slowloris)."""
    socks = [connect(port, i) for i in range(n)]
    for s in socks:
        quiet(lambda s=s: s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
    k = 0
    while time.monotonic() < deadline:
        time.sleep(min(2, max(0, deadline - time.monotonic())))
        for s in socks:
            quiet(lambda s=s, k=k: s.sendall(b"X-%d: y\r\n" % k))
        k += 1
    for s in socks:
        s.close()


def partial_and_idle(port: int, n: int, deadline: float) -> None:
    """n connections that sent `G` and then nothing, and 6n that send nothing at all."""
    socks = [connect(port, i) for i in range(7 * n)]
    for s in socks[:n]:
        quiet(lambda s=s: s.sendall(b"G"))
    time.sleep(max(0, deadline - time.monotonic()))
    for s in socks:
        s.close()


def slow_body(port: int, n: int, deadline: float) -> None:
    """POSTs announcing a 100 kB body and trickling 100 bytes every 0.5 s."""
    socks = [connect(port, i) for i in range(n)]
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    for s in socks:
        quiet(lambda s=s: s.sendall(head))
    while time.monotonic() < deadline:
        for s in socks:
            quiet(lambda s=s: s.sendall(b"#" * 100))
        time.sleep(0.5)
    for s in socks:
        s.close()


def non_readers(port: int, n: int, deadline: float) -> None:
    """Clients that ask for a ~9 MB answer and never read it."""
    socks = []
    for i in range(n):
        s = connect(port, i)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        target = "/sparql?" + urlencode({"query": BIG})
        quiet(lambda s=s, t=target: s.sendall(f"GET {t} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()))
        socks.append(s)
    time.sleep(max(0, deadline - time.monotonic()))
    for s in socks:
        s.close()


def _query_loop(port: int, i: int, deadline: float, make: Callable[[int], str]) -> None:
    k = 0
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=source(i))
        try:
            conn.request("GET", "/sparql?" + urlencode({"query": make(k)}))
            response = conn.getresponse()
            response.read()
            if response.status == 429:  # refused: wait as told, as a well-behaved client would not
                time.sleep(0.2)
        except OSError:
            pass
        finally:
            conn.close()
        k += 1


def _clients(port: int, n: int, deadline: float, make: Callable[[int, int], str]) -> None:
    threads = [
        threading.Thread(target=_query_loop, args=(port, i, deadline, lambda k, i=i: make(i, k))) for i in range(n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def cache_busting_cross_products(port: int, n: int, deadline: float) -> None:
    """n clients sending three-way cross products, each text new (a number in it), back to back."""
    nonce = random.randrange(10**9)
    _clients(
        port,
        n,
        deadline,
        lambda i, k: f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS} . ?g ?h ?i FILTER(?i != {nonce + i * 10**6 + k}) }}",
    )


def sorting_hogs(port: int, n: int, deadline: float) -> None:
    """n legal queries at once that sort a cross product (memory)."""
    _clients(port, n, deadline, lambda i, k: RUNAWAY["sorted cross product"] + f" # {i} {k}")


def tiny_distinct(port: int, n: int, deadline: float) -> None:
    """n clients sending distinct tiny queries as fast as they are answered (the answer cache's accounting)."""
    _clients(port, n, deadline, lambda i, k: f"ASK {{ FILTER({i * 10**7 + k} > 0) }}")


ATTACKS: list[tuple[str, Callable[[int, int, float], None], int]] = [
    ("16 connections sending one header line every 2 s", slow_headers, 16),
    ("8 connections that sent `G`, and 48 idle ones", partial_and_idle, 8),
    ("16 POSTs trickling a 100 kB body", slow_body, 16),
    ("16 clients that never read a 9 MB answer", non_readers, 16),
    ("32 clients of cache-busting 3-way cross products", cache_busting_cross_products, 32),
    ("8 queries at once sorting a cross product", sorting_hogs, 8),
    ("4 clients of distinct tiny queries", tiny_distinct, 4),
]


# --- the legitimate client ---


@dataclass
class Outcome:
    name: str
    answered: int
    asked: int
    p50: float
    peak_mib: float

    @property
    def passed(self) -> bool:
        return self.answered >= self.asked - max(1, self.asked // 20) and self.p50 < 1.0

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{verdict}  {self.answered:2d}/{self.asked} answered, p50 {self.p50:5.2f} s, "
            f"peak PSS {self.peak_mib:7.0f} MiB  {self.name}"
        )


FAILURES: Counter = Counter()  # why the legitimate client's questions failed, for the report


def legit_once(port: int) -> float | None:
    """Seconds to a correct answer of the simple question, or None (error, wrong, or over 5 s)."""
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(LEGIT_SOURCE, 0))
    try:
        conn.request(
            "GET", "/sparql?" + urlencode({"query": LEGIT}), headers={"Accept": "application/sparql-results+json"}
        )
        response = conn.getresponse()
        body = response.read()
    except OSError as exc:
        FAILURES[type(exc).__name__] += 1
        return None
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    if response.status == 200 and b'"boolean":true' in body.replace(b" ", b"") and elapsed < 5:
        return elapsed
    FAILURES[f"{response.status} {body[:60].decode('utf-8', 'replace').strip()}"] += 1
    return None


def run_attack(port: int, pid: int | None, name: str, attack: Callable, n: int, size: Size) -> Outcome:
    deadline = time.monotonic() + size.seconds
    attacker = threading.Thread(target=lambda: quiet(lambda: attack(port, max(1, round(n * size.scale)), deadline)))
    attacker.start()
    time.sleep(min(1.0, size.seconds / 4))  # the attack is in place before the first question
    peak = [rss_mib(pid) if pid else 0.0]
    latencies: list[float] = []
    spacing = max(0.05, (deadline - time.monotonic() - 1) / size.legit)
    for _ in range(size.legit):
        t = legit_once(port)
        if t is not None:
            latencies.append(t)
        if pid:
            peak.append(rss_mib(pid))
        time.sleep(max(0.0, spacing - (t or 0)))
    attacker.join(size.seconds + 60)
    p50 = statistics.median(latencies) if latencies else float("inf")
    return Outcome(name, len(latencies), size.legit, p50, max(peak))


def settle(port: int, seconds: float = 15) -> None:
    """Wait until the server answers the simple question again (the last attack's queries cancelled)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and legit_once(port) is None:
        time.sleep(0.5)


def run_attacks(url: str, pid: int | None, size: Size, only: list[str] | None = None) -> list[Outcome]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"{url}: the attack run only ever targets this machine (127.0.0.1)")
    outcomes = []
    for name, attack, n in ATTACKS:
        if only and not any(word in name for word in only):
            continue
        FAILURES.clear()
        outcomes.append(run_attack(parts.port or 80, pid, name, attack, n, size))
        print(outcomes[-1].line(), flush=True)
        for why, count in FAILURES.most_common(3):
            print(f"      {count} x {why}", flush=True)
        settle(parts.port or 80)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="smaller, shorter attacks (well under a minute)")
    parser.add_argument("--url", help="an endpoint already running on 127.0.0.1 (default: start one on dist/)")
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--only", action="append", help="run only attacks whose description holds this word")
    parser.add_argument("--scale", type=float, help="connections as a multiple of the table's (default 1; 0.5 short)")
    parser.add_argument(
        "--serve",
        action="append",
        default=[],
        metavar="ARG",
        help="an argument for the server it starts, e.g. --serve=--worker-class=gthread (repeatable)",
    )
    args = parser.parse_args(argv)
    files = digests(Path(args.dist))
    server = None
    if args.url is None:
        server = start_server(Path(args.dist), *args.serve)
        url, pid = f"{server.base_url}/sparql", server.process.pid
    else:
        url, pid = args.url, None
    try:
        workers = children_of(pid) if pid else set()
        start = rss_mib(pid) if pid else 0.0
        size = SHORT if args.short else FULL
        outcomes = run_attacks(url, pid, replace(size, scale=args.scale or size.scale), args.only)
        same = (children_of(pid) == workers) if pid else True
    finally:
        if server is not None:
            server.stop()
    if not same and server is not None:  # why: the server's own lines (not its access log)
        print("".join(line for line in server.log if '"GET ' not in line and '"POST ' not in line)[-3000:])
    kept = digests(Path(args.dist)) == files
    print(
        f"server PSS at start {start:.0f} MiB; worker processes unchanged: {'yes' if same else 'NO'}; "
        f"the build's files unchanged: {'yes' if kept else 'NO'}"
    )
    failed = [o.name for o in outcomes if not o.passed]
    ok = not failed and same and kept
    print(f"verdict: {'PASS' if ok else 'FAIL'} ({len(outcomes) - len(failed)}/{len(outcomes)} attacks)")
    return 0 if ok else 1


def digests(dist: Path) -> dict[str, str]:
    """sha256 of every file of the build the server serves."""
    return {
        str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest() for p in dist.rglob("*") if p.is_file()
    }


if __name__ == "__main__":
    sys.exit(main())
