"""Numbers as the review writes them, and the checks that tie a figure to its words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from .namespaces import OA, XK
from .numerals import chinese_counts_in

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[tuple[int, int, Decimal]]:
    """Every Arabic-digit number in the text with its span."""
    return [(m.start(), m.end(), Decimal(m.group())) for m in NUMBER.finditer(text)]


@dataclass(frozen=True)
class FigureProblem:
    figure: URIRef
    message: str

    def __str__(self) -> str:
        return f"{self.figure}: {self.message}"


def exact_quotes(graph: Graph, subject: URIRef) -> list[str]:
    texts = []
    for quote in graph.objects(subject, PROV.wasDerivedFrom):
        for selector in graph.objects(quote, OA.hasSelector):
            texts.extend(str(e) for e in graph.objects(selector, OA.exact))
    return texts


def check_figures(graph: Graph) -> list[FigureProblem]:
    """Each figure's stated number is written in its quote, and value = stated × factor of its unit."""
    problems = []
    for fig in sorted(graph.subjects(RDF.type, XK.Figure)):
        stated = graph.value(fig, XK.statedValue)
        value = graph.value(fig, XK.value)
        unit = graph.value(fig, XK.statedUnit)
        if stated is None or value is None or unit is None:
            problems.append(FigureProblem(fig, "needs xk:statedValue, xk:value and xk:statedUnit"))
            continue
        factor = graph.value(unit, XK.conversionFactor)
        if factor is None:
            problems.append(FigureProblem(fig, f"unit {unit} has no xk:conversionFactor"))
        elif Decimal(str(stated)) * Decimal(str(factor)) != Decimal(str(value)):
            problems.append(FigureProblem(fig, f"value {value} is not stated {stated} × factor {factor} of {unit}"))
        base = graph.value(unit, XK.unitBase)
        if base is not None and graph.value(fig, XK.baseUnit) not in (None, base):
            problems.append(FigureProblem(fig, f"xk:baseUnit should be {base}"))
        quotes = exact_quotes(graph, fig)
        if not any(n == Decimal(str(stated)) for q in quotes for _, _, n in numbers_in(q) + chinese_counts_in(q)):
            problems.append(FigureProblem(fig, f"stated value {stated} is not written in its quote {quotes}"))
    return problems
