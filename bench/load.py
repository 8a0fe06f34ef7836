"""Load with abuse: N clients for T seconds against `xianan-kg serve` on 127.0.0.1, and what came back.

    python bench/load.py                      # 32 clients x 30 s against a server it starts (dist/)
    python bench/load.py --clients 4 --seconds 3 --url http://127.0.0.1:8000/sparql

Each client loops over a mix: the question library (queries/*.rq whose answers are in
queries/expected/, checked with tests/answers.py) and, with probability
--hostile-share, a hostile request from `hostile_probes` (SERVICE and LOAD aimed at a
listener on 127.0.0.1, updates, foreign graphs, malformed and oversized input, garbage
headers, path traversal …), each with the status it must get. One more client, the
attacker, sends runaway queries back to back (a three-way cross product, an ORDER BY
over a cross product), which must be cancelled with 503 at the time limit.

It prints the requests, errors by status (a hostile request answered otherwise than
expected counts as an error), wrong answers, latency percentiles, the server's memory
(RSS of every process of the server) at the start and the end, and the connections
the listener saw (must be 0). Exit status 0 when there was no error, no wrong answer
and no connection. Nothing leaves 127.0.0.1; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import random
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/answers.py compares answers; tests/protocol starts the server

from tests.answers import differences, is_ordered, load_expected  # noqa: E402
from tests.protocol.live_server import start_server  # noqa: E402
from xianan_kg.query.api import list_queries  # noqa: E402
from xianan_kg.query.text import prepare  # noqa: E402
from xianan_kg.store.remote import ACCEPT, parse_response  # noqa: E402

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
CROSS = "?a ?b ?c . ?d ?e ?f"
LAUGHS = (  # a 1 KB document whose entities expand to gigabytes in a parser that expands them
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>&j;</rdf:Description></rdf:RDF>'
)
RUNAWAY = {
    "three-way cross product": f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS} . ?g ?h ?i }}",
    "sorted cross product": f"SELECT ?a ?d WHERE {{ {CROSS} }} ORDER BY ?f ?c",
}


# --- a listener that must never be called ---


class ConnectionRecorder:
    """A TCP socket on 127.0.0.1 that records every connection made to it (none is the goal)."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}/"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(1000))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


@contextmanager
def listening() -> Iterator[ConnectionRecorder]:
    recorder = ConnectionRecorder()
    try:
        yield recorder
    finally:
        recorder.close()


# --- requests and what they must get ---


@dataclass(frozen=True)
class Probe:
    """One hostile request and the status (one of `expected`) and text it must get."""

    name: str
    method: str
    target: str  # path and query string, sent as is
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    expected: frozenset[int] = frozenset({400})
    says: str = ""  # a phrase the answer must contain


def get(name: str, params: list[tuple[str, str]], expected: int, says: str, path: str = "/sparql") -> Probe:
    return Probe(name, "GET", f"{path}?{urlencode(params)}", expected=frozenset({expected}), says=says)


def post(name: str, body: bytes | str, content_type: str, expected: int, says: str) -> Probe:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Probe(name, "POST", "/sparql", data, (("Content-Type", content_type),), frozenset({expected}), says)


def accepting(name: str, accept: str, expected: int, says: str) -> Probe:
    """ASK {} with the given Accept header."""
    return Probe(name, "GET", "/sparql?query=ASK%7B%7D", None, (("Accept", accept),), frozenset({expected}), says)


