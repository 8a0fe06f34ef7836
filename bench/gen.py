"""A synthetic knowledge graph with the review's shape, at N districts, for measuring how everything scales.

District 0 is the review itself; district k (k ≥ 1) is the review's data graph with every
IRI the data defines under `…/id/` moved to `…/id/dK/` (its figures, places, projects,
honours, quotes and their selectors), so each copy has the same shape, the same literals
and the same links into the shared ontology and concept schemes. What the shapes pin to
one IRI (the source text, the data set of figures, the indicator scheme) stays shared. N = 1 is the review;
N = 10 has ten times its data triples; every copy conforms to the shapes as the review
does (checked with pyshacl in tests/test_backends_synthetic.py).

The OWL 2 RL entailments of N disjoint copies over one ontology are the copies'
entailments, renamed (checked against owlrl at N = 2 in the same test), which lets the
benchmark serve N = 100 and 1000 without a reasoning run that would take hours.

    python bench/gen.py 10 -o /tmp/xianan-10.nq   # N-Quads: ontology, data and inferred graphs
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xianan_kg.rdf import paths  # noqa: E402
from xianan_kg.rdf.literals import canonicalise_graph  # noqa: E402
from xianan_kg.rdf.namespaces import BASE  # noqa: E402
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY  # noqa: E402
from xianan_kg.reason.reference import reason  # noqa: E402
from xianan_kg.source.load import Sources, load_sources  # noqa: E402

ID_SPACE = BASE + "id/"


def shared_iris() -> frozenset[str]:
    """IRIs the shapes pin with sh:hasValue (the source text, the data set, the indicator scheme): one for all."""
    shapes = Graph().parse(paths.SHAPES_FILE, format="turtle")
    return frozenset(str(o) for o in shapes.objects(None, SH.hasValue) if isinstance(o, URIRef))


def defined_iris(data: Graph) -> frozenset[str]:
    """The IRIs the data graph describes (its subjects) in our id space, but the shared ones: what copies rename."""
    shared = shared_iris()
    return frozenset(
        str(s)
        for s in data.subjects()
        if isinstance(s, URIRef) and str(s).startswith(ID_SPACE) and str(s) not in shared
    )


def renamer(district: int, renamed: frozenset[str]):  # noqa: ANN201 - a term -> term function
    prefix = f"{ID_SPACE}d{district}/"

    def rename(term: object) -> object:
        if district and isinstance(term, URIRef) and str(term) in renamed:
            return URIRef(prefix + str(term)[len(ID_SPACE) :])
        return term

    return rename


def replicate(graph: Graph, districts: int, renamed: frozenset[str]) -> Graph:
    """`districts` copies of the graph, copy k with its IRIs moved to id/dK/."""
    out = Graph()
    for k in range(districts):
        rename = renamer(k, renamed)
        for s, p, o in graph:
            out.add((rename(s), p, rename(o)))
    return out


def synthetic_sources(districts: int, base: Sources | None = None) -> Sources:
    """The review's sources with the data graph replicated for `districts` districts (canonical literals)."""
    base = base if base is not None else load_sources()
    for graph in (base.ontology, base.data):
        canonicalise_graph(graph)
    data = replicate(base.data, districts, defined_iris(base.data))
    return Sources(base.ontology, data, base.source, list(base.quote_problems))


def synthetic_graphs(districts: int, base: Sources | None = None, inferred: Graph | None = None) -> dict[str, Graph]:
    """The named graphs of a release at N districts; the inferred graph is the review's closure, replicated."""
    base = base if base is not None else load_sources()
    for graph in (base.ontology, base.data):
        canonicalise_graph(graph)
    if inferred is None:
        inferred = reason(base.combined()).graph
    renamed = defined_iris(base.data)
    return {
        GRAPH_ONTOLOGY: base.ontology,
        GRAPH_DATA: replicate(base.data, districts, renamed),
        GRAPH_INFERRED: replicate(inferred, districts, renamed),
    }


def synthetic_quads(districts: int, base: Sources, inferred: Graph) -> Iterator[ox.Quad]:
    """The release's quads at N districts, streamed (N = 1000 is ~3M quads): ontology once, data and
    entailments once per district; a triple that no copy renames is written once."""
    from xianan_kg.rdf.terms import to_ox_term

    renamed = defined_iris(base.data)
    yield from (ox.Quad(*map(to_ox_term, t), ox.NamedNode(GRAPH_ONTOLOGY)) for t in base.ontology)
    for name, graph in ((GRAPH_DATA, base.data), (GRAPH_INFERRED, inferred)):
        g = ox.NamedNode(name)
        fixed = [t for t in graph if str(t[0]) not in renamed and str(t[2]) not in renamed]
        moving = [t for t in graph if str(t[0]) in renamed or str(t[2]) in renamed]
        yield from (ox.Quad(*map(to_ox_term, t), g) for t in fixed)
        terms = [(to_ox_term(s), to_ox_term(p), to_ox_term(o), str(s), str(o)) for s, p, o in moving]
        for k in range(districts):
            prefix = f"{ID_SPACE}d{k}/"
            moved = {iri: ox.NamedNode(prefix + iri[len(ID_SPACE) :]) for iri in renamed} if k else {}
            for s, p, o, s_text, o_text in terms:
                yield ox.Quad(moved.get(s_text, s), p, moved.get(o_text, o), g)


def write_nquads(
    districts: int, path: Path, base: Sources | None = None, inferred: Graph | None = None
) -> dict[str, int]:
    """The release's quads at N districts as an N-Quads file (written by pyoxigraph); quads per graph."""
    base = base if base is not None else load_sources()
    for graph in (base.ontology, base.data):
        canonicalise_graph(graph)
    if inferred is None:
        inferred = reason(base.combined()).graph
    counts: dict[str, int] = {}

    def counted() -> Iterator[ox.Quad]:
        for quad in synthetic_quads(districts, base, inferred):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
            yield quad

    with path.open("wb") as out:
        ox.serialize(counted(), out, format=ox.RdfFormat.N_QUADS)
    return counts


def write_data(districts: int, path: Path, base: Sources | None = None) -> int:
    """The data graph alone at N districts, as N-Triples: the input of `xianan-kg build --lean`; triples."""
    base = base if base is not None else load_sources()
    for graph in (base.ontology, base.data):
        canonicalise_graph(graph)
    data = ox.NamedNode(GRAPH_DATA)
    triples = (
        ox.Triple(q.subject, q.predicate, q.object)
        for q in synthetic_quads(districts, base, Graph())
        if q.graph_name == data
    )
    count = 0

    def counted() -> Iterator[ox.Triple]:
        nonlocal count
        for triple in triples:
            count += 1
            yield triple

    with path.open("wb") as out:
        ox.serialize(counted(), out, format=ox.RdfFormat.N_TRIPLES)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A graph of the review's shape at N districts, as N-Quads.")
    parser.add_argument("districts", type=int, help="number of districts (1 = the review)")
    parser.add_argument("-o", "--output", required=True, help="N-Quads file to write")
    args = parser.parse_args(argv)
    if args.districts < 1:
        parser.error("districts must be at least 1")
    t0 = time.perf_counter()
    count = sum(write_nquads(args.districts, Path(args.output)).values())
    print(f"wrote {count} quads for {args.districts} districts to {args.output} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
