"""The build: load → validate → reason → write release artifacts to dist/.

Reasoning happens here and only here; the server opens the artifacts as they are.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rdflib import Graph

from . import paths
from .completion import completion_files
from .docs import documentation_files
from .linkset import load_linksets
from .literals import canonicalise_graph
from .load import Sources, load_sources
from .namespaces import BASE, bind_prefixes
from .parallel import Background
from .reason import Inference, reason
from .rules import reason_with_rules
from .serialize import FORMATS, canonical, serialize_dataset, union, write_canonical
from .source import SourceText
from .validate import ValidationReport, validate

GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_DATA = BASE + "graph/data"
GRAPH_INFERRED = BASE + "graph/inferred"
GRAPH_LINKS = BASE + "graph/links"  # data/links/*.ttl with their VoID; present only when there are linksets

ARTIFACT_STEM = "xianan-kg"
T = TypeVar("T")


class BuildError(Exception):
    """The data does not conform; nothing was written."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.text())
        self.report = report


@dataclass
class BuildResult:
    sources: Sources
    asserted: Graph
    inference: Inference
    files: dict[str, Path]
    timings: dict[str, float]


def asserted_graph(sources: Sources) -> Graph:
    return sources.combined()


FILE_FORMATS = ("turtle", "nt", "jsonld")  # each graph as a file of its own; the named graphs as TriG, N-Quads


def reasoning_free_files(sources: Sources) -> dict[str, bytes]:
    """The files that need no reasoning — the asserted graph in each format and the ontology's documentation —
    which the build makes in a forked process beside validation and reasoning."""
    asserted = union(canonical(sources.ontology), canonical(sources.data))
    out = {f"{ARTIFACT_STEM}{FORMATS[fmt][1]}": write_canonical(asserted, fmt) for fmt in FILE_FORMATS}
    out.update(documentation_files(sources.ontology))  # ontology.html, ontology.zh.html, ontology.css
    out.update(completion_files(sources.ontology, sources.data))  # completion.json: the editor's completions
    return out


def artifact_bytes(
    sources: Sources,
    inference: Inference,
    links: Graph | None = None,
    made_beside: Callable[[], dict[str, bytes]] | None = None,
) -> dict[str, bytes]:
    """Every release file by name; pure function of the graphs, hence deterministic.

    `made_beside` gives `reasoning_free_files(sources)` when the caller is making them in parallel: asked for
    last, once the files that need the entailments are made."""
    named = {GRAPH_ONTOLOGY: sources.ontology, GRAPH_DATA: sources.data, GRAPH_INFERRED: inference.graph}
    if links:
        named[GRAPH_LINKS] = links
    canon = {name: canonical(graph) for name, graph in named.items()}  # once: blank-node labelling is the cost
    out: dict[str, bytes] = {}
    for fmt in FILE_FORMATS:
        out[f"{ARTIFACT_STEM}-inferred{FORMATS[fmt][1]}"] = write_canonical(canon[GRAPH_INFERRED], fmt)
    for fmt in ("trig", "nquads"):
        out[f"{ARTIFACT_STEM}{FORMATS[fmt][1]}"] = serialize_dataset(canon, fmt, already_canonical=True)
    out.update(reasoning_free_files(sources) if made_beside is None else made_beside())
    graphs = {name: len(graph) for name, graph in named.items()}
    out["manifest.json"] = manifest_bytes(sources.source, graphs, inference.counts, out)
    return out


def manifest_bytes(
    source: SourceText,
    graphs: dict[str, int],
    inferred_by_kind: Mapping[str, int],
    files: dict[str, bytes],
    **more: str,
) -> bytes:
    """manifest.json: the source's digest, triples per graph, entailments by kind, each file's sha256."""
    manifest = {
        "source": {"file": str(source.path.relative_to(paths.ROOT)), "sha256": source.sha256},
        "graphs": graphs,
        "inferred_by_kind": dict(sorted(inferred_by_kind.items())),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        **more,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build(
    dist_dir: Path = paths.DIST_DIR,
    sources: Sources | None = None,
    links_dir: Path = paths.LINKS_DIR,
    reference: bool = False,
) -> BuildResult:
    """Validate, reason, write. `reference` runs owlrl and pyshacl, the engines the card names, instead of the
    SPARQL rules on Oxigraph and pyrudof: the same release, byte for byte (tests/test_build.py), 5x slower."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sources = load_sources() if sources is None else sources
    links = load_linksets(links_dir, sources.data)
    for graph in (sources.ontology, sources.data):  # linksets are written by `xianan-kg link` as they are
        canonicalise_graph(graph)  # one lexical form per value, whatever the authors typed (xianan_kg.literals)
    timings["load"] = time.perf_counter() - t0
    loaded = sources
    beside = Background(lambda: _timed(lambda: reasoning_free_files(loaded)))  # on the other core
    try:
        asserted, inference = _check_and_reason(sources, timings, reference)
        t0 = time.perf_counter()

        def made_beside() -> dict[str, bytes]:
            files, timings["beside"] = beside.result()
            return files

        files = write_files(dist_dir, artifact_bytes(sources, inference, links, made_beside))
        from .store import write_oxigraph_store  # the store module imports this one

        write_oxigraph_store(dist_dir)  # ready for `serve --store oxigraph:disk`: opened, never parsed
        timings["write"] = time.perf_counter() - t0
    finally:
        beside.cancel()
    return BuildResult(sources, bind_prefixes(asserted), inference, files, timings)


def _timed(step: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    return step(), time.perf_counter() - t0


def _check_and_reason(sources: Sources, timings: dict[str, float], reference: bool) -> tuple[Graph, Inference]:
    report, timings["validate"] = _timed(lambda: validate(sources, reference=reference))
    if not report.conforms:
        raise BuildError(report)
    asserted = asserted_graph(sources)
    reasoner = reason if reference else reason_with_rules
    inference, timings["reason"] = _timed(lambda: reasoner(asserted))
    return asserted, inference


def write_files(dist_dir: Path, artifacts: dict[str, bytes]) -> dict[str, Path]:
    """Each file written beside its place and renamed into it."""
    dist_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, data in artifacts.items():
        target = dist_dir / name
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)  # atomic: a reader never sees half a file
        files[name] = target
    return files
