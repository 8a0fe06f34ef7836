"""Which numbers of a source text the graph accounts for (the review's, or another document's).

A number is accounted for when a figure's quote spans it and the figure's
stated value equals it, with as many figures per (quote, value) as the value
occurs in that quote; otherwise it must be listed, with a reason, as not a
figure (a year in a name, a part number, a hotline number).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from xianan_kg.rdf.namespaces import OA, SOURCE_IRI, XK
from xianan_kg.source.documents import Document
from xianan_kg.source.text import SourceText
from xianan_kg.validate.figures import numbers_in


@dataclass(frozen=True)
class NumberOccurrence:
    start: int
    end: int
    value: Decimal
    text: str


def figure_spans(graph: Graph, source: URIRef = SOURCE_IRI) -> Counter:
    """(quote start, quote end, stated value) -> how many figures state that value from that quote of the source
    text `source` (the review's unless another is named: positions are the text's own)."""
    spans: Counter = Counter()
    for fig in graph.subjects(RDF.type, XK.Figure):
        stated = graph.value(fig, XK.statedValue)
        if stated is None:
            continue
        for quote in graph.objects(fig, PROV.wasDerivedFrom):
            if graph.value(quote, OA.hasSource) != source:
                continue
            for sel in graph.objects(quote, OA.hasSelector):
                start, end = graph.value(sel, OA.start), graph.value(sel, OA.end)
                if start is not None and end is not None:
                    spans[(int(start), int(end), Decimal(str(stated)))] += 1  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
    return spans


def unaccounted_numbers(graph: Graph, source: SourceText | Document) -> list[NumberOccurrence]:
    """The numbers of the review's text, or of a document's, that no figure quoting that text states."""
    spans = figure_spans(graph) if isinstance(source, SourceText) else figure_spans(graph, source.iri)
    source = source if isinstance(source, SourceText) else source.text
    missing = []
    for start, end, value in numbers_in(source.text):
        ok = False
        for (qs, qe, v), n in spans.items():
            if v == value and qs <= start and end <= qe:
                in_quote = sum(1 for _, _, x in numbers_in(source.text[qs:qe]) if x == value)
                ok = ok or n >= in_quote
        if not ok:
            missing.append(NumberOccurrence(start, end, value, source.text[start:end]))
    return missing
