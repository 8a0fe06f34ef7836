"""A real `xianan-kg serve` on 127.0.0.1, and a raw HTTP client that sends exactly what it is told.

The server is started as a user would start it, on port 0 (the OS picks a free port;
gunicorn's log says which), and is ready when a query answers. `http.client` is used
rather than urllib because urllib adds a form Content-Type to every POST on its own,
which would hide the very errors the tests send.
"""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Dataset, Graph

LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class LiveServer:
    process: subprocess.Popen
    port: int
    log: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, body: bytes | str | None = None, headers: dict[str, str] | None = None
    ) -> HttpResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            data = body.encode("utf-8") if isinstance(body, str) else body
            conn.request(method, path, body=data, headers=headers or {})
            resp = conn.getresponse()
            return HttpResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def get(self, path: str, params: dict | list | None = None, **headers: str) -> HttpResponse:
        query = f"?{urlencode(params)}" if params else ""
        return self.request("GET", path + query, headers={k.replace("_", "-"): v for k, v in headers.items()})

    def query(self, sparql: str, accept: str | None = None) -> HttpResponse:
        return self.get("/sparql", {"query": sparql}, **({"Accept": accept} if accept else {}))

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, as a service manager would; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(
    dist: Path, *args: str, timeout: float = 180, command: list[str] | None = None, cwd: Path | None = None
) -> LiveServer:
    """`xianan-kg serve --port 0 --dist DIST ARGS…` (`command` instead of this interpreter's `-m xianan_kg`, run in
    `cwd`), returned once it answers queries."""
    program = command or [sys.executable, "-m", "xianan_kg"]
    cmd = [*program, "serve", "--host", "127.0.0.1", "--port", "0", "--dist", str(dist)]
    process = subprocess.Popen([*cmd, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd)
    log: list[str] = []
    port: list[int] = []

    def drain() -> None:  # keep reading: the access log must never fill the pipe
        for line in process.stdout:
            log.append(line)
            if not port and (m := LISTENING.search(line)):
                port.append(int(m.group(1)))

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not port:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + "".join(log))
        time.sleep(0.05)
    server = LiveServer(process, port[0], log)
    while time.monotonic() < deadline:
        try:
            if server.query("ASK {}").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("server never answered:\n" + "".join(log))


_SHARED: dict[tuple[str, ...], LiveServer] = {}


def shared_server(dist: Path, *args: str) -> LiveServer:
    """One server per (dist, options) for the whole test session, whichever module asks first."""
    key = (str(dist), *args)
    if key not in _SHARED or _SHARED[key].process.poll() is not None:
        _SHARED[key] = start_server(dist, *args)
    return _SHARED[key]


def stop_shared() -> None:
    while _SHARED:
        _SHARED.popitem()[1].stop()


@pytest.fixture(scope="session", name="server")
def shared_server_fixture(built) -> Iterator[LiveServer]:  # noqa: ANN001 - conftest's BuildResult fixture
    """The session's build, served once for every module that imports this fixture."""
    yield shared_server(built.files["manifest.json"].parent)
    stop_shared()


@pytest.fixture(scope="session", name="published")
def published_graph_fixture(built) -> Graph:  # noqa: ANN001 - conftest's BuildResult fixture
    """What the endpoint's default graph holds: the merge of every named graph of the build."""
    dataset = Dataset()
    dataset.parse(built.files["xianan-kg.nq"], format="nquads")
    graph = Graph()
    for named in dataset.graphs():
        for triple in named:
            graph.add(triple)
    return graph
