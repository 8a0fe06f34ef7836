"""What the release keeps of an OWL 2 RL closure, whichever engine computed it: the one policy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from typing import cast

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from xianan_kg.rdf.namespaces import bind_prefixes

# Entailments that say nothing a user can query for: everything is a Thing and the same as itself.
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


class InconsistencyError(Exception):
    """The OWL 2 RL closure found a contradiction (e.g. an individual in two disjoint classes)."""


@dataclass
class Inference:
    graph: Graph
    counts: Counter

    def summary(self) -> str:
        rows = [f"  {n:6d}  {kind}" for kind, n in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        return f"{sum(self.counts.values())} inferred triples:\n" + "\n".join(rows)


def _keep(s: object, p: object, o: object) -> bool:
    object_kind = "iri" if isinstance(o, URIRef) else "blank" if isinstance(o, BNode) else "literal"
    return keeps(str(s), str(p), str(o), subject_is_iri=isinstance(s, URIRef), object_kind=object_kind)


_REFLEXIVE = {
    str(t) for t in (OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty)
}
_TRIVIAL = {str(t) for t in TRIVIAL_TYPES}
_TYPE = str(RDF.type)


def keeps(s: str, p: str, o: str, *, subject_is_iri: bool, object_kind: str) -> bool:
    """Whether the build keeps an entailment, judged on the terms' text and kinds ("iri", "blank", "literal")
    so that rdflib's and Oxigraph's terms go through this one policy."""
    if not subject_is_iri or object_kind == "blank":
        return False  # not RDF 1.1, or about list cells and restrictions of the ontology itself
    if object_kind != "iri":
        return True
    if p in _REFLEXIVE and s == o:
        return False  # everything is the same as, a subclass of, a subproperty of itself
    return not (p == _TYPE and o in _TRIVIAL)  # everything is a Thing


def kind(p: URIRef, graph: Graph) -> str:
    """The manifest's name for an entailment's kind: rdf:type, or the property's prefixed name."""
    return "rdf:type" if p == RDF.type else graph.namespace_manager.normalizeUri(p)


def kept_inference(closure: Iterable[tuple[Node, Node, Node]], asserted: Graph) -> Inference:
    """What the build keeps of a reasoner's closure (each triple once): the new triples that pass `_keep`, by kind."""
    inferred = bind_prefixes(Graph())
    counts: Counter = Counter()
    for s, p, o in kept_triples(closure, asserted):
        inferred.add((s, p, o))
        counts[kind(cast(URIRef, p), inferred)] += 1  # a predicate is an IRI
    return Inference(inferred, counts)


def kept_triples(
    closure: Iterable[tuple[Node, Node, Node]], asserted: Container[tuple[Node, Node, Node]] | Graph
) -> Iterator[tuple[Node, Node, Node]]:
    """The closure's triples the build keeps: not asserted, and saying something (`_keep`)."""
    for triple in closure:
        if triple not in asserted and _keep(*triple):
            yield triple
