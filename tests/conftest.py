"""Shared fixtures: the graph is loaded, validated and reasoned once per test session."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from werkzeug.serving import make_server
from xianan_kg.server import ServerConfig, create_app
from xianan_kg.server.execution import execution_slot

from xianan_kg.assemble.pipeline import BuildResult, build
from xianan_kg.rdf import paths
from xianan_kg.source.documents import Documents
from xianan_kg.source.load import Sources, load_sources

ROOT = paths.ROOT
FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTS = Documents.load()  # every source text of data/source/, the review's first


def per_document(fixture: str, name: str) -> Path:
    """A fixture of one source text: `numbers-not-figures.tsv` is the review's, `numbers-not-figures.NAME.tsv`
    another document's."""
    if DOCUMENTS[name].main:
        return FIXTURES / fixture
    stem, _, suffix = fixture.rpartition(".")
    return FIXTURES / f"{stem}.{name}.{suffix}"


@pytest.fixture(scope="session")
def sources() -> Sources:
    return load_sources()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, sources: Sources) -> BuildResult:
    return build(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def dist(built: BuildResult) -> Path:
    """The directory the session's build wrote: a release, as `serve --dist` reads it."""
    return built.files["manifest.json"].parent


@pytest.fixture(scope="session")
def asserted(built: BuildResult) -> Graph:
    return built.asserted


@pytest.fixture(scope="session")
def closure(built: BuildResult) -> Graph:
    g = Graph()
    for t in built.asserted:
        g.add(t)
    for t in built.inference.graph:
        g.add(t)
    return g


@pytest.fixture(scope="session")
def live_endpoint(dist: Path) -> Iterator[str]:
    """The project's server on 127.0.0.1 in a thread of this process (werkzeug), for clients that need a socket."""
    server = make_server("127.0.0.1", 0, create_app(ServerConfig(dist=dist, cache=False)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    thread.join(timeout=10)


@contextmanager
def app_client(dist: Path, config: ServerConfig | None = None, **limits: float) -> Iterator[FlaskClient]:
    """Flask's test client over a release, with some query limits changed; its query processes stop afterwards."""
    config = config or ServerConfig(dist=dist)
    app = create_app(replace(config, limits=replace(config.limits, **limits)))
    try:
        yield app.test_client()
    finally:
        execution_slot(app).stop()


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "xianan_kg", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
