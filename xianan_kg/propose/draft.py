"""Proposals as Turtle: indicators matched to our scheme, the draft (marked as proposed), and the accepted file.

The draft marks every proposal with `xkprop:status xkprop:proposed`, a confidence and its evidence; a
person accepts proposals in the review table, and `accept` writes only those, in the conventions of
data/README.md (no proposal terms), in text order, for `xianan-kg validate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from xianan_kg.propose.names import Name
from xianan_kg.propose.numbers import CLAUSE_BREAKS, SENTENCE_BREAKS, Figure, Skipped, Unit, clause_bounds
from xianan_kg.rdf.namespaces import XK, XKIND
from xianan_kg.rdf.paths import DATA_DIR

PROPOSAL_NS = "https://xianan-kg.example.org/ontology/proposal#"
QUALIFIER_LABELS = {
    "nearly": ("近", "nearly"),
    "more-than": ("超过/余/多", "more than"),
    "at-least": ("以上", "at least"),
    "estimated": ("预计", "estimated"),
    "cumulative": ("累计", "cumulative over a stated period"),
    "about": ("约/左右", "about"),
}
NEW_QUALIFIERS = {"about"}  # not in ontology/schemes.ttl yet: proposed as new concepts
KIND_TO_CLASS = {"Name": "Thing"}
PREFIXES = """@prefix xk:      <https://xianan-kg.example.org/ontology#> .
@prefix xkc:     <https://xianan-kg.example.org/id/concept/> .
@prefix xkp:     <https://xianan-kg.example.org/id/place/> .
@prefix xko:     <https://xianan-kg.example.org/id/org/> .
@prefix xkj:     <https://xianan-kg.example.org/id/project/> .
@prefix xkf:     <https://xianan-kg.example.org/id/facility/> .
@prefix xkh:     <https://xianan-kg.example.org/id/honour/> .
@prefix xki:     <https://xianan-kg.example.org/id/initiative/> .
@prefix xkfig:   <https://xianan-kg.example.org/id/figure/> .
@prefix xkind:   <https://xianan-kg.example.org/id/indicator/> .
@prefix xkprop:  <https://xianan-kg.example.org/ontology/proposal#> .
@prefix xknam:   <https://xianan-kg.example.org/id/proposed-name/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix qb:      <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix schema:  <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


@dataclass(frozen=True)
class Indicator:
    slug: str
    zh: str
    en: str
    bases: frozenset[str]  # base units of the figures that use it in data/


@lru_cache(maxsize=4)
def scheme_indicators(data_dir: Path = DATA_DIR) -> tuple[Indicator, ...]:
    """The indicators of our scheme (data/*.ttl), with the base units their figures are in."""
    g = Graph()
    for path in sorted(data_dir.glob("*.ttl")):
        g.parse(path)
    found = []
    for ind in sorted(g.subjects(RDF.type, XK.Indicator)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        labels = {lit.language: str(lit) for lit in g.objects(ind, SKOS.prefLabel) if isinstance(lit, Literal)}
        bases = frozenset(str(g.value(fig, XK.baseUnit)).rsplit("/", 1)[-1] for fig in g.subjects(XK.indicator, ind))
        found.append(Indicator(str(ind).removeprefix(str(XKIND)), labels.get("zh", ""), labels.get("en", ""), bases))
    return tuple(found)


@lru_cache(maxsize=1)
def _indicator_bigrams() -> tuple[tuple[Indicator, frozenset[str]], ...]:
    return tuple((ind, frozenset(_bigrams(LABEL_TAIL.sub("", ind.zh)))) for ind in scheme_indicators())


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\s\d.%,,、。;;“”()()]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


LABEL_TAIL = re.compile("(?:数|面积|人数|户数|笔数|桌数|金额)$")
LEAD_WORDS = re.compile("^(?:其中|全年|全区|全县|全市|共|累计|完成|实现|达到|达|年末|初步核算|(?:19|20)\\d\\d年)+")
TRAIL_WORDS = re.compile("(?:同比|比上年)?(?:分别)?(?:增长|下降|达到|达|为|的|有|等)+$")
NOUN_AFTER = re.compile("[\u4e00-\u9fff“”]{1,12}?(?=有|位居|达|实现|完成|建成|落实|入驻|签订|获|被|〔|\\(|$)")


@dataclass
class IndicatorChoice:
    slug: str
    zh: str
    en: str
    reused: bool
    score: float
    evidence: str


