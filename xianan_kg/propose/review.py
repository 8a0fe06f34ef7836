"""The review table of `propose` (CSV to edit, HTML to read) and `--accept`: the person's decisions as Turtle."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from xianan_kg.propose.draft import (
    NEW_QUALIFIERS,
    PREFIXES,
    QUALIFIER_LABELS,
    Proposal,
    decimal_literal,
    indicator_slug,
    qualifier_block,
    turtle_string,
    unique_quote,
    unit_block,
    zh_label,
)
from xianan_kg.propose.names import Name
from xianan_kg.propose.numbers import clause_bounds, scheme_units, unit_for
from xianan_kg.rdf.errors import InputError

COLUMNS = (
    "id",
    "decision",
    "line",
    "as_written",
    "stated",
    "unit_zh",
    "unit",
    "value",
    "base_unit",
    "measure",
    "qualifiers",
    "comparison",
    "indicator",
    "indicator_zh",
    "indicator_en",
    "indicator_reused",
    "label_en",
    "confidence",
    "quote",
    "evidence",
)
DECISIONS = ("", "accept", "reject")
MEASURES = ("amount", "count", "growth", "share", "multiple", "threshold", "rank")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def rows(text: str, proposals: list[Proposal]) -> list[dict[str, str]]:
    out = []
    for p in proposals:
        f = p.figure
        out.append(
            {
                "id": p.pid,
                "decision": "",
                "line": str(p.line),
                "as_written": text[f.start : f.end],
                "stated": decimal_literal(f.stated),
                "unit_zh": f.unit.zh,
                "unit": f.unit.slug + ("" if f.unit.in_scheme else " (NEW)"),
                "value": decimal_literal(f.value),
                "base_unit": f.unit.base,
                "measure": f.measure,
                "qualifiers": " ".join(f.qualifiers),
                "comparison": f.comparison,
                "indicator": indicator_slug(p),
                "indicator_zh": p.indicator.zh,
                "indicator_en": p.indicator.en,
                "indicator_reused": "yes" if p.indicator.reused else "NEW",
                "label_en": "",
                "confidence": str(f.confidence),
                "quote": p.quote,
                "evidence": "; ".join(f.evidence + [p.indicator.evidence]),
            }
        )
    return out


def review_csv(text: str, proposals: list[Proposal]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows(text, proposals))
    return buf.getvalue()


def names_html(text: str, names: list[Name]) -> str:
    """The proposed names beside their clause, with the class, NBS code and evidence to judge them by."""
    out = [
        f"<h2>{len(names)} proposed names</h2>\n<p>Generous on purpose: reject what is not a name.</p>\n<table>",
        "<tr><th>name</th><th>in its clause</th><th>class</th><th>NBS code</th><th>confidence</th><th>evidence</th></tr>",
    ]
    for n in names:
        c0, c1 = clause_bounds(text, n.start, n.end)
        c0, c1 = min(c0, n.start), max(c1, n.end)
        clause = (
            html.escape(text[c0 : n.start])
            + "<mark>"
            + html.escape(text[n.start : n.end])
            + "</mark>"
            + html.escape(text[n.end : c1])
        )
        code = n.division[0] if n.division else ""
        out.append(
            f"<tr><td>{html.escape(n.text)}</td><td>{clause}</td><td>{html.escape(n.kind)}</td><td>{code}</td>"
            f"<td>{n.confidence}</td><td>{html.escape('; '.join(n.evidence))}</td></tr>"
        )
    return "\n".join(out) + "\n</table>\n"


def review_html(text: str, proposals: list[Proposal], title: str, names: list[Name] | None = None) -> str:
    """One row per proposal: its sentence with the figure marked, and what a person decides."""
    head = (
        '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>body{{font-family:sans-serif;margin:1em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
        "mark{background:#ffe066}.new{color:#b00;font-weight:bold}.low{background:#fff3f3}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>{len(proposals)} proposed figures in text order. Decide in the CSV "
        "(column <code>decision</code>: accept or reject; edit any other column), then run "
        "<code>xianan-kg propose SOURCE --accept REVIEW.csv --out FILE.ttl</code>.</p>\n"
        "<table>\n<tr><th>id</th><th>sentence</th><th>stated · unit</th><th>value (base)</th>"
        "<th>measure · qualifiers</th><th>indicator</th><th>confidence</th><th>decide</th></tr>\n"
    )
    body = []
    for p, r in zip(proposals, rows(text, proposals), strict=True):
        f = p.figure
        s0, s1 = p.sentence
        sentence = (
            html.escape(text[s0 : f.start].strip())
            + "<mark>"
            + html.escape(text[f.start : f.end])
            + "</mark>"
            + html.escape(text[f.end : s1 + 1].rstrip())
        )
        unit = html.escape(f"{r['stated']} {f.unit.zh}") + (
            ' <span class="new">NEW unit</span>' if not f.unit.in_scheme else ""
        )
        ind = html.escape(f"{p.indicator.zh} {p.indicator.en}".strip())
        if not p.indicator.reused:
            ind = f'<span class="new">NEW</span> {ind}'
        decide = []
        if not f.unit.in_scheme:
            decide.append("accept the new unit")
        if not p.indicator.reused:
            decide.append("name the new indicator (en)")
        if f.numeral == "chinese":
            decide.append("is it a figure? (Chinese numeral)")
        cls = ' class="low"' if f.confidence < 0.8 else ""
        body.append(
            f"<tr{cls}><td>{p.pid}<br>line {p.line}</td><td>{sentence}</td><td>{unit}</td>"
            f"<td>{html.escape(r['value'])} {html.escape(f.unit.base)}</td>"
            f"<td>{html.escape(f.measure)}<br>{html.escape(r['qualifiers'])} {html.escape(f.comparison)}</td>"
            f"<td>{ind}</td><td>{f.confidence}</td><td>{html.escape('; '.join(decide)) or 'accept / reject'}</td></tr>"
        )
    tail = names_html(text, names) if names else ""
    return head + "\n".join(body) + "\n</table>\n" + tail + "</body>\n</html>\n"


def read_decisions(path: Path) -> dict[str, dict[str, str]]:
    """The review CSV by proposal id; one clear error when it is not a review table."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"id", "decision"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"{path}: not a review table of `propose` (no column {', '.join(sorted(missing))})")
            table = {r["id"]: r for r in reader}
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a CSV table ({exc})") from None
    for pid, r in table.items():
        if (r.get("decision") or "").strip().lower() not in DECISIONS:
            raise InputError(f"{path}: {pid}: decision must be accept, reject or empty, not {r['decision']!r}")
    return table


