"""The NBS 2023 statistical division codes as a reference graph of its own: every province, prefecture and
county of China and the townships of Hubei (TOWNSHIPS_OF), so that a code or place name of a review resolves to
its official name and parent.

IRI pattern (stable, documented in data/links/README.md): `https://xianan-kg.example.org/id/division/{code}`
with the code as the NBS list writes it, whose length is the level: 2 digits for a province (42), 4 for a
prefecture (4212), 6 for a county (421202), 9 for a township (421202101). Four prefecture-level cities
without counties (东莞市 4419 …) appear again as a county (441900): two divisions, two IRIs. Each division is
a `skos:Concept` of the scheme `id/division/nbs-2023` with its official name (`skos:prefLabel`@zh), the
code as listed (`skos:notation`) and in the 6/9-digit form our data writes `xk:divisionCode`
(`dcterms:identifier`: 420000, 421200, 421202, 421202101), its parent (`skos:broader`; provinces are
`skos:topConceptOf`) and its level (`dcterms:type`, one of four concepts).

The graph is SKOS, not our ontology's classes, and the build keeps it out of reasoning: it is a code list
beside the review, not part of what the review says, so it changes none of the review's counts. It is made
as N-Triples text straight from the CSV files (about 45,000 divisions): rdflib would take far longer.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import BASE, ID, VOID, XK, bind_prefixes

NBS_DIR = paths.DATA_DIR / "reference" / "nbs-divisions-2023"
DIVISION_SPACE = BASE + "id/division/"
SCHEME = ID["division/nbs-2023"]
DATASET = ID["dataset/nbs-divisions-2023"]
WTFPL = URIRef("http://www.wtfpl.net/about/")
NBS = URIRef("http://www.stats.gov.cn/")
COMPILATION = URIRef("https://github.com/modood/Administrative-divisions-of-China")
LEVELS = {  # code length in the CSV files -> (level slug, zh, en)
    2: ("province", "省级", "Province level"),
    4: ("prefecture", "地级", "Prefecture level"),
    6: ("county", "县级", "County level"),
    9: ("township", "乡级", "Township level"),
}
# The release holds every province, prefecture and county of China, and the townships of these provinces only
# (Hubei's 1,475 of 41,352): enough to resolve any Hubei report's places, while the whole list (313,000 triples,
# 25 times the review) would make every query, page and build pay for it. `propose` reads the whole list.
TOWNSHIPS_OF = ("42",)
FILES = (
    ("provinces.csv", None),
    ("cities.csv", "provinceCode"),
    ("areas.csv", "cityCode"),
    ("streets.csv", "areaCode"),
)


@dataclass(frozen=True)
class Division:
    code: str  # as the NBS list writes it: 2, 4, 6 or 9 digits
    name: str
    parent: str | None  # the parent's code, as listed
    level: str

    @property
    def identifier(self) -> str:
        return full_code(self.code)

    @property
    def iri(self) -> URIRef:
        return division_iri(self.code)


def full_code(code: str) -> str:
    """The CSV's 2/4/6/9-digit code in the 6/9-digit form of xk:divisionCode: "42" → "420000", "4212" → "421200"."""
    return code if len(code) in (6, 9) else code.ljust(6, "0")


def division_iri(code: str) -> URIRef:
    return URIRef(DIVISION_SPACE + code)


def level_iri(slug: str) -> URIRef:
    return ID[f"division/level/{slug}"]


