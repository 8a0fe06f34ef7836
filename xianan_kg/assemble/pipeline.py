"""The one build, for data of any size: parse → validate → reason → write the release that later layers only read.

Oxigraph end to end. The data files are parsed into it (literals canonical, quotes anchored: build.parse);
validation runs in a forked child on the store as parsed (SHACL core compiled to SPARQL, the shapes' SPARQL
constraints: xianan_kg.validate), while the main process closes the store under the OWL 2 RL rules in semi-naive
rounds (xianan_kg.reason) and writes the named graphs as N-Quads. rdflib comes in only for the files that need it
— Turtle, N-Triples, JSON-LD and TriG of the graphs, and pyLODE's documentation of the ontology — made in another
forked child; `lean` leaves them out for data far larger than the review. `reference` runs pyshacl and owlrl,
the engines the project card names, instead of ours: the same release, byte for byte (tests/test_build.py).

Every file is written into a fresh directory beside dist/, which then takes dist/'s place: a release never
mixes files of two builds, and a failed build leaves the last release as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from xianan_kg.assemble.completion import completion_files
from xianan_kg.assemble.docs import documentation_files
from xianan_kg.assemble.parallel import Background
from xianan_kg.assemble.parse import Literals, Parsed, merged, parse_documents
from xianan_kg.assemble.storedir import write_oxigraph_store
from xianan_kg.link.divisions import divisions_ntriples
from xianan_kg.link.linkset import linkset_graphs
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.literals import canonicalise_graph
from xianan_kg.rdf.namespaces import bind_prefixes
from xianan_kg.rdf.release import (
    ARTIFACT_STEM,
    GRAPH_DIVISIONS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    MANIFEST,
    NQUADS,
    QUERIES_DIR,
    SOURCE_DIR,
)
from xianan_kg.rdf.serialize import FORMATS, canonical, in_graph, serialize_dataset, union, write_canonical
from xianan_kg.rdf.terms import TYPED, to_ox_term
from xianan_kg.reason.keep import InconsistencyError, Inference, keeps, kind
from xianan_kg.reason.reference import reason
from xianan_kg.reason.rules import close
from xianan_kg.source.documents import Documents
from xianan_kg.source.load import load_ontology, load_sources
from xianan_kg.source.text import SourceText
from xianan_kg.validate.constraints import constraint_solutions, sparql_constraints
from xianan_kg.validate.figures import STATED_VALUES, unwritten_values
from xianan_kg.validate.report import ValidationReport
from xianan_kg.validate.shacl import sparql_core_violations
from xianan_kg.validate.validator import load_shapes, validate

FILE_FORMATS = ("turtle", "nt", "jsonld")  # each graph as a file of its own; the named graphs as TriG, N-Quads


class BuildError(Exception):
    """The data does not conform; nothing was written."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.text())
        self.report = report


@dataclass
class BuildResult:
    source: SourceText  # the review's text
    graphs: dict[str, int]  # triples per named graph
    inference: Inference  # the kept entailments (an rdflib graph unless the build was lean) and their kinds
    ontology: Graph
    data: Graph | None  # None when lean
    files: dict[str, Path]
    timings: dict[str, float]
    documents: Documents | None = field(default=None)  # every source text the build read, the review's first

    @cached_property
    def asserted(self) -> Graph:
        """Ontology + data as one rdflib graph (made once: tests look triples up in it many times)."""
        if self.data is None:
            raise ValueError("a lean build keeps no rdflib graph of the data")
        return bind_prefixes(union(self.ontology, self.data))


class Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._last
        self._last = now


