"""SHACL validation of the data against our shapes, reported so a person can act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from . import paths
from .load import Sources, parse_turtle
from .namespaces import SH


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str
    message: str
    shape: str = ""
    severity: str = "Violation"

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus}\n  path: {self.path or '-'}\n  {self.message}"


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def text(self) -> str:
        if not self.violations:
            return "Conforms: the data satisfies every shape."
        body = "\n".join(str(v) for v in self.violations)
        errors = sum(v.severity == "Violation" for v in self.violations)
        return f"{body}\n{errors} violation(s), {len(self.violations) - errors} warning(s)."


def load_shapes(path: Path = paths.SHAPES_FILE) -> Graph:
    return parse_turtle(path)


def _short(node: object, graph: Graph) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return "" if node is None else str(node)


def shacl_violations(data: Graph, ontology: Graph, shapes: Graph) -> list[Violation]:
    """Run pyshacl without inference on data + ontology, so class targets see subclasses and concepts their types."""
    combined = Graph()
    for g in (ontology, data):
        for triple in g:
            combined.add(triple)
    _, results, _ = pyshacl.validate(
        combined,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    out = [
        result_violation(
            data,
            shapes,
            focus=results.value(result, SH.focusNode),
            path=results.value(result, SH.resultPath),
            message=results.value(result, SH.resultMessage),
            value=results.value(result, SH.value),
            shape=results.value(result, SH.sourceShape),
            severity=results.value(result, SH.resultSeverity),
        )
        for result in results.subjects(RDF.type, SH.ValidationResult)
    ]
    return sorted(out)


def result_violation(
    data: Graph,
    shapes: Graph,
    *,
    focus: Node | None,
    path: Node | None,
    message: Node | None,
    value: Node | None,
    shape: Node | None,
    severity: Node | None,
) -> Violation:
    """One SHACL result as a person reads it: the message, plus the offending value when the message does not name it."""
    text = str(message) if isinstance(message, Literal) else "constraint not satisfied"
    if value is not None and str(value) not in text:
        text += f" (value: {_short(value, data)})"
    return Violation(
        focus=_short(focus, data),
        path=_short(path, data),
        message=text,
        shape=_short(shape, shapes),
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
    )


def validate(sources: Sources, shapes: Graph | None = None, reference: bool = False) -> ValidationReport:
    """Quotes that cannot be placed in the source are violations too: a fact without provenance is unusable.

    SHACL runs on pyrudof (xianan_kg.validate_fast, proven to report what pyshacl reports on every shape
    fixture) unless `reference` asks for pyshacl itself."""
    from .validate_fast import fast_shacl_violations  # it builds on this module

    shapes = load_shapes() if shapes is None else shapes
    checker = shacl_violations if reference else fast_shacl_violations
    violations = [
        Violation(
            focus=_short(p.subject, sources.data),
            path="xk:quote",
            message=str(p).split(": ", 1)[1] + f"; copy the words exactly from {sources.source.path.name}",
            shape="anchor",
        )
        for p in sources.quote_problems
    ]
    unplaced = {v.focus for v in violations}
    violations += blank_node_violations(sources.data)
    # a quote that was not found leaves its fact without prov:wasDerivedFrom: one problem, said once, above
    violations += [
        v
        for v in checker(sources.data, sources.ontology, shapes)
        if not (v.focus in unplaced and v.path == "prov:wasDerivedFrom")
    ]
    return ValidationReport(violations)


def blank_node_violations(data: Graph) -> list[Violation]:
    """Data nodes need IRIs: a blank node cannot be linked to, dereferenced or serialised stably."""
    found = sorted(
        {
            (str(p), str(o if isinstance(s, BNode) else s))
            for s, p, o in data
            if isinstance(s, BNode) or isinstance(o, BNode)
        }
    )
    return [
        Violation(focus=node, path=_short(URIRef(pred), data), message="blank node in the data: give every node an IRI")
        for pred, node in found
    ]
