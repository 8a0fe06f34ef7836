"""The figure grammar of `propose`: numbers with their unit, qualifiers and measure type as the text writes them.

cn2an turns a Chinese numeral into a number; what it lacks, and is written here, is the grammar around
the number in a review: the unit as written (万亩, 亿元, 件次 …), multiples (4倍多), qualifiers (近, 余,
超过, 以上, 预计 …), what is not a figure (years, dates, document numbers, PM2.5, “12345”) and the clause
that the figure's quote comes from.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import cn2an
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from xianan_kg.rdf.namespaces import XK, XKC
from xianan_kg.rdf.paths import ONTOLOGY_DIR

CLAUSE_BREAKS = ",,;;。!!??::\n"
SENTENCE_BREAKS = "。!!??\n"
CHINESE_DIGITS = "零一二两三四五六七八九十百千万亿"


@dataclass(frozen=True)
class Unit:
    """A unit as written: a concept of our unit scheme or a new one the person must accept."""

    slug: str
    zh: str
    en: str
    base: str
    factor: Decimal
    in_scheme: bool
    kind: str  # money, area, ratio, times, count, rank, other


# Units the scheme does not hold yet, proposed as new concepts when the text uses them.
NEW_UNITS: dict[str, tuple[str, str, str, str, str]] = {
    # zh: (slug, en, base slug, factor, kind)
    "‰": ("unit-per-mille", "per mille", "unit-ratio", "0.001", "ratio"),
    "个百分点": ("unit-percentage-point", "percentage points", "unit-ratio", "0.01", "points"),
    "人次": ("unit-renci", "person-times", "unit-count", "1", "count"),
    "次": ("unit-ci", "times (occurrences)", "unit-count", "1", "count"),
    "座": ("unit-zuo", "structures (座)", "unit-count", "1", "count"),
    "处": ("unit-chu", "sites", "unit-count", "1", "count"),
    "台": ("unit-tai", "machines", "unit-count", "1", "count"),
    "辆": ("unit-liang", "vehicles", "unit-count", "1", "count"),
    "头": ("unit-tou", "head (livestock)", "unit-count", "1", "count"),
    "只": ("unit-zhi", "animals (只)", "unit-count", "1", "count"),
    "场": ("unit-chang", "events", "unit-count", "1", "count"),
    "栋": ("unit-dong", "buildings", "unit-count", "1", "count"),
    "批": ("unit-pi", "batches", "unit-count", "1", "count"),
    "村": ("unit-cun", "villages", "unit-count", "1", "count"),
    "镇": ("unit-zhen", "towns", "unit-count", "1", "count"),
    "乡": ("unit-xiang-township", "townships", "unit-count", "1", "count"),
    "公里": ("unit-gongli", "kilometres", "unit-gongli", "1", "other"),
    "千米": ("unit-qianmi", "kilometres (千米)", "unit-qianmi", "1", "other"),
    "米": ("unit-mi", "metres", "unit-mi", "1", "other"),
    "平方米": ("unit-pingfangmi", "square metres", "unit-pingfangmi", "1", "area"),
    "平方公里": ("unit-pingfanggongli", "square kilometres", "unit-pingfanggongli", "1", "area"),
    "公顷": ("unit-gongqing", "hectares", "unit-gongqing", "1", "area"),
    "吨": ("unit-dun", "tonnes", "unit-dun", "1", "other"),
    "千瓦": ("unit-qianwa", "kilowatts", "unit-qianwa", "1", "other"),
    "千瓦时": ("unit-qianwashi", "kilowatt-hours", "unit-qianwashi", "1", "other"),
    "立方米": ("unit-lifangmi", "cubic metres", "unit-lifangmi", "1", "other"),
}
KIND_OF_BASE = {
    "unit-yuan": "money",
    "unit-mu": "area",
    "unit-ratio": "ratio",
    "unit-times": "times",
    "unit-count": "count",
    "unit-rank": "rank",
}
MULTIPLIERS = {"万": ("wan", "10 thousand", Decimal(10000)), "亿": ("yi", "100 million", Decimal(100000000))}
# Counting words that are never a unit after a number in this genre (年 is a year or a duration).
NOT_UNITS = ("年", "月", "日", "号", "时", "届", "级", "期", "版", "周年", "岁")


@lru_cache(maxsize=1)
def scheme_units() -> dict[str, Unit]:
    """The unit concepts of ontology/schemes.ttl by their Chinese label, plus the new ones above."""
    g = Graph().parse(ONTOLOGY_DIR / "schemes.ttl")
    units: dict[str, Unit] = {}
    for concept in g.subjects(RDF.type, XK.UnitOfMeasure):
        labels = {lit.language: str(lit) for lit in g.objects(concept, SKOS.prefLabel) if isinstance(lit, Literal)}
        slug = str(concept).removeprefix(str(XKC))
        base = str(g.value(concept, XK.unitBase)).removeprefix(str(XKC))
        factor = Decimal(str(g.value(concept, XK.conversionFactor)))
        if "zh" in labels and slug not in ("unit-count", "unit-ratio", "unit-rank"):
            units[labels["zh"]] = Unit(slug, labels["zh"], labels.get("en", ""), base, factor, True, KIND_OF_BASE[base])
    if "%" in units:
        units["％"] = units["%"]  # the full-width percent sign is the same unit
    for zh, (slug, en, base, written, kind) in NEW_UNITS.items():
        units.setdefault(zh, Unit(slug, zh, en, base, Decimal(written), False, kind))
    return units


def unit_for(written: str) -> Unit | None:
    """The unit concept for a unit as written; 万/亿 before a known unit make a new, scaled concept."""
    units = scheme_units()
    if written in units:
        return units[written]
    if written[:1] in MULTIPLIERS and written[1:] in units:
        inner = units[written[1:]]
        pinyin, en, factor = MULTIPLIERS[written[:1]]
        return Unit(
            f"unit-{pinyin}-{inner.slug.removeprefix('unit-')}",
            written,
            f"{en} {inner.en}",
            inner.base,
            factor * inner.factor,
            False,
            inner.kind,
        )
    return None


@lru_cache(maxsize=1)
def unit_pattern() -> re.Pattern[str]:
    words = sorted(set(scheme_units()) | {m + u for m in MULTIPLIERS for u in scheme_units()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@dataclass
class Figure:
    """One proposed figure: where it is, what it says, and why we think so."""

    start: int  # span of the figure as written (qualifier, number, unit)
    end: int
    number: str  # the number as written
    stated: Decimal
    unit: Unit
    measure: str  # amount, count, growth, share, multiple, threshold, rank
    qualifiers: list[str] = field(default_factory=list)  # slugs of xkc:qualifier-…
    comparison: str = ""  # 同比 or 比上年 as written
    numeral: str = "arabic"  # or "chinese"
    quote: tuple[int, int] = (0, 0)
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.9

    decline: bool = False  # 下降, 减少 …: a fall, written as a positive number

    @property
    def value(self) -> Decimal:
        """Stated × factor; a decline is negative (data/README.md has no convention for falls yet)."""
        v = self.stated * self.unit.factor
        return -v if self.decline else v


@dataclass(frozen=True)
class Skipped:
    """A number the text writes that is not proposed as a figure, and why."""

    start: int
    end: int
    text: str
    reason: str


NUMBER = re.compile(rf"\d+(?:\.\d+)?|[{CHINESE_DIGITS[:-2]}][{CHINESE_DIGITS}点]*(?<!点)")
QUALIFIER_WORDS = {
    "nearly": "近",
    "more-than": "超过/超/逾/余/多",
    "at-least": "以上",
    "estimated": "预计",
    "cumulative": "累计/半年来/以来/连续",
    "about": "约/左右",
}
GROWTH_WORDS = re.compile("增长|增加|下降|减少|提高|降低|回落|增幅|降幅|上升|增")
SHARE_WORDS = re.compile("率|比重|占|比例|覆盖")
DECLINE_WORDS = re.compile("下降|减少|降低|回落|降幅")


@lru_cache(maxsize=8)
def _breaks(text: str, breaks: str) -> tuple[int, ...]:
    return tuple(i for i, ch in enumerate(text) if ch in breaks)


def clause_bounds(text: str, start: int, end: int, breaks: str = CLAUSE_BREAKS) -> tuple[int, int]:
    """The clause around a span: from the last break before it to the next break after it."""
    at = _breaks(text, breaks)
    i = bisect.bisect_left(at, start)
    j = bisect.bisect_left(at, end)
    return (at[i - 1] + 1 if i else 0), (at[j] if j < len(at) else len(text))


def _inside_quotation(text: str, start: int, end: int) -> bool:
    """True when the span is inside “…” or 「…」 on its line: a name, not a figure."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    for opening, closing in (("“", "”"), ("「", "」"), ('"', '"'), ("《", "》")):
        if opening == closing:
            if before.count(opening) % 2 == 1:
                return True
        elif before.rfind(opening) > before.rfind(closing):
            return True
    return False