def build(
    dist: Path = paths.DIST_DIR,
    data_files: list[Path] | None = None,
    *,
    links_dir: Path = paths.LINKS_DIR,
    source_file: Path = paths.SOURCE_FILE,
    reference: bool = False,
    lean: bool = False,
) -> BuildResult:
    """Validate, reason and write the release into `dist`; BuildError (nothing written) when the data does not
    conform, InconsistencyError when the ontology and data contradict each other."""
    clock = Clock()
    files = paths.data_files() if data_files is None else list(data_files)
    if not source_file.is_file():
        raise InputError(f"{source_file}: source text not found")
    documents = Documents.load(source_file)  # the review and every other text beside it (source.documents)
    source = documents.main.text

    # --- parse: the ontology through rdflib (small; pyLODE reads it), the data straight into Oxigraph ---
    ontology = load_ontology()
    canonicalise_graph(ontology)
    ontology = canonical(ontology)  # blank-node labels fixed once, for every file written from it
    literals = Literals()
    ontology_triples = [ox.Triple(*map(to_ox_term, t)) for t in ontology]  # type: ignore[arg-type]  # rdflib types each place of a triple as Node; a subject is never a literal
    for t in ontology_triples:
        if isinstance(t.object, ox.Literal):
            literals.canonical(t.object)
    per_document = parse_documents(files, documents, literals)  # each document's facts in a graph of its own
    parsed = merged(per_document.values())
    described = {
        t.subject.value
        for t in parsed.triples
        if t.predicate.value == str(RDF.type) and not isinstance(t.subject, ox.Triple)  # (no RDF-star subject)
    }
    links = linkset_graphs(links_dir, described=described)  # each linkset in a graph of its own
    text = {GRAPH_ONTOLOGY: _ntriples(ontology_triples), **{g: _ntriples(p.triples) for g, p in per_document.items()}}
    data = None if lean else _rdflib_graph(_ntriples(parsed.triples))
    clock.lap("parse")

    # --- files that need no reasoning, made beside everything else ---
    beside = None if data is None else Background(partial(reasoning_free_files, ontology, data))
    try:
        # --- validate and reason ---
        if reference:
            inferred = _reference_check_and_reason(files, source_file, ontology, clock)
        else:
            inferred = _check_and_reason(text, parsed, literals, files, source_file, clock)
        named = dict(text)
        named[GRAPH_INFERRED] = _ntriples(inferred)
        beside_ours = published_beside(links)  # in the release and the store, never in the rules
        named.update(beside_ours)
        lines, graphs = nquads_lines(named)
        clock.lap("N-Quads")

        # --- write ---
        names = bind_prefixes(Graph())
        by_predicate = Counter(t.predicate.value for t in inferred)  # named once per predicate, not per triple
        counts: Counter[str] = Counter()
        for predicate, n in by_predicate.items():
            counts[kind(URIRef(predicate), names)] += n
        out = {NQUADS: ("\n".join(lines) + "\n").encode("utf-8")}
        inferred_graph = bind_prefixes(Graph())
        if data is not None and beside is not None:
            inferred_graph = _rdflib_graph(named[GRAPH_INFERRED])
            one = len(per_document) == 1  # the review alone: its graph is the data, parsed once
            documents_data = {g: data if one else _rdflib_graph(text[g]) for g in per_document}
            out.update(_graph_files(ontology, documents_data, inferred_graph, links, beside_ours[GRAPH_DIVISIONS]))
            out.update(beside.result())
        clock.lap("rdflib files")
        out.update(release_texts(source, documents=documents))
        more = {"sources": documents_manifest(documents), **({"lean": True} if lean else {})}
        out[MANIFEST] = manifest_bytes(source, graphs, counts, out, **more)
        written = publish(dist, out)
        clock.lap("write")
    finally:
        if beside is not None:
            beside.cancel()
    inference = Inference(inferred_graph, counts)
    return BuildResult(source, graphs, inference, ontology, data, written, clock.timings, documents)


# --- validate and reason ---


def _check_and_reason(
    text: dict[str, bytes], parsed: Parsed, literals: Literals, files: list[Path], source_file: Path, clock: Clock
) -> list[ox.Triple]:
    """Validation in a forked child on the store as parsed; the rules in this process meanwhile. Reasoning
    data that does not conform is wasted but harmless: nothing is written before both are done."""
    store = ox.Store()  # what the rules and the compiled SHACL read: typed literals as written (`_typed_text`)
    store.bulk_load(_typed_text(b"".join(text.values())), format=ox.RdfFormat.N_TRIPLES)
    checked = Background(partial(_conforms, store, text, parsed))
    try:
        before = set(_lines(store))
        try:
            close(store)
        except InconsistencyError:
            if checked.result():  # a violation explains more than a contradiction does
                raise
            raise BuildError(_report(files, source_file)) from None
        inferred = list(_entailments(store, before, literals))
        clock.lap("reason")
        if not checked.result():  # the report, read by the validator from rdflib's graphs: only on failure
            raise BuildError(_report(files, source_file))
        clock.lap("validate (beyond reasoning)")
    finally:
        checked.cancel()
    return inferred


