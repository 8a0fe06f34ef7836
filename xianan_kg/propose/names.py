"""Named things for `propose`: projects, parks, enterprises, facilities, honours, initiatives and places.

Without a segmenter or a model, names are found where the genre marks them: inside quotation marks, as
items of 、-lists, on caption lines, by the words they end in (…项目, …园区, …医院) and the honours they
start with (全国/省级…示范…). Places are resolved against the NBS division list (data/reference/).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from xianan_kg.rdf.paths import DATA_DIR

NBS_DIR = DATA_DIR / "reference" / "nbs-divisions-2023"

# The word a name ends in, and the class of our ontology it suggests.
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("示范基地", "Designation"),
    ("产业园", "IndustrialPark"),
    ("开发区", "IndustrialPark"),
    ("园区", "IndustrialPark"),
    ("科创中心", "InnovationCentre"),
    ("项目", "Project"),
    ("工程", "Project"),
    ("基地", "Facility"),
    ("中心", "Facility"),
    ("医院", "Hospital"),
    ("幼儿园", "Kindergarten"),
    ("福利院", "WelfareInstitution"),
    ("公园", "SportsAndCultureVenue"),
    ("滑雪馆", "SportsAndCultureVenue"),
    ("广场", "Marketplace"),
    ("街区", "Marketplace"),
    ("夜市", "Marketplace"),
    ("公寓", "Housing"),
    ("大楼", "Facility"),
    ("旅游区", "ScenicSpot"),
    ("奶牛场", "Facility"),
    ("司法所", "GovernmentBody"),
    ("宣传部", "GovernmentBody"),
    ("大会堂", "Facility"),
    ("集团", "Enterprise"),
    ("都市圈", "Area"),
    ("公园城市", "Plan"),
    ("新区", "Area"),
    ("思想", "Strategy"),
    ("证书", "First"),
    ("公司", "Enterprise"),
    ("大学", "EducationalOrganisation"),
    ("行动", "Programme"),
    ("活动", "Programme"),
    ("改革", "Programme"),
    ("整治", "Programme"),
    ("试点", "Programme"),
    ("先进单位", "Honour"),
    ("优秀单位", "Honour"),
    ("示范县", "Honour"),
    ("示范城市", "Honour"),
    ("文明城市", "Honour"),
)
# Words a name does not start with: verbs and function words that come before a name in this genre.
LEFT_STOPS = re.compile(
    "获批|获评|荣获|被评为|紧扣|做好|推进|推动|完成|建成|引入|引进|打造|实施|入选|成为|盘活|开展|深化|创建|发展|"
    "加快|积极|成功|全力|配合|举全区之力|建设|改造|新建|新增|发布|编制|持续|擦亮|纵深|探索|形成|"
    "首创|首建|首推|正式|率先|融入|学习运用|坚持|常态化|深入|抓好|筑牢|扩容|织密|实现|共同|以|在|"
    "的|和|与|及|了|为|是|将|对|把|从|等|有|作|让|被|获|年|全区上下|全国首本|一批|省级以上"
)
HONOUR = re.compile(
    r"(?:全国|全省|省级|国家|省|市级)[^,;。、“”\d]{2,24}?"
    r"(?:示范[县区市城]?(?:[(][^)]*[)])?|先进单位|优秀单位|先行区改革试点|工厂|企业|街区|(?=\d|全覆盖))"
)


UNIT_LINE = re.compile("(?:万|亿)?(?:元|亩|人|户|个|%|‰)|统计公报|政府工作报告")


@dataclass
class Name:
    """A proposed named thing with the words it came from."""

    start: int
    end: int
    text: str
    kind: str  # a class of our ontology (local name) or "Name" when only the marking says so
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.6
    division: tuple[str, str] | None = None  # (code, level) from the NBS list


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # Province, PrefectureLevelDivision, CountyLevelDivision, TownshipLevelDivision
    parent: str


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def divisions() -> dict[str, list[Division]]:
    """NBS divisions by full name and by short name (湖北省 → 湖北, 汀泗桥镇 → 汀泗桥)."""
    found: dict[str, list[Division]] = {}
    rows = (
        [(r["code"] + "0000", r["name"], "Province", "") for r in _read(NBS_DIR / "provinces.csv")]
        + [
            (r["code"] + "00", r["name"], "PrefectureLevelDivision", r["provinceCode"] + "0000")
            for r in _read(NBS_DIR / "cities.csv")
            if r["name"] not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
        ]
        + [(r["code"], r["name"], "CountyLevelDivision", r["cityCode"] + "00") for r in _read(NBS_DIR / "areas.csv")]
        + [(r["code"], r["name"], "TownshipLevelDivision", r["areaCode"]) for r in _read(NBS_DIR / "streets.csv")]
    )
    for code, name, level, parent in rows:
        d = Division(code, name, level, parent)
        found.setdefault(name, []).append(d)
        short = re.sub("(?:省|市|自治州|地区|区|县|镇|乡|街道|办事处|管理区)$", "", name)
        if short != name and len(short) >= 2:
            found.setdefault(short, []).append(d)
    return found


def resolve_place(name: str, home: str = "") -> tuple[Division | None, float, str]:
    """The division a name refers to, the confidence, and why; `home` is the document's own division code."""
    candidates = divisions().get(name, [])
    if not candidates:
        return None, 0.0, ""
    if len(candidates) == 1:
        d = candidates[0]
        return d, 0.9 if d.name == name else 0.75, f"NBS {d.code} {d.name}, the only division of that name"
    if home:
        near = [d for d in candidates if d.code.startswith(home[:4]) or d.parent.startswith(home[:4])]
        if len(near) == 1:
            d = near[0]
            return d, 0.7, f"NBS {d.code} {d.name}: {len(candidates)} divisions of that name, one in {home[:4]}"
        near = [d for d in candidates if d.code.startswith(home[:2])]
        if len(near) == 1:
            d = near[0]
            return (
                d,
                0.6,
                f"NBS {d.code} {d.name}: {len(candidates)} divisions of that name, one in province {home[:2]}",
            )
    levels = {"Province": 0, "PrefectureLevelDivision": 1, "CountyLevelDivision": 2, "TownshipLevelDivision": 3}
    top = min(candidates, key=lambda d: levels[d.level])
    if sum(levels[d.level] == levels[top.level] for d in candidates) == 1 and top.level != "TownshipLevelDivision":
        return top, 0.5, f"NBS {top.code} {top.name}: the only {top.level} of {len(candidates)} of that name"
    return None, 0.0, f"{len(candidates)} NBS divisions of that name: a person must choose"


