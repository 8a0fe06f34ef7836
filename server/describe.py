"""What the server says about one IRI: its description as RDF, and the same facts arranged for a page.

The RDF description is the entity's Concise Bounded Description (its own triples,
following blank nodes and its `#fragment` resources such as a quote's selectors),
its incoming links, the labels of everything it touches (so a client can show
names without a second request), and the selectors of the quotes it was derived
from. The page shows the same graph for a reader: names in both languages, types,
every property with the names of what it links to, amounts with their units, the
figures about the entity, each quote highlighted inside its sentence with a link to
its place in the source text, incoming links and a picture of the neighbourhood;
statements that only the OWL 2 RL reasoner produced are marked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from xianan_kg.rdf.namespaces import OA, XK, bind_prefixes, sparql_prologue
from xianan_kg.rdf.release import GRAPH_INFERRED
from xianan_kg.source.documents import quote_document
from xianan_kg.source.text import SourceText
from xianan_kg.store.base import LocalStore

from .config import ServerConfig
from .formatting import as_decimal, english_scaled, format_literal, format_number, with_unit
from .labels import NameIndex
from .source_text import InContext, in_sentence, source_href
from .svg import Neighbour, Neighbourhood, neighbourhood

DESCRIPTION_QUERY = (
    sparql_prologue()
    + """
CONSTRUCT {
  ?this ?p ?o . ?part ?pp ?po . ?in ?ip ?this . ?n rdfs:label ?label ; skos:prefLabel ?pref .
  ?quote oa:hasSelector ?sel . ?sel ?sp ?so . ?unit xk:conversionFactor ?factor ; xk:unitBase ?base
} WHERE {
  { ?this ?p ?o }
  UNION { ?this xk:statedUnit ?unit . ?unit xk:conversionFactor ?factor ; xk:unitBase ?base }
  UNION { ?this ?link ?part . ?part ?pp ?po
          FILTER(isBlank(?part) || STRSTARTS(STR(?part), CONCAT(STR(?this), "#"))) }
  UNION { ?in ?ip ?this }
  UNION { { SELECT DISTINCT ?this ?n WHERE { { ?this ?x ?n } UNION { ?n ?x ?this } UNION { ?this ?n ?x } UNION { ?x ?n ?this } } }
          { ?n rdfs:label ?label } UNION { ?n skos:prefLabel ?pref } }
  UNION { ?this prov:wasDerivedFrom ?quote . ?quote oa:hasSelector ?sel . ?sel ?sp ?so }
}"""
)
# (The neighbours are collected in a subquery first: joined directly with every label, pyoxigraph takes ~100 ms.)
# The figures about an entity (or the entity itself, when it is a figure), with their quotes' selectors.
FIGURES_QUERY = (
    sparql_prologue()
    + """
CONSTRUCT {
  ?fig ?p ?o . ?quote oa:hasSelector ?sel . ?sel ?sp ?so . ?unit xk:conversionFactor ?factor ; xk:unitBase ?base
} WHERE {
  { ?fig xk:about ?this } UNION { ?fig a xk:Figure FILTER(?fig = ?this) }
  { ?fig ?p ?o } UNION { ?fig prov:wasDerivedFrom ?quote . ?quote oa:hasSelector ?sel . ?sel ?sp ?so }
  UNION { ?fig xk:statedUnit ?unit . ?unit xk:conversionFactor ?factor ; xk:unitBase ?base }
}"""
)
# The links of an entity to other datasets with the evidence their linkset records (data/links/README.md).
LINKS_QUERY = (
    sparql_prologue()
    + """