def _conforms(store: ox.Store, text: dict[str, bytes], parsed: Parsed) -> bool:
    """Whether the data conforms: quotes placed, no blank node, SHACL core, the shapes' SPARQL constraints."""
    if parsed.quote_problems or parsed.blank or parsed.ill_typed:
        return False
    stated = [
        (s["figure"].value, s["value"].value, s["exact"].value if s["exact"] else None)
        for s in cast(ox.QuerySolutions, store.query(STATED_VALUES))
    ]
    if unwritten_values(stated):
        return False
    shapes = load_shapes()
    if sparql_core_violations(store, shapes, bind_prefixes(Graph())):
        return False
    values = ox.Store()  # literals by value: the shapes' SPARQL constraints do arithmetic
    values.bulk_load(b"".join(text.values()), format=ox.RdfFormat.N_TRIPLES)
    return not any(any(True for _ in rows) for _, _, rows in constraint_solutions(values, sparql_constraints(shapes)))


def _report(files: list[Path], source_file: Path) -> ValidationReport:
    report = validate(load_sources(data_files=files, source_file=source_file))
    if report.conforms:  # the two readings of the data disagree: say so rather than pass or guess
        raise RuntimeError("the build found a violation that the validator does not report; please file it")
    return report


def _reference_check_and_reason(files: list[Path], source_file: Path, ontology: Graph, clock: Clock) -> list[ox.Triple]:
    """pyshacl and owlrl on rdflib's reading of the same files."""
    sources = load_sources(data_files=files, source_file=source_file)
    for graph in (sources.ontology, sources.data):
        canonicalise_graph(graph)
    report = validate(sources, reference=True)
    clock.lap("validate")
    if not report.conforms:
        raise BuildError(report)
    inference = reason(union(ontology, sources.data))
    clock.lap("reason")
    return [ox.Triple(*map(to_ox_term, t)) for t in inference.graph]  # type: ignore[arg-type]  # rdflib types each place of a triple as Node; a subject is never a literal


# The datatype of a typed literal ending an N-Triples line (its object): a literal's text holds no newline.
_DATATYPE = re.compile(rb'"\^\^<(?=[^>\n]*> \.$)', flags=re.M)


def _typed_text(ntriples: bytes) -> bytes:
    """The N-Triples with each typed literal as the rules' store holds it (`rdf.terms.typed_literal`)."""
    return _DATATYPE.sub(b'"^^<' + TYPED.encode(), ntriples)


def _lines(store: ox.Store) -> list[bytes]:
    """The default graph as N-Triples lines, as the store writes its terms (lower-case language tags…)."""
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines()  # type: ignore[union-attr]  # pyoxigraph's stubs: with no output given, it returns the bytes


