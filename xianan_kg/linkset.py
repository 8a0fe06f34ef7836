"""Linksets: links from our resources to other datasets, each backed by a record of how it was found.

A linkset file (`data/links/NAME.ttl`) holds every link triple and, for each, a
record (an `rdf:Statement` and `prov:Entity` with an IRI) saying how it was found,
its score, the key or name that matched, the date and the reconciler run
(`prov:Activity`) that generated it. It also describes the target dataset
(`void:Dataset` with `void:uriSpace`).

The build loads linksets into a named graph of their own and never into the
reasoner: under OWL 2 RL an `owl:sameAs` to another dataset's IRI would copy each
of our statements onto that IRI. The VoID description of each linkset (target,
link predicate, triple count) is generated here from the files, so it cannot drift.
"""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from . import paths
from .errors import InputError
from .load import parse_turtle
from .namespaces import BASE, DATASET_IRI, ID, VOID, XK, XKC, bind_prefixes
from .wikidata import describe_wikidata

if TYPE_CHECKING:
    from .reconcile import Decision

LINK_PREDICATES: dict[URIRef, str] = {
    OWL.sameAs: "same-as",
    SKOS.exactMatch: "exact-match",
    SKOS.closeMatch: "close-match",
}
MATCH_KEY = XKC["match-division-code"]
MATCH_LABEL = XKC["match-label-in-context"]
MATCH_VERIFIED = XKC["match-verified-identifier"]  # data/reference/verified-wikidata.csv (xianan_kg/opendata_links.py)
MATCH_CODE_PATH = XKC["match-admin-code-path-and-name"]  # GeoNames (xianan_kg/geonames.py)
GRAPH_LINKSETS = BASE + "graph/links/"  # + the file's stem: each linkset in a named graph of its own
REVIEW_COLUMNS = ("entity", "label", "item", "item_label", "method", "matched_on", "score", "reason", "evidence")


def record_iri(linkset: str, subject: URIRef, target: URIRef) -> URIRef:
    """link/{linkset}/{our path}/{their local name}: the same link always gets the same record IRI."""
    ours = str(subject)[len(str(ID)) :] if subject.startswith(str(ID)) else quote(str(subject), safe="")
    return ID[f"link/{linkset}/{ours}/{str(target).rstrip('/').rsplit('/', 1)[-1]}"]


def run_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible-builds convention), in UTC to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.replace(microsecond=0)


# --- Writing what the reconciler decided ---


def linkset_graph(
    decisions: list[Decision], *, linkset: str, endpoint: str, threshold: Decimal, when: datetime
) -> Graph:
    """The links of the decisions that are links, each with its record, and the run that made them."""
    graph = bind_prefixes(Graph())
    describe_wikidata(graph)
    day = when.date().isoformat()
    activity = ID[f"activity/link/{linkset}/{day}"]
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"与维基数据对齐({day})", lang="zh")))
    graph.add((activity, RDFS.label, Literal(f"Reconciliation with Wikidata ({day})", lang="en")))
    graph.add((activity, PROV.startedAtTime, Literal(when)))
    graph.add((activity, PROV.used, URIRef(endpoint)))
    graph.add((activity, XK.scoreThreshold, Literal(threshold)))
    for decision in decisions:
        if decision.predicate is None:
            continue
        c = decision.candidate
        record = record_iri(linkset, c.entity.iri, c.item)
        graph.add((c.entity.iri, decision.predicate, c.item))
        for kind in (RDF.Statement, PROV.Entity):
            graph.add((record, RDF.type, kind))
        graph.add((record, RDF.subject, c.entity.iri))
        graph.add((record, RDF.predicate, decision.predicate))
        graph.add((record, RDF.object, c.item))
        graph.add((record, XK.matchMethod, c.method))
        graph.add((record, XK.matchScore, Literal(c.score)))
        graph.add((record, XK.matchedOn, c.matched_on))
        graph.add((record, DCTERMS.date, Literal(when.date())))
        graph.add((record, PROV.wasGeneratedBy, activity))
        graph.add((record, RDFS.comment, Literal(c.evidence, lang="en")))
    return graph


