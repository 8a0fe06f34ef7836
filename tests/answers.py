"""Compare a query's answer with the expected answer read from the source: as sets unless the query orders its rows.

Numbers compare by value (15.48 = 15.480, "762"^^xsd:integer = "762"^^xsd:nonNegativeInteger),
to twelve decimal places so that engines may round an average differently.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from xianan_kg.store.results import QueryResult, from_srj

NUMERIC = {
    XSD[t]
    for t in (
        "decimal integer int long short byte float double nonNegativeInteger positiveInteger "
        "nonPositiveInteger negativeInteger unsignedInt unsignedLong unsignedShort unsignedByte"
    ).split()
}
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def term_key(term: object) -> tuple:
    if term is None:
        return ("unbound",)
    if isinstance(term, Literal):
        if term.datatype in NUMERIC:
            try:
                return ("number", Decimal(str(term)).quantize(Decimal("1e-12")).normalize())
            except InvalidOperation:
                pass
        datatype = None if term.datatype in (None, XSD.string) else str(term.datatype)
        return ("literal", str(term), term.language, datatype)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    return ("bnode",)  # blank nodes match any blank node


def is_ordered(query_text: str) -> bool:
    code = "\n".join(line for line in query_text.splitlines() if not line.lstrip().startswith("#"))
    return bool(ORDER_BY.search(code))


def load_expected(path: Path) -> QueryResult:
    if path.suffix == ".srj":
        return from_srj(json.loads(path.read_text(encoding="utf-8")))
    return QueryResult("CONSTRUCT", graph=Graph().parse(path, format="turtle"))


def differences(actual: QueryResult, expected: QueryResult, ordered: bool) -> list[str]:
    """What differs, in words a reader can act on; empty when the answers agree."""
    if expected.graph is not None:
        if actual.graph is None:
            return [f"expected a graph, got a {actual.form} result"]
        got = Counter(tuple(term_key(t) for t in triple) for triple in actual.graph)
        want = Counter(tuple(term_key(t) for t in triple) for triple in expected.graph)
        return [f"missing {k}" for k in want - got] + [f"unexpected {k}" for k in got - want]
    if expected.form == "ASK":
        return [] if actual.boolean == expected.boolean else [f"ASK: got {actual.boolean}, expected {expected.boolean}"]
    if list(actual.variables) != list(expected.variables):
        return [f"variables {actual.variables} != expected {expected.variables}"]
    names = expected.variables
    got = [tuple(term_key(r.get(v)) for v in names) for r in actual.rows]
    want = [tuple(term_key(r.get(v)) for v in names) for r in expected.rows]
    if ordered:
        if got == want:
            return []
        return [
            f"row {i}: got {g}, expected {w}" for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w
        ] + ([f"{len(got)} rows, expected {len(want)}"] if len(got) != len(want) else [])
    missing, unexpected = Counter(want) - Counter(got), Counter(got) - Counter(want)
    return [f"missing {k}" for k in missing] + [f"unexpected {k}" for k in unexpected]
