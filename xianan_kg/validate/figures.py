"""Numbers as the review writes them, and the check that a figure's stated value is written in its quote.

The check cannot be a SHACL shape: the value may be written in Chinese numerals (九大 is 9), which SPARQL
cannot read. It runs on rdflib's graph (the validator) and on the build's store, through one function."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from rdflib import Graph, URIRef
from rdflib.query import ResultRow

from xianan_kg.source.numerals import chinese_counts_in
from xianan_kg.validate.report import Violation, short_name

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[tuple[int, int, Decimal]]:
    """Every Arabic-digit number in the text with its span."""
    return [(m.start(), m.end(), Decimal(m.group())) for m in NUMBER.finditer(text)]


def stated_value_written(value: str, quotes: Iterable[str]) -> bool:
    """Whether a figure's stated value (its lexical form) is written, in digits or Chinese numerals, in a quote."""
    try:
        stated = Decimal(value)
    except ArithmeticError:
        return True  # an ill-typed value: reported as such
    return any(n == stated for q in quotes for _, _, n in [*numbers_in(q), *chinese_counts_in(q)])


def unwritten_values(figures: Iterable[tuple[str, str, str | None]]) -> list[tuple[str, str]]:
    """(figure, stated value) of each figure whose stated value none of its quotes writes, from
    (figure, stated value, quote or None) rows."""
    quotes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for figure, value, exact in figures:
        quotes[(figure, value)].extend([] if exact is None else [exact])
    # a figure with no quote at all is the quote checks' to report (its quote was not found, or is missing)
    return sorted(key for key, texts in quotes.items() if texts and not stated_value_written(key[1], texts))


STATED_VALUES = """
SELECT ?figure ?value ?exact WHERE {
  ?figure <https://xianan-kg.example.org/ontology#statedValue> ?value .
  OPTIONAL { ?figure <http://www.w3.org/ns/prov#wasDerivedFrom>/<http://www.w3.org/ns/oa#hasSelector>/<http://www.w3.org/ns/oa#exact> ?exact }
}"""


def unwritten_value_violations(data: Graph) -> list[Violation]:
    rows = [
        (str(r.figure), str(r.value), None if r.exact is None else str(r.exact))
        for r in cast(Iterable[ResultRow], data.query(STATED_VALUES))
    ]
    return [
        Violation(
            focus=short_name(URIRef(figure), data),
            path="xk:statedValue",
            message=f"xk:statedValue {value} is not written in the figure's quote: quote the words that state it",
            shape="figure",
        )
        for figure, value in unwritten_values(rows)
    ]