SELECT ?this ?lang ?link ?item ?method ?code ?name ?ours ?score WHERE {
  ?record rdf:subject ?this ; rdf:predicate ?link ; rdf:object ?item ; xk:matchMethod ?m .
  ?this ?link ?item .
  OPTIONAL { ?m skos:prefLabel ?method FILTER(LANG(?method) = ?lang) }
  OPTIONAL { ?record xk:theirCode ?code } OPTIONAL { ?record xk:theirName ?name }
  OPTIONAL { ?record xk:matchedOn ?ours } OPTIONAL { ?record xk:matchScore ?score }
} ORDER BY ?link ?item"""
)
LINK_COLUMNS = ("method", "code", "name", "ours", "score")


SUB_PROPERTIES_QUERY = (
    "SELECT DISTINCT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>+ ?super "
    "FILTER(?sub != ?super) }"
)
EXISTS_QUERY = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }"
STATEMENT_GRAPHS_QUERY = "SELECT ?this ?p ?o ?g WHERE { GRAPH ?g { ?this ?p ?o } }"
LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
DESCRIPTIONS = (RDFS.comment, SKOS.definition)
NOT_IN_TABLE = (*LABELS, *DESCRIPTIONS, RDF.type, PROV.wasDerivedFrom)
NOT_IN_PICTURE = (RDF.type, PROV.wasDerivedFrom, OA.hasSource)
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class TermView:
    """A term as a page shows it: readable text, and a link for IRIs (ours to this server, others outward)."""

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class ValueView:
    term: TermView
    inferred: bool


@dataclass
class PropertyView:
    predicate: TermView
    values: list[ValueView] = field(default_factory=list)


@dataclass(frozen=True)
class QuoteView:
    quote: TermView
    exact: str
    start: int | None
    end: int | None
    context: InContext  # the sentence around the quote, the quote itself in `exact`
    source_href: str | None  # the passage marked in /source


@dataclass(frozen=True)
class FigureView:
    figure: TermView
    indicator: TermView | None
    measure: TermView | None
    stated: str  # "15.48 亿元"
    normalised: str  # "1,548,000,000 元"
    qualifiers: list[TermView]
    year: str
    quotes: list[QuoteView]


@dataclass(frozen=True)
class LinkView:
    """A link to another dataset and the evidence its record gives."""

    predicate: TermView
    item: TermView
    method: str
    their_code: str
    their_name: str
    ours: str
    score: str


@dataclass
class EntityPage:
    iri: str
    title: str
    lang: str
    labels: list[tuple[str, str]]  # (language, name), preferred names
    alt_labels: list[tuple[str, str]]
    descriptions: list[tuple[str, str]]
    types: list[ValueView]
    figure: FigureView | None  # when the entity is a figure
    figures: list[FigureView]  # figures about the entity
    properties: list[PropertyView]
    quotes: list[QuoteView]
    incoming: list[tuple[TermView, TermView]]
    incoming_total: int
    picture: Neighbourhood | None
    links: list[LinkView] = field(default_factory=list)  # to other datasets, with their evidence


class Describer:
    """Descriptions of our IRIs from one store, named with one name index, rendered with one configuration."""

    def __init__(
        self,
        store: LocalStore,
        config: ServerConfig,
        names: NameIndex | None = None,
        source: SourceText | None = None,
        documents: Mapping[str, SourceText] | None = None,
    ) -> None:
        self.store, self.config, self.source = store, config, source
        self.documents = dict(documents or {})  # the other source texts by name (their quotes: xkq:NAME-start-end)
        self.names = names if names is not None else NameIndex.load(store)
        self._below: dict[Node, set[Node]] | None = None

    def exists(self, iri: str) -> bool:
        """Whether the IRI occurs in the dataset (as subject or object): cheaper than describing it."""
        return bool(self.store.execute(EXISTS_QUERY, bindings={"this": URIRef(iri)}).to_result().boolean)

    def graph(self, iri: str) -> Graph:
        """The RDF description; empty when the IRI occurs nowhere in the dataset."""
        result = self.store.execute(DESCRIPTION_QUERY, bindings={"this": URIRef(iri)}).to_result()
        return bind_prefixes(result.graph) if result.graph is not None else bind_prefixes(Graph())

    def page(self, iri: str, graph: Graph, lang: str = "en") -> EntityPage:
        subject = URIRef(iri)
        view = TermViews(graph, self.config, self.names, lang)
        inferred_only = self._inferred_only(subject)
        properties: dict[Node, PropertyView] = {}
        types = []
        statements = set(graph.predicate_objects(subject))
        below = self._sub_properties()
        for p, o in sorted(statements):
            if (p, o) in inferred_only and any((q, o) in statements for q in below.get(p, ())):
                continue  # the same link through an inferred super-property (dcterms:hasPart of xk:hasPart): once
            value = ValueView(view.value(subject, p, o), (p, o) in inferred_only)
            if p == RDF.type:
                types.append(value)
            elif p not in NOT_IN_TABLE:
                properties.setdefault(p, PropertyView(view(p))).values.append(value)
        incoming = sorted(((view(s), view(p)) for s, p in graph.subject_predicates(subject)), key=_sort_key)
        figures = self._figures(subject, view)
        own_figure = next((f for f in figures if f.figure.iri == iri), None)
        title = self.names.label(iri, lang) or view(subject).text
        return EntityPage(
            iri=iri,
            title=title,
            lang=lang,
            labels=_literals(graph, subject, (RDFS.label, SKOS.prefLabel)),
            alt_labels=_literals(graph, subject, (SKOS.altLabel,)),
            descriptions=_in_language(_literals(graph, subject, DESCRIPTIONS), lang),
            types=sorted(types, key=lambda v: (v.inferred, v.term.text)),
            figure=own_figure,
            figures=[f for f in figures if f is not own_figure],
            properties=sorted(properties.values(), key=_property_key),
            quotes=self._quotes(subject, graph, view),
            incoming=incoming[: self.config.max_incoming_links],
            incoming_total=len(incoming),
            picture=self._picture(subject, graph, view, title),
            links=self._links(subject, view, lang),
        )

    def _links(self, subject: URIRef, view: TermViews, lang: str) -> list[LinkView]:
        rows = self.store.execute(LINKS_QUERY, bindings={"this": subject, "lang": Literal(lang)}).to_result().rows
        return [
            LinkView(view(r["link"]), view(r["item"]), *(str(r[k]) if k in r else "" for k in LINK_COLUMNS))
            for r in rows
        ]

    def _sub_properties(self) -> dict[Node, set[Node]]:
        """Each property's sub-properties (rdfs:subPropertyOf+), read once from the dataset."""
        if self._below is None:
            below: dict[Node, set[Node]] = defaultdict(set)
            for row in self.store.execute(SUB_PROPERTIES_QUERY).to_result().rows:
                below[row["super"]].add(row["sub"])
            self._below = dict(below)
        return self._below

    def _inferred_only(self, subject: URIRef) -> set[tuple[Node, Node]]:
        graphs: dict[tuple[Node, Node], set[str]] = defaultdict(set)
        for row in self.store.execute(STATEMENT_GRAPHS_QUERY, bindings={"this": subject}).to_result().rows:
            graphs[(row["p"], row["o"])].add(str(row["g"]))
        return {statement for statement, names in graphs.items() if names == {GRAPH_INFERRED}}

    def _quotes(self, subject: URIRef, graph: Graph, view: TermViews) -> list[QuoteView]:
        """The passages the entity came from; a quote's page shows its own passage."""
        quotes = sorted(set(graph.objects(subject, PROV.wasDerivedFrom)))  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        if (subject, OA.hasSelector, None) in graph:
            quotes.append(subject)
        out = [q for q in (self._quote(quote, graph, view) for quote in quotes) if q is not None]
        return sorted(out, key=lambda q: (q.start is None, q.start or 0))

    def _quote(self, quote: Node, graph: Graph, view: TermViews) -> QuoteView | None:
        text = {p: o for sel in graph.objects(quote, OA.hasSelector) for p, o in graph.predicate_objects(sel)}
        if OA.exact not in text and OA.start not in text:
            return None
        exact = str(text.get(OA.exact, ""))
        start, end = _int(text.get(OA.start)), _int(text.get(OA.end))
        name = quote_document(str(quote))
        source = self.source if name is None else self.documents.get(name)
        if source is not None and start is not None and end is not None and end <= len(source.text):
            context = in_sentence(source.text, start, end)
            href = f"{source_href(name)}?start={start}&end={end}#c{start}"
        else:
            prefix, suffix = str(text.get(OA.prefix, "")), str(text.get(OA.suffix, ""))
            context = InContext(prefix, exact, suffix, True, True)
            href = None
        return QuoteView(view(quote), exact, start, end, context, href)

    def _figures(self, subject: URIRef, view: TermViews) -> list[FigureView]:
        found = self.store.execute(FIGURES_QUERY, bindings={"this": subject}).to_result().graph or Graph()
        figures = []
        for fig in sorted(set(found.subjects(XK.statedValue, None))):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            unit, base = found.value(fig, XK.statedUnit), found.value(fig, XK.baseUnit)
            indicator, measure = found.value(fig, XK.indicator), found.value(fig, XK.measureType)
            quotes = [self._quote(q, found, view) for q in sorted(set(found.objects(fig, PROV.wasDerivedFrom)))]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            figures.append(
                FigureView(
                    figure=view(fig),
                    indicator=view(indicator) if indicator is not None else None,
                    measure=view(measure) if measure is not None else None,
                    stated=view.amount(found.value(fig, XK.statedValue), unit, found),
                    normalised=view.amount(found.value(fig, XK.value), base),
                    qualifiers=[view(q) for q in sorted(found.objects(fig, XK.qualifier))],  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
                    year=str(found.value(fig, XK.refYear) or ""),
                    quotes=[q for q in quotes if q is not None],
                )
            )
        return sorted(figures, key=lambda f: (min((q.start or 0 for q in f.quotes), default=0), f.figure.text))

    def _picture(self, subject: URIRef, graph: Graph, view: TermViews, title: str) -> Neighbourhood | None:
        neighbours: list[Neighbour] = []
        seen: set[Node] = {subject}
        links = [(p, o, True) for p, o in sorted(graph.predicate_objects(subject))]
        links += [(p, s, False) for s, p in sorted(graph.subject_predicates(subject))]
        for p, node, outgoing in links:
            if p in NOT_IN_PICTURE or not isinstance(node, URIRef) or node in seen:
                continue
            if str(node).startswith(str(subject) + "#"):
                continue
            seen.add(node)
            term = view(node)
            neighbours.append(Neighbour(term.text, term.href, view(p).text, outgoing))
        return neighbourhood(title, neighbours) if neighbours else None


