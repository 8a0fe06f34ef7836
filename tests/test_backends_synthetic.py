"""bench/gen.py: the synthetic graph has the review's shape, conforms to the shapes, and its closure is the copies'."""

from __future__ import annotations

import sys

import pytest

from xianan_kg.rdf import paths
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_INFERRED
from xianan_kg.reason.rules import reason_with_rules
from xianan_kg.source.load import load_sources
from xianan_kg.validate.validator import validate

sys.path.insert(0, str(paths.ROOT / "bench"))

import gen  # noqa: E402 - bench/gen.py


@pytest.fixture(scope="module")
def review():
    return gen.synthetic_sources(1)


@pytest.fixture(scope="module")
def two_districts():
    return gen.synthetic_sources(2)


def test_one_district_is_the_review(review, built):
    assert set(review.data) == set(built.data)


def test_each_district_is_a_renamed_copy(review, two_districts):
    copy = {(s, p, o) for s, p, o in two_districts.data if "/id/d1/" in f"{s} {o}"}
    assert len(copy) > 0.95 * len(review.data)
    rename = gen.renamer(1, gen.defined_iris(review.data))
    assert {(rename(s), p, rename(o)) for s, p, o in review.data} <= set(two_districts.data)
    assert any(str(s).endswith("/id/d1/place/xianan") for s in two_districts.data.subjects())


def test_two_districts_conform_to_the_shapes(two_districts):
    report = validate(two_districts)
    assert report.conforms, report.text()


def test_the_closure_of_two_districts_is_the_closure_of_one_copied(review, two_districts):
    """Why the benchmark may replicate the review's entailments instead of reasoning over N copies.

    By the build's engine; that it keeps owlrl's entailments is tests/test_reasoning_rules.py's proof."""
    closure = reason_with_rules(two_districts.combined()).graph
    graphs = gen.synthetic_graphs(2, base=load_sources(), inferred=reason_with_rules(review.combined()).graph)
    assert set(closure) == set(graphs[GRAPH_INFERRED])
    assert set(graphs[GRAPH_DATA]) == set(two_districts.data)


def test_nquads_of_two_districts_are_the_synthetic_graphs(tmp_path, review):
    import pyoxigraph as ox

    inferred = reason_with_rules(review.combined()).graph
    graphs = gen.synthetic_graphs(2, base=load_sources(), inferred=inferred)
    path = tmp_path / "two.nq"
    written = gen.write_nquads(2, path, base=load_sources(), inferred=inferred)
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert written == {name: len(graph) for name, graph in graphs.items()}
    assert len(store) == sum(written.values())
    for name, graph in graphs.items():
        assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))) == len(graph)