def accepted_turtle(
    text: str,
    proposals: list[Proposal],
    decisions: dict[str, dict[str, str]],
    ref_year: str,
    area: str,
    dataset: str,
    slug_prefix: str | None = None,
    name_blocks: list[tuple[int, str]] | None = None,
) -> tuple[str, int]:
    """The accepted figures in the conventions of data/README.md, in text order, and how many there are."""
    blocks: list[tuple[int, str]] = list(name_blocks or [])
    units: dict[str, str] = {}
    qualifiers: set[str] = set()
    indicators: dict[str, str] = {}
    used: set[str] = set()
    count = 0
    for p in proposals:
        r = decisions.get(p.pid)
        if r is None or (r.get("decision") or "").strip().lower() != "accept":
            continue
        count += 1
        f = p.figure
        try:
            stated = Decimal(r.get("stated") or decimal_literal(f.stated))
        except InvalidOperation:
            raise InputError(f"{p.pid}: stated value {r.get('stated')!r} is not a number") from None
        unit = f.unit
        unit_zh = (r.get("unit_zh") or unit.zh).strip()
        if unit_zh != unit.zh:
            found = unit_for(unit_zh) or scheme_units().get(unit_zh)
            if found is None:
                raise InputError(f"{p.pid}: unit {unit_zh!r} is neither in our scheme nor a 万/亿 multiple of one")
            unit = found
        if not unit.in_scheme:
            units[unit.slug] = unit_block(unit, proposed=False)
        quals = (r.get("qualifiers") or "").split()
        for q in quals:
            if q not in QUALIFIER_LABELS:
                raise InputError(f"{p.pid}: unknown qualifier {q!r} (one of {', '.join(QUALIFIER_LABELS)})")
        qualifiers |= set(quals) & NEW_QUALIFIERS
        ind_slug = (r.get("indicator") or indicator_slug(p)).strip()
        ind_zh, ind_en = (r.get("indicator_zh") or p.indicator.zh), (r.get("indicator_en") or p.indicator.en)
        if r.get("indicator_reused", "") != "yes" and ind_slug not in indicators:
            labels = [f"{turtle_string(ind_zh)}@zh"] + ([f"{turtle_string(ind_en)}@en"] if ind_en else [])
            indicators[ind_slug] = (
                f"xkind:{ind_slug} a xk:Indicator ;\n"
                "    skos:inScheme <https://xianan-kg.example.org/id/indicator-scheme> ;\n"
                f"    skos:prefLabel {' , '.join(labels)} ."
            )
            blocks.append((f.start, indicators[ind_slug] + "\n"))
        measure = (r.get("measure") or f.measure).strip()
        if measure not in MEASURES:
            raise InputError(f"{p.pid}: measure {measure!r} is not one of {', '.join(MEASURES)}")
        if not SLUG.fullmatch(ind_slug):
            raise InputError(
                f"{p.pid}: indicator {ind_slug!r} is not a slug (lower-case ASCII words joined by hyphens)"
            )
        slug = f"{ind_slug}{'' if measure in ('amount', 'count') else '-' + measure}-{ref_year or 'year'}"
        place = area.strip("<>").replace(":", "/").rsplit("/", 1)[-1]
        prefix = (place if place != "xianan" else "") if slug_prefix is None else slug_prefix
        if prefix:  # figures of another place or document must not take the review's IRIs
            slug = f"{prefix}-{slug}"
        if slug in used:
            slug += f"-{p.pid}"
        used.add(slug)
        value = -(stated * unit.factor) if f.decline else stated * unit.factor
        lines = [
            f"xkfig:{slug} a xk:Figure ;",
            f"    qb:dataSet <{dataset}> ;",
            f"    xk:indicator xkind:{ind_slug} ;",
            f"    xk:measureType xkc:measure-{measure} ;",
            f"    sdmx-dimension:refArea {area} ;",
        ]
        if ref_year:
            lines.append(f'    xk:refYear "{ref_year}"^^xsd:gYear ;')
            if measure == "growth" and (r.get("comparison") or f.comparison):
                lines.append(f'    xk:comparisonYear "{int(ref_year) - 1}"^^xsd:gYear ;')
        lines += [f"    xk:qualifier xkc:qualifier-{q} ;" for q in quals]
        lines.append(f"    xk:statedValue {decimal_literal(stated)} ; xk:statedUnit xkc:{unit.slug} ;")
        lines.append(f"    xk:value {decimal_literal(value)} ; xk:baseUnit xkc:{unit.base} ;")
        labels = [turtle_string(zh_label(ind_zh, p, text[f.start : f.end])) + "@zh"]
        label_en = (r.get("label_en") or "").strip()
        if label_en:
            labels.append(turtle_string(label_en) + "@en")
        lines.append(f"    rdfs:label {' , '.join(labels)} ;")
        lines.append(f"    xk:quote {turtle_string(p.quote)} .")
        blocks.append((f.start, "\n".join(lines) + "\n"))
    head = [
        "# Figures accepted by a person from the proposals of `xianan-kg propose`, in text order.",
        "",
        PREFIXES.replace("@prefix xkprop:  <https://xianan-kg.example.org/ontology/proposal#> .\n", "").replace(
            "@prefix xknam:   <https://xianan-kg.example.org/id/proposed-name/> .\n", ""
        ),
    ]
    head += [u + "\n" for u in units.values()]
    head += [qualifier_block(q, proposed=False) + "\n" for q in sorted(qualifiers)]
    ordered = [b for _, b in sorted(blocks, key=lambda pb: pb[0])]  # stable: an indicator before its figure
    return "\n".join(head + ordered), count