@lru_cache(maxsize=1)
def _county_names() -> tuple[tuple[str, tuple[Division, ...]], ...]:
    levels = ("CountyLevelDivision", "PrefectureLevelDivision")
    return tuple(
        (name, tuple(d for d in ds if d.level in levels and d.name.startswith(name)))
        for name, ds in divisions().items()
        if len(name) >= 2 and any(d.level in levels for d in ds)
    )


def home_division(text: str) -> str:
    """The county-level (or higher) division the text names most often: whose document it is likely to be."""
    counts: dict[str, int] = {}
    for name, ds in _county_names():
        n = text.count(name)
        for d in ds:
            if n:
                counts[d.code] = counts.get(d.code, 0) + n * len(name)
    return max(counts, key=lambda c: counts[c]) if counts else ""


@lru_cache(maxsize=1)
def _first_chars() -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for name in divisions():
        if len(name) >= 2:
            lengths.setdefault(name[0], set()).add(len(name))
    return {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}


def _place_matches(flat: str) -> list[tuple[int, str]]:
    """Every (position, name) where a division name is written, longest names first."""
    names, first = divisions(), _first_chars()
    found = [
        (i, flat[i : i + length])
        for i, ch in enumerate(flat)
        for length in first.get(ch, ())
        if flat[i : i + length] in names
    ]
    return sorted(found, key=lambda m: -len(m[1]))


def _add(found: dict[tuple[int, int], Name], name: Name) -> None:
    text = name.text = re.sub(r"\s", "", name.text)
    quoted = "in quotation marks" in name.evidence
    if len(text) < 2 or re.fullmatch(r"[\d.%]+", text) and not quoted:
        return
    key = (name.start, name.end)
    if key in found:
        found[key].evidence.extend(e for e in name.evidence if e not in found[key].evidence)
        found[key].confidence = min(0.95, max(found[key].confidence, name.confidence) + 0.1)
        if found[key].kind == "Name":
            found[key].kind = name.kind
    else:
        found[key] = name


def _kind(text: str) -> str:
    return next((k for suffix, k in SUFFIXES if text.endswith(suffix)), "Name")


def _left_trim(segment: str) -> int:
    """Where a name starts in a segment: after the last stop word."""
    cut = 0
    for m in LEFT_STOPS.finditer(segment):
        if m.end() < len(segment) - 1:
            cut = m.end()
    return cut


