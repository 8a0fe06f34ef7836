"""What the server says about one IRI: its description as RDF, and the same facts arranged for a page.

The RDF description is the entity's Concise Bounded Description (its own triples,
following blank nodes and its `#fragment` resources such as a quote's selectors),
its incoming links, the labels of everything it touches (so a client can show
names without a second request), and the selectors of the quotes it was derived
from. The page shows the same graph: labels in both languages, types, every
property with links, the quoted words with their position in the source, and
incoming links; statements that only the OWL 2 RL reasoner produced are marked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from xianan_kg.build import GRAPH_INFERRED
from xianan_kg.namespaces import OA, bind_prefixes, sparql_prologue
from xianan_kg.store import LocalStore

from .config import ServerConfig

DESCRIPTION_QUERY = (
    sparql_prologue()
    + """
CONSTRUCT {
  ?this ?p ?o . ?part ?pp ?po . ?in ?ip ?this . ?n rdfs:label ?label ; skos:prefLabel ?pref .
  ?quote oa:hasSelector ?sel . ?sel ?sp ?so
} WHERE {
  { ?this ?p ?o }
  UNION { ?this ?link ?part . ?part ?pp ?po
          FILTER(isBlank(?part) || STRSTARTS(STR(?part), CONCAT(STR(?this), "#"))) }
  UNION { ?in ?ip ?this }
  UNION { { ?this ?x ?n } UNION { ?n ?x ?this } UNION { ?this ?n ?x } UNION { ?x ?n ?this }
          { ?n rdfs:label ?label } UNION { ?n skos:prefLabel ?pref } }
  UNION { ?this prov:wasDerivedFrom ?quote . ?quote oa:hasSelector ?sel . ?sel ?sp ?so }
}"""
)
EXISTS_QUERY = "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }"
STATEMENT_GRAPHS_QUERY = "SELECT ?this ?p ?o ?g WHERE { GRAPH ?g { ?this ?p ?o } }"
LABELS = (RDFS.label, SKOS.prefLabel)
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
    prefix: str
    suffix: str


@dataclass
class EntityPage:
    iri: str
    title: str
    labels: list[tuple[str, str]]
    types: list[ValueView]
    properties: list[PropertyView]
    quotes: list[QuoteView]
    incoming: list[tuple[TermView, TermView]]
    incoming_total: int


class Describer:
    """Descriptions of our IRIs from one store, rendered with one configuration."""

    def __init__(self, store: LocalStore, config: ServerConfig) -> None:
        self.store, self.config = store, config

    def exists(self, iri: str) -> bool:
        """Whether the IRI occurs in the dataset (as subject or object): cheaper than describing it."""
        return bool(self.store.execute(EXISTS_QUERY, bindings={"this": URIRef(iri)}).to_result().boolean)

    def graph(self, iri: str) -> Graph:
        """The RDF description; empty when the IRI occurs nowhere in the dataset."""
        result = self.store.execute(DESCRIPTION_QUERY, bindings={"this": URIRef(iri)}).to_result()
        return bind_prefixes(result.graph) if result.graph is not None else bind_prefixes(Graph())

    def page(self, iri: str, graph: Graph) -> EntityPage:
        subject = URIRef(iri)
        view = TermViews(graph, self.config)
        inferred_only = self._inferred_only(subject)
        labels = sorted(
            {(o.language or "", str(o)) for p in LABELS for o in graph.objects(subject, p) if isinstance(o, Literal)},
            key=lambda pair: (LANGUAGES.index(pair[0]) if pair[0] in LANGUAGES else len(LANGUAGES), pair),
        )
        properties: dict[URIRef, PropertyView] = {}
        types = []
        for p, o in sorted(graph.predicate_objects(subject)):
            value = ValueView(view(o), (p, o) in inferred_only)
            if p == RDF.type:
                types.append(value)
            elif p not in LABELS:
                properties.setdefault(p, PropertyView(view(p))).values.append(value)
        incoming = sorted(((view(s), view(p)) for s, p in graph.subject_predicates(subject)), key=_sort_key)
        return EntityPage(
            iri=iri,
            title=view.label(subject) or iri,
            labels=labels,
            types=sorted(types, key=lambda v: (v.inferred, v.term.text)),
            properties=sorted(properties.values(), key=_property_key),
            quotes=self._quotes(subject, graph, view),
            incoming=incoming[: self.config.max_incoming_links],
            incoming_total=len(incoming),
        )

    def _inferred_only(self, subject: URIRef) -> set[tuple[Node, Node]]:
        graphs: dict[tuple[Node, Node], set[str]] = defaultdict(set)
        for row in self.store.execute(STATEMENT_GRAPHS_QUERY, bindings={"this": subject}).to_result().rows:
            graphs[(row["p"], row["o"])].add(str(row["g"]))
        return {statement for statement, names in graphs.items() if names == {GRAPH_INFERRED}}

    @staticmethod
    def _quotes(subject: URIRef, graph: Graph, view: TermViews) -> list[QuoteView]:
        """The passages the entity came from; a quote's page shows its own passage."""
        quotes = sorted(set(graph.objects(subject, PROV.wasDerivedFrom)))
        if (subject, OA.hasSelector, None) in graph:
            quotes.append(subject)
        out = []
        for quote in quotes:
            text = {p: o for sel in graph.objects(quote, OA.hasSelector) for p, o in graph.predicate_objects(sel)}
            if OA.exact not in text and OA.start not in text:
                continue
            out.append(
                QuoteView(
                    quote=view(quote),
                    exact=str(text.get(OA.exact, "")),
                    start=_int(text.get(OA.start)),
                    end=_int(text.get(OA.end)),
                    prefix=str(text.get(OA.prefix, "")),
                    suffix=str(text.get(OA.suffix, "")),
                )
            )
        return sorted(out, key=lambda q: (q.start is None, q.start or 0))


class TermViews:
    """Turns terms of one description graph into TermViews, naming IRIs by their labels there."""

    def __init__(self, graph: Graph, config: ServerConfig) -> None:
        self.graph, self.config = graph, config

    def label(self, term: Node) -> str:
        by_lang: dict[str, str] = {}
        for p in LABELS:
            for o in self.graph.objects(term, p):
                if isinstance(o, Literal):
                    by_lang.setdefault(o.language or "", str(o))
        names = [by_lang[lang] for lang in LANGUAGES if lang in by_lang]
        if not names and by_lang:
            names = [sorted(by_lang.items())[0][1]]
        return " · ".join(names)

    def __call__(self, term: Node) -> TermView:
        if isinstance(term, Literal):
            datatype = self._short(term.datatype) if term.datatype else None
            return TermView(str(term), lang=term.language, datatype=datatype)
        if isinstance(term, BNode):
            return TermView(f"_:{term}")
        iri = str(term)
        text = self.label(term) or self._short(term)
        return TermView(text, href=self.config.local_path(iri) or iri, iri=iri)

    def _short(self, iri: Node) -> str:
        try:
            return self.graph.namespace_manager.normalizeUri(iri).strip("<>")
        except (ValueError, KeyError):
            return str(iri)


def _int(term: Node | None) -> int | None:
    try:
        return int(term) if term is not None else None
    except (TypeError, ValueError):
        return None


def _property_key(prop: PropertyView) -> tuple[bool, str]:
    """Our own vocabulary first (its terms link to this server), then the standard ones, each by name."""
    href = prop.predicate.href or ""
    return not href.startswith("/"), prop.predicate.text.lower()


def _sort_key(pair: tuple[TermView, TermView]) -> tuple[str, str]:
    return pair[1].text.lower(), pair[0].text.lower()
