"""The W3C SHACL Core test suite (tests/w3c-shacl/) run against the fast engine, compared as pySHACL compares.

Each test names a data graph, a shapes graph (often the test file itself) and the expected validation
report. The engine is xianan_kg.validate.shacl (SHACL core compiled to SPARQL on Oxigraph) plus the
shapes' sh:sparql constraints as validate.constraints runs them; its report is compared on sh:conforms and on the
set of (focus node, path, value, source shape, constraint component) of its results. Blank nodes are the
same nodes where the expected report shares a file with the data (or shapes) they name; across files any
blank node matches any other, the report having no way to name them. Paths are compared by structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from xianan_kg.rdf.terms import TYPED, Terms, from_ox_term, to_ox_term
from xianan_kg.validate.constraints import Unsupported, constraint_solutions, sparql_constraints
from xianan_kg.validate.shacl import shape_nodes, sparql_core_results

SUITE = Path(__file__).resolve().parent / "w3c-shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
_PATH_KINDS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_ANY_BLANK = ("blank node",)

Key = tuple[object, object, object, object, object]  # focus, path, value, source shape, component


@dataclass(frozen=True)
class SuiteTest:
    """One sht:Validate entry: where its graphs are and what report it expects."""

    name: str  # the test file's path in the suite without .ttl, e.g. "core/node/and-001"
    label: str
    file: Path
    data: Path
    shapes: Path


@dataclass(frozen=True)
class Outcome:
    status: str  # "passed", "failed" or "unsupported"
    detail: str = ""


def suite_tests(manifest: Path = SUITE / "manifest.ttl") -> list[SuiteTest]:
    """Every test the manifests reach, in manifest order; includes absent from the copy (the SHACL-SPARQL part
    of the suite, not copied) are skipped."""
    return list(_tests(manifest, set()))


def _tests(manifest: Path, seen: set[Path]) -> Iterator[SuiteTest]:
    if manifest in seen or not manifest.exists():
        return
    seen.add(manifest)
    graph = _parse(manifest)
    node = URIRef(manifest.as_uri())
    for included in graph.objects(node, MF.include):
        yield from _tests(_file(included), seen)
    for entries in graph.objects(node, MF.entries):
        for entry in graph.items(entries):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            yield SuiteTest(
                name=manifest.relative_to(SUITE).with_suffix("").as_posix(),
                label=str(graph.value(entry, RDFS.label)),
                file=manifest,
                data=_file(graph.value(action, SHT.dataGraph)),
                shapes=_file(graph.value(action, SHT.shapesGraph)),
            )


def _file(node: Node | None) -> Path:
    if not isinstance(node, URIRef) or not str(node).startswith("file://"):
        raise ValueError(f"a test names {node!r} where a file of the suite is expected")
    return Path(url2pathname(urlparse(str(node)).path))


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


@contextmanager
def literals_as_written() -> Iterator[None]:
    """rdflib rewrites a literal's lexical form from its value by default ("1"^^xsd:boolean becomes "true",
    ill-typed "none" becomes "false"), so a test of ill-typed values or of "1" against true would test
    nothing; the store keeps literals as written, and so must the graphs read here."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def run(test: SuiteTest, engine: Callable[[Graph, Graph], list[Result]] | None = None) -> Outcome:
    """The engine's report (the fast engine's unless another is given, e.g. `pyshacl_results`) against the
    expected one: passed, failed (with the difference) or unsupported."""
    with literals_as_written():
        graphs = {path: _parse(path) for path in {test.file, test.data, test.shapes}}
        expected_conforms, expected = expected_report(test, graphs[test.file])
        try:
            actual = (engine or engine_results)(graphs[test.data], graphs[test.shapes])
        except Unsupported as exc:
            return Outcome("unsupported", str(exc))
        return compare(expected_conforms, expected, not actual, result_keys(test, actual, graphs[test.shapes]))


def compare(expected_conforms: bool, expected: set[Key], conforms: bool, keys: set[Key]) -> Outcome:
    """Passed when sh:conforms and the result keys are the expected ones; else what differs."""
    if conforms == expected_conforms and keys == expected:
        return Outcome("passed")
    missing = sorted(map(repr, expected - keys))
    extra = sorted(map(repr, keys - expected))
    return Outcome(
        "failed", f"conforms {conforms} (expected {expected_conforms}); missing {missing}; unexpected {extra}"
    )


def result_keys(test: SuiteTest, results: list[Result], shapes: Graph) -> set[Key]:
    return {_key(r, shapes, same_data=test.data == test.file, same_shapes=test.shapes == test.file) for r in results}


@dataclass(frozen=True)
class Result:
    """A result of either part of the engine, in rdflib terms."""

    focus: Node
    path: object  # a shapes-graph node, the predicate of sh:closed, or a structure (_Path)
    value: Node | None
    shape: Node
    component: URIRef


