"""Shared fixtures: the graph is loaded, validated and reasoned once per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from xianan_kg.build.pipeline import BuildResult, build
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


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "xianan_kg", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
