"""OWL 2 RL as SPARQL Update rules run to a fixpoint on Oxigraph: owlrl's kept entailments in a fraction of the time.

The rules are files in ontology/rules/, one per rule of the OWL 2 RL tables (or a small group), named
after it: `*.ru` insert what the rule entails, `*.rq` select contradictions. A `*.ru` whose header has a
`# once:` line states axioms or owlrl's one-time datatype facts and runs before the fixpoint; the others
run in turn until the store stops growing. There are rules only for the constructs our ontology uses; a
rule that adds nothing on the review says why in an `# idle:` line. tests/test_reasoning_rules.py proves
on the review's graph that what the build keeps equals what it keeps from owlrl.

Oxigraph stores literals of the XSD types by value ("46400.0"^^xsd:decimal comes back as "46400",
"4"^^xsd:nonNegativeInteger as "4"^^xsd:integer, which may be in the graph too), while owlrl, like rdflib,
tells terms apart as written. So a typed literal enters the store under a datatype Oxigraph does not
interpret, TYPED + its datatype's IRI (the one rule that reads datatypes, dt-disjoint, strips it), and
comes back as the very rdflib term it was (language tags too, which Oxigraph lowercases).

Not followed from owlrl, as no shape-conforming graph of ours can need it: triples with a literal subject
(not RDF 1.1) are ignored, and a functional property with a literal and a resource as values makes them
nothing (owlrl makes them owl:sameAs).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.term import Node

from xianan_kg.rdf import paths
from xianan_kg.rdf.terms import Terms
from xianan_kg.reason.keep import InconsistencyError, Inference, kept_inference
from xianan_kg.reason.seminaive import NotRewritable, seminaive_fixpoint

log = logging.getLogger(__name__)

ONCE_MARK = "# once:"


@dataclass(frozen=True)
class Rule:
    name: str  # the rule(s) of the OWL 2 RL tables it implements, e.g. "cax-sco"
    text: str  # SPARQL 1.1 Update (*.ru) or a SELECT of contradictions (*.rq)

    def header(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.startswith("#")]

    @property
    def once(self) -> bool:
        return any(line.startswith(ONCE_MARK) for line in self.header())

    @property
    def summary(self) -> str:
        """The header's first line: the rule, where the OWL 2 RL spec has it, what it entails or forbids."""
        header = self.header()
        return header[0].lstrip("# ") if header else self.name


def load_rules(directory: Path = paths.RULES_DIR) -> tuple[list[Rule], list[Rule]]:
    """The entailment rules (*.ru) and the consistency checks (*.rq), sorted by file name."""

    def read(pattern: str) -> list[Rule]:
        return [Rule(p.stem, p.read_text(encoding="utf-8")) for p in sorted(directory.glob(pattern))]

    return read("*.ru"), read("*.rq")


def fixpoint(store: ox.Store, rules: list[Rule]) -> int:
    """Run the rules in turn until a round adds nothing; return the number of rounds."""
    rounds, size = 0, -1
    while len(store) != size:
        size = len(store)
        rounds += 1
        for rule in rules:
            store.update(rule.text)
    return rounds


def contradictions(store: ox.Store, checks: list[Rule]) -> Iterator[str]:
    """One readable line per contradiction a check finds: the rule, what it forbids, the culprits."""
    for check in checks:
        solutions = store.query(check.text)
        assert isinstance(solutions, ox.QuerySolutions)  # a check is a SELECT of the culprits
        for row in solutions:
            culprits = ", ".join(f"?{v.value} = {row[v]}" for v in solutions.variables if row[v] is not None)
            yield f"{check.summary} ({culprits})"


def close(store: ox.Store, directory: Path = paths.RULES_DIR) -> None:
    """Grow the store's default graph to its OWL 2 RL closure; raise InconsistencyError on a contradiction.

    Typed literals must be in the store as `typed_literal` writes them."""
    updates, checks = load_rules(directory)
    for rule in updates:
        if rule.once:
            store.update(rule.text)
    rounds = [rule for rule in updates if not rule.once]
    try:
        seminaive_fixpoint(store, [rule.text for rule in rounds])
    except NotRewritable as exc:
        log.warning("rules run naively, every round over the whole graph: %s", exc)
        fixpoint(store, rounds)
    errors = sorted(contradictions(store, checks))
    if errors:
        raise InconsistencyError("; ".join(errors))


def new_triples(
    asserted: list[tuple[Node, Node, Node]], terms: Terms, directory: Path = paths.RULES_DIR
) -> Iterator[tuple[Node, Node, Node]]:
    """What the rules add to the asserted triples, as rdflib triples, but those with a blank node, which the
    build drops; raise InconsistencyError on a contradiction."""
    given = {terms.quad(t) for t in asserted if not isinstance(t[0], Literal)}  # not RDF 1.1: left out
    store = ox.Store()
    store.bulk_extend(given)
    close(store, directory)
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if (
            quad not in given
            and not isinstance(quad.subject, ox.BlankNode)
            and not isinstance(quad.object, ox.BlankNode)
        ):
            yield terms.term(quad.subject), terms.term(quad.predicate), terms.term(quad.object)  # type: ignore[arg-type]  # pyoxigraph types a place as possibly an RDF-star triple; the rules make none


def reason_with_rules(asserted: Graph, directory: Path = paths.RULES_DIR) -> Inference:
    """What `reason` returns (the same kept triples, counts and errors), from the SPARQL rules."""
    triples = list(asserted)  # rdflib is slow to walk: once
    terms = Terms({o for _, _, o in triples if isinstance(o, Literal)})
    return kept_inference(new_triples(triples, terms, directory), asserted)
