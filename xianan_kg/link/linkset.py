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
from collections.abc import Container
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import DATASET_IRI, ID, VOID, WD, XK, XKC, bind_prefixes
from xianan_kg.rdf.release import GRAPH_LINKSETS
from xianan_kg.source.load import parse_turtle

LINK_PREDICATES: dict[URIRef, str] = {
    OWL.sameAs: "same-as",
    SKOS.exactMatch: "exact-match",
    SKOS.closeMatch: "close-match",
}
MATCH_KEY = XKC["match-division-code"]
MATCH_LABEL = XKC["match-label-in-context"]
MATCH_VERIFIED = XKC["match-verified-identifier"]  # an identifier of VERIFIED_WIKIDATA (xianan_kg/link/opendata.py)
MATCH_CODE_PATH = XKC["match-admin-code-path-and-name"]  # GeoNames (xianan_kg/link/geonames.py)
VERIFIED_WIKIDATA = paths.DATA_DIR / "reference" / "verified-wikidata.csv"  # from the project's verified facts
REVIEW_COLUMNS = ("entity", "label", "item", "item_label", "method", "matched_on", "score", "reason", "evidence")


def record_iri(linkset: str, subject: URIRef, target: URIRef) -> URIRef:
    """link/{linkset}/{our path}/{their local name}: the same link always gets the same record IRI."""
    ours = str(subject)[len(str(ID)) :] if subject.startswith(str(ID)) else quote(str(subject), safe="")
    return ID[f"link/{linkset}/{ours}/{str(target).rstrip('/').rsplit('/', 1)[-1]}"]


def add_link(
    graph: Graph,
    linkset: str,
    link: tuple[URIRef, URIRef, URIRef],
    *,
    method: URIRef,
    score: Literal,
    matched_on: Node,
    activity: URIRef,
) -> URIRef:
    """Add a link and the record of how it was found; every reconciler writes its links through here."""
    subject, predicate, target = link
    record = record_iri(linkset, subject, target)
    graph.add(link)
    for kind in (RDF.Statement, PROV.Entity):
        graph.add((record, RDF.type, kind))
    graph.add((record, RDF.subject, subject))
    graph.add((record, RDF.predicate, predicate))
    graph.add((record, RDF.object, target))
    graph.add((record, XK.matchMethod, method))
    graph.add((record, XK.matchScore, score))
    graph.add((record, XK.matchedOn, matched_on))
    graph.add((record, PROV.wasGeneratedBy, activity))
    return record


def run_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible-builds convention), in UTC to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.replace(microsecond=0)


# --- Writing what the reconciler decided ---


def linkset_files(links_dir: Path = paths.LINKS_DIR) -> list[Path]:
    return sorted(links_dir.glob("*.ttl")) if links_dir.is_dir() else []


def _recorded(graph: Graph, s: Node, p: URIRef, o: Node, method: URIRef | None = None) -> bool:
    for record in graph.subjects(RDF.subject, s):
        if (record, RDF.predicate, p) in graph and (record, RDF.object, o) in graph:
            if method is None or (
                (record, XK.matchMethod, method) in graph and graph.value(record, XK.matchedOn) is not None
            ):
                return True
    return False


@cache
def read_verified(path: Path = VERIFIED_WIKIDATA) -> tuple[tuple[URIRef, URIRef, str], ...]:
    """(our place, Wikidata item, the item's name) for each verified identifier."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the verified identifiers ({exc.strerror})") from None
    out = []
    for n, row in enumerate(rows, start=2):
        item, place, name = (row.get(k) or "" for k in ("item", "place", "name"))
        if not item.startswith("Q") or not item[1:].isdigit() or not place.startswith(str(ID)) or not name:
            raise InputError(f"{path}:{n}: not a verified identifier row (item, name, place, checked_in)")
        out.append((URIRef(place), WD[item], name))
    return tuple(out)


def verified_pairs() -> frozenset[tuple[URIRef, URIRef]]:
    return frozenset((place, item) for place, item, _ in read_verified())


def _verified_same_as(graph: Graph, s: URIRef, o: URIRef) -> bool:
    """owl:sameAs on a verified identifier: recorded as such, and the pair is in the shipped verified list."""
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


def _label(graph: Graph, node: Node, lang: str) -> str:
    return next((str(x) for x in graph.objects(node, RDFS.label) if getattr(x, "language", None) == lang), str(node))


def describe_linksets(graph: Graph, linkset: str, links: Graph) -> None:
    """VoID for one linkset file: one void:Linkset per link predicate it uses, counted from the file."""
    for p, slug in LINK_PREDICATES.items():
        objects = list(links.objects(None, p))
        if not objects:
            continue
        target = _target_of(links, objects[0])
        assert target is not None  # linkset_problems made sure every link's object is in a declared dataset
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


def _checked(path: Path, described: Container[str] | None) -> Graph:
    """One linkset file with its VoID description; refuses an unbacked, unrecorded or dangling link (one from an
    IRI not in `described`, the IRIs the data gives a type)."""
    links = parse_turtle(path)
    problems = linkset_problems(links)
    if described is not None:
        problems += [
            f"{s} links from a resource the data does not describe"
            for p in LINK_PREDICATES
            for s in sorted(set(links.subjects(p, None)))
            if str(s) not in described
        ]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{path}: {problems[0]}{more}")
    graph = bind_prefixes(Graph())
    for triple in links:
        graph.add(triple)
    describe_linksets(graph, path.stem, links)
    return graph


def load_linksets(links_dir: Path = paths.LINKS_DIR, described: Container[str] | None = None) -> Graph:
    """Every linkset file with its VoID description, in one graph; refuses an unbacked, unrecorded or dangling link."""
    graph = bind_prefixes(Graph())
    for part in linkset_graphs(links_dir, described).values():
        for triple in part:
            graph.add(triple)
    return graph


def linkset_graph_iri(stem: str) -> str:
    """The named graph of the linkset file data/links/{stem}.ttl."""
    return GRAPH_LINKSETS + stem


def linkset_graphs(links_dir: Path = paths.LINKS_DIR, described: Container[str] | None = None) -> dict[str, Graph]:
    """Each linkset file, checked as `load_linksets` checks it, in a named graph of its own with its VoID."""
    out = {}
    for path in linkset_files(links_dir):
        out[linkset_graph_iri(path.stem)] = _checked(path, described)
    return out
