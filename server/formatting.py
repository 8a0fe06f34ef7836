"""Numbers and amounts as people read them: "15.48 亿元", "1,548,000,000 yuan (CNY)", "12.3%".

The graph keeps each figure twice, as written (xk:statedValue in xk:statedUnit) and
normalised (xk:value in xk:baseUnit); pages show both, each with its unit's name.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

NUMERIC_TYPES = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.double, XSD.float, XSD.int, XSD.long}
NO_SPACE_UNITS = {"%"}  # written straight after the number


def as_decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: object, grouping: bool = True) -> str:
    """A number without trailing zeros (117.0 → 117), with thousands separators; anything else as it is."""
    number = as_decimal(value)
    if number is None or not number.is_finite():
        return str(value)
    normal = number.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}" if grouping else f"{normal:f}"


def with_unit(number: str, unit: str | None) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit in NO_SPACE_UNITS else f"{number} {unit}"


SCALE_WORDS = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def english_scaled(number: object, factor: object, base_unit: str) -> str | None:
    """15.48 in units of 10^8 yuan → "1.548 billion yuan": English has no word for 万 or 亿, so the scale moves.

    2.3 in units of 10^4 mu → "23,000 mu". None when the number or the factor is not a number."""
    value, times = as_decimal(number), as_decimal(factor)
    if value is None or times is None or not value.is_finite() or not times.is_finite():
        return None
    amount = value * times
    for scale, word in SCALE_WORDS:
        if abs(amount) >= scale:
            return f"{format_number(amount / scale)} {word} {base_unit}"
    return f"{format_number(amount)} {base_unit}"


def format_literal(term: Literal) -> str:
    """A literal for a page: numbers formatted, everything else as written."""
    if term.datatype in NUMERIC_TYPES:
        return format_number(term, grouping=term.datatype in (XSD.decimal, XSD.double, XSD.float))
    return str(term)


def format_percent(ratio: object) -> str:
    """A ratio as a percentage: 0.123 → 12.3%."""
    number = as_decimal(ratio)
    return str(ratio) if number is None else with_unit(format_number(number * 100, grouping=False), "%")


COMPACT = {"zh": ((10**8, "亿"), (10**4, "万")), "en": ((10**9, "B"), (10**6, "M"), (10**3, "k"))}


def compact_number(value: float, lang: str) -> str:
    """An axis label: 1亿, 100万 / 100M, 10k."""
    for size, suffix in COMPACT[lang]:
        if abs(value) >= size:
            return format_number(Decimal(str(value)) / size, grouping=False) + suffix
    return format_number(value, grouping=False)
