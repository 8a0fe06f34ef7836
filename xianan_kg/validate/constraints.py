"""The shapes' SPARQL constraints (sh:sparql) run on pyoxigraph, and what the compiled SHACL core shares with them.

Each constraint's query is pre-bound to one focus node at a time, as SHACL-SPARQL and pyshacl do; where every
solution of the query's pattern binds $this (`binds_this`), it is run once for all focus nodes instead, its
solutions grouped by $this, which answers the same and costs one evaluation rather than one per focus node
(Oxigraph evaluates a FILTER NOT EXISTS pattern whole for each query: per focus node, the constraints grew with
the square of the data, 91 s at bench/gen.py's N = 100). The store
reads the N-Triples text of ontology + data, whose blank-node labels are rdflib's, so every result maps back to
the rdflib terms pyshacl would report; a literal Oxigraph answers in canonical form is given back as the data
writes it (`WrittenLiterals`). Messages, paths and severities are read from the shapes graph the way pyshacl
writes them. Shapes using anything this does not reproduce raise `Unsupported`: nothing is guessed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from xianan_kg.rdf.terms import plain_term
from xianan_kg.validate.report import Violation, result_violation

log = logging.getLogger(__name__)

SPARQL_COMPONENT = str(SH.SPARQLConstraintComponent)
# What a query's text mentions, tested as pyshacl tests it: a variable after whitespace or a bracket.
_THIS = re.compile(r"(?<=[\s{}()])[$?]this")
_OTHER_PRE_BOUND = re.compile(r"(?<=[\s{}()])[$?](?:PATH|currentShape|shapesGraph)\b")
_REFUSED = re.compile(r"\b(MINUS|VALUES|SERVICE|SELECT\b[^{]*\{[^}]*\bSELECT)\b", flags=re.I | re.S)
# A query's projection up to its pattern: replaced by `*` for the run over every focus node at once.
_PROJECTION = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?[^{(]*?(?=\bWHERE\b|\{)", flags=re.I)


class Unsupported(Exception):
    """A shapes-graph feature whose pyshacl report this fast path does not reproduce exactly."""


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:sparql constraint of a node shape, ready to run: its query with PREFIX lines, focus nodes' query."""

    shape: Node
    query: str
    pre_binds_this: bool
    message: Literal
    severity: Node | None
    targets: str
    variables: tuple[str, ...] = ()  # the query's projection
    for_all_foci: str | None = None  # the query over every focus node at once ($this unbound, SELECT *), if it may


@dataclass(frozen=True)
class FocusSolutions:
    """A constraint's solutions for one focus node, with the variables the constraint's query projects."""

    variables: list[ox.Variable]
    rows: Iterable[ox.QuerySolution]

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        return iter(self.rows)


# What pyshacl does with advanced=True that the compiled engine does not: SHACL-AF rules, targets and node expressions,
# SPARQL-based constraint components, and SHACL-JS.
_ADVANCED = {
    SH.rule,
    SH.target,
    SH.expression,
    SH.validator,
    SH.nodeValidator,
    SH.propertyValidator,
    Namespace(str(SH))["values"],
}


def check_supported(shapes: Graph) -> None:
    """Refuse shapes graphs with features outside the fast path (the caller then runs pyshacl)."""
    used = set(shapes.predicates()) & _ADVANCED
    if used or (None, RDF.type, SH.ConstraintComponent) in shapes:
        raise Unsupported(f"advanced SHACL features {sorted(used) or ['sh:ConstraintComponent']}")  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
    if any(str(p).startswith(str(SH) + "js") for p in set(shapes.predicates())):
        raise Unsupported("SHACL-JS")


def core_shapes(shapes: Graph) -> Graph:
    """The shapes without the SPARQL constraints we run ourselves (those of shapes no other shape refers to)."""
    referred = {o for o in shapes.objects() if not isinstance(o, Literal)}
    ours = {c for s, c in shapes.subject_objects(SH.sparql) if s not in referred}
    out = Graph()
    for s, p, o in shapes:
        if s not in ours and not (p == SH.sparql and o in ours):
            out.add((s, p, o))
    return out


def only_message(messages: list[Node], shape: Node) -> Literal:
    """pyshacl words a result with every sh:message (or a generic text of its own): exact only with one."""
    if len(messages) != 1 or not isinstance(messages[0], Literal):
        raise Unsupported(f"{shape} has {len(messages)} sh:message values; the fast path needs exactly one")
    return messages[0]


# --- SHACL-SPARQL: pyoxigraph ---


