"""The published dataset: the release artifacts, checked against their manifest and opened in a store.

The version that ETags carry is the sha256 of `manifest.json`, which itself lists
the sha256 of every artifact, so any rebuild that changes a byte changes every ETag.
A missing or corrupt artifact stops the server at startup with the file's name, and so
does an external store (`--store URL`) whose graphs do not hold this build's triples.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from flask import current_app

from xianan_kg.rdf.errors import InputError, UserError
from xianan_kg.rdf.release import ARTIFACT_STEM, QUERIES_DIR
from xianan_kg.store.base import LocalStore
from xianan_kg.store.choice import is_endpoint, open_store
from xianan_kg.store.push import check_loaded

from .cache import AnswerCache
from .config import ServerConfig

MANIFEST = "manifest.json"
REQUIRED = (MANIFEST, f"{ARTIFACT_STEM}.nq")


class NotBuilt(UserError):
    """No release artifacts where the server looks for them."""


def read_manifest(dist: Path) -> dict:
    """The build's manifest after checking every file it lists against its sha256."""
    for name in REQUIRED:
        if not (dist / name).is_file():
            raise NotBuilt(f"{dist / name}: not found; run `xianan-kg build` first (or pass --dist)")
    path = dist / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: corrupt manifest ({exc}); run `xianan-kg build` again") from None
    for name, expected in sorted(files.items()):
        artifact = dist / name
        if not artifact.is_file():
            raise InputError(f"{artifact}: listed in {MANIFEST} but missing; run `xianan-kg build` again")
        if hashlib.sha256(artifact.read_bytes()).hexdigest() != expected:
            raise InputError(f"{artifact}: corrupt (sha256 differs from {MANIFEST}); run `xianan-kg build` again")
    return manifest


@dataclass
class PublishedDataset:
    config: ServerConfig
    store: LocalStore
    version: str  # sha256 of manifest.json
    last_modified: datetime
    triples_per_graph: dict[str, int] = field(default_factory=dict)
    cache: AnswerCache | None = None  # answers of repeated queries (cache.py); None with --no-cache
    files: frozenset[str] = frozenset()  # what manifest.json lists
    source_file: str | None = None  # the source text's file in the release
    source_files: tuple[str, ...] = ()  # every source text's file in the release, the review's first

    @property
    def graph_names(self) -> tuple[str, ...]:
        return self.store.graph_names

    @cached_property
    def triples_in_union(self) -> int:
        """Distinct triples of the default graph (the union of all graphs)."""
        row = self.store.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").to_result().rows[0]
        return int(row["n"])  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads

    def artifact(self, name: str) -> Path | None:
        """A file of the release, if its manifest lists it (nothing else in the directory is ever served)."""
        if name != MANIFEST and name not in self.files:
            return None
        path = self.config.dist / name
        return path if path.is_file() else None

    @property
    def queries_dir(self) -> Path:
        return self.config.dist / QUERIES_DIR


def open_dataset(config: ServerConfig) -> PublishedDataset:
    manifest = read_manifest(config.dist)
    path = config.dist / MANIFEST
    store = open_store(config.store, config.dist)
    counts = {name: int(n) for name, n in manifest.get("graphs", {}).items()}
    if is_endpoint(config.store):
        check_loaded(store, counts)  # the external store must hold this very build
    cache = AnswerCache(config.cache_max_bytes, config.cache_max_entry_bytes) if config.cache else None
    return PublishedDataset(
        config=config,
        store=store,
        version=hashlib.sha256(path.read_bytes()).hexdigest(),
        last_modified=datetime.fromtimestamp(int(path.stat().st_mtime), tz=UTC),
        triples_per_graph=counts,
        cache=cache,
        files=frozenset(manifest.get("files", {})),
        source_file=manifest.get("source", {}).get("file"),
        source_files=tuple(s["file"] for s in manifest.get("sources", []) if "file" in s),
    )


def current_dataset() -> PublishedDataset:
    """The dataset of the app handling the current request."""
    return current_app.extensions["xianan_kg"]
