"""The W3C RDF Data Cube integrity constraints IC-1 … IC-21 (Recommendation, section 11) on a graph.

The constraints are written for a cube in normal form, so the graph is first normalised as the
Recommendation's section 10 prescribes (types and qb:componentProperty from the DSD's shorthands,
then attachment levels pushed down to the observations) on a copy that merges every graph into
one: a triple in two graphs is one triple, as in an RDF merge. Each constraint is an ASK in
ontology/qc/cube/ that is true when the constraint is violated; IC-20 and IC-21 are templates
asked once per parent-child property of the graph's hierarchical code lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError

CUBE_QC_DIR = paths.QC_DIR / "cube"
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX qb:  <http://purl.org/linked-data/cube#>
"""
# Section 10: phase 1 (type and property closure), then phase 2 (push down attachment levels).
NORMALISATION = (
    "INSERT { ?o rdf:type qb:Observation } WHERE { [] qb:observation ?o }",
    "INSERT { ?o rdf:type qb:Observation } WHERE { ?o qb:dataSet [] }",
    "INSERT { ?s rdf:type qb:Slice } WHERE { [] qb:slice ?s }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty } WHERE { ?cs qb:dimension ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty } WHERE { ?cs qb:measure ?p }",
    "INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty } WHERE { ?cs qb:attribute ?p }",
    """INSERT { ?obs ?comp ?value } WHERE {
      ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:DataSet .
      ?dataset qb:structure [ qb:component ?spec ] ; ?comp ?value .
      ?obs qb:dataSet ?dataset .
    }""",
    """INSERT { ?obs ?comp ?value } WHERE {
      ?spec qb:componentProperty ?comp ; qb:componentAttachment qb:Slice .
      ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
      ?slice ?comp ?value ; qb:observation ?obs .
    }""",
    """INSERT { ?obs ?comp ?value } WHERE {
      ?spec qb:componentProperty ?comp .
      ?comp a qb:DimensionProperty .
      ?dataset qb:structure [ qb:component ?spec ] ; qb:slice ?slice .
      ?slice ?comp ?value ; qb:observation ?obs .
    }""",
)
# The properties a template constraint is asked for: direct (IC-20) or given by owl:inverseOf (IC-21).
TEMPLATE_PROPERTIES = {
    "direct": "SELECT DISTINCT ?p WHERE { [] a qb:HierarchicalCodeList ; qb:parentChildProperty ?p FILTER isIRI(?p) }",
    "inverse": """SELECT DISTINCT ?p WHERE {
      [] a qb:HierarchicalCodeList ; qb:parentChildProperty [ owl:inverseOf ?p ] FILTER isIRI(?p) }""",
}


@dataclass(frozen=True)
class Constraint:
    """One integrity constraint: its file name (ic-NN-…) and its ASK, true on a violation."""

    name: str
    text: str

    @property
    def template(self) -> str | None:
        """ "inverse" or "direct" for the templates ($p stands for a property), None for a plain query."""
        if "$p" not in self.text:
            return None
        return "inverse" if "owl:inverseOf $p" in self.text else "direct"


def load_constraints(directory: Path = CUBE_QC_DIR) -> list[Constraint]:
    """IC-1 … IC-21 in their order."""
    return [Constraint(p.stem, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("ic-*.rq"))]


def normalise(store: ox.Store) -> None:
    """Apply section 10 to the store's default graph, in place."""
    for update in NORMALISATION:
        store.update(PREFIXES + update)


def merged_store(quads: Iterable[ox.Quad | ox.Triple]) -> ox.Store:
    """A store whose default graph holds every triple of `quads` once, whatever graph it came from."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store


def release_store(dist: Path = paths.DIST_DIR) -> ox.Store:
    """The release (every graph of the build's N-Quads, merged), normalised."""
    path = dist / "xianan-kg.nq"
    if not path.is_file():
        raise InputError(f"{path}: missing; run `xianan-kg build`")
    store = merged_store(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    normalise(store)
    return store


def turtle_store(path: Path) -> ox.Store:
    """A Turtle file (a fixture), normalised."""
    store = merged_store(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    normalise(store)
    return store


def violated(store: ox.Store, constraints: Iterable[Constraint] | None = None) -> list[str]:
    """The names of the constraints the normalised store violates (empty: a well-formed cube)."""
    found = []
    for constraint in load_constraints() if constraints is None else constraints:
        if constraint.template is None:
            texts = [constraint.text]
        else:
            rows = store.query(PREFIXES + TEMPLATE_PROPERTIES[constraint.template])
            texts = [constraint.text.replace("$p", str(row["p"])) for row in rows]
        if any(bool(store.query(text)) for text in texts):
            found.append(constraint.name)
    return found