NAME_COLUMNS = ("id", "decision", "name", "class", "nbs_code", "slug", "label_en", "confidence", "quote", "evidence")
CLASS_PREFIX = {
    **dict.fromkeys(
        (
            "Place",
            "Area",
            "NaturalFeature",
            "Province",
            "PrefectureLevelDivision",
            "CountyLevelDivision",
            "TownshipLevelDivision",
            "Village",
        ),
        "xkp",
    ),
    **dict.fromkeys(("Organisation", "GovernmentBody", "Enterprise", "EducationalOrganisation"), "xko"),
    **dict.fromkeys(("Project", "InvestmentProject", "PublicWorksProject"), "xkj"),
    **dict.fromkeys(
        (
            "Facility",
            "IndustrialPark",
            "InnovationCentre",
            "School",
            "Kindergarten",
            "Hospital",
            "WelfareInstitution",
            "SportsAndCultureVenue",
            "Marketplace",
            "ScenicSpot",
            "Housing",
            "ServicePoint",
        ),
        "xkf",
    ),
    **dict.fromkeys(("Honour", "First"), "xkh"),
    **dict.fromkeys(
        (
            "Initiative",
            "Programme",
            "Practice",
            "ServiceBrand",
            "FinancialProduct",
            "RegionalBrand",
            "Plan",
            "Strategy",
        ),
        "xki",
    ),
}