def sparql_constraints(shapes: Graph) -> list[SparqlConstraint]:
    """Every active sh:sparql constraint, checked to be one whose pyshacl results we reproduce."""
    out = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if _true(shapes.value(shape, SH.deactivated)) or _true(shapes.value(constraint, SH.deactivated)):
            continue
        if shapes.value(shape, SH.path) is not None:
            raise Unsupported(f"sh:sparql on property shape {shape}")
        select = shapes.value(constraint, SH.select)
        if not isinstance(select, Literal):
            raise Unsupported(f"sh:sparql {constraint} without an sh:select")
        text = str(select)
        if _OTHER_PRE_BOUND.search(text) or _REFUSED.search(text):
            raise Unsupported(
                f"query of {shape} needs $PATH, $currentShape or $shapesGraph or uses MINUS/VALUES/SERVICE/sub-select"
            )
        own = list(shapes.objects(constraint, SH.message))
        shape_messages = list(shapes.objects(shape, SH.message))
        messages = [m for m in own if m not in shape_messages] + shape_messages if own else shape_messages
        prefixes = prefix_lines(shapes, constraint) + "\n"
        pre_binds_this = bool(_THIS.search(text))
        try:
            algebra = prepareQuery(prefixes + text).algebra
        except Exception:  # noqa: BLE001  # rdflib's parser cannot read it: Oxigraph's per focus node reports
            variables: tuple[str, ...] = ()
            for_all = None
        else:
            variables = tuple(str(v) for v in algebra["PV"] or ())
            once = pre_binds_this and binds_this(algebra.p) and _PROJECTION.search(text)
            for_all = prefixes + _PROJECTION.sub("SELECT * ", text, count=1) if once else None
        out.append(
            SparqlConstraint(
                shape=shape,
                query=prefixes + text,
                pre_binds_this=pre_binds_this,
                message=only_message(messages, shape),
                severity=shapes.value(shape, SH.severity),
                targets=targets_query(shapes, shape),
                variables=variables,
                for_all_foci=for_all,
            )
        )
    return out


_THIS_VARIABLE = Variable("this")


def binds_this(node: CompValue) -> bool:
    """Whether every solution of this part of a query binds ?this, and no part of it (a LIMIT, a GROUP BY, an
    ORDER BY, a sub-select) answers differently for all focus nodes at once than for each in turn: then pre-binding
    $this to a focus node gives the solutions of the unbound query that have it as ?this."""
    name = node.name
    if name == "BGP":
        return any(_THIS_VARIABLE in (s, o) for s, _, o in node.triples)
    if name in ("Project", "Distinct", "Reduced", "Filter", "Extend", "Graph"):
        return binds_this(node.p)
    if name == "Join":
        return binds_this(node.p1) or binds_this(node.p2)
    if name == "Union":
        return binds_this(node.p1) and binds_this(node.p2)
    if name in ("LeftJoin", "Minus"):
        return binds_this(node.p1)
    return False


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def prefix_lines(shapes: Graph, constraint: Node) -> str:
    """The PREFIX lines pyshacl puts before a query: the sh:declare of its sh:prefixes (and of the ontologies)."""
    ontologies = set(shapes.subjects(RDF.type, OWL.Ontology))
    everywhere = {d for o in ontologies for d in shapes.objects(o, SH.declare)}
    declares = set()
    for holder in shapes.objects(constraint, SH.prefixes):
        own = set(shapes.objects(holder, SH.declare))
        declares |= own if own and holder in ontologies else everywhere | own
    pairs = sorted((str(shapes.value(d, SH.prefix)), str(shapes.value(d, SH.namespace))) for d in declares)
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in pairs)


def targets_query(shapes: Graph, shape: Node) -> str:
    """A SELECT of the shape's focus nodes as pyshacl finds them (class targets include subclasses' instances)."""
    if shapes.value(shape, SH.target) is not None:
        raise Unsupported(f"{shape} has an sh:target (SPARQL-based target)")
    classes = set(shapes.objects(shape, SH.targetClass))
    if {RDFS.Class, OWL.Class} & set(shapes.objects(shape, RDF.type)):
        classes.add(shape)
    branches = [f"{{ ?this a/<{RDFS.subClassOf}>* {c.n3()} }}" for c in sorted(classes)]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
    branches += [f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in sorted(shapes.objects(shape, SH.targetNode))]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
    branches += [f"{{ ?this {p.n3()} [] }}" for p in sorted(shapes.objects(shape, SH.targetSubjectsOf))]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
    branches += [f"{{ [] {p.n3()} ?this }}" for p in sorted(shapes.objects(shape, SH.targetObjectsOf))]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
    return "SELECT DISTINCT ?this WHERE { " + (" UNION ".join(branches) or "FILTER(false)") + " }"


def constraint_violations(
    graph_text: str, constraints: list[SparqlConstraint], data: Graph, shapes: Graph, as_written: WrittenLiterals
) -> list[Violation]:
    """Each constraint's query run once per focus node with $this substituted, results as pyshacl makes them."""
    if not constraints:
        return []
    store = ox.Store()
    store.extend(ox.parse(graph_text, format=ox.RdfFormat.N_TRIPLES))  # keeps the blank-node labels
    return [
        _violation(constraint, plain_term(focus), row, data, shapes)
        for constraint, focus, rows in constraint_solutions(store, constraints)
        for row in _distinct(rows, rows.variables, as_written)
    ]


