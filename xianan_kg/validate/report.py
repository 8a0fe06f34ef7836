"""Validation results as a person reads them: focus, path, message; and the checks no shape can make."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


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


def _short(node: object, graph: Graph) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return "" if node is None else str(node)


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
