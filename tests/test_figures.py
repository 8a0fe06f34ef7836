"""Every number of the review is a figure whose value is the one written, or is listed as not a figure."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import PROV, RDF, RDFS, XSD

from xianan_kg.rdf.namespaces import OA, XK, XKC, XKFIG
from xianan_kg.validate.coverage import figure_spans, unaccounted_numbers
from xianan_kg.validate.figures import numbers_in

from .conftest import FIXTURES


def not_figures() -> list[dict]:
    with open(FIXTURES / "numbers-not-figures.tsv", encoding="utf-8") as f:
        rows = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(rows, fieldnames=["start", "number", "kind", "reason"], delimiter="\t"))


def test_about_a_hundred_figures(asserted):
    figures = set(asserted.subjects(RDF.type, XK.Figure))
    assert 95 <= len(figures) <= 130


def test_every_number_of_the_source_is_accounted_for(sources, asserted):
    listed = {int(r["start"]) for r in not_figures()}
    missing = [o for o in unaccounted_numbers(asserted, sources.source) if o.start not in listed]
    assert [(o.start, o.text, sources.source.text[max(0, o.start - 10) : o.end + 5]) for o in missing] == []


def _nodes_spanning(graph, start: int, end: int):
    for sel in graph.subjects(RDF.type, OA.TextPositionSelector):
        if int(graph.value(sel, OA.start)) <= start and end <= int(graph.value(sel, OA.end)):
            quote = graph.value(predicate=OA.hasSelector, object=sel)
            yield from graph.subjects(PROV.wasDerivedFrom, quote)


@pytest.mark.parametrize("row", not_figures(), ids=lambda r: f"{r['start']}:{r['number']}")
def test_each_number_that_is_not_a_figure_is_what_the_list_says(row, sources, asserted):
    start, number = int(row["start"]), row["number"]
    assert sources.source.text[start : start + len(number)] == number
    assert (start, start + len(number), Decimal(number)) in numbers_in(sources.source.text)
    spans = figure_spans(asserted)
    assert not any(qs <= start < qe and v == Decimal(number) for qs, qe, v in spans), (
        "it is a figure: drop it from the list"
    )
    nodes = set(_nodes_spanning(asserted, start, start + len(number)))
    if row["kind"] == "year":
        year = Literal(number, datatype=XSD.gYear)
        assert any(year in set(asserted.objects(n, None)) for n in nodes), (
            f"no node quoting it carries the year {number}"
        )
    elif row["kind"] == "part":
        assert any(asserted.value(n, XK.partNumber) == Literal(int(number)) for n in nodes)
    elif row["kind"] == "name":
        labels = [str(lab) for n in nodes for lab in asserted.objects(n, RDFS.label) if lab.language == "zh"]
        assert any(number in lab for lab in labels), f"{number} is in no Chinese label of {nodes}"
    else:
        pytest.fail(f"unknown kind {row['kind']}")


def test_growth_rates_are_year_on_year_against_2022(asserted):
    growth = set(asserted.subjects(XK.measureType, XKC["measure-growth"]))
    assert len(growth) == 7  # 12.3%, 6.5%, 8.3%, 25%, 6%, 8% and the estimated 80%
    for fig in growth:
        assert asserted.value(fig, XK.comparisonYear) == Literal("2022", datatype=XSD.gYear)


@pytest.mark.parametrize(
    ("slug", "stated", "unit", "value"),
    [
        ("general-public-budget-revenue-2023", "15.48", "unit-yi-yuan", "1548000000"),
        ("general-public-budget-revenue-growth-2023", "12.3", "unit-percent", "0.123"),
    ],
)
def test_a_headline_figure_is_encoded_as_written_and_normalised(asserted, slug, stated, unit, value):
    fig = XKFIG[slug]
    assert Decimal(str(asserted.value(fig, XK.statedValue))) == Decimal(stated)
    assert asserted.value(fig, XK.statedUnit) == XKC[unit]
    assert Decimal(str(asserted.value(fig, XK.value))) == Decimal(value)


def test_qualifiers_are_data(asserted):
    for qualifier, minimum in (
        ("qualifier-nearly", 2),
        ("qualifier-more-than", 3),
        ("qualifier-at-least", 3),
        ("qualifier-estimated", 1),
    ):
        assert len(set(asserted.subjects(XK.qualifier, XKC[qualifier]))) >= minimum, qualifier