def hostile_probes(listener: str) -> list[Probe]:
    """Requests an endpoint open to anyone receives; `listener` is a URL that must never be fetched."""
    doc = listener + "data.ttl"
    nested = "SELECT * WHERE { " + "{ " * 200 + "}" * 200 + " }"
    chain = "SELECT * WHERE { " + " ".join(f"?v{i} ?p ?v{i + 1} ." for i in range(400)) + " }"
    traversal = ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
                 "/static/....//....//etc/passwd", "/static/%252e%252e%252fapp.py", "/static/..%5capp.py", "/static/%00",
                 "/static/ui/../../app.py", "/static/etc/passwd", "/id/../../server/app.py"]  # fmt: skip
    return [
        get("SERVICE", [("query", f"SELECT * WHERE {{ SERVICE <{listener}> {{ ?s ?p ?o }} }}")], 403, "SERVICE"),
        get("SERVICE SILENT", [("query", f"ASK {{ SERVICE SILENT <{listener}> {{ ?s ?p ?o }} }}")], 403, "SERVICE"),
        get(
            "SERVICE ?var",
            [("query", f"SELECT * {{ VALUES ?e {{ <{listener}> }} SERVICE ?e {{ ?s ?p ?o }} }}")],
            403,
            "SERVICE",
        ),
        get(
            "SERVICE escaped", [("query", f"SELECT * {{ \\u0053ERVICE <{listener}> {{ ?s ?p ?o }} }}")], 403, "SERVICE"
        ),
        post("SERVICE posted", f"CONSTRUCT WHERE {{ SERVICE <{listener}> {{ ?s ?p ?o }} }}", DIRECT, 403, "SERVICE"),
        post("LOAD (update)", f"LOAD <{doc}>", "application/sparql-update", 403, "read-only"),
        get("LOAD (as a query)", [("query", f"LOAD <{doc}> INTO GRAPH <{listener}g>")], 403, "read-only"),
        post("INSERT (form)", "update=" + quote("INSERT DATA { <a:a> <a:b> <a:c> }"), FORM, 403, "read-only"),
        get("DROP (as a query)", [("query", "DROP ALL")], 403, "read-only"),
        get("FROM remote", [("query", f"SELECT * FROM <{doc}> WHERE {{ ?s ?p ?o }}")], 400, "not a graph"),
        get(
            "FROM NAMED remote",
            [("query", f"ASK FROM NAMED <{doc}> {{ GRAPH ?g {{ ?s ?p ?o }} }}")],
            400,
            "not a graph",
        ),
        get("default-graph-uri remote", [("query", "ASK {}"), ("default-graph-uri", doc)], 400, "not a graph"),
        get("named-graph-uri remote", [("query", "ASK {}"), ("named-graph-uri", doc)], 400, "not a graph"),
        get("malformed", [("query", "SELECT ?x WHERE { ?x ?y }}")], 400, "syntax error"),
        get("IRI urllib cannot join", [("query", "PREFIX x: <https://[x/> ASK FROM x:g {}")], 400, "not a graph"),
        get("not a query", [("query", "\x00\x01<script>alert(1)</script>")], 400, "syntax error"),
        post("invalid UTF-8", b"ASK { ?s ?p \xff\xfe }", DIRECT, 400, "not valid UTF-8"),
        Probe("invalid UTF-8 (percent)", "GET", "/sparql?query=ASK%20%7B%7D%FF", says="not UTF-8"),
        post("UTF-16", "ASK {}".encode("utf-16"), DIRECT, 400, "UTF-16"),
        post("charset UTF-16", "ASK {}", DIRECT + "; charset=UTF-16", 415, "UTF-8"),
        post("no content type", b"ASK {}", "", 415, "Content-Type"),
        post("RDF/XML entity bomb", LAUGHS, "application/rdf+xml", 415, "Unsupported Media Type"),  # never parsed
        post("Turtle body", f"<{listener}> <{listener}> <{doc}> .", "text/turtle", 415, "Unsupported Media Type"),
        get("nested 200 deep", [("query", nested)], 400, "deep"),
        post("400 triple patterns", chain, DIRECT, 400, "triple patterns"),
        get("9 kB request line", [("query", "ASK {}" + " " * 9000)], 414, "Too Long"),
        post("150,000 characters", "ASK {}" + " " * 150_000, DIRECT, 413, "characters"),
        post("1.1 MB body", "ASK {}" + " " * 1_100_000, DIRECT, 413, "Too Large"),
        get("rows past the limit", [("query", f"SELECT ?a WHERE {{ {CROSS} }}")], 400, "rows"),
        accepting("garbage Accept", "text/;;q=x, /, */, ;q=nan", 406, "Not Acceptable"),
        accepting("control character in a header", "\x7f", 400, "Invalid HTTP Header"),  # gunicorn's own 400
        accepting("Accept nothing", "image/png, */*;q=0", 406, "Not Acceptable"),
        get("two queries", [("query", "ASK {}"), ("query", "ASK {}")], 400, "2 queries"),
        get("unknown IRI", [], 404, "Not Found", path="/id/nothing/here"),
        *[Probe(f"traversal {p}", "GET", p, expected=frozenset({400, 404})) for p in traversal],
        Probe(
            "traversal /static//etc/passwd", "GET", "/static//etc/passwd", expected=frozenset({308}), says="/static/etc"
        ),
    ]


