"""Every shape has a valid example that conforms and broken ones that fail with the expected message.

Fixtures live in tests/shapes/, named after the shape (GeoSPARQL style):
`FigureShape-valid.ttl`, `FigureShape-invalid-01.ttl`. A broken fixture states
the message it must produce on a `# expect:` line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import RDF, SH

from xianan_kg.rdf import paths
from xianan_kg.source.load import load_sources
from xianan_kg.validate.validator import load_shapes, validate

SHAPES_DIR = Path(__file__).parent / "shapes"
CONTEXT = [paths.DATA_DIR / f for f in ("places.ttl", "organisations.ttl", "dataset.ttl")]
VALID = sorted(SHAPES_DIR.glob("*-valid.ttl"))
INVALID = sorted(SHAPES_DIR.glob("*-invalid-*.ttl"))


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def expected_message(fixture: Path) -> str:
    for line in fixture.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"{fixture.name} has no '# expect:' line")


def test_every_node_shape_has_fixtures(shapes):
    names = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    names -= {"TextQuoteSelectorShape", "TextPositionSelectorShape"}  # used through QuoteShape
    have_valid = {p.name.split("-")[0] for p in VALID}
    have_invalid = {p.name.split("-")[0] for p in INVALID}
    assert names - have_valid == set()
    assert names - have_invalid == set()


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(fixture, shapes):
    report = validate(load_sources(data_files=[*CONTEXT, fixture]), shapes)
    assert report.conforms, report.text()


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_with_expected_message(fixture, shapes):
    report = validate(load_sources(data_files=[*CONTEXT, fixture]), shapes)
    assert not report.conforms
    expected = expected_message(fixture)
    messages = [v.message for v in report.violations]
    assert any(expected in m for m in messages), messages