def write_review(decisions: list[Decision], path: Path) -> int:
    """Candidates that did not become links, as CSV for a person to judge; returns how many."""
    rows = [
        {
            "entity": str(c.entity.iri),
            "label": c.entity.label,
            "item": str(c.item),
            "item_label": c.item_label,
            "method": str(c.method).rsplit("/", 1)[-1],
            "matched_on": str(c.matched_on),
            "score": str(c.score),
            "reason": d.reason,
            "evidence": c.evidence,
        }
        for d in decisions
        if d.predicate is None
        for c in [d.candidate]
    ]
    rows.sort(key=lambda r: (r["entity"], -Decimal(r["score"]), r["item"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


# --- Reading linksets for the build ---


def linkset_files(links_dir: Path = paths.LINKS_DIR) -> list[Path]:
    return sorted(links_dir.glob("*.ttl")) if links_dir.is_dir() else []


def _recorded(graph: Graph, s: URIRef, p: URIRef, o: URIRef, method: URIRef | None = None) -> bool:
    for record in graph.subjects(RDF.subject, s):
        if (record, RDF.predicate, p) in graph and (record, RDF.object, o) in graph:
            if method is None or (
                (record, XK.matchMethod, method) in graph and graph.value(record, XK.matchedOn) is not None
            ):
                return True
    return False


def _verified_same_as(graph: Graph, s: URIRef, o: URIRef) -> bool:
    """owl:sameAs on a verified identifier: recorded as such, and the pair is in the shipped verified list."""
    from .opendata_links import verified_pairs  # that module imports this one

    return _recorded(graph, s, OWL.sameAs, o, MATCH_VERIFIED) and (s, o) in verified_pairs()


def _code_path_problems(graph: Graph) -> list[str]:
    """A code-path record must say what it matched: the other dataset's code and name."""
    return [
        f"record {record} of a code-path match lacks xk:theirCode or xk:theirName"
        for record in sorted(graph.subjects(XK.matchMethod, MATCH_CODE_PATH))
        if graph.value(record, XK.theirCode) is None or graph.value(record, XK.theirName) is None
    ]


def _target_of(graph: Graph, obj: URIRef) -> URIRef | None:
    for dataset, space in graph.subject_objects(VOID.uriSpace):
        if (dataset, RDF.type, VOID.Dataset) in graph and str(obj).startswith(str(space)):
            return dataset
    return None


def linkset_problems(graph: Graph) -> list[str]:
    """Why a linkset cannot be published: unrecorded links, owl:sameAs without an exact key, unknown targets."""
    problems = []
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        problems.append("blank node in a linkset: give every node an IRI")
    for p in LINK_PREDICATES:
        for s, o in sorted(graph.subject_objects(p)):
            if p == OWL.sameAs and not (_recorded(graph, s, p, o, MATCH_KEY) or _verified_same_as(graph, s, o)):
                problems.append(f"owl:sameAs {s} {o} has no record of an exact key match or a verified identifier")
            elif not _recorded(graph, s, p, o):
                problems.append(f"link {s} {o} has no record of how it was found")
            if _target_of(graph, o) is None:
                problems.append(f"{o} is in no dataset the file declares (void:Dataset with void:uriSpace)")
    problems += _code_path_problems(graph)
    targets = {_target_of(graph, o) for p in LINK_PREDICATES for o in graph.objects(None, p)} - {None}
    if len(targets) > 1:
        problems.append(f"links to {len(targets)} datasets: one linkset file links to one dataset")
    return problems


def _label(graph: Graph, node: URIRef, lang: str) -> str:
    return next((str(x) for x in graph.objects(node, RDFS.label) if getattr(x, "language", None) == lang), str(node))


def describe_linksets(graph: Graph, linkset: str, links: Graph) -> None:
    """VoID for one linkset file: one void:Linkset per link predicate it uses, counted from the file."""
    for p, slug in LINK_PREDICATES.items():
        objects = list(links.objects(None, p))
        if not objects:
            continue
        target = _target_of(links, objects[0])
        iri = ID[f"linkset/{linkset}/{slug}"]
        qname = graph.namespace_manager.normalizeUri(p)
        graph.add((DATASET_IRI, VOID.subset, iri))
        graph.add((iri, RDF.type, VOID.Linkset))
        graph.add((iri, RDFS.label, Literal(f"指向{_label(links, target, 'zh')}的链接({qname})", lang="zh")))
        graph.add((iri, RDFS.label, Literal(f"Links to {_label(links, target, 'en')} ({qname})", lang="en")))
        graph.add((iri, VOID.linkPredicate, p))
        graph.add((iri, VOID.triples, Literal(len(objects))))
        graph.add((iri, VOID.subjectsTarget, DATASET_IRI))
        graph.add((iri, VOID.objectsTarget, target))
        for end in (DATASET_IRI, target):
            graph.add((iri, VOID.target, end))


def _checked(path: Path, data: Graph | None) -> Graph:
    """One linkset file with its VoID description; refuses an unbacked, unrecorded or dangling link."""
    links = parse_turtle(path)
    problems = linkset_problems(links)
    if data is not None:
        problems += [
            f"{s} links from a resource the data does not describe"
            for p in LINK_PREDICATES
            for s in sorted(set(links.subjects(p, None)))
            if (s, RDF.type, None) not in data
        ]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{path}: {problems[0]}{more}")
    graph = bind_prefixes(Graph())
    for triple in links:
        graph.add(triple)
    describe_linksets(graph, path.stem, links)
    return graph


def load_linksets(links_dir: Path = paths.LINKS_DIR, data: Graph | None = None) -> Graph:
    """Every linkset file with its VoID description, in one graph; refuses an unbacked, unrecorded or dangling link."""
    graph = bind_prefixes(Graph())
    for part in linkset_graphs(links_dir, data).values():
        for triple in part:
            graph.add(triple)
    return graph


def linkset_graph_iri(stem: str) -> str:
    """The named graph of the linkset file data/links/{stem}.ttl."""
    return GRAPH_LINKSETS + stem


def linkset_graphs(links_dir: Path = paths.LINKS_DIR, data: Graph | None = None) -> dict[str, Graph]:
    """Each linkset file, checked as `load_linksets` checks it, in a named graph of its own with its VoID."""
    out = {}
    for path in linkset_files(links_dir):
        out[linkset_graph_iri(path.stem)] = _checked(path, data)
    return out