@cache
def read_divisions(nbs_dir: Path = NBS_DIR) -> tuple[Division, ...]:
    """Every division of the four files, parents before children; refuses a row whose parent is unknown."""
    out: list[Division] = []
    known: set[str] = set()
    for name, parent_column in FILES:
        path = nbs_dir / name
        try:
            with path.open(encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as exc:
            raise InputError(f"{path}: cannot read the NBS division codes ({exc.strerror})") from None
        for n, row in enumerate(rows, start=2):
            code, label = (row.get("code") or "").strip(), (row.get("name") or "").strip()
            if not code.isdigit() or len(code) not in LEVELS or not label:
                raise InputError(f"{path}:{n}: not a division row (code {code!r}, name {label!r})")
            parent = row[parent_column].strip() if parent_column else None
            if parent is not None and parent not in known:
                raise InputError(f"{path}:{n}: parent {parent} of {code} is not in the code list")
            division = Division(code, label, parent, LEVELS[len(code)][0])
            if division.code in known:
                raise InputError(f"{path}:{n}: code {division.code} appears twice")
            known.add(division.code)
            out.append(division)
    return tuple(out)


def _literal(text: str) -> str:
    """An N-Triples string: the names are plain CJK text, but escape what N-Triples requires anyway."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def metadata_graph(nbs_dir: Path = NBS_DIR) -> Graph:
    """The code list as a dataset (DCAT/VoID, provenance, licence) and a concept scheme, with its four levels."""
    g = bind_prefixes(Graph())
    for kind in (DCAT.Dataset, VOID.Dataset, PROV.Entity):
        g.add((DATASET, RDF.type, kind))
    for p, zh, en in (
        (DCTERMS.title, "统计用区划代码(2023年)", "Statistical division codes of China, 2023 edition"),
        (RDFS.label, "统计用区划代码(2023年)", "Statistical division codes of China, 2023 edition"),
        (
            DCTERMS.description,
            "国家统计局2023年统计用区划代码(截至2023年6月30日,2023年9月11日发布)中的全部省、地、县、乡级单位。",
            "Every province-, prefecture-, county- and township-level unit of the National Bureau of Statistics' "
            "2023 statistical division codes (as of 2023-06-30, published 2023-09-11), as compiled by "
            "modood/Administrative-divisions-of-China (commit 57a0aa9). A reference code list beside the review: "
            "not reasoned over, not counted among the review's facts. The source gives no English names.",
        ),
    ):
        g.add((DATASET, p, Literal(zh, lang="zh")))
        g.add((DATASET, p, Literal(en, lang="en")))
    g.add((DATASET, DCTERMS.publisher, NBS))
    g.add((NBS, RDF.type, FOAF.Organization))
    g.add((NBS, FOAF.name, Literal("国家统计局", lang="zh")))
    g.add((NBS, FOAF.name, Literal("National Bureau of Statistics of China", lang="en")))
    g.add((DATASET, DCTERMS.license, WTFPL))
    g.add(
        (
            DATASET,
            DCTERMS.rights,
            Literal("Compilation under the WTFPL; the codes are PRC statistical standards.", lang="en"),
        )
    )
    g.add((DATASET, DCTERMS.issued, Literal("2023-09-11", datatype=XSD.date)))
    g.add((DATASET, DCTERMS.temporal, Literal("2023", datatype=XSD.gYear)))
    g.add((DATASET, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/zh")))
    g.add((DATASET, DCTERMS.source, COMPILATION))
    g.add((DATASET, VOID.uriSpace, Literal(DIVISION_SPACE)))
    g.add((DATASET, VOID.rootResource, SCHEME))
    g.add((DATASET, VOID.entities, Literal(len(read_divisions(nbs_dir)))))
    for name, _ in FILES:
        path = nbs_dir / name
        dist = ID[f"dataset/nbs-divisions-2023/{name}"]
        g.add((DATASET, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"data/reference/nbs-divisions-2023/{name}", lang="en")))
        g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/text/csv")))
        g.add((dist, DCAT.accessURL, COMPILATION))
        g.add((dist, DCTERMS.license, WTFPL))
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, XK.sha256, Literal(hashlib.sha256(path.read_bytes()).hexdigest(), datatype=XSD.hexBinary)))
    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, Literal("统计用区划代码(2023年)", lang="zh")))
    g.add((SCHEME, SKOS.prefLabel, Literal("Statistical division codes of China, 2023", lang="en")))
    g.add((SCHEME, DCTERMS.source, DATASET))
    levels = ID["division/level"]
    g.add((levels, RDF.type, SKOS.ConceptScheme))
    g.add((levels, SKOS.prefLabel, Literal("区划级别", lang="zh")))
    g.add((levels, SKOS.prefLabel, Literal("Division levels", lang="en")))
    for slug, zh, en in LEVELS.values():
        level = level_iri(slug)
        g.add((level, RDF.type, SKOS.Concept))
        g.add((level, SKOS.inScheme, levels))
        g.add((level, SKOS.topConceptOf, levels))
        g.add((level, SKOS.prefLabel, Literal(zh, lang="zh")))
        g.add((level, SKOS.prefLabel, Literal(en, lang="en")))
    return g


def division_lines(nbs_dir: Path = NBS_DIR) -> list[str]:
    """One N-Triples line per statement about a division (not the metadata), written by hand for speed: the
    terms are fixed IRIs, digits and escaped names."""
    a, in_scheme, label, notation, identifier, kind = (
        f"<{p}>" for p in (RDF.type, SKOS.inScheme, SKOS.prefLabel, SKOS.notation, DCTERMS.identifier, DCTERMS.type)
    )
    broader, top, concept, scheme = (f"<{p}>" for p in (SKOS.broader, SKOS.topConceptOf, SKOS.Concept, SCHEME))
    lines = []
    for d in read_divisions(nbs_dir):
        if d.level == "township" and not d.code.startswith(TOWNSHIPS_OF):
            continue
        s = f"<{DIVISION_SPACE}{d.code}>"
        lines += [
            f"{s} {a} {concept} .\n",
            f"{s} {in_scheme} {scheme} .\n",
            f"{s} {label} {_literal(d.name)}@zh .\n",
            f'{s} {notation} "{d.code}" .\n',
            f'{s} {identifier} "{d.identifier}" .\n',
            f"{s} {kind} <{level_iri(d.level)}> .\n",
            f"{s} {top} {scheme} .\n" if d.parent is None else f"{s} {broader} <{DIVISION_SPACE}{d.parent}> .\n",
        ]
    return lines


@cache
def divisions_ntriples(nbs_dir: Path = NBS_DIR) -> str:
    """The whole graph as N-Triples, the metadata first (sorted), then the divisions in the files' order: the
    build writes it into the TriG as it is and sorts it into the N-Quads."""
    meta = sorted({line + "\n" for line in metadata_graph(nbs_dir).serialize(format="nt11").splitlines() if line})
    return "".join(meta) + "".join(division_lines(nbs_dir))


def divisions_graph(nbs_dir: Path = NBS_DIR) -> Graph:
    """The graph in rdflib, for callers that want to query it in Python (slow: parses some 300,000 triples)."""
    return bind_prefixes(Graph()).parse(data=divisions_ntriples(nbs_dir), format="nt")
