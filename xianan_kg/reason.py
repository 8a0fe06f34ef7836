"""OWL 2 RL reasoning, materialised once at build time and kept apart from what was asserted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .namespaces import bind_prefixes

ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

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
        return f"{len(self.graph)} inferred triples:\n" + "\n".join(rows)


def _keep(s: object, p: object, o: object) -> bool:
    if isinstance(s, Literal) or isinstance(s, BNode) or isinstance(o, BNode):
        return False  # not RDF 1.1, or about list cells and restrictions of the ontology itself
    if p == OWL.sameAs and s == o:
        return False
    if p == RDF.type and o in TRIVIAL_TYPES:
        return False
    if p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty) and s == o:
        return False
    return True


def _kind(p: URIRef, graph: Graph) -> str:
    return "rdf:type" if p == RDF.type else graph.namespace_manager.normalizeUri(p)


def reason(asserted: Graph) -> Inference:
    """Return only the new, meaningful triples of the OWL 2 RL closure; raise on inconsistency."""
    closure = Graph()
    for triple in asserted:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    errors = sorted(str(m) for m in closure.objects(None, ERR.error))
    if errors:
        raise InconsistencyError("; ".join(errors))
    return kept_inference(closure, asserted)


def kept_inference(closure: Iterable[tuple[Node, Node, Node]], asserted: Graph) -> Inference:
    """What the build keeps of a reasoner's closure (each triple once): the new triples that pass `_keep`, by kind."""
    inferred = bind_prefixes(Graph())
    counts: Counter = Counter()
    for s, p, o in closure:
        if (s, p, o) in asserted or not _keep(s, p, o):
            continue
        inferred.add((s, p, o))
        counts[_kind(p, inferred)] += 1
    return Inference(inferred, counts)
