"""Find Wikidata items for our places, organisations and facilities, and say how sure we are.

Two ways, in order of trust:

1. **The division code** (P442), an exact key: exactly one item carrying our code
   gives `owl:sameAs`. Several items with one code are a question for a person.
   The key is derived here, at link time, from the NBS code the data states
   (`xk:divisionCode`, `wikidata.p442_form`): the data keeps no township code in a
   form that no source gives.
2. **The Chinese name in context**: an item whose Chinese label or alias is one of
   our names, scored on the name, its type (P31) and where it lies (P131). A single
   best candidate at or above the threshold gives `skos:closeMatch`; everything
   else goes to the review report. A candidate whose division code or location
   contradicts ours is never linked, whatever its score.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from xianan_kg.link.linkset import MATCH_KEY, MATCH_LABEL
from xianan_kg.link.wikidata import (
    DIVISION_CODE,
    LABEL_TAGS,
    codes_compatible,
    item_facts_queries,
    items_by_code_query,
    items_by_name_query,
    p442_form,
)
from xianan_kg.rdf.namespaces import XK


class Store(Protocol):
    """What the reconciler asks of a store (any of xianan_kg.store's): answers to a SELECT, as rows of terms."""

    def query(self, sparql: str, *, inferred: bool = True) -> Any: ...


# Score = 0.5 name + 0.25 type + 0.25 location; each part is 1 (fits), 0.5 (unknown) or 0 (differs).
# An exact label alone (no type, no location known) scores 0.75: below the default threshold of 0.8.
WEIGHTS = {"name": Decimal("0.5"), "type": Decimal("0.25"), "location": Decimal("0.25")}
FITS, UNKNOWN, DIFFERS = Decimal(1), Decimal("0.5"), Decimal(0)
LABEL_EXACT, LABEL_OTHER = Decimal(1), Decimal("0.9")
EXACT_KEY = Decimal("1.000")
PLACES = Decimal("0.001")  # scores are written with three decimals, so equal scores are equal literals

# Words that the label of a fitting Wikidata class (the object of P31) contains, by our class.
# English words match whole words; Chinese ones match anywhere in the label.
TYPE_WORDS: dict[URIRef, tuple[str, ...]] = {
    XK.Country: ("country", "sovereign state", "国家"),
    XK.Province: ("province", "municipality", "autonomous region", "省", "直辖市", "自治区"),
    XK.PrefectureLevelDivision: ("prefecture", "city", "地级市", "城市", "自治州"),
    XK.CountyLevelDivision: ("district", "county", "市辖区", "县"),
    XK.TownshipLevelDivision: ("town", "township", "subdistrict", "镇", "乡", "街道"),
    XK.Area: ("area", "region", "片区", "新区", "都市圈", "城区"),
    XK.NaturalFeature: ("river", "lake", "mountain", "河", "湖", "山"),
    XK.GovernmentBody: ("government", "committee", "agency", "department", "政府", "委员会", "机关"),
    XK.Enterprise: ("company", "enterprise", "business", "corporation", "公司", "企业", "集团"),
    XK.EducationalOrganisation: ("university", "college", "school", "大学", "学院", "学校"),
    XK.Facility: ("building", "facility", "建筑", "设施"),
    XK.IndustrialPark: ("industrial park", "development zone", "economic zone", "开发区", "园区", "产业园"),
    XK.InnovationCentre: ("innovation", "incubator", "创新", "孵化"),
    XK.School: ("school", "学校", "小学", "中学"),
    XK.Kindergarten: ("kindergarten", "preschool", "幼儿园"),
    XK.Hospital: ("hospital", "医院"),
    XK.WelfareInstitution: ("welfare", "nursing home", "福利院", "养老"),
    XK.SportsAndCultureVenue: ("stadium", "sports venue", "ski", "体育", "滑雪", "文化"),
    XK.Marketplace: ("market", "shopping", "commercial street", "市场", "夜市", "商业街", "广场"),
    XK.ScenicSpot: ("tourist attraction", "scenic", "park", "景区", "公园", "景点"),
    XK.Housing: ("housing", "apartment", "residential", "住房", "公寓", "小区"),
    XK.ServicePoint: ("service", "station", "服务", "驿站", "中心"),
}

# Sets of things (e.g. "23 Wuhan universities") have no single counterpart to link to.
NOT_LINKABLE = {XK.OrganisationGroup}
LINKABLE_ROOTS = (XK.Place, XK.Organisation)
BATCH = 50


@dataclass(frozen=True)
class Entity:
    """One of our places, organisations or facilities, with what identifies it and where it lies."""

    iri: URIRef
    label: str
    names: tuple[str, ...]
    classes: frozenset[URIRef]
    code: str | None
    context_codes: tuple[str, ...]
    context_names: frozenset[str]

    @property
    def is_division(self) -> bool:
        return XK.AdministrativeDivision in self.classes


@dataclass
class ItemFacts:
    """What the endpoint says about a candidate item."""

    labels: dict[str, str] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)
    class_labels: set[str] = field(default_factory=set)
    above_codes: set[str] = field(default_factory=set)
    above_names: set[str] = field(default_factory=set)

    def label(self, item: URIRef) -> str:
        for tag in LABEL_TAGS:
            if tag in self.labels:
                return self.labels[tag]
        return str(item).rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    item: URIRef
    item_label: str
    method: URIRef
    matched_on: Literal
    score: Decimal
    evidence: str
    conflict: str = ""


