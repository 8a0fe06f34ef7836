"""SHACL validation of the data against our shapes, reported so a person can act on it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.terms import Terms, to_ox_term
from xianan_kg.source.load import Sources, parse_turtle
from xianan_kg.validate.constraints import (
    Unsupported,
    WrittenLiterals,
    check_supported,
    constraint_violations,
    sparql_constraints,
)
from xianan_kg.validate.figures import unwritten_value_violations
from xianan_kg.validate.reference import shacl_violations
from xianan_kg.validate.report import (
    ValidationReport,
    Violation,
    blank_node_violations,
    ill_typed_violations,
    short_name,
)
from xianan_kg.validate.shacl import sparql_core_violations


def load_shapes(path: Path = paths.SHAPES_FILE) -> Graph:
    return parse_turtle(path)


def validate(sources: Sources, shapes: Graph | None = None, reference: bool = False) -> ValidationReport:
    """Quotes that cannot be placed in the source are violations too: a fact without provenance is unusable.

    SHACL runs compiled to SPARQL on Oxigraph (`shacl_results`, proven to report what pyshacl reports on every
    shape fixture) unless `reference` asks for pyshacl itself."""
    shapes = load_shapes() if shapes is None else shapes
    checker = shacl_violations if reference else shacl_results
    violations = [
        Violation(
            focus=short_name(p.subject, sources.data),
            path="xk:quote",
            message=str(p).split(": ", 1)[1] + f"; copy the words exactly from {p.source or sources.source.path.name}",
            shape="anchor",
        )
        for p in sources.quote_problems
    ]
    unplaced = {v.focus for v in violations}
    violations += blank_node_violations(sources.data)
    violations += ill_typed_violations(sources.data, sources.files)
    violations += unwritten_value_violations(sources.data)
    # a quote that was not found leaves its fact without prov:wasDerivedFrom: one problem, said once, above
    violations += [
        v
        for v in checker(sources.data, sources.ontology, shapes)
        if not (v.focus in unplaced and v.path == "prov:wasDerivedFrom")
    ]
    return ValidationReport(violations)


def shacl_results(data: Graph, ontology: Graph, shapes: Graph) -> list[Violation]:
    """What pyshacl reports on ontology + data, sorted: SHACL core compiled to SPARQL, then the sh:sparql
    constraints. Shapes this engine does not compile are an error naming the feature, never a guess."""
    try:
        check_supported(shapes)
        constraints = sparql_constraints(shapes)
        store = ox.Store()
        terms = Terms.literal
        store.bulk_extend(
            ox.Quad(*(terms(t) if isinstance(t, Literal) else to_ox_term(t) for t in triple))  # type: ignore[arg-type]  # rdflib types each place of a triple as Node; a subject is never a literal
            for graph in (ontology, data)
            for triple in graph
        )
        found = sparql_core_violations(store, shapes, data)
        graph_text = "# ontology + data\n" + ontology.serialize(format="nt") + data.serialize(format="nt")
        found += constraint_violations(graph_text, constraints, data, shapes, WrittenLiterals((ontology, data)))
    except Unsupported as exc:
        raise InputError(
            f"the shapes use what the validator does not compile ({exc}); `--reference` runs pyshacl"
        ) from None
    return sorted(found)