def constraint_solutions(
    store: ox.Store, constraints: list[SparqlConstraint]
) -> Iterator[tuple[SparqlConstraint, ox.NamedNode | ox.BlankNode, FocusSolutions]]:
    """Each constraint's solutions on the store's default graph per focus node (in the targets' order), $this
    pre-bound: by one query per focus node, or by one for them all where that answers the same (`binds_this`)."""
    this = ox.Variable("this")
    for constraint in constraints:
        targets = store.query(constraint.targets)
        assert isinstance(targets, ox.QuerySolutions)  # both queries are SELECTs (sparql_constraints makes them)
        if constraint.for_all_foci is not None:
            variables = [ox.Variable(name) for name in constraint.variables]
            by_focus: dict[ox.NamedNode | ox.BlankNode, list[ox.QuerySolution]] = {}
            solutions = store.query(constraint.for_all_foci)
            assert isinstance(solutions, ox.QuerySolutions)
            for solution in solutions:
                by_focus.setdefault(solution[this], []).append(solution)
            for (focus,) in targets:
                yield constraint, focus, FocusSolutions(variables, by_focus.get(focus, []))
            continue
        for (focus,) in targets:
            bindings = {this: focus} if constraint.pre_binds_this else None
            one = store.query(constraint.query, substitutions=bindings)
            assert isinstance(one, ox.QuerySolutions)
            yield constraint, focus, FocusSolutions(one.variables, one)


class WrittenLiterals:
    """Oxigraph may answer a number or date in canonical form ("-1548000000" for the data's
    "-1548000000.00", "…Z" for rdflib's "…+00:00"); pyshacl reports the literal as the data writes it.
    Finds that form: the value of equal datatype and value among the focus node's values on the path,
    else among all the graphs' literals; several forms of one value is a case for pyshacl."""

    def __init__(self, graphs: tuple[Graph, ...]) -> None:
        self._graphs = graphs
        self._by_datatype: dict[str, dict[object, set[str]]] = {}

    def __call__(
        self, term: ox.NamedNode | ox.BlankNode | ox.Literal, focus: Node | None = None, path: Node | None = None
    ) -> Node:
        if not isinstance(term, ox.Literal) or term.language or term.datatype.value in _KEPT_AS_WRITTEN:
            return plain_term(term)
        datatype = URIRef(term.datatype.value)
        key = _key(Literal(term.value, datatype=datatype))
        written = set()
        if isinstance(path, URIRef) and focus is not None:
            written = {
                str(o)
                for g in self._graphs
                for o in g.objects(focus, path)
                if isinstance(o, Literal) and o.datatype == datatype and _key(o) == key
            }
        if not written:
            if datatype not in self._by_datatype:
                self._by_datatype[datatype] = self._index(datatype)
            written = self._by_datatype[datatype].get(key, set())
        if len(written) > 1:
            raise Unsupported(f"a result's value {term} is written {len(written)} ways in the data")
        return Literal(next(iter(written))) if written else plain_term(term)

    def _index(self, datatype: URIRef) -> dict[object, set[str]]:
        index: dict[object, set[str]] = {}
        for graph in self._graphs:
            for o in graph.objects():
                if isinstance(o, Literal) and o.datatype == datatype:
                    index.setdefault(_key(o), set()).add(str(o))
        return index


_KEPT_AS_WRITTEN = {str(XSD.string), str(RDF.langString)}


def _key(literal: Literal) -> object:
    """Equal for equal values of one datatype (the lexical form when rdflib cannot read the value)."""
    return ("lexical", str(literal)) if literal.value is None else ("value", literal.value)


def _distinct(
    rows: FocusSolutions, variables: list[ox.Variable], as_written: WrittenLiterals
) -> Iterator[dict[str, Node]]:
    """Solutions as pyshacl keeps them: those binding this, value or path, each distinct one once."""
    seen = []
    for solution in rows:
        row = {v.value: as_written(solution[v]) for v in variables if solution[v] is not None}
        if "failure" in row:
            raise Unsupported("a SPARQL constraint reports ?failure")
        if not {"this", "value", "path"} & row.keys() or row in seen:
            continue
        seen.append(row)
        yield row


def _violation(
    constraint: SparqlConstraint, focus: Node, row: dict[str, Node], data: Graph, shapes: Graph
) -> Violation:
    this, path = row.get("this"), row.get("path")
    value = row.get("value", focus)  # a node shape's value node is its focus node
    bound = {k: v for k, v in row.items() if k not in ("this", "path", "value")}
    bound.update({k: v for k, v in (("this", this), ("path", path), ("value", value)) if v is not None})
    text = str(constraint.message)
    for name, node in bound.items():
        text = re.sub("{[?$]" + name + "}", str(node), text)
    return result_violation(
        data,
        shapes,
        focus=this or focus,
        path=path,
        message=Literal(text),
        value=value,
        shape=constraint.shape,
        severity=constraint.severity,
    )
