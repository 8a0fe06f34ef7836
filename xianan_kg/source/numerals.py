"""Counts written in Chinese numerals (九大共建行动, 六个方面): found so that they are figures too, not only digits."""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A numeral followed by a counting word: 个 (items), 大 (major items), 年 (years), 级 (levels).
# 一批 ('a batch') is not a count and is not matched.
COUNT = re.compile(r"[一二两三四五六七八九十]+(?=[个大年级])")


def value_of(numeral: str) -> Decimal:
    """The value of a Chinese numeral below 100 (十 = 10, 十二 = 12, 二十三 = 23); ValueError otherwise."""
    if not numeral or any(c not in DIGITS and c != "十" for c in numeral):
        raise ValueError(f"not a Chinese numeral below 100: {numeral!r}")
    if "十" not in numeral:
        if len(numeral) != 1:
            raise ValueError(f"not a Chinese numeral below 100: {numeral!r}")
        return Decimal(DIGITS[numeral])
    tens, _, units = numeral.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        raise ValueError(f"not a Chinese numeral below 100: {numeral!r}")
    return Decimal((DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0))


def chinese_counts_in(text: str) -> list[tuple[int, int, Decimal]]:
    """Every count written in Chinese numerals in the text, with its span and value."""
    return [(m.start(), m.end(), value_of(m.group())) for m in COUNT.finditer(text)]
