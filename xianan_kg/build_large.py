"""The build for graphs far larger than the review: Oxigraph end to end, rdflib only for the ontology.

`xianan-kg build` holds every graph in rdflib, which suits the review (its reference engines, pretty
Turtle, JSON-LD, pyLODE) and takes minutes at a hundred districts' data. `build --large` parses the
data straight into Oxigraph, validates it there (SHACL core compiled to SPARQL by
xianan_kg.shacl_sparql; the shapes' own SPARQL constraints in a forked child, on the other core),
reasons with the same OWL 2 RL rules, and writes what `serve` needs: the N-Quads of the named graphs,
the manifest and the store directory. On the review it writes the very N-Quads `build` writes, byte for
byte (tests/test_build_large.py). Data that does not conform is reported by the ordinary validator,
so the report is the one `xianan-kg validate` prints.

The data may not contain blank nodes (a violation in any build); literals are rewritten in canonical
form as `build` does (xianan_kg.literals), and `xk:quote` shorthands are anchored to the source text.
Language tags come out in lower case, as Oxigraph reads them and RDF 1.1 allows; `build` keeps them as
written (the review's are all lower case, hence the equal bytes).
"""

from __future__ import annotations

import re
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from . import paths
from .anchor import QuoteProblem, anchor_quotes
from .build import ARTIFACT_STEM, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, BuildError, manifest_bytes, write_files
from .errors import InputError
from .literals import canonical_literal, canonicalise_graph
from .load import load_ontology, load_sources
from .namespaces import XK, bind_prefixes
from .parallel import Background
from .reason import InconsistencyError, keeps, kind
from .rules import TYPED, close, typed_literal
from .serialize import canonical, in_graph, write_canonical
from .source import SourceText
from .store import OXIGRAPH_DIRECTORY, fill_store, from_ox_term, store_scratch, to_ox_term
from .validate import ValidationReport, load_shapes, validate
from .validate_fast import constraint_solutions, sparql_constraints

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_QUOTE = str(XK.quote)
_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}


@dataclass
class LargeBuildResult:
    graphs: dict[str, int]  # triples per named graph
    inferred_by_kind: dict[str, int]
    files: dict[str, Path]
    timings: dict[str, float]


class Literals:
    """Each distinct literal made canonical once (a hundred districts repeat the same few thousand), and
    the form the rules' store gives back for each, to map an entailment's literal to what was written."""

    def __init__(self) -> None:
        self._canonical: dict[ox.Literal, ox.Literal] = {}
        self.written: dict[ox.Literal, ox.Literal] = {}  # as the rules' store holds it -> as written

    def canonical(self, literal: ox.Literal) -> ox.Literal:
        out = self._canonical.get(literal)
        if out is None:
            out = self._canonical[literal] = _canonical(literal)
            self.written[typed_literal(out)] = out
        return out


def _canonical(literal: ox.Literal) -> ox.Literal:
    if literal.language or literal.datatype.value == str(XSD.string):
        return literal
    text = str(canonical_literal(Literal(literal.value, datatype=URIRef(literal.datatype.value))))
    return literal if text == literal.value else ox.Literal(text, datatype=literal.datatype)


@dataclass
class Parsed:
    triples: list[ox.Triple]  # the data graph, literals canonical, quotes anchored
    quote_problems: list[QuoteProblem]
    blank: bool  # a blank node in the data


def parse_data(files: Iterable[Path], source: SourceText, literals: Literals) -> Parsed:
    """The data files as Oxigraph triples, with what `load_sources` does on the way (literals, quotes)."""
    triples: list[ox.Triple] = []
    quotes = bind_prefixes(Graph())  # the xk:quote shorthands, few: anchored by the one anchoring code
    blank = False
    for path in files:
        for t in _parse(path):
            s, p, o = t.subject, t.predicate, t.object
            blank = blank or isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode)
            if isinstance(o, ox.Literal):
                o = literals.canonical(o)
                if p.value == _QUOTE:
                    quotes.add((from_ox_term(s), URIRef(p.value), Literal(o.value, lang=o.language)))
                    continue
            triples.append(ox.Triple(s, p, o))
    problems = anchor_quotes(quotes, source)
    for s, p, o in quotes:  # the quotes' descriptions; a shorthand that could not be anchored stays
        obj = literals.canonical(to_ox_term(o)) if isinstance(o, Literal) else to_ox_term(o)
        triples.append(ox.Triple(to_ox_term(s), to_ox_term(p), obj))
    return Parsed(triples, problems, blank)