def names_csv(text: str, names: list[Name]) -> str:
    """The proposed names to decide: accept needs a class of our ontology, a slug and an English label."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=NAME_COLUMNS, lineterminator="\n")
    w.writeheader()
    for i, n in enumerate(names, 1):
        quote, _ = unique_quote(text, n.start, n.end)
        w.writerow(
            {
                "id": f"n{i:03d}",
                "decision": "",
                "name": n.text,
                "class": n.kind if n.kind != "Name" else "",
                "nbs_code": n.division[0] if n.division else "",
                "slug": "",
                "label_en": "",
                "confidence": str(n.confidence),
                "quote": quote,
                "evidence": "; ".join(n.evidence),
            }
        )
    return buf.getvalue()


def accepted_name_blocks(text: str, names: list[Name], decisions: dict[str, dict[str, str]]) -> list[tuple[int, str]]:
    """The accepted names as nodes of their class, each with its position in the text."""
    by_id = {f"n{i:03d}": n for i, n in enumerate(names, 1)}
    unknown = sorted(set(decisions) - set(by_id))
    if unknown:
        raise InputError(f"names table: ids {', '.join(unknown[:5])} are not proposed names of this text")
    blocks = []
    for nid, r in decisions.items():
        if (r.get("decision") or "").strip().lower() != "accept":
            continue
        n = by_id[nid]
        cls, slug, label_en = ((r.get(k) or "").strip() for k in ("class", "slug", "label_en"))
        if cls not in CLASS_PREFIX:
            raise InputError(f"{nid}: class {cls!r} is not one of our classes ({', '.join(sorted(CLASS_PREFIX))})")
        if not SLUG.fullmatch(slug) or not label_en:
            raise InputError(
                f"{nid}: an accepted name needs a slug (lower-case ASCII words joined by hyphens) and label_en"
            )
        quote, _ = unique_quote(text, n.start, n.end)
        lines = [
            f"{CLASS_PREFIX[cls]}:{slug} a xk:{cls} ;",
            f"    rdfs:label {turtle_string(r.get('name') or n.text)}@zh , {turtle_string(label_en)}@en ;",
        ]
        code = (r.get("nbs_code") or "").strip()
        if code:
            if not re.fullmatch(r"\d{6}|\d{9}", code):
                raise InputError(f"{nid}: NBS code {code!r} has neither 6 nor 9 digits")
            lines.append(f'    xk:divisionCode "{code}" ;')
        lines.append(f"    xk:quote {turtle_string(quote)} .")
        blocks.append((n.start, "\n".join(lines) + "\n"))
    return blocks
