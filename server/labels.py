"""Every name in the graph, loaded once per dataset version: labels for pages, and the search over them.

Names are rdfs:label, skos:prefLabel and skos:altLabel in any language. A page shows
a thing by its preferred name in the reader's language (rdfs:label or skos:prefLabel),
falling back to the other language. Search matches any name, ignoring case and the
difference between full-width and half-width characters, and ranks an exact name
before a name that starts with the words, before one that contains them, and
shorter names first.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from xianan_kg.rdf.namespaces import sparql_prologue
from xianan_kg.rdf.release import GRAPH_INFERRED
from xianan_kg.store.base import LocalStore

NAMES_QUERY = (
    sparql_prologue()
    + """SELECT ?s ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?s ?p ?name FILTER(isIRI(?s) && isLiteral(?name))
}"""
)
STATED_TYPES_QUERY = f"SELECT DISTINCT ?s ?type WHERE {{ GRAPH ?g {{ ?s a ?type }} FILTER(?g != {URIRef(GRAPH_INFERRED).n3()} && isIRI(?s)) }}"
PREFERRED = (RDFS.label, SKOS.prefLabel)
RANK_EXACT, RANK_PREFIX, RANK_SUBSTRING = 0, 1, 2


def fold(text: str) -> str:
    """The form names are compared in: NFKC (full-width Ｌ is L), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Name:
    text: str
    lang: str
    preferred: bool  # rdfs:label or skos:prefLabel, not skos:altLabel


@dataclass(frozen=True)
class SearchHit:
    iri: str
    name: Name  # the name that matched best
    rank: int  # RANK_EXACT, RANK_PREFIX or RANK_SUBSTRING


class NameIndex:
    def __init__(self, names: dict[str, list[Name]], types: dict[str, list[str]]) -> None:
        self.names, self.types = names, types
        self._folded = [(fold(n.text), iri, n) for iri, ns in sorted(names.items()) for n in ns]

    @classmethod
    def load(cls, store: LocalStore) -> NameIndex:
        names: dict[str, list[Name]] = defaultdict(list)
        for row in store.execute(NAMES_QUERY).to_result().rows:
            label = row["name"]
            lang = (label.language or "") if isinstance(label, Literal) else ""
            names[str(row["s"])].append(Name(str(label), lang, row["p"] in PREFERRED))
        types: dict[str, list[str]] = defaultdict(list)
        stated = store.execute(STATED_TYPES_QUERY).to_result()
        for row in stated.rows:
            types[str(row["s"])].append(str(row["type"]))
        for name_list in names.values():
            name_list.sort(key=lambda v: (v.lang, v.text))
        for type_list in types.values():
            type_list.sort()
        return cls(dict(names), dict(types))

    def label(self, iri: str, lang: str) -> str | None:
        """The preferred name in `lang`, else in the other language, else any name; None for a nameless thing."""
        names = self.names.get(iri, [])
        for wanted in (lambda n: n.preferred and n.lang == lang, lambda n: n.preferred, lambda n: True):
            for name in names:
                if wanted(name):
                    return name.text
        return None

    def labels(self, iri: str) -> dict[str, str]:
        """Preferred names by language."""
        out: dict[str, str] = {}
        for name in self.names.get(iri, []):
            if name.preferred:
                out.setdefault(name.lang, name.text)
        return out

    def alt_labels(self, iri: str) -> list[Name]:
        return [n for n in self.names.get(iri, []) if not n.preferred]

    def search(self, query: str) -> list[SearchHit]:
        """Things with a name containing the query, best first; one hit per thing."""
        needle = fold(query)
        if not needle:
            return []
        best: dict[str, tuple[tuple, SearchHit]] = {}
        for folded, iri, name in self._folded:
            if needle not in folded:
                continue
            rank = RANK_EXACT if folded == needle else RANK_PREFIX if folded.startswith(needle) else RANK_SUBSTRING
            key = (rank, len(folded), not name.preferred, folded, iri)
            if iri not in best or key < best[iri][0]:
                best[iri] = (key, SearchHit(iri, name, rank))
        return [hit for _, hit in sorted(best.values(), key=lambda pair: pair[0])]
