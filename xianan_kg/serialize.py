"""Byte-stable serialisations: the same graph always gives the same file.

rdflib's memory store iterates in insertion order, so a graph rebuilt from
sorted triples with canonical blank-node labels serialises identically every
time, in every format.
"""

from __future__ import annotations

import json

from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from .namespaces import PREFIXES, bind_prefixes

# format name on the command line -> (rdflib plugin, file suffix, media type)
FORMATS: dict[str, tuple[str, str, str]] = {
    "turtle": ("longturtle", ".ttl", "text/turtle"),
    "nt": ("nt11", ".nt", "application/n-triples"),
    "jsonld": ("json-ld", ".jsonld", "application/ld+json"),
    "xml": ("pretty-xml", ".rdf", "application/rdf+xml"),
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
    from rdflib import BNode

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


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    plugin, _, _ = FORMATS[fmt]
    graph = canonical(graph)
    if fmt == "jsonld":
        return _jsonld(graph)
    data = graph.serialize(format=plugin, encoding="utf-8")
    if fmt == "nt":
        lines = sorted(set(data.decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    return data


def serialize_dataset(graphs: dict[str, Graph], fmt: str) -> bytes:
    """Named graphs (IRI -> graph) as TriG or N-Quads."""
    plugin, _, _ = FORMATS[fmt]
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    for name in sorted(graphs):
        target = ds.graph(URIRef(name))
        for triple in canonical(graphs[name]):
            target.add(triple)
    data = ds.serialize(format=plugin, encoding="utf-8")
    if fmt == "nquads":
        lines = sorted(set(data.decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    return data
