"""Wikidata as the reconciler sees it: the identifiers, namespaces and queries it relies on.

Only Wikidata identifiers verified in shared/FACTS.md appear here: P442 (China
administrative division code), P31 (instance of) and P131 (located in the
administrative territorial entity). The queries work on any endpoint holding
Wikidata-shaped RDF, so tests can run them against a local fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from xianan_kg.rdf.namespaces import ID, VOID, WD, sparql_prologue

# Declared here rather than in namespaces.PREFIXES: only these queries use them.
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
WIKIBASE = Namespace("http://wikiba.se/ontology#")

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
WIKIDATA_DATASET = ID["dataset/wikidata"]
ZH_TAGS = ("zh", "zh-hans", "zh-cn")
LABEL_TAGS = (*ZH_TAGS, "en")

DIVISION_CODE = re.compile(r"[0-9]{6}([0-9]{3})?")


def p442_form(code: str) -> str:
    """The NBS code as Wikidata's P442 stores it: pairs of digits, trailing zero pairs dropped, township part kept.

    "420000" → "42", "421202" → "42 12 02", "421202101" → "42 12 02 101". The form down to the county is
    verified (shared/FACTS.md, and stored as xk:wikidataDivisionCode); a township's is only derived here, at
    link time, from its 9-digit code: the data stores none.
    """
    if not DIVISION_CODE.fullmatch(code):
        raise ValueError(f"{code!r} is not a 6- or 9-digit division code")
    pairs = [code[0:2], code[2:4], code[4:6]]
    if len(code) == 9:
        return " ".join([*pairs, code[6:]])
    while len(pairs) > 1 and pairs[-1] == "00":
        pairs.pop()
    return " ".join(pairs)


def codes_compatible(a: str, b: str) -> bool:
    """Two P442 codes lie on one line of the hierarchy: one is the other or contains it ("42" and "42 12 02")."""
    x, y = a.split(), b.split()
    n = min(len(x), len(y))
    return x[:n] == y[:n]


def describe_wikidata(graph: Graph) -> URIRef:
    """The target dataset of our Wikidata linksets, as VoID, recognised by its URI space."""
    graph.add((WIKIDATA_DATASET, RDF.type, VOID.Dataset))
    graph.add((WIKIDATA_DATASET, RDFS.label, Literal("维基数据", lang="zh")))
    graph.add((WIKIDATA_DATASET, RDFS.label, Literal("Wikidata", lang="en")))
    graph.add((WIKIDATA_DATASET, DCTERMS.title, Literal("Wikidata", lang="en")))
    graph.add((WIKIDATA_DATASET, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    graph.add((WIKIDATA_DATASET, VOID.uriSpace, Literal(str(WD))))
    return WIKIDATA_DATASET


# --- Queries. Terms go in through rdflib's n3(), never by quoting strings by hand. ---

PROLOGUE = sparql_prologue() + "".join(
    f"PREFIX {p}: <{ns}>\n" for p, ns in (("p", P), ("ps", PS), ("wikibase", WIKIBASE))
)

# Every P442 statement but deprecated ones: wdt: would show only the best rank and hide a current code
# that sits next to a preferred one.
CODE_STATEMENT = (
    "?item p:P442 ?statement . ?statement ps:P442 ?code .\n"
    "  FILTER NOT EXISTS { ?statement wikibase:rank wikibase:DeprecatedRank }"
)


def _values(var: str, terms: Iterable[URIRef | Literal]) -> str:
    return f"VALUES ?{var} {{ {' '.join(t.n3() for t in terms)} }}"


def _lang_filter(var: str, tags: Iterable[str]) -> str:
    return f"FILTER(LANG(?{var}) IN ({', '.join(Literal(t).n3() for t in tags)}))"


def _select(variables: str, *patterns: str) -> str:
    body = "\n  ".join(patterns)
    return f"{PROLOGUE}SELECT {variables} WHERE {{\n  {body}\n}}"


def items_by_code_query(codes: Iterable[str]) -> str:
    """Items with a P442 statement equal to one of the codes, character for character."""
    return _select("?item ?code", _values("code", (Literal(c) for c in codes)), CODE_STATEMENT)


def items_by_name_query(names: Iterable[str]) -> str:
    """Items whose Chinese label or alias is exactly one of the names; `via` says which."""
    return _select(
        "?item ?name ?via",
        _values("name", (Literal(n, lang=tag) for n in names for tag in ZH_TAGS)),
        '{ ?item rdfs:label ?name BIND("label" AS ?via) }',
        'UNION { ?item schema:name ?name BIND("label" AS ?via) }',
        'UNION { ?item skos:altLabel ?name BIND("alias" AS ?via) }',
        "FILTER(STRSTARTS(STR(?item), STR(wd:Q)))",
    )


def item_facts_queries(items: Iterable[URIRef]) -> dict[str, str]:
    """What scoring needs to know of candidate items: labels, codes, classes (P31), places above them (P131)."""
    values = _values("item", items)
    return {
        "label": _select("?item ?label", values, f"?item rdfs:label ?label {_lang_filter('label', LABEL_TAGS)}"),
        "code": _select("?item ?code", values, CODE_STATEMENT),
        "class": _select(
            "?item ?classLabel",
            values,
            "?item wdt:P31 ?class .",
            f"?class rdfs:label ?classLabel {_lang_filter('classLabel', LABEL_TAGS)}",
        ),
        "above": _select(
            "?item ?place ?code ?label",
            values,
            "?item wdt:P131+ ?place .",
            "OPTIONAL { ?place wdt:P442 ?code }",
            f"OPTIONAL {{ ?place rdfs:label ?label {_lang_filter('label', ZH_TAGS)} }}",
        ),
    }
