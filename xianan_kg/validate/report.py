"""Validation results as a person reads them: focus, path, message; and the checks no shape can make."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from xianan_kg.rdf.literals import ill_typed


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

    def about(self, focus: set[str]) -> ValidationReport:
        """Only the violations whose focus node is one of `focus` (as the report names nodes)."""
        return ValidationReport([v for v in self.violations if v.focus in focus])

    def text(self) -> str:
        if not self.violations:
            return "Conforms: the data satisfies every shape."
        body = "\n".join(str(v) for v in self.violations)
        errors = sum(v.severity == "Violation" for v in self.violations)
        return f"{body}\n{errors} violation(s), {len(self.violations) - errors} warning(s)."


def short_name(node: object, graph: Graph) -> str:
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
        text += f" (value: {short_name(value, data)})"
    return Violation(
        focus=short_name(focus, data),
        path=short_name(path, data),
        message=text,
        shape=short_name(shape, shapes),
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
        Violation(
            focus=node, path=short_name(URIRef(pred), data), message="blank node in the data: give every node an IRI"
        )
        for pred, node in found
    ]


def ill_typed_violations(data: Graph, files: list[Path]) -> list[Violation]:
    """Literals outside their datatype's lexical space ("abc"^^xsd:decimal, "2023-ish"^^xsd:gYear), each named
    with the file and line that writes it."""
    out = []
    texts: dict[Path, list[str]] = {}
    for s, p, o in sorted(data):
        if not isinstance(o, Literal) or o.datatype is None or not ill_typed(str(o), str(o.datatype)):
            continue
        where = _written_at(str(o), files, texts)
        datatype = short_name(o.datatype, data)
        message = f'{where}ill-typed literal "{o}"^^{datatype}: not a value of {datatype}'
        out.append(Violation(focus=short_name(s, data), path=short_name(p, data), message=message, shape="datatype"))
    return out


def _written_at(lexical: str, files: list[Path], texts: dict[Path, list[str]]) -> str:
    """ "FILE:LINE: " of the first line writing the literal, or "" when no file shows it as written."""
    needle = f'"{lexical}"^^'
    for path in files:
        if path not in texts:
            try:
                texts[path] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                texts[path] = []
        for number, line in enumerate(texts[path], start=1):
            if needle in line:
                return f"{path}:{number}: "
    return ""


def described_in(files: list[Path], names: Graph) -> set[str]:
    """The subjects the files describe, named as a report names them (prefixed by `names`' prefixes)."""
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return {short_name(s, names) for s in set(graph.subjects())} | {str(s) for s in set(graph.subjects())}