def choose_indicator(text: str, fig: Figure, previous: Figure | None) -> IndicatorChoice:
    """The indicator of our scheme whose words the clause holds best, or a new one named by the clause."""
    c0, c1 = clause_bounds(text, fig.start, fig.end)
    clause = text[c0 : fig.start] + text[fig.end : c1]
    g0, g1 = clause_bounds(text, fig.start, fig.end, "、" + CLAUSE_BREAKS)
    segment = text[g0 : fig.start] + text[fig.end : g1]
    context = clause
    if previous is not None:
        s0, _ = clause_bounds(text, fig.start, fig.end, SENTENCE_BREAKS)
        p0, p1 = clause_bounds(text, previous.start, previous.end)
        if p0 >= s0 and p1 <= c0:
            context = text[p0 : previous.start] + text[previous.end : p1] + clause
    seg_bg, clause_bg, ctx_bg = _bigrams(segment), _bigrams(clause), _bigrams(context)
    base = fig.unit.base
    best: tuple[float, Indicator | None] = (0.0, None)
    for ind, label in _indicator_bigrams():
        if ind.bases and base not in ind.bases and not (fig.measure == "growth" and base == "unit-ratio"):
            continue
        if not label:
            continue
        s_seg = len(label & seg_bg) / len(label)
        s_clause = 0.95 * len(label & clause_bg) / len(label)
        s_ctx = 0.85 * len(label & ctx_bg) / len(label)
        score = max(s_seg, s_clause, s_ctx) + 0.1 * s_seg + 0.001 * len(label)
        if score > best[0]:
            best = (score, ind)
    score, chosen = best
    if chosen is not None and score >= 0.55:
        return IndicatorChoice(
            chosen.slug, chosen.zh, chosen.en, True, round(min(score, 1.0), 2), f"words of 〈{chosen.zh}〉"
        )
    prefix = TRAIL_WORDS.sub("", LEAD_WORDS.sub("", re.sub(r"\s", "", text[g0 : fig.start])))
    noun = NOUN_AFTER.match(re.sub(r"\s", "", text[fig.end : g1]))
    words = prefix
    if fig.measure == "count" and noun:
        words = ("" if len(prefix) > 8 or "“" in prefix else prefix) + noun.group()
    words = words or re.sub(r"\s", "", clause)
    return IndicatorChoice("", words[:30], "", False, round(score, 2), "no indicator of our scheme matches")


@dataclass
class Proposal:
    """A figure with its indicator, id and quote, ready to write."""

    pid: str
    figure: Figure
    indicator: IndicatorChoice
    quote: str
    line: int
    sentence: tuple[int, int]
    notes: list[str] = field(default_factory=list)


def _compact(s: str) -> str:
    return re.sub(r"\s", "", s)


@lru_cache(maxsize=4)
def _compact_text(text: str) -> str:
    return _compact(text)


def unique_quote(text: str, start: int, end: int) -> tuple[str, int]:
    """The clause around start:end, widened clause by clause until it occurs once in the text (whitespace dropped)."""
    flat = _compact_text(text)
    q0, q1 = clause_bounds(text, start, end)
    q1 = max(q1, end)
    for _ in range(20):
        quote = _compact(text[q0:q1])
        if flat.count(quote) == 1:
            break
        if q1 < len(text) and (q0 == 0 or _ % 2 == 0):
            q1 = clause_bounds(text, q1 + 1, q1 + 1)[1]
        elif q0 > 0:
            q0 = clause_bounds(text, q0 - 2, q0 - 2)[0]
    return _compact(text[q0:q1]), q0