def _entailments(store: ox.Store, before: set[bytes], literals: Literals) -> Iterator[ox.Triple]:
    """What the rules added (the lines of the default graph not there `before`) that the release keeps
    (xianan_kg.reason.keep.keeps decides), literals as written."""
    new = b"\n".join(line for line in _lines(store) if line not in before)
    for t in ox.parse(new, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject, t.predicate, t.object
        kind_of_object = "iri" if isinstance(o, ox.NamedNode) else "blank" if isinstance(o, ox.BlankNode) else "literal"
        if keeps(s.value, p.value, o.value, subject_is_iri=isinstance(s, ox.NamedNode), object_kind=kind_of_object):
            yield ox.Triple(s, p, literals.written.get(o, o) if kind_of_object == "literal" else o)


# --- write ---


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[return-value]  # pyoxigraph's stubs: with no output given, it returns the bytes


def _rdflib_graph(ntriples: bytes) -> Graph:
    graph = bind_prefixes(Graph())
    graph.parse(data=ntriples.decode("utf-8"), format="nt")
    return graph


def nquads_lines(graphs: dict[str, bytes]) -> tuple[list[str], dict[str, int]]:
    """The N-Quads lines of named graphs given as N-Triples, each line once, sorted; triples per graph."""
    lines: list[str] = []
    sizes = {}
    for name, ntriples in graphs.items():
        unique = set(in_graph(ntriples.decode("utf-8"), name))
        sizes[name] = len(unique)
        lines += unique
    lines.sort()
    return lines, sizes


def reasoning_free_files(ontology: Graph, data: Graph) -> dict[str, bytes]:
    """The asserted graph in each format and the ontology's documentation: they need no entailment."""
    asserted = union(ontology, canonical(data))
    out = {f"{ARTIFACT_STEM}{FORMATS[fmt][1]}": write_canonical(asserted, fmt) for fmt in FILE_FORMATS}
    out.update(documentation_files(ontology))  # ontology.html, ontology.zh.html, ontology.css
    out.update(completion_files(ontology, data))  # completion.json: the query editor's completions
    return out


def published_beside(links: Mapping[str, Graph]) -> dict[str, bytes]:
    """The graphs published beside the review's, as N-Triples: each linkset, and the NBS code list."""
    out = {
        name: _ntriples([ox.Triple(*map(to_ox_term, t)) for t in canonical(graph)])  # type: ignore[arg-type]  # rdflib types each place of a triple as Node; a subject is never a literal
        for name, graph in links.items()
    }
    out[GRAPH_DIVISIONS] = divisions_ntriples().encode("utf-8")
    return out


def _graph_files(
    ontology: Graph, data: Mapping[str, Graph], inferred: Graph, links: Mapping[str, Graph], divisions: bytes
) -> dict[str, bytes]:
    """The entailments in each format and the named graphs as TriG (the ontology is canonical already: labelling
    it again would give its blank nodes other labels than the N-Quads'; the code list goes in as N-Triples text,
    too large for rdflib's writer)."""
    named = {GRAPH_ONTOLOGY: ontology, **data, GRAPH_INFERRED: inferred, **links}  # data: each document's graph
    canon = {name: graph if name == GRAPH_ONTOLOGY else canonical(graph) for name, graph in named.items()}
    out = {
        f"{ARTIFACT_STEM}-inferred{FORMATS[fmt][1]}": write_canonical(canon[GRAPH_INFERRED], fmt)
        for fmt in FILE_FORMATS
    }
    trig = serialize_dataset(canon, "trig", already_canonical=True)
    out[f"{ARTIFACT_STEM}{FORMATS['trig'][1]}"] = (
        trig + b"\n<" + GRAPH_DIVISIONS.encode() + b"> {\n" + divisions + b"}\n"
    )
    return out


def release_texts(
    source: SourceText, queries: Path = paths.QUERIES_DIR, documents: Documents | None = None
) -> dict[str, bytes]:
    """The source texts and the question library, so that the release is all `serve` needs."""
    texts = [source] if documents is None else [d.text for d in documents.values()]
    out = {f"{SOURCE_DIR}/{text.path.name}": text.path.read_bytes() for text in texts}
    for path in sorted(queries.rglob("*")):
        if path.is_file():
            out[f"{QUERIES_DIR}/{path.relative_to(queries).as_posix()}"] = path.read_bytes()
    return out


def documents_manifest(documents: Documents) -> list[dict[str, str]]:
    """Each source text of the release: its file, sha256, IRI and the named graph of its facts, the review's first."""
    return [
        {"file": f"{SOURCE_DIR}/{d.text.path.name}", "sha256": d.text.sha256, "iri": str(d.iri), "graph": d.graph}
        for d in documents.values()
    ]


def manifest_bytes(
    source: SourceText,
    graphs: dict[str, int],
    inferred_by_kind: Mapping[str, int],
    files: dict[str, bytes],
    **more: object,
) -> bytes:
    """manifest.json: the source's digest, triples per graph, entailments by kind, every file's sha256 (a server
    serves no file of the release that is not listed here)."""
    manifest = {
        "source": {"file": f"{SOURCE_DIR}/{source.path.name}", "sha256": source.sha256},
        "graphs": graphs,
        "inferred_by_kind": dict(sorted(inferred_by_kind.items())),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        **more,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def publish(dist: Path, files: dict[str, bytes]) -> dict[str, Path]:
    """Write the release into a fresh directory beside `dist`, with its store directory, and put it in dist's
    place; the old release goes only once the new one is whole."""
    dist = dist.absolute()
    dist.parent.mkdir(parents=True, exist_ok=True)
    fresh = dist.with_name(f".{dist.name}.new-{os.getpid()}")
    old = dist.with_name(f".{dist.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir()
    try:
        for name, content in files.items():
            (fresh / name).parent.mkdir(parents=True, exist_ok=True)
            (fresh / name).write_bytes(content)
        store_dir = write_oxigraph_store(fresh)  # ready for `serve --store oxigraph:disk`: opened, never parsed
        if dist.exists():
            dist.rename(old)
        fresh.rename(dist)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    written = {name: dist / name for name in files}
    written[store_dir.name] = dist / store_dir.name
    return written
