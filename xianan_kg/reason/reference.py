"""owlrl, the OWL 2 RL engine the project card names: the reference the rules are proven against (tests) and what
`build --reference` runs. Never the engine of an ordinary build."""

from __future__ import annotations

import owlrl
from rdflib import Graph, Namespace

from xianan_kg.reason.keep import InconsistencyError, Inference, kept_inference

ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


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