def _parse(path: Path) -> Iterator[ox.Quad]:
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"{path}: give the data as Turtle (.ttl) or N-Triples (.nt)")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        yield from ox.parse(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise InputError(f"{path}: {exc}") from None


def build_large(
    dist: Path,
    data_files: list[Path] | None = None,
    source_file: Path = paths.SOURCE_FILE,
) -> LargeBuildResult:
    """Validate, reason, write N-Quads, manifest and store directory for data of any size."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    files = paths.data_files() if data_files is None else data_files
    if not source_file.is_file():
        raise InputError(f"{source_file}: source text not found")
    source = SourceText.load(source_file)
    ontology_graph = load_ontology()
    canonicalise_graph(ontology_graph)
    literals = Literals()
    ontology = [ox.Triple(*map(to_ox_term, t)) for t in canonical(ontology_graph)]
    for t in ontology:
        if isinstance(t.object, ox.Literal):
            literals.canonical(t.object)
    parsed = parse_data(files, source, literals)
    lap("parse")

    text = {GRAPH_ONTOLOGY: _ntriples(ontology), GRAPH_DATA: _ntriples(parsed.triples)}
    store = ox.Store()  # what the rules read: the asserted triples, typed literals as written (_typed_text)
    store.bulk_load(_typed_text(b"".join(text.values())), format=ox.RdfFormat.N_TRIPLES)
    lap("load")
    # Validation on the other core: a forked child, reading the store as it is now. The store directory's
    # asserted quads are loaded by a thread (Oxigraph's bulk load lets go of the GIL; RocksDB would not survive
    # a fork). Reasoning non-conforming data is wasted but harmless: nothing is in place before both are done.
    beside = Background(partial(_conforms, store, text, parsed))
    threads = ThreadPoolExecutor(max_workers=1)
    scratch = dist / f"{ARTIFACT_STEM}.asserted.nq.tmp"
    try:
        try:
            lines, sizes = nquads_lines({**text, **published_beside()})  # beside: in the store, not in the rules
            dist.mkdir(parents=True, exist_ok=True)
            scratch.write_text("\n".join(lines) + "\n", encoding="utf-8")
            loaded = threads.submit(
                fill_store, dist, lambda s: s.bulk_load(path=str(scratch), format=ox.RdfFormat.N_QUADS), seal=False
            )
            lap("asserted lines")
            before = set(_lines(store))
            close(store)
            lap("rules")
            inferred = list(_entailments(store, before, literals))
            lap("reason")
        except InconsistencyError:
            if beside.result():  # a violation explains more than a contradiction does
                raise
            raise BuildError(_report(files, source_file)) from None
        more, inferred_size = nquads_lines({GRAPH_INFERRED: _ntriples(inferred)})
        lines += more
        lines.sort()  # two sorted runs: a merge
        sizes.update(inferred_size)
        lap("sort")
        if not beside.result():  # the reference-equal report, at rdflib's pace: only when the build fails
            raise BuildError(_report(files, source_file))
        lap("validate (beyond the above)")
        loaded.result()
        lap("store (beyond the above)")
    except BaseException:
        threads.shutdown(wait=True)  # a thread cannot be stopped: the scratch store goes once it is done
        shutil.rmtree(store_scratch(dist), ignore_errors=True)
        raise
    finally:
        threads.shutdown(wait=True)
        beside.cancel()
        scratch.unlink(missing_ok=True)
    del store
    names = bind_prefixes(Graph())
    predicates = Counter(t.predicate.value for t in inferred)
    counts = Counter({kind(URIRef(p), names): n for p, n in predicates.items()})
    written = _write(dist, lines, sizes, source, counts)
    lap("write")
    graph = ox.NamedNode(GRAPH_INFERRED)
    written[OXIGRAPH_DIRECTORY] = fill_store(
        dist, lambda s: s.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in inferred), fresh=False
    )
    lap("store")
    return LargeBuildResult(sizes, dict(sorted(counts.items())), written, timings)


# The datatype of a typed literal ending an N-Triples line (its object): a literal's text holds no newline.
_DATATYPE = re.compile(rb'"\^\^<(?=[^>\n]*> \.$)', flags=re.M)


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _typed_text(ntriples: bytes) -> bytes:
    """The N-Triples with each typed literal as the rules' store holds it (`rules.typed_literal`)."""
    return _DATATYPE.sub(b'"^^<' + TYPED.encode(), ntriples)


def _typed(term: OxTerm) -> OxTerm:
    return typed_literal(term) if isinstance(term, ox.Literal) else term


def _conforms(store: ox.Store, text: dict[str, bytes], parsed: Parsed) -> bool:
    """Whether the data conforms: quotes placed, no blank node, SHACL core, the shapes' SPARQL constraints."""
    if parsed.quote_problems or parsed.blank:
        return False
    shapes = load_shapes()
    from .shacl_sparql import sparql_core_violations  # noqa: PLC0415 - only this path needs it

    if sparql_core_violations(store, shapes, bind_prefixes(Graph())):
        return False
    values = ox.Store()  # literals by value: the shapes' SPARQL constraints do arithmetic
    values.bulk_load(b"".join(text.values()), format=ox.RdfFormat.N_TRIPLES)
    return not any(any(True for _ in rows) for _, _, rows in constraint_solutions(values, sparql_constraints(shapes)))


def _lines(store: ox.Store) -> list[bytes]:
    """The default graph as N-Triples lines, as the store writes its terms (lower-case language tags…)."""
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines()


def _entailments(store: ox.Store, before: set[bytes], literals: Literals) -> Iterator[ox.Triple]:
    """What the rules added (the lines of the default graph not there `before`) that the build keeps
    (xianan_kg.reason.keeps decides), literals as written."""
    new = b"\n".join(line for line in _lines(store) if line not in before)
    for t in ox.parse(new, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject, t.predicate, t.object
        kind_of_object = "iri" if isinstance(o, ox.NamedNode) else "blank" if isinstance(o, ox.BlankNode) else "literal"
        if keeps(s.value, p.value, o.value, subject_is_iri=isinstance(s, ox.NamedNode), object_kind=kind_of_object):
            yield ox.Triple(s, p, literals.written.get(o, o) if kind_of_object == "literal" else o)


def published_beside() -> dict[str, bytes]:
    """The graphs `build` publishes beside the review, as the N-Triples it writes: linksets and division codes."""
    from .divisions import GRAPH_DIVISIONS, divisions_ntriples
    from .linkset import linkset_graphs

    out = {name: write_canonical(canonical(graph), "nt") for name, graph in linkset_graphs().items()}
    out[GRAPH_DIVISIONS] = divisions_ntriples().encode("utf-8")
    return out


def nquads_lines(graphs: dict[str, bytes]) -> tuple[list[str], dict[str, int]]:
    """The N-Quads lines of named graphs given as N-Triples, each line once, sorted as `build` writes them;
    triples per graph."""
    lines: list[str] = []
    sizes = {}
    for name, ntriples in graphs.items():
        unique = set(in_graph(ntriples.decode("utf-8"), name))
        sizes[name] = len(unique)
        lines += unique
    lines.sort()
    return lines, sizes


def _write(dist: Path, lines: list[str], sizes: dict[str, int], source: SourceText, counts: Counter) -> dict[str, Path]:
    """The N-Quads file and the manifest."""
    nquads = {f"{ARTIFACT_STEM}.nq": ("\n".join(lines) + "\n").encode("utf-8")}
    manifest = manifest_bytes(source, sizes, counts, nquads, built_by="xianan-kg build --large")
    return write_files(dist, {**nquads, "manifest.json": manifest})


def _report(files: list[Path], source_file: Path) -> ValidationReport:
    report = validate(load_sources(data_files=files, source_file=source_file))
    if report.conforms:  # the fast checks and the reference disagree: say so rather than pass or guess
        raise RuntimeError("the large build found a violation that the validator does not report; please file it")
    return report