class TermViews:
    """Turns terms into TermViews for one reader's language, naming IRIs by the name index."""

    def __init__(self, graph: Graph, config: ServerConfig, names: NameIndex, lang: str) -> None:
        self.graph, self.config, self.names, self.lang = graph, config, names, lang

    def __call__(self, term: Node) -> TermView:
        if isinstance(term, Literal):
            datatype = self._short(term.datatype) if term.datatype else None
            return TermView(format_literal(term), lang=term.language, datatype=datatype)
        if isinstance(term, BNode):
            return TermView(f"_:{term}")
        iri = str(term)
        text = self.names.label(iri, self.lang) or self._short(term)
        return TermView(text, href=self.config.local_path(iri) or iri, iri=iri)

    def value(self, subject: Node, predicate: Node, term: Node) -> TermView:
        """An object of the subject; a figure's two numbers are shown with their units."""
        units: dict[Node, URIRef] = {XK.statedValue: XK.statedUnit, XK.value: XK.baseUnit}
        unit_of = units.get(predicate)
        if unit_of is not None and isinstance(term, Literal):
            return TermView(self.amount(term, self.graph.value(subject, unit_of)), datatype=None)
        return self(term)

    def amount(self, number: Node | None, unit: Node | None, units: Graph | None = None) -> str:
        """'15.48 亿元' / '1.548 billion yuan (CNY)': the number with its unit's name in the reader's language."""
        if number is None:
            return ""
        unit_name = self.names.label(str(unit), self.lang) if unit is not None else None
        units = self.graph if units is None else units  # where the unit's xk:conversionFactor and xk:unitBase are
        factor = units.value(unit, XK.conversionFactor) if unit is not None and self.lang == "en" else None
        base = units.value(unit, XK.unitBase) if factor is not None else None
        base_name = self.names.label(str(base), self.lang) if base is not None else None
        if factor is not None and base_name and as_decimal(factor) != 1:
            scaled = english_scaled(number, factor, base_name)
            if scaled is not None:
                return scaled
        return with_unit(format_number(number), unit_name)

    def _short(self, iri: Node) -> str:
        try:
            return self.graph.namespace_manager.normalizeUri(cast(URIRef, iri)).strip("<>")  # rdflib types it as Node
        except (ValueError, KeyError):
            return str(iri)


def _literals(graph: Graph, subject: Node, predicates: tuple[Node, ...]) -> list[tuple[str, str]]:
    found = {
        (o.language or "", str(o)) for p in predicates for o in graph.objects(subject, p) if isinstance(o, Literal)
    }
    return sorted(found, key=lambda pair: (LANGUAGES.index(pair[0]) if pair[0] in LANGUAGES else len(LANGUAGES), pair))


def _in_language(texts: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """The texts in the reader's language when there are any, else all of them."""
    mine = [t for t in texts if t[0] == lang]
    return mine or texts


def _int(term: Node | None) -> int | None:
    try:
        return int(term) if term is not None else None  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
    except (TypeError, ValueError):
        return None


def _property_key(prop: PropertyView) -> tuple[bool, str]:
    """Our own vocabulary first (its terms link to this server), then the standard ones, each by name."""
    href = prop.predicate.href or ""
    return not href.startswith("/"), prop.predicate.text.lower()


def _sort_key(pair: tuple[TermView, TermView]) -> tuple[str, str]:
    return pair[1].text.lower(), pair[0].text.lower()