def _chinese_value(written: str) -> Decimal | None:
    try:
        return Decimal(str(cn2an.cn2an(written, "normal")))
    except (ValueError, KeyError, IndexError):
        return None


def _unit_after(text: str, at: int) -> tuple[str, int, bool]:
    """The unit written at `at` (after an optional 余/多), its end, and whether 余/多 came before it."""
    approx = text[at : at + 1] in ("余", "多")
    pos = at + 1 if approx else at
    m = unit_pattern().match(text, pos)
    return (m.group(), m.end(), approx) if m else ("", at, False)


def scan(text: str) -> tuple[list[Figure], list[Skipped]]:
    """Every figure the text writes, in text order, and the numbers that are not figures."""
    figures: list[Figure] = []
    skipped: list[Skipped] = []
    for m in NUMBER.finditer(text):
        found = _figure_at(text, m)
        if isinstance(found, Figure):
            figures.append(found)
        elif isinstance(found, Skipped):
            skipped.append(found)
    _sentence_qualifiers(text, figures)
    return figures, skipped


def _figure_at(text: str, m: re.Match[str]) -> Figure | Skipped | None:
    s, e, written = m.start(), m.end(), m.group()
    chinese = not written[0].isdigit()
    before, after = text[max(0, s - 1) : s], text[e : e + 4]
    rank = RANK.search(text[max(0, s - 12) : s])
    if rank and rank.end() == min(s, 12):
        return _rank_figure(text, s, e, written, chinese, rank.group(1))
    skip = _not_a_figure(text, s, e, written, chinese)
    if skip:
        return None if chinese else Skipped(s, e, written, skip)
    if chinese:
        stated = _chinese_value(written)
        if stated is None:
            return None
        if stated == 1 and text[max(0, s - 3) : s] != "百分之":
            return None  # 一 before a counting word is an article (一批, 一张蓝图), not a count
    else:
        stated = Decimal(written)
    unit_written, unit_end, approx_inside = _unit_after(text, e)
    percent_words = chinese and text[max(0, s - 3) : s] == "百分之"
    if percent_words:  # 百分之二十: the unit is written before the number
        unit_written, unit_end, approx_inside = "%", e, False
    qualifiers: list[str] = []
    evidence: list[str] = []
    if chinese and not unit_written and text[e : e + 1] == "大" and _cjk(text[e + 1 : e + 2]):
        unit_written, unit_end = "", e + 1  # 九大共建行动: nine major … (a count)
        unit = Unit("unit-count", "计数", "count", "unit-count", Decimal(1), True, "count")
        evidence.append("大 after a Chinese numeral counts the items named after it")
    elif not unit_written:
        if chinese:
            return None
        year = re.fullmatch(r"(19|20)\d\d", written)
        return Skipped(s, e, written, "a year or a name with a year" if year else "no unit after the number")
    else:
        unit = unit_for(unit_written)  # type: ignore[assignment]
        if unit is None:
            return None if chinese else Skipped(s, e, written, f"unknown unit {unit_written}")
        evidence.append(f"unit {unit_written} " + ("in our scheme" if unit.in_scheme else "NEW: not in our scheme"))
    if chinese and unit.kind == "count" and unit_written == "年":
        return None
    fig_start, fig_end = (s - 3 if percent_words else s), unit_end
    if approx_inside:
        qualifiers.append("more-than")
        evidence.append(f"{text[e]} between number and unit")
    # qualifiers written right before the number
    for word, slug in (
        ("超过", "more-than"),
        ("逾", "more-than"),
        ("超", "more-than"),
        ("近", "nearly"),
        ("约", "about"),
    ):
        if text[max(0, fig_start - len(word)) : fig_start] == word:
            qualifiers.append(slug)
            evidence.append(f"{word} before the number")
            fig_start -= len(word)
            break
    # and right after the unit
    tail = text[unit_end : unit_end + 2]
    threshold = False
    if tail.startswith("以上"):
        nxt = text[unit_end + 2 : unit_end + 3]
        threshold = unit.kind in ("money", "area") and _cjk(nxt)
        qualifiers.append("at-least")
        evidence.append("以上 after the unit" + (", then a noun: a size-class threshold" if threshold else ""))
        fig_end = unit_end + 2
    elif tail.startswith("多") or tail.startswith("余"):
        qualifiers.append("more-than")
        evidence.append(f"{tail[0]} after the unit")
        fig_end = unit_end + 1
    elif tail.startswith("左右"):
        qualifiers.append("about")
        evidence.append("左右 after the unit")
        fig_end = unit_end + 2
    c0, c1 = clause_bounds(text, fig_start, fig_end)
    prefix = text[c0:fig_start]
    if "预计" in prefix or "预计" in text[fig_end:c1] or text.startswith("(预计", c1):
        qualifiers.append("estimated")
        evidence.append("预计 in the clause")
    comparison = next((w for w in ("同比", "比上年", "比去年") if w in prefix), "")
    measure = _measure(unit, prefix, threshold)
    decline = measure == "growth" and bool(DECLINE_WORDS.search(prefix[-8:]))
    if decline:
        evidence.append("a decline (下降/减少 …): value negative; no convention for falls yet: decide")
    if measure == "growth" and comparison:
        evidence.append(f"{comparison} in the clause")
    qualifiers = list(dict.fromkeys(qualifiers))  # 约…左右 is one qualifier
    fig = Figure(
        fig_start,
        fig_end,
        written,
        stated,
        unit,
        measure,
        qualifiers,
        comparison,
        "chinese" if chinese else "arabic",
        (c0, fig_end),
        evidence,
        decline=decline,
    )
    fig.confidence = _confidence(fig, before, after)
    return fig


