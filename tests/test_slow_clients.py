"""Slow clients cost a socket, not a worker (issue 15, point 1): `serve`'s default gevent worker.

One worker with one query process (under gthread: 8 request threads), and more slow clients at
once than it has threads: clients that never read a 9 MB answer, slow headers, lone `G`s and
idle connections. A legitimate client is answered meanwhile; a body trickled past --client-timeout is a
408; a request head trickled past 5 s is cut off.
"""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

from bench.attack import legit_once, non_readers, partial_and_idle, slow_headers

from .protocol.live_server import start_server

pytestmark = pytest.mark.serial  # timed: run alone (scripts/test.sh)

CLIENT_TIMEOUT = 10  # s: the non-readers' answers are still held while the legitimate client asks


@pytest.fixture(scope="module")
def server(built):
    live = start_server(
        built.files["manifest.json"].parent,
        "--workers",
        "1",
        "--threads",
        "1",
        "--client-timeout",
        str(CLIENT_TIMEOUT),
    )
    yield live
    assert live.stop() == 0


def test_slow_clients_beyond_the_threads_leave_a_legitimate_client_served(server):
    deadline = time.monotonic() + 14
    readers = threading.Thread(target=non_readers, args=(server.port, 10, deadline))
    readers.start()
    # Each non-reader costs a query first: wait until their 10 answers are computed (one query process) and only
    # the writes to clients that never read are left, held (under gthread: 8 threads) until --client-timeout.
    warm = time.monotonic() + 8
    while legit_once(server.port) is None and time.monotonic() < warm:
        pass
    others = [
        threading.Thread(target=attack, args=(server.port, n, deadline))
        for attack, n in ((slow_headers, 32), (partial_and_idle, 4))
    ]
    for attack in others:
        attack.start()
    time.sleep(1)  # 10 + 32 + 28 slow connections are open: far more than gthread's 8 request threads
    latencies = [legit_once(server.port) for _ in range(5)]
    for attack in (readers, *others):
        attack.join(30)
    assert all(t is not None and t < 1 for t in latencies), latencies


def test_a_trickled_body_is_408_at_the_client_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK {}"
        )
        start = time.monotonic()
        reply = b""
        s.settimeout(0.5)
        while b"\r\n\r\n" not in reply and time.monotonic() - start < CLIENT_TIMEOUT + 10:
            try:
                s.sendall(b" ")
                reply += s.recv(4096)
            except TimeoutError:
                pass
            except OSError:
                break
        elapsed = time.monotonic() - start
        head, _, body = reply.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length: *(\d+)", head)
        s.settimeout(5)
        while length and len(body) < int(length.group(1)):  # the body may come in a packet of its own
            chunk = s.recv(4096)
            if not chunk:
                break
            body += chunk
    assert head.startswith(b"HTTP/1.1 408"), reply[:200]
    assert f"within {CLIENT_TIMEOUT} s".encode() in body, body
    assert CLIENT_TIMEOUT - 0.5 < elapsed < CLIENT_TIMEOUT + 5, elapsed


def test_a_trickled_request_head_is_cut_off(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        start, closed = time.monotonic(), False
        s.settimeout(1)
        while not closed and time.monotonic() - start < 15:
            try:
                s.sendall(b"X-Slow: y\r\n")
                closed = s.recv(4096) == b""
            except TimeoutError:
                pass
            except OSError:
                closed = True
        elapsed = time.monotonic() - start
    assert closed and elapsed < 10