def runaway_probes() -> list[Probe]:
    """Queries that would run for minutes or take gigabytes: cancelled, 503."""
    return [get(name, [("query", q)], 503, "Service Unavailable") for name, q in RUNAWAY.items()]


# --- the library, checked ---


@dataclass
class LibraryRequest:
    name: str
    body: bytes
    expected: object  # a QueryResult
    ordered: bool
    verified: set[bytes] = field(default_factory=set)  # digests of bodies already checked (answers repeat)

    def check(self, media: str, body: bytes) -> list[str]:
        digest = hashlib.sha256(body).digest()
        if digest in self.verified:
            return []
        wrong = differences(parse_response(body, media), self.expected, self.ordered)
        if not wrong:
            self.verified.add(digest)
        return wrong


def library_requests() -> list[LibraryRequest]:
    """The library's questions as form POSTs with no dataset parameters, with their expected answers."""
    requests = []
    for q in list_queries():
        if q.needs_internet or q.expected_path is None:
            continue
        fields = [("query", prepare(q.text).text)]  # as a user asks: the default graph gives the documented answer
        body = urlencode(fields).encode("utf-8")
        requests.append(LibraryRequest(q.name, body, load_expected(q.expected_path), is_ordered(q.text)))
    return requests


# --- the clients ---


@dataclass
class Tally:
    """What the clients saw; one per client, merged at the end."""

    library: int = 0
    hostile: Counter = field(default_factory=Counter)  # status -> count, as expected
    runaway: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # status (or exception name) -> count
    wrong: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # library requests, seconds
    examples: list[str] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        self.library += other.library
        self.hostile.update(other.hostile)
        self.runaway.update(other.runaway)
        self.errors.update(other.errors)
        self.wrong += other.wrong
        self.latencies += other.latencies
        self.examples += other.examples[:5]

    def error(self, key: object, what: str) -> None:
        self.errors[key] += 1
        if len(self.examples) < 10:
            self.examples.append(what)


STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Client:
    """One keep-alive connection, reopened after any failure.

    A request on a reused connection that the server had closed meanwhile (it may close
    one after refusing an oversized body) is sent once more on a new connection, as
    browsers do; a failure on a new connection is the answer."""

    def __init__(self, host: str, port: int, timeout: float, source: str | None = None) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.source = (source, 0) if source and host == "127.0.0.1" else None  # a client address of its own
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method: str, target: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, str, bytes]:
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout, source_address=self.source
            )
        try:
            self.conn.request(method, target, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except Exception as exc:
            self.conn.close()
            self.conn = None
            if reused and isinstance(exc, STALE):
                return self.send(method, target, body, headers)
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("Content-Type", "").split(";")[0].strip(), data


def loopback(i: int) -> str:
    """The i-th client's own loopback address (127.0.0.2 …): the server's fair shares are per client address."""
    return f"127.0.{i // 250}.{2 + i % 250}"


def probe_once(client: Client, probe: Probe, tally_of: Counter, tally: Tally) -> None:
    try:
        status, _, data = client.send(probe.method, probe.target, probe.body, dict(probe.headers))
    except Exception as exc:  # a hostile request may be cut off by the server (e.g. an oversized body): say so
        tally.error(type(exc).__name__, f"{probe.name}: {exc!r}")
        return
    if status in probe.expected and probe.says.lower() in data.decode("utf-8", "replace").lower():
        tally_of[status] += 1
    else:
        tally.error(status, f"{probe.name}: {status} {data[:160]!r}")


def library_once(client: Client, request: LibraryRequest, tally: Tally) -> None:
    headers = {"Content-Type": FORM, "Accept": ACCEPT}
    start = time.perf_counter()
    try:
        status, media, data = client.send("POST", "/sparql", request.body, headers)
    except Exception as exc:
        tally.error(type(exc).__name__, f"{request.name}: {exc!r}")
        return
    tally.latencies.append(time.perf_counter() - start)
    if status != 200:
        tally.error(status, f"{request.name}: {status} {data[:160]!r}")
        return
    tally.library += 1
    wrong = request.check(media, data)
    if wrong:
        tally.wrong.append(f"{request.name}: {wrong[:3]}")


def client_loop(
    url: str, deadline: float, seed: int, share: float, library: list, hostile: list, timeout: float
) -> Tally:
    parts = urlsplit(url)
    client, tally, rng = Client(parts.hostname, parts.port, timeout, loopback(seed)), Tally(), random.Random(seed)
    while time.monotonic() < deadline:
        if hostile and rng.random() < share:
            probe_once(client, rng.choice(hostile), tally.hostile, tally)
        else:
            library_once(client, rng.choice(library), tally)
    return tally


def attacker_loop(url: str, deadline: float, timeout: float) -> Tally:
    parts = urlsplit(url)
    client, tally = Client(parts.hostname, parts.port, timeout, "127.0.1.1"), Tally()
    probes = runaway_probes()
    i = 0
    while time.monotonic() < deadline:
        probe_once(client, probes[i % len(probes)], tally.runaway, tally)
        i += 1
    return tally


# --- the server's memory ---


def parent_of(pid: int) -> int:
    """The parent's pid, or -1 for a process that has gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def is_running(pid: int) -> bool:
    """Whether the process runs (a zombie, left to an init that does not collect orphans, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def children_of(pid: int) -> set[int]:
    """The running children of a process."""
    return {child for child in process_tree(pid) if parent_of(child) == pid and is_running(child)}


def wait_until(condition: Callable[[], bool], seconds: float = 5) -> bool:
    """Whether `condition` holds within `seconds` (a process takes a moment to die, and another to replace it)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def process_tree(root: int) -> list[int]:
    """`root` and every process under it (the server's workers, forkers and query processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def rss_mib(root: int) -> float:
    """Resident memory of the whole server, counting memory shared by its processes once (PSS)."""
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except OSError:
            continue
    return total / 1024


# --- a run ---


@dataclass
class Memory:
    """The server's memory (MiB, PSS of all its processes): cold, after the warm-up, at the end, highest seen."""

    cold: float
    warm: float
    end: float
    peak: float

    def text(self) -> str:
        return (
            f"server memory (PSS of all its processes): {self.cold:.0f} MiB cold, {self.warm:.0f} MiB after the "
            f"warm-up, {self.end:.0f} MiB at the end ({self.end - self.warm:+.0f} MiB); highest while running "
            f"{self.peak:.0f} MiB (a runaway query may grow to its 1 GiB limit before it is stopped)"
        )


@dataclass
class LoadReport:
    clients: int
    seconds: float
    url: str
    tally: Tally
    memory: Memory | None
    connections: int
    elapsed: float

    @property
    def passed(self) -> bool:
        return not self.tally.errors and not self.tally.wrong and self.connections == 0

    def text(self) -> str:
        t = self.tally
        total = t.library + sum(t.hostile.values()) + sum(t.runaway.values()) + sum(t.errors.values())
        lat = sorted(t.latencies) or [0.0]
        pct = {p: lat[min(len(lat) - 1, int(len(lat) * p / 100))] * 1000 for p in (50, 90, 99)}
        lines = [
            f"load: {self.clients} clients + 1 attacker for {self.seconds:g} s (after a warm-up of "
            f"{warm_up(self.seconds):g} s without the attacker) against {self.url}",
            f"requests: {total} in {self.elapsed:.0f} s ({total / self.elapsed:.0f}/s)",
            f"  library questions answered: {t.library} (wrong answers: {len(t.wrong)})",
            f"  hostile requests refused as expected: {sum(t.hostile.values())} {dict(sorted(t.hostile.items()))}",
            f"  runaway queries cancelled (503, as documented): {sum(t.runaway.values())}",
            f"errors: {sum(t.errors.values())} {dict(t.errors)}",
            f"wrong answers: {len(t.wrong)}",
            f"latency of library questions: p50 {pct[50]:.1f} ms, p90 {pct[90]:.1f} ms, p99 {pct[99]:.1f} ms, "
            f"max {lat[-1] * 1000:.0f} ms (mean {statistics.fmean(lat) * 1000:.1f} ms)",
        ]
        if self.memory:
            lines.append(self.memory.text())
        lines.append(f"connections to the listener on 127.0.0.1 (SERVICE, LOAD, FROM targets): {self.connections}")
        lines += [f"  e.g. {e}" for e in t.examples[:10]] + [f"  wrong: {w}" for w in t.wrong[:10]]
        return "\n".join(lines) + "\n"


def warm_up(seconds: float) -> float:
    """The clients run alone this long first: caches fill and query processes settle before memory is measured."""
    return max(2.0, seconds / 5)


def run_phase(
    url: str, seconds: float, clients: int, share: float, probes: tuple[list, list], timeout: float, attacker: bool
) -> list[Tally]:
    """`clients` threads (and the attacker) for `seconds`; each ends with the request it has in flight."""
    deadline = time.monotonic() + seconds
    library, hostile = probes
    results: list[Tally] = []
    threads = [
        threading.Thread(
            target=lambda i=i: results.append(client_loop(url, deadline, i, share, library, hostile, timeout))
        )
        for i in range(clients)
    ]
    if attacker:
        threads.append(threading.Thread(target=lambda: results.append(attacker_loop(url, deadline, timeout))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_load(
    url: str,
    clients: int = 32,
    seconds: float = 30,
    share: float = 0.1,
    server_pid: int | None = None,
    timeout: float = 60,
    attacker: bool = True,
) -> LoadReport:
    """Drive the endpoint at `url` (loopback only) with the mix: a warm-up, then `seconds` with the attacker."""
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"{url}: the load test only ever targets this machine (127.0.0.1)")
    library = library_requests()
    with listening() as listener:
        probes = (library, hostile_probes(listener.url))
        cold = rss_mib(server_pid) if server_pid else 0.0
        start = time.monotonic()
        results = run_phase(url, warm_up(seconds), clients, share, probes, timeout, attacker=False)
        warm = rss_mib(server_pid) if server_pid else 0.0
        peak = [warm]
        running = threading.Event()

        def sample_peak() -> None:
            while server_pid and not running.wait(0.25):
                peak.append(rss_mib(server_pid))

        sampler = threading.Thread(target=sample_peak)
        sampler.start()
        results += run_phase(url, seconds, clients, share, probes, timeout, attacker)
        elapsed = time.monotonic() - start
        running.set()
        sampler.join()
        end = rss_mib(server_pid) if server_pid else 0.0
        time.sleep(0.5)  # a late connection to the listener would still be counted
        connections = len(listener.connections)
    tally = Tally()
    for result in results:
        tally.merge(result)
    memory = Memory(cold, warm, end, max(peak + [end])) if server_pid else None
    return LoadReport(clients, seconds, url, tally, memory, connections, elapsed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--hostile-share", type=float, default=0.1, help="share of hostile requests (default 0.1)")
    parser.add_argument("--url", help="an endpoint already running on 127.0.0.1 (default: start one on dist/)")
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--no-attacker", action="store_true", help="no client sending runaway queries")
    args = parser.parse_args(argv)
    server = None
    if args.url is None:
        server = start_server(Path(args.dist))
        url = f"{server.base_url}/sparql"
        server_pid = server.process.pid
        time.sleep(1)  # query processes forked, caches empty: the start of the run
    else:
        url, server_pid = args.url, None
    try:
        report = run_load(
            url, args.clients, args.seconds, args.hostile_share, server_pid, attacker=not args.no_attacker
        )
    finally:
        if server is not None:
            server.stop()
    sys.stdout.write(report.text())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
