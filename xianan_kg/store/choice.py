"""Which store a `--store` value names, and opening it over a release: the one place that knows every kind."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xianan_kg.rdf import paths
from xianan_kg.rdf.release import ARTIFACT_STEM
from xianan_kg.store.base import LocalStore, asserted_graphs
from xianan_kg.store.local import OxigraphStore, RdflibStore
from xianan_kg.store.remote import SparqlDatasetStore

BACKENDS: dict[str, type[OxigraphStore] | type[RdflibStore]] = {"oxigraph": OxigraphStore, "memory": RdflibStore}
# Every store that runs inside the process; `open_store` also takes oxigraph:PATH and an endpoint URL.
EMBEDDED_STORES = ("oxigraph", "oxigraph:disk", "memory")
STORE_HELP = (
    "oxigraph (the build's quads in memory: fastest answers; default), oxigraph:disk (the build's store "
    "directory, read-only: instant startup at any size), oxigraph:PATH (another store directory), "
    "memory (rdflib, the reference engine), or the URL of a SPARQL 1.1 endpoint holding the build's graphs "
    "(see `xianan-kg load`)"
)


def is_endpoint(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def check_store_spec(spec: str) -> str:
    """The --store value if it names a kind of store; raises ValueError otherwise."""
    if spec in EMBEDDED_STORES or is_endpoint(spec) or (spec.startswith("oxigraph:") and len(spec) > 9):
        return spec
    raise ValueError(f"unknown store {spec!r}; give {STORE_HELP}")


def store_argument(spec: str) -> str:
    """`type=` of a --store option: the message of a wrong value lists what is accepted."""
    try:
        return check_store_spec(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_graph_names(dist: Path) -> tuple[str, ...]:
    """The named graphs the build published (its manifest), or the three every build has."""
    try:
        graphs = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["graphs"]
        return tuple(sorted(graphs))
    except (OSError, ValueError, KeyError, TypeError):
        return tuple(sorted(asserted_graphs(True)))


def open_store(kind: str = "oxigraph", dist: Path | str = paths.DIST_DIR) -> LocalStore:
    """Open the built graph in the store `kind` names (see STORE_HELP); `xianan-kg build` must have run first."""
    check_store_spec(kind)
    dist = Path(dist)  # a notebook passes a string
    if is_endpoint(kind):
        return SparqlDatasetStore(kind, build_graph_names(dist))
    if kind.startswith("oxigraph:") and kind != "oxigraph:disk":
        return OxigraphStore.from_directory(Path(kind.removeprefix("oxigraph:")))
    if not (dist / f"{ARTIFACT_STEM}.nq").is_file():
        raise FileNotFoundError(f"{dist / (ARTIFACT_STEM + '.nq')}: not built yet; run `xianan-kg build`")
    if kind == "oxigraph:disk":
        return OxigraphStore.from_build(dist)
    return BACKENDS[kind].from_artifacts(dist)
