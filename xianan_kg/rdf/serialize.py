"""Byte-stable serialisations: the same graph always gives the same file.

rdflib's memory store iterates in insertion order, so a graph rebuilt from
sorted triples with canonical blank-node labels serialises identically every
time, in every format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from xianan_kg.rdf.namespaces import PREFIXES, bind_prefixes

# format name on the command line -> (rdflib plugin, file suffix, media type)
FORMATS: dict[str, tuple[str, str, str]] = {
    "turtle": ("longturtle", ".ttl", "text/turtle"),
    "nt": ("nt11", ".nt", "application/n-triples"),
    "jsonld": ("json-ld", ".jsonld", "application/ld+json"),
    # rdflib's "pretty-xml" nests blank nodes and drops statements about list cells (it warns so); a test run
    # once read 14 triples more back from it than were written: the flat RDF/XML writer loses nothing.
    "xml": ("xml", ".rdf", "application/rdf+xml"),
    "trig": ("trig", ".trig", "application/trig"),
    "nquads": ("nquads", ".nq", "application/n-quads"),
}
QUAD_FORMATS = {"trig", "nquads"}


def canonical(graph: Graph) -> Graph:
    """Same triples, canonical blank-node labels, sorted insertion order, our prefixes."""
    canon = to_canonical_graph(graph) if any(True for _ in _bnodes(graph)) else graph
    out = bind_prefixes(Graph())
    for triple in sorted(canon):
        out.add(triple)
    return out


def _bnodes(graph: Graph):  # noqa: ANN202 - generator helper
    for s, _, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            yield s


def _jsonld(graph: Graph) -> bytes:
    context = {p: str(ns) for p, ns in PREFIXES.items()}
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    return (json.dumps(_sorted_json(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sorted_json(node: object) -> object:
    """Sort arrays that are sets in JSON-LD; an @list is an ordered RDF collection and keeps its order."""
    if isinstance(node, dict):
        return {k: [_sorted_json(x) for x in v] if k == "@list" else _sorted_json(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_json(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node


def union(*graphs: Graph) -> Graph:
    """Canonical graphs merged, still in canonical order (their blank nodes keep their labels)."""
    out = bind_prefixes(Graph())
    for triple in sorted({t for g in graphs for t in g}):
        out.add(triple)
    return out


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    return write_canonical(canonical(graph), fmt)


def write_canonical(graph: Graph, fmt: str) -> bytes:
    """Serialise a graph `canonical` made: the build canonicalises each graph once and writes it in every format."""
    plugin, _, _ = FORMATS[fmt]
    if fmt == "jsonld":
        return _jsonld(graph)
    data = graph.serialize(format=plugin, encoding="utf-8")
    if fmt == "nt":
        return _sorted_lines(data.decode("utf-8").splitlines())
    return data


def _sorted_lines(lines: Iterable[str]) -> bytes:
    return ("\n".join(sorted({line for line in lines if line})) + "\n").encode("utf-8")


def in_graph(ntriples: str, graph: str) -> list[str]:
    """N-Triples as N-Quads lines in `graph`: an N-Triples line with the graph's IRI before its final " ."."""
    return ntriples.replace(" .\n", f" <{graph}> .\n").splitlines()


def serialize_dataset(graphs: dict[str, Graph], fmt: str, *, already_canonical: bool = False) -> bytes:
    """Named graphs (IRI -> graph) as TriG or N-Quads."""
    canon = graphs if already_canonical else {name: canonical(g) for name, g in graphs.items()}
    if fmt == "nquads":
        return _sorted_lines(
            line
            for name, graph in canon.items()
            for line in in_graph(write_canonical(graph, "nt").decode("utf-8"), name)
        )
    # rdflib writes a dataset's graphs in the order of a set of graph objects (it differs from run to run): each
    # graph is written on its own, in IRI order, under the prefixes all of them use.
    plugin, _, _ = FORMATS[fmt]
    prefixes: set[str] = set()
    bodies = []
    for name in sorted(canon):
        ds = Dataset()
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns, override=True, replace=True)
        target = ds.graph(URIRef(name))
        for triple in canon[name]:
            target.add(triple)
        text = ds.serialize(format=plugin)
        lines = text.splitlines(keepends=True)
        prefixes.update(line for line in lines if line.startswith("@prefix "))
        bodies.append("".join(line for line in lines if not line.startswith("@prefix ")).strip("\n") + "\n")
    return ("".join(sorted(prefixes)) + "\n" + "\n".join(bodies)).encode("utf-8")