def build_proposals(text: str, figures: list[Figure]) -> list[Proposal]:
    """Figures with their indicator and quote; a growth rate shares the indicator of the figure it follows."""
    proposals: list[Proposal] = []
    previous: Proposal | None = None
    for n, fig in enumerate(figures, 1):
        sentence = clause_bounds(text, fig.start, fig.end, SENTENCE_BREAKS)
        same_sentence = previous is not None and previous.figure.start >= sentence[0]
        ind = choose_indicator(text, fig, previous.figure if previous is not None else None)
        if previous is not None and same_sentence and fig.measure == "growth":
            ind = previous.indicator
        elif previous is not None and same_sentence and not ind.reused and ind.zh.startswith("占"):
            ind = IndicatorChoice("", previous.indicator.zh + ind.zh, "", False, ind.score, ind.evidence)
        q0 = (
            previous.figure.quote[0]
            if previous is not None and same_sentence and fig.measure == "growth"
            else fig.quote[0]
        )
        quote, _ = unique_quote(text, q0, fig.quote[1])  # a growth rate is quoted with the figure it qualifies
        times = _compact_text(text).count(quote)
        if times > 1:
            fig.evidence.append(f"the quote occurs {times} times in the text: lengthen it by hand")
            fig.confidence = round(max(fig.confidence - 0.3, 0.1), 2)
        line = text.count("\n", 0, fig.start) + 1
        proposal = Proposal(f"p{n:03d}", fig, ind, quote, line, sentence)
        if not ind.reused and not ind.slug:
            ind.slug = f"proposed-{proposal.pid}"
        proposals.append(proposal)
        if fig.measure != "growth":
            previous = proposal
    return proposals


GROWTH_PHRASE = re.compile("(?:同比|比上年|比去年)?(?:分别)?(?:增长|下降|增加|减少|提高|降低|回落)")


def zh_label(indicator_zh: str, p: Proposal, written: str) -> str:
    """The figure as the text says it: indicator, the growth words when it is a rate, the number and unit."""
    if p.figure.measure == "growth":
        words = GROWTH_PHRASE.findall(p.quote)
        return f"{indicator_zh}{words[-1] if words else '增长'}{written}"
    return f"{indicator_zh}{written}"


def turtle_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def decimal_literal(d: Decimal) -> str:
    """A decimal with a point and no exponent, so that Turtle reads it as xsd:decimal."""
    s = format(d.normalize(), "f")
    return s if "." in s else s + ".0"


def _new_indicator_slug(p: Proposal) -> str:
    return f"proposed-{p.pid}"


def indicator_slug(p: Proposal) -> str:
    return p.indicator.slug or _new_indicator_slug(p)


def figure_block(p: Proposal, ref_year: str, proposed: bool, area: str = "", dataset: str = "") -> str:
    f = p.figure
    lines = [f"xkfig:{p.pid} a xk:Figure ;"]
    if proposed:
        lines += [
            "    xkprop:status xkprop:proposed ;",
            f"    xkprop:confidence {f.confidence} ;",
            f"    xkprop:evidence {turtle_string('; '.join(f.evidence + [p.indicator.evidence]))} ;",
        ]
    if dataset:
        lines.append(f"    qb:dataSet <{dataset}> ;")
    lines.append(f"    xk:indicator xkind:{indicator_slug(p)} ;")
    lines.append(f"    xk:measureType xkc:measure-{f.measure} ;")
    if area:
        lines.append(f"    sdmx-dimension:refArea {area} ;")
    if ref_year:
        lines.append(f'    xk:refYear "{ref_year}"^^xsd:gYear ;')
        if f.measure == "growth" and f.comparison:
            lines.append(f'    xk:comparisonYear "{int(ref_year) - 1}"^^xsd:gYear ;')
    for q in f.qualifiers:
        lines.append(f"    xk:qualifier xkc:qualifier-{q} ;")
    lines.append(f"    xk:statedValue {decimal_literal(f.stated)} ; xk:statedUnit xkc:{f.unit.slug} ;")
    lines.append(f"    xk:value {decimal_literal(f.value)} ; xk:baseUnit xkc:{f.unit.base} ;")
    label_zh = zh_label(p.indicator.zh, p, f.number + (f.unit.zh if f.unit.slug != "unit-count" else ""))
    labels = [f"{turtle_string(label_zh)}@zh"]
    if p.indicator.en:
        labels.append(turtle_string(f"{p.indicator.en}: {f.number} {f.unit.en}") + "@en")
    lines.append(f"    rdfs:label {' , '.join(labels)} ;")
    lines.append(f"    xk:quote {turtle_string(p.quote)} .")
    return "\n".join(lines)


def unit_block(u: Unit, proposed: bool) -> str:
    lines = [
        f"xkc:{u.slug} a xk:UnitOfMeasure ; skos:inScheme xkc:units ; skos:broader xkc:{u.base} ;",
        f"    skos:prefLabel {turtle_string(u.zh)}@zh , {turtle_string(u.en)}@en ;",
    ]
    if proposed:
        lines.append(
            '    xkprop:status xkprop:proposed ; xkprop:evidence "a unit the text writes that our scheme lacks" ;'
        )
    lines.append(f"    xk:unitBase xkc:{u.base} ; xk:conversionFactor {decimal_literal(u.factor)} .")
    return "\n".join(lines)


