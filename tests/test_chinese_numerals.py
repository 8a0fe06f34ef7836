"""Counts written in Chinese numerals are accounted for like digits: each is a figure or listed with its reason."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from rdflib import Literal

from xianan_kg.source.numerals import chinese_counts_in, value_of
from xianan_kg.validate.coverage import figure_spans

from .conftest import DOCUMENTS, per_document


def listed(name: str = DOCUMENTS.main.name) -> list[dict]:
    with open(per_document("chinese-numerals-not-figures.tsv", name), encoding="utf-8") as f:
        rows = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(rows, fieldnames=["start", "words", "kind", "reason"], delimiter="\t"))


@pytest.mark.parametrize(
    ("numeral", "value"), [("六", 6), ("九", 9), ("十", 10), ("十二", 12), ("二十三", 23), ("两", 2)]
)
def test_numeral_values(numeral, value):
    assert value_of(numeral) == Decimal(value)


@pytest.mark.parametrize("bad", ["", "九九", "十十", "百", "二十三四"])
def test_a_numeral_it_cannot_read_is_an_error_not_a_guess(bad):
    with pytest.raises(ValueError, match="not a Chinese numeral below 100"):
        value_of(bad)


def test_a_batch_is_not_a_count():
    assert chinese_counts_in("等一批重点项目快速推进") == []
    assert chinese_counts_in("实施九大共建行动和十大提升工程") == [(2, 3, Decimal(9)), (9, 10, Decimal(10))]


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_chinese_count_is_a_figure_or_listed(name, asserted):
    document = DOCUMENTS[name]
    text = document.text.text
    skip = {int(r["start"]) for r in listed(name)}
    spans = figure_spans(asserted, document.iri)
    missing = [
        (start, text[start : end + 1])
        for start, end, value in chinese_counts_in(text)
        if start not in skip and not any(qs <= start and end <= qe and v == value for qs, qe, v in spans)
    ]
    assert missing == []


def test_the_counts_that_are_figures(sources, asserted):
    spans = figure_spans(asserted)
    figures = [
        sources.source.text[start : end + 1]
        for start, end, value in chinese_counts_in(sources.source.text)
        if any(qs <= start and end <= qe and v == value for qs, qe, v in spans)
    ]
    assert figures == ["九大", "十大", "六个"]


@pytest.mark.parametrize(
    ("name", "row"),
    [(name, row) for name in DOCUMENTS for row in listed(name)],
    ids=lambda v: v if isinstance(v, str) else f"{v['start']}:{v['words']}",
)
def test_each_listed_count_is_what_the_list_says(name, row, asserted):
    document = DOCUMENTS[name]
    start, words = int(row["start"]), row["words"]
    assert document.text.text[start : start + len(words)] == words
    counts = {s: v for s, _, v in chinese_counts_in(document.text.text)}
    assert start in counts, "not a count the pattern finds: drop it from the list"
    spans = figure_spans(asserted, document.iri)
    assert not any(qs <= start < qe and v == counts[start] for qs, qe, v in spans), "it is a figure: drop it"
    if row["kind"] == "value":
        assert Literal(int(counts[start])) in set(asserted.objects(None, None)), "the value is not in the graph"
