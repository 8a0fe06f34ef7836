"""The store directory the build writes into dist/: a pyoxigraph database that `serve --store oxigraph:disk`
opens read-only, never parsing. Filled beside its place and renamed into it; stamped with the .nq it holds."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from xianan_kg.rdf.release import MANIFEST, NQUADS, OXIGRAPH_DIRECTORY, STORE_STAMP


def nquads_sha256(dist: Path) -> str | None:
    """The .nq's digest as the manifest records it."""
    try:
        return json.loads((dist / MANIFEST).read_text(encoding="utf-8"))["files"][NQUADS]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_is_current(dist: Path) -> bool:
    """Whether dist/ has a store directory loaded from the .nq that its manifest lists (no file is hashed)."""
    stamp = dist / OXIGRAPH_DIRECTORY / STORE_STAMP
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8")).get("nq_sha256")
    except (OSError, ValueError, AttributeError):
        return False
    return recorded is not None and recorded == nquads_sha256(dist)


def write_oxigraph_store(dist: Path) -> Path:
    """Load the build's .nq into a fresh store directory in dist/ (replacing the old one) and stamp it.

    Written beside, then renamed into place; a server already running keeps the files it opened.
    """
    nq = dist / NQUADS
    return fill_store(dist, lambda store: store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))


def store_scratch(dist: Path) -> Path:
    """Where `fill_store` fills a store directory before moving it into place."""
    return dist / f"{OXIGRAPH_DIRECTORY}.tmp"


def fill_store(dist: Path, fill: Callable[[ox.Store], object], *, fresh: bool = True, seal: bool = True) -> Path:
    """Fill the store directory beside dist/'s (emptied first if `fresh`); if `seal`, stamp it with the
    manifest's .nq digest and move it into place. Unsealed, another step (another process) may add to it."""
    scratch, target = store_scratch(dist), dist / OXIGRAPH_DIRECTORY
    dist.mkdir(parents=True, exist_ok=True)
    if fresh:
        shutil.rmtree(scratch, ignore_errors=True)
    store = ox.Store(str(scratch))
    fill(store)
    if seal:
        store.optimize()
    store.flush()
    quads = len(store)
    del store  # closes the database before the directory moves or another process opens it
    if not seal:
        return scratch
    stamp = {"nq_sha256": nquads_sha256(dist), "quads": quads}
    (scratch / STORE_STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target
