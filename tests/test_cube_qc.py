"""The figures are a well-formed RDF Data Cube: the W3C integrity constraints IC-1 … IC-21 hold on the
release after the Recommendation's normalisation, and each is shown able to fail on a broken fixture."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from xianan_kg.rdf.namespaces import BASE
from xianan_kg.validate import cube as cube_qc

CUBE = Path(__file__).parent / "cube"
CONSTRAINTS = cube_qc.load_constraints()
QB = "http://purl.org/linked-data/cube#"
EX = "http://example.org/cube#"


@pytest.fixture(scope="module")
def release(built) -> ox.Store:
    return cube_qc.release_store(built.files["xianan-kg.nq"].parent)


def count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def test_there_are_the_twenty_one_constraints():
    assert [c.name[:5] for c in CONSTRAINTS] == [f"ic-{n:02d}" for n in range(1, 22)]
    assert [c.name for c in CONSTRAINTS if c.template] == [
        "ic-20-codes-from-hierarchy",
        "ic-21-codes-from-hierarchy-inverse",
    ]


def test_the_release_is_a_well_formed_cube(release):
    assert cube_qc.violated(release) == []


def test_the_release_gives_the_constraints_something_to_check(release):
    """The review's 103 observations and the bulletin's 38, four dimensions with ranges, two of them coded."""
    prologue = f"PREFIX qb: <{QB}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    observations = "SELECT (COUNT(*) AS ?n) WHERE {{ ?o a qb:Observation ; qb:dataSet <{}> }}"
    review, bulletin = (f"{BASE}id/dataset/{name}" for name in ("figures-2023", "jianshi-figures-2023"))
    assert count(release, prologue + observations.format(review)) == 103  # 100 in digits, 3 in Chinese numerals
    assert count(release, prologue + observations.format(bulletin)) == 38
    dims = "?dsd qb:component/qb:componentProperty ?d . ?d a qb:DimensionProperty ; rdfs:range []"
    assert count(release, prologue + f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {dims} }}") == 4
    coded = dims + " ; qb:codeList []"
    assert count(release, prologue + f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {coded} }}") == 2


def test_the_release_holds_the_definition_of_ref_area(release):
    """sdmx-dimension:refArea's range comes from the release itself: without it IC-4 fails."""
    ref_area = ox.NamedNode("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
    rng = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range")
    triples = list(release.quads_for_pattern(ref_area, rng, None, ox.DefaultGraph()))
    assert [q.object.value for q in triples] == ["http://www.w3.org/2000/01/rdf-schema#Resource"]
    for quad in triples:
        release.remove(quad)
    try:
        assert cube_qc.violated(release) == ["ic-04-dimensions-have-range"]
    finally:
        release.extend(triples)


def test_the_valid_fixture_passes_every_constraint():
    assert cube_qc.violated(cube_qc.turtle_store(CUBE / "valid.ttl")) == []


def test_normalisation_pushes_a_slice_dimension_down_to_its_observations():
    store = cube_qc.turtle_store(CUBE / "valid.ttl")
    area = list(store.quads_for_pattern(ox.NamedNode(EX + "o1"), ox.NamedNode(EX + "area"), None))
    assert [q.object.value for q in area] == [EX + "north"]
    raw = cube_qc.merged_store(ox.parse(path=str(CUBE / "valid.ttl"), format=ox.RdfFormat.TURTLE))
    for update in cube_qc.NORMALISATION[:6]:  # phase 1 only: components declared, nothing pushed down
        raw.update(cube_qc.PREFIXES + update)
    # o1 and o2 have their area on the slice: missing, and o2 looks like o3 (both 2023) on what is left
    assert cube_qc.violated(raw) == ["ic-11-all-dimensions-required", "ic-12-no-duplicate-observations"]


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=lambda c: c.name)
def test_each_constraint_fails_on_its_broken_fixture(constraint):
    fixture = CUBE / f"{constraint.name[:5]}-broken.ttl"
    assert cube_qc.violated(cube_qc.turtle_store(fixture)) == [constraint.name]
