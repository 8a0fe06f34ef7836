"""Turn the authoring shorthand `xk:quote "…"` into standard provenance.

Data files state only the words a fact came from; positions are computed here,
so they can never drift from the file. Each distinct passage becomes one
xk:Quote (an oa:SpecificResource) with a TextQuoteSelector and a
TextPositionSelector, and the fact points to it with prov:wasDerivedFrom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from xianan_kg.rdf.namespaces import OA, SOURCE_IRI, XK, XKQ
from xianan_kg.source.text import SourceText

if TYPE_CHECKING:
    from xianan_kg.source.documents import Document


@dataclass(frozen=True)
class QuoteProblem:
    subject: URIRef
    quote: str
    found: int
    source: str = ""  # the file name of the source text it was looked for in (the review's when empty)

    def __str__(self) -> str:
        where = "not found in the source" if self.found == 0 else f"found {self.found} times (make it longer)"
        return f"{self.subject}: quote {self.quote!r} {where}"


def quote_iri(start: int, end: int) -> URIRef:
    return XKQ[f"{start}-{end}"]


def add_quote(graph: Graph, source: SourceText, start: int, end: int, document: Document | None = None) -> URIRef:
    """Describe the passage [start, end) of the review, or of another document, once; return its IRI."""
    iri = quote_iri(start, end) if document is None else document.quote_iri(start, end)
    if (iri, RDF.type, XK.Quote) in graph:
        return iri
    exact = source.text[start:end]
    prefix, suffix = source.context(start, end)
    text_sel = URIRef(f"{iri}#text")
    pos_sel = URIRef(f"{iri}#position")
    graph.add((iri, RDF.type, XK.Quote))
    named = "" if document is None or document.main else f" {document.name}"
    graph.add((iri, RDFS.label, Literal(f"原文{named}第{start}–{end}字", lang="zh")))
    graph.add((iri, RDFS.label, Literal(f"Source text{named}, characters {start}–{end}", lang="en")))
    graph.add((iri, OA.hasSource, SOURCE_IRI if document is None else document.iri))
    graph.add((iri, OA.hasSelector, text_sel))
    graph.add((iri, OA.hasSelector, pos_sel))
    graph.add((text_sel, RDF.type, OA.TextQuoteSelector))
    graph.add((text_sel, OA.exact, Literal(exact, lang="zh")))
    graph.add((text_sel, OA.prefix, Literal(prefix, lang="zh")))
    graph.add((text_sel, OA.suffix, Literal(suffix, lang="zh")))
    graph.add((pos_sel, RDF.type, OA.TextPositionSelector))
    graph.add((pos_sel, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    graph.add((pos_sel, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    return iri


def anchor_quotes(graph: Graph, source: SourceText | Document) -> list[QuoteProblem]:
    """Replace every xk:quote in place by a quote of the review's text or of a document's; report quotes that are
    missing or ambiguous and leave those untouched."""
    document = None if isinstance(source, SourceText) else source
    text = source if isinstance(source, SourceText) else source.text
    named = "" if document is None or document.main else text.path.name
    problems = []
    for subject, quote in sorted(graph.subject_objects(XK.quote)):
        spans = text.locate(str(quote))
        if len(spans) != 1:
            problems.append(
                QuoteProblem(cast(URIRef, subject), str(quote), len(spans), named)
            )  # xk:quote's subjects are IRIs
            continue
        graph.add((subject, PROV.wasDerivedFrom, add_quote(graph, text, *spans[0], document)))
        graph.remove((subject, XK.quote, quote))
    return problems
