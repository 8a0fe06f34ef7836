"""Numbers as the review writes them in Arabic digits (the coverage check counts them)."""

from __future__ import annotations

import re
from decimal import Decimal

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[tuple[int, int, Decimal]]:
    """Every Arabic-digit number in the text with its span."""
    return [(m.start(), m.end(), Decimal(m.group())) for m in NUMBER.finditer(text)]