def propose_names(text: str) -> list[Name]:
    """Every named thing the text marks, in text order."""
    found: dict[tuple[int, int], Name] = {}
    # 1. inside quotation marks; a quoted 、-list gives its items
    for m in re.finditer(r"[“「]([^”」\n]{1,40})[”」]", text):
        inner, at = m.group(1), m.start(1)
        parts = [(p.start(), p.group()) for p in re.finditer(r"[^、]+", inner)]
        for offset, part in parts:
            _add(found, Name(at + offset, at + offset + len(part), part, _kind(part), ["in quotation marks"], 0.7))
        # a quoted word glued to the name before or after it: 湖北科创“新物种”瞪羚企业, 浣河“一河两岸”…工程
        after = re.match(r"[\u4e00-\u9fff]{0,20}?(?:项目|工程|企业|改革|城市|街区)", text[m.end() : m.end() + 21])
        run = _back_run(text, m.start())
        if run >= 3 and not after:
            left = m.start() - run
            left += _left_trim(text[left : m.start()])
            if m.start() - left >= 3:
                piece = text[left : m.end()]
                _add(found, Name(left, m.start(), text[left : m.start()], "Name", ["glued to a quoted word"], 0.45))
                _add(found, Name(left, m.end(), piece, "Name", ["a quoted word at the end of a name"], 0.45))
        if after:
            if len(after.group()) >= 4:
                at2 = m.end()
                _add(
                    found,
                    Name(at2, at2 + after.end(), after.group(), _kind(after.group()), ["after a quoted word"], 0.45),
                )
            left = m.start() - _back_run(text, m.start())
            whole = text[left : m.end() + after.end()]
            whole_start = left + _left_trim(whole[: m.start() - left])
            piece = text[whole_start : m.end() + after.end()]
            _add(
                found,
                Name(whole_start, m.end() + after.end(), piece, _kind(piece), ["a quoted word inside a name"], 0.6),
            )
    # 2. caption lines: short lines without punctuation between blank lines
    for m in re.finditer(r"(?m)^([^\s,,。;;:!?“”、]{2,16})$", text):
        line = m.group(1)
        if (not re.search(r"\d", line) or "(" in line) and not UNIT_LINE.fullmatch(line):
            _add(
                found, Name(m.start(1), m.end(1), line, _kind(line), ["a line of its own (a caption or heading)"], 0.55)
            )
    # 3. 、-lists: each item is a name of the same kind
    for m in re.finditer(r"[^,,。;;:\n“”]+(?:、[^,,。;;:\n“”]+)+", _flat(text)):
        items = [(i.start() + m.start(), i.group()) for i in re.finditer(r"(?:[^、(]|\([^)]*\))+", m.group())]
        if any(re.search(r"\d", it) for _, it in items):
            continue
        first_at, first = items[0]
        cut = _left_trim(first)
        items[0] = (first_at + cut, first[cut:])
        kept = []
        for at, item in items:
            stop = re.search("等|建成|完成|以及|投资|签约|快速|一批|成功|分别|实现|六个|对外|通报|的|作", item[2:])
            if stop:
                kept.append((at, item[: stop.start() + 2]))
                rest = item[stop.end() + 2 :]
                if stop.group() == "以及" and rest:
                    kept.append((at + stop.end() + 2, rest))
                    continue
                break
            kept.append((at, item))
        for at, item in kept:
            item = item.strip()
            if 2 <= len(item) <= 24 and "(" not in item[:1]:
                _add(found, Name(at, at + len(item), item, _kind(item), ["an item of a 、-list"], 0.6))
    # 4. words a name ends in
    flat = _flat(text)
    for suffix, kind in SUFFIXES:
        for m in re.finditer(re.escape(suffix), flat):
            seg_start = max(flat.rfind(ch, 0, m.start()) for ch in ",,。;;:、“”\n") + 1
            segment = flat[seg_start : m.end()]
            cuts = {_left_trim(segment): 0.55}
            stop_at = LEFT_STOPS.search(segment)
            if stop_at and stop_at.end() < len(segment) - len(suffix):
                cuts.setdefault(stop_at.end(), 0.45)
            cuts.setdefault(0, 0.4)
            for cut, conf in cuts.items():
                name = segment[cut:]
                if len(name) > len(suffix) and len(name.strip()) <= 24:
                    _add(found, Name(seg_start + cut, m.end(), name, kind, [f"ends in {suffix}"], conf))
    # 5. honours: 全国/省级 … 示范 / 先进单位 …
    for m in HONOUR.finditer(flat):
        _add(found, Name(m.start(), m.end(), m.group(), "Honour", ["an honour: 全国/省级 … 示范/先进"], 0.6))
    # 6. places: NBS division names and their short forms
    home = home_division(text)
    taken: set[int] = set()
    for at, name in _place_matches(flat):
        span = set(range(at, at + len(name)))
        d, conf, why = resolve_place(name, home) if not span & taken else (None, 0.0, "")
        short = d is not None and d.name != name
        near = d is not None and (d.level in ("Province", "PrefectureLevelDivision") or d.code.startswith(home[:4]))
        local = d is not None and (
            d.level in ("Province", "PrefectureLevelDivision")
            or d.code.startswith(
                home[:2] if d.level != "TownshipLevelDivision" else home[:4] if home.endswith("00") else home[:6]
            )
        )
        if d is not None and (near if short else local or not home):
            taken |= span
            _add(found, Name(at, at + len(name), name, d.level, [why], conf, (d.code, d.level)))
    return sorted(found.values(), key=lambda n: (n.start, -n.end))


def _flat(text: str) -> str:
    """The text with page-break whitespace inside a sentence made harmless, offsets unchanged."""
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", lambda m: "\u3000" * len(m.group()), text)


def _back_run(text: str, at: int) -> int:
    n = 0
    while at - n - 1 >= 0 and "\u4e00" <= text[at - n - 1] <= "\u9fff" and n < 20:
        n += 1
    return n