def engine_results(data: Graph, shapes: Graph) -> list[Result]:
    """SHACL core compiled to SPARQL, then the sh:sparql constraints, on a store built as the large build does."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(*map(_ox, triple)) for triple in data)
    found = [Result(r.focus, r.path, r.value, r.shape, r.component) for r in sparql_core_results(store, shapes)]
    for constraint, focus, rows in constraint_solutions(store, sparql_constraints(shapes)):
        names = {v.value for v in rows.variables}
        for row in rows:
            bound = {name: _rdflib(row[name]) for name in names & {"this", "path", "value"} if row[name] is not None}
            this = bound.get("this", _rdflib(focus))
            found.append(
                Result(
                    this, bound.get("path"), bound.get("value", this), constraint.shape, SH.SPARQLConstraintComponent
                )
            )
    return found


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(TYPED):
        return Literal(term.value, datatype=URIRef(term.datatype.value[len(TYPED) :]))
    return from_ox_term(term)


def pyshacl_results(data: Graph, shapes: Graph) -> list[Result]:
    """The reference oracle's results, as pyshacl runs the suite (no inference, SHACL core)."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
    found = []
    (top,) = report.subjects(RDF.type, SH.ValidationReport)
    for result in report.objects(top, SH.result):  # not the nested results it gives as sh:detail
        path = report.value(result, SH.resultPath)
        if path is not None and (path, None, None) in report:
            path = _Path(_path(report, path))  # the report writes a path of its own
        found.append(
            Result(
                report.value(result, SH.focusNode),
                path,
                report.value(result, SH.value),
                report.value(result, SH.sourceShape),
                report.value(result, SH.sourceConstraintComponent),
            )
        )
    return found


@dataclass(frozen=True)
class _Path:
    """A path already reduced to its structure."""

    structure: object


def worded(shapes: Graph) -> Graph:
    """The shapes with an sh:message on each shape that has none (the build's report needs one)."""
    out = Graph()
    for triple in shapes:
        out.add(triple)
    for shape in shape_nodes(shapes):
        if (shape, SH.message, None) not in shapes:
            out.add((shape, SH.message, Literal("not satisfied")))
    return out


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    return Terms.literal(term) if isinstance(term, Literal) else to_ox_term(term)


def expected_report(test: SuiteTest, manifest: Graph) -> tuple[bool, set[Key]]:
    """sh:conforms and the result keys of the test's mf:result."""
    entries = [
        e
        for lst in manifest.objects(URIRef(test.file.as_uri()), MF.entries)
        for e in manifest.items(lst)
        if (e, RDF.type, SHT.Validate) in manifest
    ]
    if len(entries) != 1:
        raise ValueError(f"{test.name}: {len(entries)} tests in one file")
    report = manifest.value(entries[0], MF.result)
    conforms = manifest.value(report, SH.conforms)
    if not isinstance(conforms, Literal) or not isinstance(conforms.value, bool):
        raise ValueError(f"{test.name}: sh:conforms is {conforms!r}")
    same_data, same_shapes = test.data == test.file, test.shapes == test.file
    keys = set()
    for result in manifest.objects(report, SH.result):
        keys.add(
            (
                _term(manifest.value(result, SH.focusNode), same_data),
                _path(manifest, manifest.value(result, SH.resultPath)),
                _term(manifest.value(result, SH.value), same_data),
                _term(manifest.value(result, SH.sourceShape), same_shapes),
                manifest.value(result, SH.sourceConstraintComponent),
            )
        )
    return conforms.value, keys


def _key(result: Result, shapes: Graph, same_data: bool, same_shapes: bool) -> Key:
    path = result.path
    # sh:closed reports the predicate, any other result the shape's path (a shapes-graph node).
    if isinstance(path, _Path):
        path = path.structure
    elif path is not None and (path, None, None) in shapes:
        path = _path(shapes, path)
    return (
        _term(result.focus, same_data),
        path,
        _term(result.value, same_data),
        _term(result.shape, same_shapes),
        result.component,
    )


def _term(node: Node | None, same_file: bool) -> object:
    if isinstance(node, BNode) and not same_file:
        return _ANY_BLANK
    return node


def _path(graph: Graph, node: Node | None) -> object:
    """A SHACL path by structure, so that one written twice (shapes, expected report) compares equal."""
    if node is None or isinstance(node, URIRef):
        return node
    if graph.value(node, RDF.first) is not None:
        return ("sequence", *(_path(graph, item) for item in graph.items(node)))
    for kind in _PATH_KINDS:
        inner = graph.value(node, kind)
        if inner is not None:
            if kind == SH.alternativePath:
                return ("alternative", *(_path(graph, item) for item in graph.items(inner)))
            return (str(kind), _path(graph, inner))
    return _ANY_BLANK
