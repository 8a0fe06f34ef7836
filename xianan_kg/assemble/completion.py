"""completion.json: what the query editor offers as you type, written by the build beside the graph.

Prefixes, our classes and properties, SKOS concepts and every named thing, each by its
compact IRI and its names in Chinese and English, Chinese names also in toneless pinyin
(xiananqu) and by initials (xaq), so that a reader without a Chinese keyboard finds
咸安区 too. The editor inserts the compact IRI; its PREFIX line follows from `prefixes`.
Pinyin is computed here, at build time, so that serving needs no dictionary; the file is a
pure function of the asserted graphs (sorted, no timestamps), like every release file.
"""

from __future__ import annotations

import json
import re

from pypinyin import Style, lazy_pinyin
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from xianan_kg.rdf.namespaces import PREFIXES
from xianan_kg.rdf.release import COMPLETION

FILE = COMPLETION
KIND_ORDER = ("class", "property", "concept", "entity")
PROPERTY_TYPES = (RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
CLASS_TYPES = (OWL.Class, RDFS.Class)
NAMES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
HAN = re.compile(r"[\u3400-\u9fff]")
LOCAL_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def compact(iri: str) -> str:
    """`xkp:xianan` for an IRI in one of our namespaces (the longest that fits), else `<iri>`."""
    best = max(
        ((p, str(ns)) for p, ns in PREFIXES.items() if iri.startswith(str(ns))), key=lambda pn: len(pn[1]), default=None
    )
    if best is not None and LOCAL_NAME.match(iri[len(best[1]) :]):
        return f"{best[0]}:{iri[len(best[1]) :]}"
    return f"<{iri}>"


def pinyin(text: str) -> tuple[str, str]:
    """Toneless pinyin of the Han characters and their initials: 咸安区 → ("xiananqu", "xaq"); others dropped."""
    han = "".join(HAN.findall(text))
    if not han:
        return "", ""
    syllables = lazy_pinyin(han, style=Style.NORMAL, errors="ignore")
    return "".join(syllables).lower(), "".join(s[0] for s in syllables if s).lower()


def _kind(graph: Graph, subject: URIRef) -> str:
    types = set(graph.objects(subject, RDF.type))
    if types & set(CLASS_TYPES):
        return "class"
    if types & set(PROPERTY_TYPES):
        return "property"
    if SKOS.Concept in types or (subject, SKOS.inScheme, None) in graph:
        return "concept"
    return "entity"


def completion_index(ontology: Graph, data: Graph) -> dict:
    """{"prefixes": {prefix: namespace}, "terms": [{"iri", "kind", "names": [[lang, text]], "pinyin", "initials"}]}."""
    graph = ontology + data
    terms = []
    subjects = sorted({s for p in NAMES for s in graph.subjects(p, None) if isinstance(s, URIRef)})
    for subject in subjects:
        names = sorted(
            {
                (o.language or "", str(o))
                for p in NAMES
                for o in graph.objects(subject, p)
                if isinstance(o, Literal) and o.language in ("zh", "en")
            }
        )
        if not names:
            continue
        zh = [text for lang, text in names if lang == "zh"]
        spoken = [pinyin(text) for text in zh]
        terms.append(
            {
                "iri": compact(str(subject)),
                "kind": _kind(graph, subject),
                "names": [list(pair) for pair in names],
                "pinyin": sorted({p for p, _ in spoken if p}),
                "initials": sorted({i for _, i in spoken if i}),
            }
        )
    terms.sort(key=lambda t: (KIND_ORDER.index(t["kind"]), t["iri"]))
    return {"prefixes": {p: str(ns) for p, ns in sorted(PREFIXES.items())}, "terms": terms}


def completion_files(ontology: Graph, data: Graph) -> dict[str, bytes]:
    """The build's artifact: compact JSON, one line, UTF-8 (Chinese names as they are)."""
    text = json.dumps(completion_index(ontology, data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return {FILE: (text + "\n").encode("utf-8")}