@dataclass(frozen=True)
class Decision:
    """A candidate and what became of it: a link (predicate set) or the review report (predicate None)."""

    candidate: Candidate
    predicate: URIRef | None
    reason: str


# --- Our side ---


def _zh(graph: Graph, node: Node, prop: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(node, prop) if isinstance(o, Literal) and o.language == "zh")


def p442_key(graph: Graph, node: Node) -> str | None:
    """The node's division code in Wikidata's P442 form, derived from its NBS code (xk:divisionCode); None
    for a node without one, or with a code that is not a 6- or 9-digit NBS code (the shapes report it)."""
    code = graph.value(node, XK.divisionCode)
    if code is None or not DIVISION_CODE.fullmatch(str(code)):
        return None
    return p442_form(str(code))


def entities(graph: Graph) -> list[Entity]:
    """Our linkable things from ontology + data: every Place or Organisation except sets of organisations."""
    out = []
    for iri in sorted({s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        classes = frozenset(
            c for t in graph.objects(iri, RDF.type) for c in graph.transitive_objects(t, RDFS.subClassOf)
        )
        if not classes & set(LINKABLE_ROOTS) or classes & NOT_LINKABLE:
            continue
        labels = _zh(graph, iri, RDFS.label)
        if not labels:
            continue
        above = [p for p in graph.transitive_objects(iri, XK.locatedIn) if p is not None and p != iri]
        code = p442_key(graph, iri)
        out.append(
            Entity(
                iri=iri,
                label=labels[0],
                names=tuple(dict.fromkeys([labels[0], *_zh(graph, iri, SKOS.altLabel)])),
                classes=frozenset(c for c in classes if isinstance(c, URIRef) and c.startswith(str(XK))),
                code=code,
                context_codes=tuple(c for p in above if (c := p442_key(graph, p))),
                context_names=frozenset(
                    n for p in above for prop in (RDFS.label, SKOS.altLabel) for n in _zh(graph, p, prop)
                ),
            )
        )
    return out


# --- Their side ---


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _rows(store: Store, sparql: str) -> list[dict[str, Any]]:
    """The rows, each column's kind of term as the query makes it (an item's IRI, a label's literal)."""
    return store.query(sparql).rows


def items_by_code(store: Store, codes: Iterable[str]) -> dict[str, set[URIRef]]:
    found: dict[str, set[URIRef]] = defaultdict(set)
    for batch in _batches(sorted(set(codes))):
        for row in _rows(store, items_by_code_query(batch)):
            found[str(row["code"])].add(row["item"])
    return found


def items_by_name(store: Store, names: Iterable[str]) -> dict[str, dict[URIRef, str]]:
    """name → item → "label" or "alias" (a label wins over an alias)."""
    found: dict[str, dict[URIRef, str]] = defaultdict(dict)
    for batch in _batches(sorted(set(names))):
        for row in _rows(store, items_by_name_query(batch)):
            by_item = found[str(row["name"])]
            if by_item.get(row["item"]) != "label":
                by_item[row["item"]] = str(row["via"])
    return found


def item_facts(store: Store, items: Iterable[URIRef]) -> dict[URIRef, ItemFacts]:
    facts: dict[URIRef, ItemFacts] = defaultdict(ItemFacts)
    for batch in _batches(sorted(set(items))):
        queries = item_facts_queries(batch)
        for row in _rows(store, queries["label"]):
            facts[row["item"]].labels.setdefault(row["label"].language or "", str(row["label"]))
        for row in _rows(store, queries["code"]):
            facts[row["item"]].codes.add(str(row["code"]))
        for row in _rows(store, queries["class"]):
            facts[row["item"]].class_labels.add(str(row["classLabel"]))
        for row in _rows(store, queries["above"]):
            if "code" in row:
                facts[row["item"]].above_codes.add(str(row["code"]))
            if "label" in row:
                facts[row["item"]].above_names.add(str(row["label"]))
    return facts


# --- Scoring ---


def _word_in(word: str, text: str) -> bool:
    if word.isascii():
        return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None
    return word in text


def type_fit(entity: Entity, facts: ItemFacts) -> tuple[Decimal, str]:
    if entity.is_division and facts.codes:
        return FITS, f"type fits: has a division code (P442 {', '.join(sorted(facts.codes))})"
    if not facts.class_labels:
        return UNKNOWN, "type unknown: no labelled P31"
    words = [w for c in sorted(entity.classes) for w in TYPE_WORDS.get(c, ())]
    for label in sorted(facts.class_labels):
        if any(_word_in(w, label) for w in words):
            return FITS, f"type fits: P31 {label}"
    return DIFFERS, f"type differs: P31 {', '.join(sorted(facts.class_labels))}"


def location_fit(entity: Entity, facts: ItemFacts) -> tuple[Decimal, str, str]:
    """(part of the score, evidence, conflict). Codes decide where both sides have them; names otherwise."""
    if entity.context_codes and facts.above_codes:
        ours = entity.context_codes
        deepest = max(ours, key=lambda c: len(c.split()))
        clash = sorted(c for c in facts.above_codes if not codes_compatible(c, deepest))
        if clash:
            where = f"P131 places with codes {', '.join(clash)}, ours in {', '.join(ours)}"
            return DIFFERS, f"location differs: {where}", f"located elsewhere ({where})"
        shared = sorted(set(ours) & facts.above_codes)
        if shared:
            return FITS, f"location fits: P131 place with code {shared[-1]}", ""
    shared_names = sorted(entity.context_names & facts.above_names)
    if shared_names:
        return FITS, f"location fits: P131 {shared_names[0]}", ""
    return UNKNOWN, "location unknown", ""


def score_label_candidate(entity: Entity, item: URIRef, name: str, via: str, facts: ItemFacts) -> Candidate:
    name_fit = LABEL_EXACT if (name == entity.label and via == "label") else LABEL_OTHER
    type_part, type_evidence = type_fit(entity, facts)
    location_part, location_evidence, conflict = location_fit(entity, facts)
    if entity.code and facts.codes and entity.code not in facts.codes:
        conflict = f"division code differs (P442 {', '.join(sorted(facts.codes))}, ours {entity.code})"
    parts = WEIGHTS["name"] * name_fit + WEIGHTS["type"] * type_part + WEIGHTS["location"] * location_part
    score = parts.quantize(PLACES)
    evidence = f"name {name} ({via}); {type_evidence}; {location_evidence}"
    return Candidate(entity, item, facts.label(item), MATCH_LABEL, Literal(name, lang="zh"), score, evidence, conflict)


# --- Deciding ---


def reconcile(ours: list[Entity], store: Store, threshold: Decimal) -> list[Decision]:
    """Every candidate found for every entity, each with its decision, in a stable order."""
    by_code = items_by_code(store, (e.code for e in ours if e.code))
    by_name = items_by_name(store, (n for e in ours for n in e.names))
    candidates = {i for items in by_code.values() for i in items} | {i for m in by_name.values() for i in m}
    facts = item_facts(store, candidates)
    decisions: list[Decision] = []
    for entity in ours:
        decisions += _decide(entity, by_code, by_name, facts, threshold)
    return decisions


def _decide(
    entity: Entity,
    by_code: dict[str, set[URIRef]],
    by_name: dict[str, dict[URIRef, str]],
    facts: dict[URIRef, ItemFacts],
    threshold: Decimal,
) -> list[Decision]:
    out: list[Decision] = []
    keyed = sorted(by_code.get(entity.code, ())) if entity.code else []
    for item in keyed:
        candidate = Candidate(
            entity,
            item,
            facts[item].label(item),
            MATCH_KEY,
            Literal(entity.code),
            EXACT_KEY,
            f"P442 {entity.code} equals our division code",
        )
        if len(keyed) == 1:
            out.append(Decision(candidate, OWL.sameAs, "exact division code"))
        else:
            out.append(
                Decision(candidate, None, f"ambiguous key: {len(keyed)} items share division code {entity.code}")
            )

    best: dict[URIRef, Candidate] = {}
    for name in entity.names:
        for item, via in by_name.get(name, {}).items():
            if item in keyed:
                continue
            candidate = score_label_candidate(entity, item, name, via, facts[item])
            if item not in best or candidate.score > best[item].score:
                best[item] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, str(c.item)))
    eligible = [c for c in ranked if not c.conflict and c.score >= threshold]
    for c in ranked:
        if c.conflict:
            out.append(Decision(c, None, f"conflict: {c.conflict}"))
        elif c.score < threshold:
            out.append(Decision(c, None, f"score below the threshold {threshold}"))
        elif len(keyed) == 1:
            out.append(Decision(c, None, f"already linked by division code to {keyed[0]}"))
        elif len(eligible) > 1:
            out.append(Decision(c, None, f"ambiguous: {len(eligible)} candidates at or above the threshold"))
        else:
            out.append(Decision(c, SKOS.closeMatch, f"name in context, score at or above {threshold}"))
    return out
