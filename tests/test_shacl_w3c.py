"""The fast SHACL engine passes the W3C SHACL Core test suite, and our shapes are valid SHACL.

One case per suite test (tests/w3c_shacl.py compares sh:conforms and the (focus node, path, value, source
shape, constraint component) set of the results). Tests the engine cannot pass yet are listed below with the
reason, as strict xfails: a test that starts passing fails here until it is taken off the list.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from tests.test_shacl_sparql import build_store
from tests.w3c_shacl import (
    SUITE,
    SuiteTest,
    compare,
    engine_results,
    expected_report,
    literals_as_written,
    pyshacl_results,
    result_keys,
    run,
    suite_tests,
    worded,
)
from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import XKSH
from xianan_kg.validate.constraints import Unsupported, core_shapes
from xianan_kg.validate.reference import shacl_violations
from xianan_kg.validate.shacl import sparql_core_violations
from xianan_kg.validate.validator import load_shapes

# Suite tests the engine raises Unsupported on, and ones it answers wrongly: none at present.
UNSUPPORTED: dict[str, str] = {}
FAILING: dict[str, str] = {}

TESTS = suite_tests()
SHACL_SHACL = SUITE / "core/complex/shacl-shacl-data-shapes.ttl"


def _case(test):
    reason = UNSUPPORTED.get(test.name) or FAILING.get(test.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(test, id=test.name, marks=marks)


@pytest.mark.parametrize("test", [_case(t) for t in TESTS])
def test_w3c_core(test):
    outcome = run(test)
    assert outcome.status == "passed", outcome.detail


# What `sparql_core_violations` (the build's report, pyshacl's as validate.shacl_violations reads it) refuses.
NODE = r"has sh:node \(pyshacl's sh:detail results\)"
AS_BUILT_UNSUPPORTED = {
    "core/complex/shacl-shacl": NODE,
    "core/node/node-001": NODE,
    "core/property/node-001": NODE,
    "core/property/node-002": NODE,
    "core/property/property-001": "property shape .* has sh:property",
    "core/property/uniqueLang-002": "sh:uniqueLang other than true",
    "core/validation-reports/shared": "property shape .* has sh:property",
}


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_core_as_the_build_reports(test):
    """The build's report (`sparql_core_violations`, each shape given a message) is pyshacl's, as the build's
    reference reads it, on every suite test, or the shape is refused as Unsupported."""
    with literals_as_written():
        graphs = {
            path: Graph().parse(path, format="turtle", publicID=path.as_uri())
            for path in {test.file, test.data, test.shapes}
        }
        data, shapes = graphs[test.data], worded(graphs[test.shapes])
        store = build_store(data)
        if test.name in AS_BUILT_UNSUPPORTED:
            with pytest.raises(Unsupported, match=AS_BUILT_UNSUPPORTED[test.name]):
                sparql_core_violations(store, shapes, data)
            return
        ours = sparql_core_violations(store, shapes, data)
        assert ours == shacl_violations(data, Graph(), core_shapes(shapes))


def test_suite_is_the_core_suite_whole():
    """98 tests in 7 folders: the copy reached through its manifests, none lost to a parse or an include."""
    assert len(TESTS) == 98
    assert len({t.name for t in TESTS}) == 98
    assert {t.name.split("/")[1] for t in TESTS} == {
        "complex",
        "misc",
        "node",
        "path",
        "property",
        "targets",
        "validation-reports",
    }
    assert set(UNSUPPORTED) | set(FAILING) <= {t.name for t in TESTS}


def _by_name(name):
    (test,) = [t for t in TESTS if t.name == name]
    return test


def test_comparer_sees_a_wrong_report():
    """The comparison fails on a missing, an extra or a differently sourced result and on sh:conforms."""
    test = _by_name("core/node/node-001")
    with literals_as_written():
        graph = Graph().parse(test.file, format="turtle", publicID=test.file.as_uri())
        conforms, expected = expected_report(test, graph)
        keys = result_keys(test, engine_results(graph, graph), graph)
    invalid = URIRef("http://datashapes.org/sh/tests/core/node/node-001.test#InvalidInstance")
    shape = URIRef("http://datashapes.org/sh/tests/core/node/node-001.test#TestClass")
    assert keys == expected == {(invalid, None, invalid, shape, SH.NodeConstraintComponent)}
    assert compare(conforms, expected, False, keys).status == "passed"
    assert compare(conforms, expected, False, set()).status == "failed"
    assert (
        compare(conforms, expected, False, keys | {(shape, None, shape, shape, SH.NodeConstraintComponent)}).status
        == "failed"
    )
    assert (
        compare(conforms, expected, False, {(invalid, None, invalid, shape, SH.NotConstraintComponent)}).status
        == "failed"
    )
    assert compare(conforms, expected, True, keys).status == "failed"


def test_unsupported_is_reported_not_passed():
    """A shape the compiler does not read makes the outcome "unsupported", never a silent pass."""
    test = _by_name("core/path/path-inverse-001")
    with literals_as_written():
        graph = Graph().parse(test.file, format="turtle", publicID=test.file.as_uri())
    shape = next(iter(graph.subjects(SH.path, None)))
    graph.add((shape, SH.target, Literal("not core")))
    with pytest.raises(Unsupported, match="advanced"):
        engine_results(graph, graph)


# --- SHACL-for-SHACL ---


def test_shapes_conform_to_shacl_for_shacl():
    """pyshacl's meta_shacl: ontology/shapes.ttl is a valid shapes graph (pyshacl's bundled copy, offline)."""
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=load_shapes(), meta_shacl=True, advanced=True)
    assert conforms, text


def test_meta_shacl_rejects_an_invalid_shapes_graph():
    shapes = load_shapes()
    shapes.add((XKSH.labels, SH.maxLength, Literal("one")))
    with pytest.raises(ReportableRuntimeError, match="does not validate against the SHACL Shapes SHACL"):
        pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True)


def test_fast_engine_finds_our_shapes_valid_under_shacl_shacl():
    """The suite's SHACL-for-SHACL shapes run by the fast engine on ontology/shapes.ttl: no result, as
    pyshacl finds; and a broken shapes graph gives the result SHACL-for-SHACL defines for it."""
    with literals_as_written():
        shacl_shacl = Graph().parse(SHACL_SHACL, format="turtle")
        shapes = Graph().parse(paths.SHAPES_FILE, format="turtle")
        assert engine_results(shapes, shacl_shacl) == []
        shapes.add((XKSH.labels, SH.maxLength, Literal("one")))
        found = engine_results(shapes, shacl_shacl)
    assert {(r.focus, r.path, r.value, r.component) for r in found} == {
        (XKSH.labels, SH.maxLength, Literal("one"), SH.DatatypeConstraintComponent)
    }


# --- beyond the suite: edge cases the fast engine must answer as pyshacl does, or refuse ---

_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
EDGE_CASES = {
    # a zero-length path reaches a focus node the data does not mention: one value, itself
    "zero-length path, absent focus": """
        ex:S sh:targetNode ex:absent ; sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ; sh:maxCount 0 ;
            sh:hasValue ex:absent .""",
    "inverse of an alternative": """
        ex:a ex:p ex:c . ex:d ex:q ex:c .
        ex:S sh:targetNode ex:c ; sh:path [ sh:inversePath [ sh:alternativePath ( ex:p ex:q ) ] ] ; sh:maxCount 1 ;
            sh:in ( ex:a ) .""",
    "sh:in is term equality": """
        ex:a ex:p 1, "01"^^xsd:integer, "1", "1"@en, 1.0 .
        ex:S sh:targetNode ex:a ; sh:path ex:p ; sh:in ( 1 "1" ) .""",
    "sh:equals and sh:disjoint on a node shape": """
        ex:a ex:p ex:a, ex:b . ex:b ex:q ex:b . ex:c ex:q ex:d .
        ex:S sh:targetNode ex:a, ex:b, ex:c ; sh:equals ex:p ; sh:disjoint ex:q .""",
    "sh:closed on blank focus nodes": """
        [ ex:p 1 ; ex:q 2 ; rdf:type ex:T ] . [ ex:p 3 ] .
        ex:S sh:targetSubjectsOf ex:p ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
            sh:property [ sh:path ex:p ] .""",
    "sh:or of a property shape and a datatype, sh:not of sh:and": """
        ex:a ex:v "x", 2, ex:b . ex:b ex:w 1 .
        ex:S sh:targetNode ex:a ; sh:path ex:v ;
            sh:or ( [ sh:datatype xsd:integer ] [ sh:path ex:w ; sh:minCount 1 ] ) ;
            sh:not [ sh:and ( [ sh:nodeKind sh:IRI ] [ sh:path ex:w ; sh:hasValue 1 ] ) ] .""",
    "qualified value shapes, disjoint siblings": """
        ex:a ex:p ex:x, ex:y, ex:z . ex:x a ex:A . ex:y a ex:A, ex:B . ex:z a ex:B .
        ex:S sh:targetNode ex:a ;
            sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMinCount 2 ;
                          sh:qualifiedValueShapesDisjoint true ] ;
            sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:B ] ; sh:qualifiedMaxCount 1 ;
                          sh:qualifiedValueShapesDisjoint true ] .""",
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_case_as_pyshacl(name):
    with literals_as_written():
        graph = Graph().parse(data=_PREFIXES + EDGE_CASES[name], format="turtle")
        here = SuiteTest(name, name, Path("case.ttl"), Path("case.ttl"), Path("case.ttl"))
        ours = result_keys(here, engine_results(graph, graph), graph)
        expected = result_keys(here, pyshacl_results(graph, graph), graph)
    assert expected  # each case has results to agree on
    assert ours == expected


def test_inverse_of_a_sequence_follows_the_standard():
    """The values of ^(ex:p/ex:q) from ex:c are ex:a and ex:d: too many, and ex:d not in the list. pyshacl
    0.40.1 finds no value on that path (its report conforms)."""
    ex = Namespace("http://example.org/")
    graph = Graph().parse(
        data=_PREFIXES
        + """ex:a ex:p ex:b . ex:b ex:q ex:c . ex:d ex:p ex:b .
        ex:S sh:targetNode ex:c ; sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:maxCount 1 ; sh:in ( ex:a ) .""",
        format="turtle",
    )
    found = {(r.focus, r.value, r.component) for r in engine_results(graph, graph)}
    assert found == {(ex.c, None, SH.MaxCountConstraintComponent), (ex.c, ex.d, SH.InConstraintComponent)}
    assert pyshacl_results(graph, graph) == []


@pytest.mark.parametrize(
    "shapes",
    [
        "ex:S sh:targetNode ex:a ; sh:node ex:S .",
        "ex:P sh:targetNode ex:a ; sh:path ex:p ; sh:property ex:P .",
    ],
    ids=["sh:node", "sh:property"],
)
def test_recursive_shapes_are_refused(shapes):
    """SHACL leaves recursion undefined: a clear Unsupported, not a RecursionError or a guess."""
    graph = Graph().parse(data=_PREFIXES + "ex:a ex:p ex:a .\n" + shapes, format="turtle")
    with pytest.raises(Unsupported, match="recursive shapes"):
        engine_results(graph, graph)
