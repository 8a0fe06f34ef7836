"""Fuzzing the endpoint: whatever the query text, headers, body or path, the answer is a clear 4xx (or a 2xx,
3xx, or the documented 503 of a cancelled query), never a 500 and never a hang.

The loop runs against the real app (its query processes, guard, limits) through Flask's
test client; a smaller run sends raw bytes to a live `xianan-kg serve`. Hypothesis keeps
no example database (nothing is written into the work tree) and both runs are bounded by
their number of examples.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xianan_kg.query.api import list_queries
from xianan_kg.query.guard import QueryRefused, inspect_query

from .conftest import app_client
from .protocol.live_server import shared_server_fixture  # noqa: F401 - provides `server`

pytestmark = pytest.mark.serial  # timed: run alone (scripts/test.sh)

FUZZ = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
LIVE = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = (
    "SELECT ASK CONSTRUCT DESCRIBE WHERE FROM NAMED SERVICE SILENT LOAD INSERT DATA DELETE CLEAR DROP PREFIX BASE "
    "GRAPH OPTIONAL UNION MINUS FILTER BIND AS VALUES LIMIT OFFSET ORDER BY GROUP HAVING COUNT DISTINCT EXISTS NOT IN "
    "REGEX STR LANG a * { } ( ) [ ] . ; , ! ^ / | + - && || = < > ?s ?p ?o $x xk:value xkp:xianan xk: : _:b "
    "1 2.5 -3e2 true UNDEF"
).split() + [
    "<http://127.0.0.1:9/>",
    "<>",
    "<#x>",
    '"x"',
    "'''y'''",
    '"\\u0053"',
    "\\u0053ERVICE",
    "\ufeff",
    "\x00",
    "#c\n",
    '"unterminated',
    "<unterminated",
    "PREFIX xk: <https://xianan-kg.example.org/ontology#>",
]
LIBRARY = [q.text for q in list_queries() if not q.needs_internet]
MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/rdf+xml",
    "application/ld+json",
    "text/html",
    "*/*",
    "application/sparql-query",
    "application/x-www-form-urlencoded",
    "application/sparql-update",
]
LATIN1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f")

tokens_joined = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)


@st.composite
def mutated_library_query(draw: st.DrawFn) -> str:
    """A question of the library with a slice cut out and a piece put in: near-valid SPARQL."""
    text = draw(st.sampled_from(LIBRARY))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 40)))
    return text[:start] + draw(st.sampled_from(PIECES)) + text[end:]


queries = st.one_of(tokens_joined, mutated_library_query(), st.text(max_size=300))
header_values = st.one_of(st.sampled_from(MEDIA), st.text(LATIN1, max_size=80))


@st.composite
def requests(draw: st.DrawFn) -> dict:
    """A request a client might send to /sparql, or to a page with a path made of odd pieces."""
    kind = draw(st.sampled_from(["get", "form", "direct", "bytes", "path"]))
    headers = {"Accept": draw(header_values)}
    query = draw(queries)
    extra = draw(st.lists(st.tuples(st.sampled_from(["query", "default-graph-uri", "named-graph-uri", "update"]),
                                    queries), max_size=2))  # fmt: skip
    params = [("query", query), *extra]
    if kind == "get":
        return {"method": "GET", "path": "/sparql?" + urlencode(params), "headers": headers}
    if kind == "form":
        headers["Content-Type"] = draw(st.one_of(st.just("application/x-www-form-urlencoded"), header_values))
        return {"method": "POST", "path": "/sparql", "data": urlencode(params), "headers": headers}
    if kind == "direct":
        headers["Content-Type"] = draw(st.one_of(st.just("application/sparql-query"), header_values))
        return {"method": "POST", "path": "/sparql", "data": query.encode("utf-8", "surrogatepass"), "headers": headers}
    if kind == "bytes":
        headers["Content-Type"] = "application/sparql-query"
        return {"method": "POST", "path": "/sparql", "data": draw(st.binary(max_size=300)), "headers": headers}
    segments = draw(st.lists(st.sampled_from(["..", "%2e%2e", "%2f", "static", "id", "place", "xianan", "ontology",
                                              "%00", "%ff", "a.ttl", ".html", "//", "\\", "~"]), max_size=6))  # fmt: skip
    return {"method": "GET", "path": "/" + "/".join(segments), "headers": headers}


def acceptable(status: int, body: bytes) -> bool:
    """Any 1xx-4xx; a 5xx only as the documented 503 of a query cancelled or stopped at a limit."""
    if status < 500:
        return True
    text = body.decode("utf-8", "replace")
    return status == 503 and ("cancelled" in text or "stopped" in text)


@pytest.fixture(scope="module")
def client(dist):
    with app_client(dist, timeout=2, max_concurrent=2) as client:
        yield client


@FUZZ
@given(request=requests())
def test_fuzzed_requests_get_a_clear_answer(client, request):
    response = client.open(request["path"], method=request["method"], data=request.get("data"),
                           headers=request["headers"])  # fmt: skip
    assert acceptable(response.status_code, response.data), (response.status_code, response.data[:300])
    if response.status_code >= 400:
        assert response.data.strip(), "an error without a message"
        assert b"Traceback" not in response.data


@settings(max_examples=60, deadline=None, database=None)
@given(unit=st.lists(st.sampled_from(["'", "'''", '"', '"""', "\\", "<", ">", "#", "\n", "a", ":", "?", "{", "(", "!"]),
                     min_size=1, max_size=60).map("".join))  # fmt: skip
def test_guard_reads_any_text_quickly(unit):
    text = (unit * (99_000 // len(unit) + 1))[:99_000]
    start = time.perf_counter()
    try:
        inspect_query(text)
    except QueryRefused:
        pass
    assert time.perf_counter() - start < 1.0


def raw_exchange(port: int, data: bytes) -> tuple[int, bytes]:
    """Send bytes as they are; the status code and body the server sends back (0 if it closes without one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    reply = b"".join(chunks)
    if not reply.startswith(b"HTTP/1."):
        return 0, reply
    return int(reply.split(b" ", 2)[1]), reply.partition(b"\r\n\r\n")[2]


@LIVE
@given(
    query=queries,
    name=st.sampled_from(["Accept", "Content-Type", "Accept-Charset", "X-Odd", "Accept-Language", "If-None-Match"]),
    value=st.text(LATIN1, max_size=60),
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "OPTIONS", "BREW"]),
    safe=st.sampled_from(["", "/?=&", "{}<>"]),
    as_path=st.booleans(),
)
def test_live_server_answers_raw_fuzz_without_a_5xx(server, query, name, value, method, safe, as_path):
    target = "/" + quote(query, safe="/%") if as_path else "/sparql?query=" + quote(query, safe=safe)
    body = query.encode("utf-8", "surrogatepass")
    data = (
        f"{method} {target[:7000]} HTTP/1.1\r\nHost: 127.0.0.1\r\n{name}: {value}\r\n"
        f"Content-Type: application/sparql-query\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode("latin-1", "replace") + body
    status, reply = raw_exchange(server.port, data)
    assert status != 0, reply[:200]
    assert acceptable(status, reply), (status, reply[:300])