RANK = re.compile("(位列|位居|排名|排在|居)[\u4e00-\u9fff]{0,6}?第$")


def _rank_figure(text: str, s: int, e: int, written: str, chinese: bool, verb: str) -> Figure | None:
    """位列全市第一: a rank (第 N after 位列/位居/排名), with the rank as its value."""
    stated = _chinese_value(written) if chinese else Decimal(written)
    if stated is None:
        return None
    unit = scheme_units().get("名次") or Unit("unit-rank", "名次", "rank", "unit-rank", Decimal(1), True, "rank")
    start = s - 1
    c0, _ = clause_bounds(text, start, e)
    fig = Figure(start, e, written, stated, unit, "rank", [], "", "chinese" if chinese else "arabic", (c0, e))
    fig.evidence.append(f"第{written} after {verb}: a rank")
    fig.confidence = 0.75 if chinese else 0.9
    return fig


def _cjk(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def _not_a_figure(text: str, s: int, e: int, written: str, chinese: bool) -> str:
    """Why the number at s:e is not a figure, or '' when it may be one."""
    prev, nxt = text[s - 1 : s] if s else "", text[e : e + 1]
    if prev.isascii() and prev.isalpha() or nxt.isascii() and nxt.isalpha():
        return "part of a name written with Latin letters (PM2.5, PM10, 5G)"
    if prev in ("-", "~", "至") and s >= 2 and text[s - 2].isdigit() and text[e : e + 1] == "年":
        return "the end of a range of years"
    if _inside_quotation(text, s, e):
        return "inside quotation marks or a title 《…》: part of a name (“12345”)"
    if prev in "〔[【(" and text[e : e + 1] in "〕]】)":
        return "a note or document number in brackets"
    if prev == "第" or text[max(0, s - 2) : s] in ("十四", "十五"):
        return "an ordinal (第…)"
    if chinese and text.startswith("百分之", s):
        return "the 百 of 百分之 (percent written in words)"
    if chinese and (prev.isdigit() or text.startswith("次产业", e)):
        return "part of an Arabic number or a fixed term (三次产业)"
    if text.startswith("年", e) and not chinese and re.fullmatch(r"(19|20)\d\d", written):
        return "a year"
    if any(text.startswith(w, e) for w in NOT_UNITS):
        return f"a date, period or document number ({next(w for w in NOT_UNITS if text.startswith(w, e))})"
    if nxt in ":" and text[e + 1 : e + 2].isdigit() or prev == ":":
        return "part of a ratio a:b:c"
    if chinese and nxt in ("大",) and (prev == "的" or text.startswith("精神", e + 1) or not _cjk(text[e + 1 : e + 2])):
        return "a congress (党的二十大), not a count"
    return ""


def _measure(unit: Unit, prefix: str, threshold: bool) -> str:
    if threshold:
        return "threshold"
    if unit.kind == "ratio" or unit.kind == "points":
        if GROWTH_WORDS.search(prefix) and not SHARE_WORDS.search(prefix[-6:]):
            return "growth"
        return "share"
    if unit.kind == "times":
        return "multiple"
    if unit.kind == "rank":
        return "rank"
    if unit.kind in ("money", "area", "other"):
        return "amount"
    return "count"


def _confidence(fig: Figure, before: str, after: str) -> float:
    score = 0.95 if fig.unit.in_scheme else 0.7
    if fig.numeral == "chinese":
        score -= 0.25
    if fig.decline:
        score -= 0.3
    if fig.measure == "share" and not SHARE_WORDS.search(before + after):
        score -= 0.05
    return round(max(score, 0.1), 2)


def _sentence_qualifiers(text: str, figures: list[Figure]) -> None:
    """累计, 半年来, 以来 and 连续 make every later figure of their sentence cover a stated period."""
    for fig in figures:
        s0, _ = clause_bounds(text, fig.start, fig.end, SENTENCE_BREAKS)
        head = text[s0 : fig.start]
        marker = next((w for w in ("累计", "半年来", "以来", "连续") if w in head), "")
        if marker and "cumulative" not in fig.qualifiers:
            fig.qualifiers.append("cumulative")
            fig.evidence.append(f"{marker} earlier in the sentence: a period other than the year")
