"""Canonical lexical forms, so that every engine returns the same literal for the same value.

Engines hold the same graph but write some literals differently: pyoxigraph keeps
values, not lexical forms, and writes them in XSD 1.1 canonical form (xsd:decimal
"1548000000.0" comes back as "1548000000"), and it files every type derived from
xsd:integer (xsd:nonNegativeInteger, xsd:int, …) under xsd:integer; rdflib returns the
text as parsed and computes decimals to 28 significant digits where pyoxigraph keeps 18
fractional digits; Virtuoso 7 reads an xsd:decimal written without a decimal point as an
xsd:integer (so "46400"^^xsd:decimal / "23649"^^xsd:decimal is 1 there, not 1.96).

- `canonical_literal` is applied by the build to every literal it writes: one lexical form
  per value, the XSD 1.0 canonical one (a decimal keeps its point: "46400.0", "0.8"), which
  every store reads as the value and type it is. Datatypes are kept: `oa:start`/`oa:end`
  stay xsd:nonNegativeInteger in the artifacts, as the Web Annotation model prescribes.
- `engine_literal` is applied to what the rdflib engine answers, so that its answers are
  exactly pyoxigraph's: XSD 1.1 forms ("46400"), integer-derived types as xsd:integer (a
  value of xsd:nonNegativeInteger *is* an xsd:integer), decimals cut to 18 fractional digits.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

INTEGER_TYPES = frozenset(
    XSD[name]
    for name in (
        "integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger "
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
)
FLOATING_TYPES = frozenset({XSD.double, XSD.float})
# rdflib logs a traceback for every literal it cannot convert to a value; ours are judged by `ill_typed` and
# reported by the validator with their file and line, so that log is only noise.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
DECIMAL_FRACTION_DIGITS = Decimal(1).scaleb(-18)  # pyoxigraph's xsd:decimal: 18 digits after the point

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_BOOLEAN = {"true": "true", "1": "true", "false": "false", "0": "false"}


def _decimal_text(text: str, point: bool = False) -> str:
    """Canonical decimal, worked on the digits (exact at any length): no +, no leading or trailing zeros;
    XSD 1.1 drops a zero fraction ("46400"), XSD 1.0 (`point`) keeps one digit after the point ("46400.0")."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("+-").partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    if point and not fraction:
        fraction = "0"
    if whole == "0" and fraction in ("", "0"):
        sign = ""
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def _floating_text(value: float) -> str:
    """pyoxigraph's form: shortest round-trip digits, never an exponent, no trailing `.0`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    text = format(Decimal(repr(value)), "f")
    return text[:-2] if text.endswith(".0") else text


def _lexical(text: str, datatype: URIRef) -> str | None:
    """The canonical lexical form of a well-formed value of `datatype`, or None to keep the text as it is."""
    text = text.strip()
    if datatype == XSD.decimal and _DECIMAL.fullmatch(text):
        return _decimal_text(text, point=True)
    if datatype in INTEGER_TYPES and _INTEGER.fullmatch(text):
        return str(int(text))
    if datatype == XSD.boolean:
        return _BOOLEAN.get(text)
    if datatype in FLOATING_TYPES:
        try:
            return _floating_text(float(text))
        except ValueError:
            return None
    return None


def canonical_literal(literal: Literal) -> Literal:
    """The same value and datatype in canonical lexical form (XSD 1.0); ill-formed and other literals unchanged."""
    if literal.datatype is None or literal.language:
        return literal
    text = _lexical(str(literal), literal.datatype)
    if text is None or text == str(literal):
        return literal
    return Literal(text, datatype=literal.datatype, normalize=False)


def engine_literal(literal: Literal) -> Literal:
    """A literal as pyoxigraph answers it: canonical, integer types as xsd:integer, decimals to 18 digits."""
    if literal.datatype is None or literal.language:
        return literal
    datatype = literal.datatype
    if datatype in INTEGER_TYPES and _INTEGER.fullmatch(str(literal).strip()):
        return Literal(str(int(str(literal).strip())), datatype=XSD.integer, normalize=False)
    if datatype == XSD.decimal and _DECIMAL.fullmatch(str(literal).strip()):  # XSD 1.1 form, as pyoxigraph
        try:
            value = Decimal(str(literal).strip()).quantize(DECIMAL_FRACTION_DIGITS, rounding=ROUND_DOWN)
        except InvalidOperation:  # more digits than a Decimal context holds
            return Literal(_decimal_text(str(literal).strip()), datatype=XSD.decimal, normalize=False)
        return Literal(_decimal_text(format(value, "f")), datatype=XSD.decimal, normalize=False)
    text = _lexical(str(literal), datatype)
    return literal if text is None or text == str(literal) else Literal(text, datatype=datatype, normalize=False)


def engine_term(term: Node) -> Node:
    return engine_literal(term) if isinstance(term, Literal) else term


def canonicalise_graph(graph: Graph) -> int:
    """Rewrite the graph's literals in canonical form, in place (the build does this on loading); how many changed."""
    changed = [(s, p, o) for s, p, o in graph if isinstance(o, Literal) and canonical_literal(o) is not o]
    for s, p, o in changed:
        graph.remove((s, p, o))
        graph.add((s, p, canonical_literal(o)))
    return len(changed)


# The lexical spaces of the XSD types the data uses (XML Schema 1.1 Part 2, section 3.3): a literal outside its
# datatype's is ill-typed, a violation (rdflib would log a traceback and keep it; pyshacl takes any xsd:gYear).
_TIMEZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_LEXICAL_SPACES = {
    XSD.decimal: _DECIMAL,
    XSD.boolean: re.compile(r"true|false|1|0"),
    XSD.gYear: re.compile(_YEAR + _TIMEZONE),
    XSD.date: re.compile(_YEAR + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])" + _TIMEZONE),
    XSD.dateTime: re.compile(
        _YEAR
        + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
        + _TIMEZONE
    ),
    XSD.hexBinary: re.compile(r"(?:[0-9a-fA-F]{2})*"),
    **{t: _INTEGER for t in INTEGER_TYPES},
}
_NON_NEGATIVE = {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.unsignedLong, XSD.unsignedInt}


def ill_typed(text: str, datatype: str) -> bool:
    """Whether `text` lies outside the lexical space of `datatype` (only the XSD types of _LEXICAL_SPACES are
    judged; whitespace is collapsed as XSD does for these types)."""
    dt = URIRef(datatype)
    space = _LEXICAL_SPACES.get(dt)
    if space is None:
        return False
    value = text.strip(" \t\n\r")
    if not space.fullmatch(value):
        return True
    if dt in _NON_NEGATIVE and (
        value.startswith("-") and int(value) != 0 or (dt == XSD.positiveInteger and int(value) < 1)
    ):
        return True
    return dt in (XSD.date, XSD.dateTime) and not _real_date(value)


def _real_date(value: str) -> bool:
    """A day that exists (30 February does not), for years the calendar module reads."""
    year, month, day = value.lstrip("-")[:10].split("-")
    try:
        datetime.date(int(year), int(month), int(day[:2]))
    except ValueError:
        return not (1 <= int(year) <= 9999)  # beyond Python's calendar: the pattern has judged it
    return True