def indicator_block(p: Proposal, proposed: bool) -> str:
    labels = [f"{turtle_string(p.indicator.zh)}@zh"]
    if p.indicator.en:
        labels.append(f"{turtle_string(p.indicator.en)}@en")
    lines = [
        f"xkind:{indicator_slug(p)} a xk:Indicator ;",
        "    skos:inScheme <https://xianan-kg.example.org/id/indicator-scheme> ;",
    ]
    if proposed:
        lines.append(
            '    xkprop:status xkprop:proposed ; xkprop:evidence "no indicator of our scheme matches the words" ;'
        )
    lines.append(f"    skos:prefLabel {' , '.join(labels)} .")
    return "\n".join(lines)


def qualifier_block(slug: str, proposed: bool) -> str:
    zh, en = QUALIFIER_LABELS[slug]
    extra = '\n    xkprop:status xkprop:proposed ; xkprop:evidence "a qualifier our scheme lacks" ;' if proposed else ""
    return (
        f"xkc:qualifier-{slug} a xk:Qualifier ; skos:inScheme xkc:qualifiers ;{extra}\n"
        f"    skos:prefLabel {turtle_string(zh)}@zh , {turtle_string(en)}@en ."
    )


def name_block(i: int, n: Name, text: str) -> str:
    quote, _ = unique_quote(text, *_name_quote_bounds(text, n))
    lines = [
        f"xknam:n{i:03d} a xkprop:NameProposal ;",
        "    xkprop:status xkprop:proposed ;",
        f"    xkprop:suggestedClass xk:{n.kind if n.kind != 'Name' else 'Thing'} ;",
        f"    xkprop:confidence {n.confidence} ;",
        f"    xkprop:evidence {turtle_string('; '.join(n.evidence))} ;",
    ]
    if n.division:
        lines.append(f'    xk:divisionCode "{n.division[0]}" ;')
    lines.append(f"    rdfs:label {turtle_string(n.text)}@zh ;")
    lines.append(f"    xk:quote {turtle_string(quote)} .")
    return "\n".join(lines)


def _name_quote_bounds(text: str, n: Name) -> tuple[int, int]:
    return n.start, n.end


def draft(
    source: Path,
    sha256: str,
    text: str,
    proposals: list[Proposal],
    names: list[Name],
    skipped: list[Skipped],
    ref_year: str,
    message: str = "",
) -> str:
    """The whole draft: header, new concepts, figures and names in text order, all marked as proposed."""
    out = [
        f"# Draft proposed by `xianan-kg propose` from {source.name} (sha256 {sha256}).",
        "# Every node is marked xkprop:status xkprop:proposed with a confidence and its evidence:",
        "# nothing here is accepted. Review it in the review table, then `xianan-kg propose SOURCE",
        "# --accept REVIEW.csv --out FILE.ttl` writes the accepted figures in the data conventions.",
        f"# {len(proposals)} figures, {len(names)} names; {len(skipped)} numbers not proposed (listed below).",
    ]
    if ref_year:
        out.append(f"# Reference year {ref_year}: see the review table for where it came from.")
    if message:
        out.append(f"# {message}")
    for s in skipped:
        out.append(f"#   not a figure: {s.text!s} at {s.start}: {s.reason}")
    out.append("")
    out.append(PREFIXES)
    units = {p.figure.unit.slug: p.figure.unit for p in proposals if not p.figure.unit.in_scheme}
    for u in units.values():
        out.append(unit_block(u, proposed=True) + "\n")
    for q in sorted({q for p in proposals for q in p.figure.qualifiers} & NEW_QUALIFIERS):
        out.append(qualifier_block(q, proposed=True) + "\n")
    emitted: set[str] = set()
    for p in proposals:
        out.append(
            f"# [{p.pid}] line {p.line} · confidence {p.figure.confidence} · indicator "
            f"{'reused' if p.indicator.reused else 'NEW'} ({p.indicator.score})"
        )
        if not p.indicator.reused and indicator_slug(p) not in emitted:
            emitted.add(indicator_slug(p))
            out.append(indicator_block(p, proposed=True))
        out.append(figure_block(p, ref_year, proposed=True) + "\n")
    for i, n in enumerate(names, 1):
        out.append(name_block(i, n, text) + "\n")
    return "\n".join(out)
