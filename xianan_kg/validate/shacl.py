"""SHACL core compiled to set-based SPARQL on Oxigraph, reporting exactly what the pyshacl reference reports.

Why: the large build validates ~740k triples (N = 100 districts, bench/gen.py). pyshacl takes minutes
there and a whole-graph pass per shape takes ~25 s; a SPARQL query over
all focus nodes of a shape at once takes tens of milliseconds on Oxigraph. Its joins cost microseconds a row
where a scan costs a fraction of one, so checks scan first and join last: a value-type or count check scans
its path over the whole store (once per query text; shared property shapes reuse it) and only the rows it
finds, none on conforming data, are looked up among the focus nodes; the values a node shape's focus
nodes lack (sh:minCount, sh:hasValue) are found in one pass over them. Class targets see rdfs:subClassOf*
in the store, as pyshacl's do without inference. Never one query per focus node.

Exactness: a value-type query only selects *candidates*, the rows SPARQL cannot show to pass (a decimal
that is well-formed by a conservative pattern and above the bound passes; everything else is a
candidate), and pyshacl's own rule decides each candidate in Python on the rdflib term (ill-typed
lexical forms, rdflib's literal ordering, Python's `re`). Multiplicity is pyshacl's: one result per
(focus, value) for value-type components, per focus for counts and sh:hasValue, per duplicated language
for sh:uniqueLang, per (value, other value) for sh:lessThan, and one per referring node shape for a shared
property shape. Literals are read as `rules.Terms.literal` stores them (TYPED + datatype, lexical form as
written). The sh:sparql constraints are left out as `validate.constraints.core_shapes` leaves them out; anything
else not compiled here raises `validate.constraints.Unsupported`. tests/test_shacl_sparql.py proves the lists
equal pyshacl's on every shape fixture, the review and a review broken in many ways.

Beyond what our shapes use: SHACL paths become SPARQL property paths (value nodes taken DISTINCT, joined to
the focus nodes inside the query); sh:node, sh:not, sh:and, sh:or, sh:xone and qualified value shapes
evaluate the shapes they refer to once on all value nodes (conformance is a property of the node alone)
and judge each (focus, value) pair in Python; sh:in, sh:equals, sh:disjoint, sh:lessThanOrEquals and
sh:closed are one query each. `sparql_core_results` gives each result's constraint component and value
without needing an sh:message: it passes the whole W3C SHACL Core test suite (tests/test_shacl_w3c.py,
docs/shacl-w3c.md). `sparql_core_violations` refuses, besides, what the build's reference reads otherwise
from pyshacl (a reported sh:node, a property shape's sh:property, sh:uniqueLang other than true).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pyoxigraph as ox
from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from xianan_kg.rdf.terms import TYPED, Terms, from_stored_term, plain_term
from xianan_kg.validate.constraints import Unsupported, check_supported, core_shapes, only_message
from xianan_kg.validate.report import Violation, result_violation

Term = ox.NamedNode | ox.BlankNode | ox.Literal

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_VALUE_TYPE = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minInclusive,
    SH.minExclusive,
    SH.maxInclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
}
_PER_FOCUS = {SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang, SH.lessThan, SH.qualifiedValueShape}
_PARAMETERS = {SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount}
# Constraints on the value nodes against other shapes, lists of terms, other properties or the focus's properties.
_SHAPE_BASED = {SH.node, SH["not"], SH["and"], SH["or"], SH.xone}
_OTHERS = {SH["in"], SH.equals, SH.disjoint, SH.lessThanOrEquals, SH.closed}
_MORE_PARAMETERS = {SH.ignoredProperties, SH.qualifiedValueShapesDisjoint, SH.deactivated}
# Read by pyshacl only to word or find results, or not at all.
_NOT_CONSTRAINTS = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
_KNOWN = _VALUE_TYPE | _PER_FOCUS | _PARAMETERS | _SHAPE_BASED | _OTHERS | _MORE_PARAMETERS | _NOT_CONSTRAINTS
_KNOWN |= {SH.property, *_TARGETS}
_PATH_SUFFIX: dict[Node, str] = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
_MAX_DEPTH = 32  # shapes nested deeper than this are taken for recursive ones, which SHACL leaves undefined

# Lexical forms every XSD reader and rdflib read alike (rdflib: well-typed, a value of the expected Python
# type): a literal of that datatype matching the pattern passes sh:datatype. Others are decided in Python.
_WELL_FORMED: dict[Node, str] = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.nonNegativeInteger: r"^[+]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.gYear: r"^-?[0-9]{4}$",
}
_NUMERIC = (XSD.integer, XSD.nonNegativeInteger, XSD.decimal)
# sh:pattern text that means the same to Python's `re` and Oxigraph's REGEX (no escapes, no classes but [...]).
_PORTABLE_PATTERN = re.compile(r"[\^$\[\](){}0-9A-Za-z ,?*+|-]*")


def sparql_core_violations(store: ox.Store, shapes: Graph, names: Graph) -> list[Violation]:
    """What pyshacl reports of SHACL core (sh:sparql results aside) on the store's default graph, sorted.

    `store` holds ontology + data with typed literals encoded as `rules.Terms.literal` does; `names`
    shortens IRIs for the report. Raises Unsupported for shapes this compiler does not reproduce."""
    check_supported(shapes)
    core = core_shapes(shapes)
    validator = _Validator(store, core)
    found = validator.run()
    return sorted(
        result_violation(
            names,
            shapes,
            focus=from_stored_term(r.focus),
            path=r.path,
            message=validator.message(r.shape),
            value=None if r.value is None else plain_term(r.value),  # as pyshacl shows a value
            shape=r.shape,
            severity=core.value(r.shape, SH.severity),
        )
        for r in found
    )


@dataclass(frozen=True)
class CoreResult:
    """One validation result as a SHACL report states it, in rdflib terms of the data and shapes graphs:
    what the W3C test suite compares (tests/w3c_shacl.py), where `Violation` keeps only what a person reads."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    component: URIRef
    severity: URIRef


def sparql_core_results(store: ox.Store, shapes: Graph) -> list[CoreResult]:
    """Every SHACL core result (sh:sparql constraints aside) on the store's default graph, with its constraint
    component and value; shapes need no sh:message here. Raises Unsupported as `sparql_core_violations` does."""
    check_supported(shapes)
    core = core_shapes(shapes)
    return [
        CoreResult(
            focus=from_stored_term(r.focus),
            path=r.path,
            value=None if r.value is None else from_stored_term(r.value),
            shape=r.shape,
            component=r.component,
            severity=URIRef(str(core.value(r.shape, SH.severity) or SH.Violation)),
        )
        for r in _Validator(store, core, worded=False).run()
    ]


def component(parameter: URIRef) -> URIRef:
    """The constraint component a parameter belongs to: sh:minCount -> sh:MinCountConstraintComponent."""
    name = str(parameter)[len(str(SH)) :]
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def shape_nodes(shapes: Graph) -> set[Node]:
    """What pyshacl takes for shapes: typed, targeting, with a path, or referred to as a shape."""
    g = shapes
    nodes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    nodes |= {s for p in (*_TARGETS, SH.path) for s in g.subjects(p, None)}
    nodes |= {o for p in (SH.property, SH.qualifiedValueShape, SH.node, SH["not"]) for o in g.objects(None, p)}
    nodes |= {m for p in (SH["and"], SH["or"], SH.xone) for lst in g.objects(None, p) for m in g.items(lst)}
    return nodes


@dataclass(frozen=True)
class _Result:
    focus: Term
    value: Term | None
    shape: Node
    path: Node | None
    component: URIRef


@dataclass(frozen=True)
class _ValueCheck:
    """One value-type constraint: a SPARQL test true unless the value surely passes, pyshacl's rule in Python."""

    maybe_fails: str
    fails: Callable[[Node], bool]


class _Validator:
    """The shapes compiled against one store; focus sets are SPARQL patterns binding ?FOCUS."""

    def __init__(self, store: ox.Store, shapes: Graph, worded: bool = True) -> None:
        self.store = store
        self.shapes = shapes
        self.worded = worded  # every reported shape must have one sh:message (Violation's text)
        self.depth = 0
        self.fresh = count()
        self.subclass_cache: dict[str, list[Term] | None] = {}
        self.anywhere: dict[str, list[ox.QuerySolution]] = {}
        self.instances: dict[str, str] = {}  # focus pattern (binding ?this) -> the class it finds the instances of

    def run(self) -> list[_Result]:
        shape_nodes = self._shape_nodes()
        for shape in shape_nodes:
            self._check_shape(shape)
        top = sorted(s for s in shape_nodes if self._has_targets(s))  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        out: list[_Result] = []
        for shape in top:
            out += self.evaluate(shape, self._targets(shape), reporting=True)
        return out

    def message(self, shape: Node) -> Literal:
        return only_message(list(self.shapes.objects(shape, SH.message)), shape)

    # --- the shapes graph ---

    def _shape_nodes(self) -> set[Node]:
        return shape_nodes(self.shapes)

    def _check_shape(self, shape: Node) -> None:
        used = {p for p in self.shapes.predicates(shape) if str(p).startswith(str(SH))}
        if used - _KNOWN:
            raise Unsupported(f"{shape} uses {sorted(str(p) for p in used - _KNOWN)}")
        paths = list(self.shapes.objects(shape, SH.path))
        if len(paths) > 1:
            raise Unsupported(f"{shape} has several sh:path")
        if paths:
            self._path(paths[0])
        for p in used & (_VALUE_TYPE | _PER_FOCUS | _PARAMETERS) - {SH["class"], SH.pattern, SH.hasValue, SH.lessThan}:
            if len(list(self.shapes.objects(shape, p))) > 1:
                raise Unsupported(f"{shape} has several {p}")
        if not paths and used & (_PER_FOCUS - {SH.hasValue, SH.lessThan}):
            raise Unsupported(f"node shape {shape} has a count or qualified constraint")
        if paths and SH.closed in used:
            raise Unsupported(f"property shape {shape} has sh:closed")
        if self.worded and self.shapes.value(shape, SH.uniqueLang) not in (None, Literal(True)):
            raise Unsupported(f"{shape}: sh:uniqueLang other than true")

    def _path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path (value nodes are distinct: callers take DISTINCT)."""
        g = self.shapes
        if isinstance(node, URIRef):
            return _iri(node)
        if isinstance(node, BNode) and g.value(node, RDF.first) is not None:
            items = list(g.items(node))
            if len(items) >= 2:
                return "(" + "/".join(self._path(item) for item in items) + ")"
        elif isinstance(node, BNode):
            pairs = list(g.predicate_objects(node))
            if len(pairs) == 1:
                p, o = pairs[0]
                if p == SH.alternativePath and (o == RDF.nil or g.value(o, RDF.first) is not None):
                    items = list(g.items(o))
                    if len(items) >= 2:
                        return "(" + "|".join(self._path(item) for item in items) + ")"
                if p == SH.inversePath:
                    return f"^({self._path(o)})"
                if p in _PATH_SUFFIX:
                    return f"({self._path(o)}){_PATH_SUFFIX[p]}"
        raise Unsupported(f"{node!r} is not a SHACL path this compiler reads")

    def _values(self, path: Node | None, this: str) -> str:
        """The pattern binding (?this, ?v) to the focus nodes' value nodes: a plain triple for an IRI path (the
        callers join it to the focus nodes), a distinct sub-select joined to them for any other path."""
        if path is None:
            return "BIND(?this AS ?v)"
        if isinstance(path, URIRef):
            return f"?this {_iri(path)} ?v ."
        return f"{{ SELECT DISTINCT ?this ?v WHERE {{ {this} ?this {self._path(path)} ?v }} }}"

    def _value_nodes(self, path: Node | None, focus: str) -> str:
        """A focus pattern (binding ?FOCUS) of the value nodes of the focus nodes `focus` binds."""
        if path is None:
            return focus
        outer = self._var("q")
        return f"{{ SELECT DISTINCT ?FOCUS WHERE {{ {focus.replace('?FOCUS', outer)} {outer} {self._path(path)} ?FOCUS }} }}"

    def _has_targets(self, shape: Node) -> bool:
        return any(self.shapes.value(shape, p) is not None for p in _TARGETS) or bool(self._implicit_classes(shape))

    def _implicit_classes(self, shape: Node) -> list[Node]:
        """pyshacl's implicit class target: a shape that is an rdfs:Class (or of a subclass of it) targets itself."""
        classes = {RDFS.Class, *self.shapes.subjects(RDFS.subClassOf, RDFS.Class)}
        return [shape] if classes & set(self.shapes.objects(shape, RDF.type)) else []

    def _targets(self, shape: Node) -> str:
        """The focus nodes' pattern: distinct, class targets through rdfs:subClassOf* as pyshacl finds them."""
        g = self.shapes
        branches = []
        for cls in sorted({*g.objects(shape, SH.targetClass), *self._implicit_classes(shape)}):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            branches.append("{ " + self._instance_of("?FOCUS", _iri(cls)) + " }")
        for node in sorted(g.objects(shape, SH.targetNode)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            branches.append(f"{{ VALUES ?FOCUS {{ {_constant(node)} }} }}")
        for p in sorted(g.objects(shape, SH.targetSubjectsOf)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            branches.append(f"{{ ?FOCUS {_iri(p)} [] }}")
        for p in sorted(g.objects(shape, SH.targetObjectsOf)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            branches.append(f"{{ [] {_iri(p)} ?FOCUS }}")
        return "{ SELECT DISTINCT ?FOCUS WHERE { " + " UNION ".join(branches) + " } }"

    def _subclasses(self, cls: str) -> list[Term] | None:
        """The classes `rdfs:subClassOf*` reaches from `cls` in the store, None if a blank node is among them."""
        if cls not in self.subclass_cache:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {cls} }}")
            assert isinstance(rows, ox.QuerySolutions)  # a SELECT
            found = [row["c"] for row in rows]
            self.subclass_cache[cls] = None if any(isinstance(c, ox.BlankNode) for c in found) else found
        return self.subclass_cache[cls]

    def _instance_of(self, var: str, cls: str) -> str:
        """`var a/rdfs:subClassOf* cls`, with the subclasses looked up once and matched by index."""
        subclasses = self._subclasses(cls)
        if subclasses is None:
            return f"{var} a/<{RDFS.subClassOf}>* {cls} ."
        k = self._var("k")
        return f"VALUES {k} {{ {' '.join(str(c) for c in subclasses)} }} {var} a {k} ."

    def _var(self, name: str) -> str:
        return f"?{name}{next(self.fresh)}"

    # --- evaluation ---

    def evaluate(self, shape: Node, focus: str, reporting: bool, missing_found: bool = False) -> list[_Result]:
        """The results of a shape on the focus nodes the pattern binds (to ?FOCUS); `missing_found`: the
        caller (its node shape) has already looked for the focus nodes without a value sh:minCount or
        sh:hasValue needs."""
        g = self.shapes
        if _true(g.value(shape, SH.deactivated)):
            return []
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                raise Unsupported(f"shapes nested deeper than {_MAX_DEPTH} at {shape} (recursive shapes?)")
            return self._evaluate(shape, focus, reporting, missing_found)
        finally:
            self.depth -= 1

    def _evaluate(self, shape: Node, focus: str, reporting: bool, missing_found: bool) -> list[_Result]:
        g = self.shapes
        path = g.value(shape, SH.path)
        self._may_run(shape, reporting)
        props = [prop for prop in sorted(g.objects(shape, SH.property)) if not _true(g.value(prop, SH.deactivated))]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        for prop in props:
            self._may_run(prop, reporting)  # before any query runs
        this = focus.replace("?FOCUS", "?this")
        values = self._values(path, this)
        out = self._value_type(shape, path, this, values)
        out += self._per_focus(shape, path, this, values, focus)
        out += self._missing([] if missing_found else self._needs_value(shape), this)
        out += self._in(shape, path, this, values)
        out += self._shape_based(shape, path, this, values, focus)
        out += self._pairs(shape, path, this, values)
        out += self._closed(shape, this)
        if path is None:
            out += self._missing([need for prop in props for need in self._needs_value(prop)], this)
            for prop in props:
                out += self.evaluate(prop, focus, reporting, missing_found=True)
        elif props:  # a property shape's property shapes validate its value nodes
            nested = self._value_nodes(path, focus)
            for prop in props:
                out += self.evaluate(prop, nested, reporting)
        return out

    def _may_run(self, shape: Node, reporting: bool) -> None:
        """Unsupported unless a reported shape has exactly one message and a nested one reports violations."""
        g = self.shapes
        if reporting and self.worded and set(g.predicates(shape)) & (_VALUE_TYPE | _PER_FOCUS | _SHAPE_BASED | _OTHERS):
            self.message(shape)
        # What validate.shacl_violations reads of pyshacl's report differs for these: it also takes the results
        # pyshacl nests under sh:detail of a reported sh:node result, and a property shape's property shape
        # reports a value node once per focus node reaching it (here once).
        if reporting and self.worded and (shape, SH.node, None) in g:
            raise Unsupported(f"{shape} has sh:node (pyshacl's sh:detail results)")
        if reporting and self.worded and (shape, SH.path, None) in g and (shape, SH.property, None) in g:
            raise Unsupported(f"property shape {shape} has sh:property")
        if not reporting and g.value(shape, SH.severity) not in (None, SH.Violation):
            raise Unsupported(f"{shape}: a severity below Violation inside sh:qualifiedValueShape")

    def _needs_value(self, shape: Node) -> list[tuple[Node, Node, Node | None]]:
        """(shape, path, value or None for any) a focus node must have: sh:minCount >= 1 and sh:hasValue."""
        g = self.shapes
        path = g.value(shape, SH.path)
        if path is None or _true(g.value(shape, SH.deactivated)):
            return []
        low = g.value(shape, SH.minCount)
        needs: list[tuple[Node, Node, Node | None]] = [(shape, path, None)] if low is not None and int(low) >= 1 else []  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
        return needs + [(shape, path, node) for node in sorted(g.objects(shape, SH.hasValue))]  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one

    def _missing(self, needs: list[tuple[Node, Node, Node | None]], this: str) -> list[_Result]:
        """One result per focus node and need it lacks; all of a node shape's needs on IRI paths in one pass over
        its focus nodes (one lookup each, where a query per need would scan the focus nodes again)."""
        out = []
        plain = [need for need in needs if isinstance(need[1], URIRef)]
        if plain:
            table = " ".join(
                f"({i} {_iri(path)} {'UNDEF' if node is None else _constant(node)})"
                for i, (_, path, node) in enumerate(plain)
            )
            query = f"SELECT ?this ?i WHERE {{ {this} VALUES (?i ?p ?c) {{ {table} }} FILTER NOT EXISTS {{ ?this ?p ?c }} }}"
            for row in self._rows(query):
                shape, path, node = plain[int(row["i"].value)]
                out.append(_Result(row["this"], None, shape, path, _missing_component(node)))
        for shape, path, node in needs:
            if not isinstance(path, URIRef):
                wanted = self._var("any") if node is None else _constant(node)
                query = f"SELECT ?this WHERE {{ {this} FILTER NOT EXISTS {{ ?this {self._path(path)} {wanted} }} }}"
                out += [_Result(row["this"], None, shape, path, _missing_component(node)) for row in self._rows(query)]
        return out

    def _in(self, shape: Node, path: Node | None, this: str, values: str) -> list[_Result]:
        """sh:in: each value node that is none of the list's terms (term equality, as sameTerm tests it)."""
        out = []
        for members in sorted(self.shapes.objects(shape, SH["in"])):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            listed = " || ".join(f"sameTerm(?v, {_constant(m)})" for m in self.shapes.items(members)) or "false"
            rows = self._rows(f"SELECT ?this ?v WHERE {{ {this} {values} FILTER(!({listed})) }}")
            out += [_Result(row["this"], row["v"], shape, path, SH.InConstraintComponent) for row in rows]
        return out

    def _shape_based(self, shape: Node, path: Node | None, this: str, values: str, focus: str) -> list[_Result]:
        """sh:node, sh:not, sh:and, sh:or, sh:xone: each referred shape is evaluated once on all the value nodes
        (conformance is a property of the node alone), then each (focus, value) pair is judged in Python."""
        g = self.shapes
        rules: list[tuple[URIRef, list[Node], Callable[[list[bool]], bool]]] = []
        for other in sorted(g.objects(shape, SH.node)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            rules.append((SH.NodeConstraintComponent, [other], lambda fails: fails[0]))
        for other in sorted(g.objects(shape, SH["not"])):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            rules.append((SH.NotConstraintComponent, [other], lambda fails: not fails[0]))
        combinations: tuple[tuple[URIRef, Callable[[list[bool]], bool]], ...] = (
            (SH["and"], any),
            (SH["or"], all),
            (SH.xone, _not_exactly_one),
        )
        for parameter, rule in combinations:
            for members in sorted(g.objects(shape, parameter)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
                rules.append((component(parameter), list(g.items(members)), rule))
        if not rules:
            return []
        nested = self._value_nodes(path, focus)
        failing = {other: self._failing(other, nested) for _, others, _ in rules for other in others}
        out = []
        for row in self._rows(f"SELECT ?this ?v WHERE {{ {this} {values} }}"):
            value = row["v"]
            for kind, others, rule in rules:
                if rule([value in failing[other] for other in others]):
                    out.append(_Result(row["this"], value, shape, path, kind))
        return out

    def _failing(self, shape: Node, focus: str) -> set[Term]:
        """The nodes `focus` binds that do not conform to `shape`."""
        return {r.focus for r in self.evaluate(shape, focus, reporting=False)}

    def _pairs(self, shape: Node, path: Node | None, this: str, values: str) -> list[_Result]:
        """sh:equals and sh:disjoint: the value nodes against the focus node's values of another property."""
        g = self.shapes
        queries: list[tuple[URIRef, str]] = []
        for other in sorted(g.objects(shape, SH.equals)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            p = _iri(other)
            if path is None:
                queries.append(
                    (SH.EqualsConstraintComponent, f"{this} FILTER NOT EXISTS {{ ?this {p} ?this }} BIND(?this AS ?v)")
                )
                queries.append((SH.EqualsConstraintComponent, f"{this} ?this {p} ?v FILTER(!sameTerm(?v, ?this))"))
            else:
                queries.append((SH.EqualsConstraintComponent, f"{this} {values} FILTER NOT EXISTS {{ ?this {p} ?v }}"))
                queries.append((SH.EqualsConstraintComponent, f"{{ {this} ?this {p} ?v }} MINUS {{ {values} }}"))
        for other in sorted(g.objects(shape, SH.disjoint)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            p = _iri(other)
            queries.append((SH.DisjointConstraintComponent, f"{this} {values} ?this {p} ?v"))
        out = []
        for kind, where in queries:
            rows = self._rows(f"SELECT DISTINCT ?this ?v WHERE {{ {where} }}")
            out += [_Result(row["this"], row["v"], shape, path, kind) for row in rows]
        return out

    def _closed(self, shape: Node, this: str) -> list[_Result]:
        """sh:closed: each triple of a focus node whose predicate is no property shape's IRI path nor ignored."""
        g = self.shapes
        if not _true(g.value(shape, SH.closed)):
            return []
        allowed = {g.value(prop, SH.path) for prop in g.objects(shape, SH.property)}
        allowed |= {p for members in g.objects(shape, SH.ignoredProperties) for p in g.items(members)}
        listed = ", ".join(sorted(_iri(p) for p in allowed if isinstance(p, URIRef)))
        test = f"FILTER(?p NOT IN ({listed}))" if listed else ""
        rows = self._rows(f"SELECT ?this ?p ?v WHERE {{ {this} ?this ?p ?v {test} }}")
        return [
            _Result(row["this"], row["v"], shape, URIRef(row["p"].value), SH.ClosedConstraintComponent) for row in rows
        ]

    def _rows(self, query: str) -> list[ox.QuerySolution]:
        solutions = self.store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)  # every query here is a SELECT
        return list(solutions)

    def _within(self, anywhere: str, this: str) -> list[ox.QuerySolution]:
        """The rows of `anywhere` (a SELECT over all subjects of the store, binding ?this) whose ?this is a
        focus node. `anywhere` runs alone, once per text (shared property shapes ask again): scanning a path
        is cheap where joining each of its triples to the focus nodes is not, and on data that conforms it
        has few rows or none, whose ?this are then looked up among the focus nodes."""
        if anywhere not in self.anywhere:
            self.anywhere[anywhere] = self._rows(anywhere)
        rows = self.anywhere[anywhere]
        if not rows:
            return []
        subjects = {row["this"] for row in rows}
        if len(subjects) <= 1000 and all(isinstance(node, ox.NamedNode) for node in subjects):
            listed = " ".join(str(node) for node in subjects)
            kept = {row["this"] for row in self._rows(f"SELECT ?this WHERE {{ VALUES ?this {{ {listed} }} {this} }}")}
            return [row for row in rows if row["this"] in kept]
        names = re.match(r"SELECT ((?:\?\w+ )+)WHERE", anywhere)
        assert names is not None
        return self._rows(f"SELECT {names.group(1)}WHERE {{ {{ {anywhere} }} {this} }}")

    def _value_type(self, shape: Node, path: Node | None, this: str, values: str) -> list[_Result]:
        out = []
        for cls in sorted(self.shapes.objects(shape, SH["class"])):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            out += self._class(shape, path, this, values, _iri(cls))
        checks = self._value_checks(shape)
        if not checks:
            return out
        flags = [f"?k{i}" for i in range(len(checks))]
        binds = " ".join(
            f"BIND(COALESCE({c.maybe_fails}, true) AS {k})" for (_, c), k in zip(checks, flags, strict=True)
        )
        select = f"SELECT ?this ?v {' '.join(flags)} WHERE"
        if path is None:
            rows = self._rows(f"{select} {{ {this} {values} {binds} FILTER({' || '.join(flags)}) }}")
        else:
            rows = self._within(f"{select} {{ {values} {binds} FILTER({' || '.join(flags)}) }}", this)
        for row in rows:
            value = row["v"]
            term = from_stored_term(value)
            for (kind, check), k in zip(checks, flags, strict=True):
                if row[k[1:]].value == "true" and check.fails(term):
                    out.append(_Result(row["this"], value, shape, path, kind))
        return out

    def _class(self, shape: Node, path: Node | None, this: str, values: str, cls: str) -> list[_Result]:
        """sh:class: the values that are literals or no instance (a literal is never the subject of a type)."""
        subclasses = self._subclasses(cls)
        if subclasses is None:
            test = f"FILTER(isLiteral(?v) || NOT EXISTS {{ ?v a/<{RDFS.subClassOf}>* {cls} }})"
        else:
            test = f"MINUS {{ VALUES ?class {{ {' '.join(map(str, subclasses))} }} ?v a ?class }}"
        if path is None and self.instances.get(this) == cls:  # the focus nodes are its instances
            return []
        if path is None:
            rows = self._rows(f"SELECT ?this ?v WHERE {{ {this} {values} {test} }}")
        else:
            rows = self._within(f"SELECT ?this ?v WHERE {{ {values} {test} }}", this)
        return [_Result(row["this"], row["v"], shape, path, SH.ClassConstraintComponent) for row in rows]

    def _value_checks(self, shape: Node) -> list[tuple[URIRef, _ValueCheck]]:
        """Each value-type check of the shape with its constraint component."""
        g = self.shapes
        checks = []
        datatype = g.value(shape, SH.datatype)
        if datatype is not None:
            checks.append((SH.DatatypeConstraintComponent, _datatype_check(datatype)))
        kind = g.value(shape, SH.nodeKind)
        if kind is not None:
            checks.append((SH.NodeKindConstraintComponent, _node_kind_check(kind)))
        for parameter in (SH.minExclusive, SH.minInclusive, SH.maxExclusive, SH.maxInclusive):
            for bound in sorted(g.objects(shape, parameter)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
                checks.append((component(parameter), _range_check(parameter, bound)))
        for parameter in (SH.minLength, SH.maxLength):
            length = g.value(shape, parameter)
            if length is not None:
                checks.append((component(parameter), _length_check(parameter, length)))
        flags = g.value(shape, SH.flags)
        for pattern in sorted(g.objects(shape, SH.pattern)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            checks.append((SH.PatternConstraintComponent, _pattern_check(pattern, flags)))
        languages = g.value(shape, SH.languageIn)
        if languages is not None:
            checks.append(
                (SH.LanguageInConstraintComponent, _language_check([str(x).lower() for x in g.items(languages)]))
            )
        return checks

    def _per_focus(self, shape: Node, path: Node | None, this: str, values: str, focus: str) -> list[_Result]:
        g = self.shapes
        found: list[tuple[Term, URIRef]] = []

        def counted(anywhere: str, kind: URIRef) -> None:
            found.extend((row["this"], kind) for row in self._within(anywhere, this))

        low, high = g.value(shape, SH.minCount), g.value(shape, SH.maxCount)
        low = None if low is None or int(low) <= 1 else int(low)  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads (none at all: _missing)
        high = None if high is None else int(high)  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
        unique = g.value(shape, SH.uniqueLang) is not None
        if not self.worded:  # the standard's rule: only true (not "1"^^xsd:boolean) activates it
            unique = g.value(shape, SH.uniqueLang) == Literal(True)  # term equality
        # A triple is a distinct value of its subject (and other paths' values are taken DISTINCT), so COUNT(*)
        # counts the values. A node whose values outnumber their distinct keys (a tagged literal's lower-cased
        # language, else "") has two values under one language, or two untagged ones: one grouping finds every
        # node any of these checks may report, and on data that conforms there is none.
        key = 'IF(isLiteral(?v) && LANG(?v) != "", LCASE(LANG(?v)), "")'
        grouped = [f"COUNT(*) < {low}"] if low is not None else []
        grouped += [f"COUNT(*) > {high}"] if high is not None else []
        grouped += [f"COUNT(*) > COUNT(DISTINCT {key})"] if unique else []
        # counts and sh:uniqueLang have a path (_check_shape)
        gate = f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this HAVING ({' || '.join(grouped)})"
        if len(grouped) > 1 and gate not in self.anywhere:
            self.anywhere[gate] = self._rows(gate)
        if len(grouped) <= 1 or self.anywhere[gate]:
            if low is not None:
                counted(
                    f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this HAVING (COUNT(*) < {low})",
                    SH.MinCountConstraintComponent,
                )
            if high is not None:
                counted(
                    f"SELECT ?this WHERE {{ {values} }} GROUP BY ?this HAVING (COUNT(*) > {high})",
                    SH.MaxCountConstraintComponent,
                )
        if path is None:
            for node in sorted(g.objects(shape, SH.hasValue)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
                query = f"SELECT ?this WHERE {{ {this} FILTER(!sameTerm(?this, {_constant(node)})) }}"
                found.extend((row["this"], SH.HasValueConstraintComponent) for row in self._rows(query))
        out = [_Result(node, None, shape, path, kind) for node, kind in found]
        if unique and (len(grouped) <= 1 or self.anywhere[gate]):
            query = (
                f'SELECT ?this ?lang WHERE {{ {values} FILTER(isLiteral(?v) && LANG(?v) != "") }} '
                "GROUP BY ?this (LCASE(LANG(?v)) AS ?lang) HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            rows = self._within(query, this)
            out += [_Result(row["this"], None, shape, path, SH.UniqueLangConstraintComponent) for row in rows]
        for other in sorted(g.objects(shape, SH.lessThan)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            out += self._less_than(shape, path, this, values, other, strict=True)
        for other in sorted(g.objects(shape, SH.lessThanOrEquals)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            out += self._less_than(shape, path, this, values, other, strict=False)
        qualified = g.value(shape, SH.qualifiedValueShape)
        if qualified is not None:
            out += self._qualified(shape, path, this, focus, qualified)
        return out

    def _less_than(
        self, shape: Node, path: Node | None, this: str, values: str, other: Node, strict: bool
    ) -> list[_Result]:
        """One result per (value, other value) pair pyshacl's `<` (`<=`) does not order; numbers SPARQL orders
        pass."""
        if not isinstance(other, URIRef):
            raise Unsupported(f"{shape}: sh:lessThan on a path that is not an IRI")
        op = "<" if strict else "<="
        clear = f"({_numeric('?v')} && {_numeric('?o')} && xsd:decimal(STR(?v)) {op} xsd:decimal(STR(?o)))"
        unclear = f"FILTER(!COALESCE({clear}, false))"
        if path is None:
            rows = self._rows(
                f"PREFIX xsd: <{XSD}> SELECT ?this ?v ?o WHERE {{ {this} {values} ?this {_iri(other)} ?o {unclear} }}"
            )
        else:  # both paths scanned whole and hash-joined, not one lookup per triple
            pairs = (
                f"{{ SELECT ?this ?v WHERE {{ {values} }} }} {{ SELECT ?this ?o WHERE {{ ?this {_iri(other)} ?o }} }}"
            )
            rows = self._within(
                f"SELECT ?this ?v ?o WHERE {{ {pairs} {unclear} }}".replace("xsd:decimal", f"<{XSD.decimal}>"), this
            )
        kind = SH.LessThanConstraintComponent if strict else SH.LessThanOrEqualsConstraintComponent
        out = []
        for row in rows:
            if not _ordered(from_stored_term(row["v"]), from_stored_term(row["o"]), strict):
                out.append(_Result(row["this"], row["v"], shape, path, kind))
        return out

    def _siblings(self, shape: Node, qualified: Node) -> list[Node]:
        """sh:qualifiedValueShapesDisjoint: the qualified value shapes of the shape's siblings (the other property
        shapes of the shapes it is a property shape of)."""
        g = self.shapes
        if not _true(g.value(shape, SH.qualifiedValueShapesDisjoint)):
            return []
        siblings = {s for parent in g.subjects(SH.property, shape) for s in g.objects(parent, SH.property)}
        found = {q for s in siblings - {shape} for q in g.objects(s, SH.qualifiedValueShape)}
        return sorted(found - {qualified})  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one

    def _qualified(self, shape: Node, path: Node | None, this: str, focus: str, qualified: Node) -> list[_Result]:
        """Per focus node, the value nodes conforming to the qualified shape (and to no sibling's when disjoint)
        counted against its bounds."""
        g = self.shapes
        low, high = g.value(shape, SH.qualifiedMinCount), g.value(shape, SH.qualifiedMaxCount)
        if low is None and high is None:
            return []
        assert path is not None  # _check_shape: no qualified constraint on a node shape
        siblings = self._siblings(shape, qualified)
        steps = self._path(path)
        # Conformance is a property of the node alone, so the qualified shape may be run on any superset of
        # the value nodes: the instances of its sh:class (a cheap pattern; the others fail that class), else
        # the value nodes themselves.
        classes = sorted(g.objects(qualified, SH["class"])) if g.value(qualified, SH.path) is None else []  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        if classes:
            nested = "{ SELECT DISTINCT ?FOCUS WHERE { " + self._instance_of("?FOCUS", _iri(classes[0])) + " } }"
            self.instances[nested.replace("?FOCUS", "?this")] = _iri(classes[0])
            candidate = self._instance_of("?v", _iri(classes[0]))
        else:
            nested = self._value_nodes(path, focus)
            candidate = ""
        failing = self._failing(qualified, nested)
        sibling_failing = [self._failing(s, self._value_nodes(path, focus)) for s in siblings]
        at_least = SH.QualifiedMinCountConstraintComponent
        at_most = SH.QualifiedMaxCountConstraintComponent
        found: set[tuple[Term, URIRef]] = set()
        if not siblings and all(isinstance(node, ox.NamedNode) for node in failing) and len(failing) <= 1000:
            if failing:
                candidate += f" FILTER(?v NOT IN ({', '.join(str(node) for node in sorted(failing, key=str))}))"
            conforming = f"?this {steps} ?v . {candidate}"
            if low is not None and int(low) >= 1:  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads (>= 1: none conforming)
                rows = self._rows(f"SELECT ?this WHERE {{ {this} MINUS {{ {conforming} }} }}")
                found |= {(row["this"], at_least) for row in rows}
            if low is not None and int(low) > 1:  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
                query = f"SELECT ?this WHERE {{ {conforming} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(low)})"  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
                found |= {(row["this"], at_least) for row in self._within(query, this)}
            if high is not None:
                query = (
                    f"SELECT ?this WHERE {{ {conforming} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(high)})"  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
                )
                found |= {(row["this"], at_most) for row in self._within(query, this)}
            return [_Result(node, None, shape, path, kind) for node, kind in found]
        if candidate:
            candidate = f"FILTER EXISTS {{ {candidate} }}"
        kept_of: dict[Term, set[Term]] = {}
        for row in self._rows(f"SELECT ?this ?v WHERE {{ {this} OPTIONAL {{ ?this {steps} ?v {candidate} }} }}"):
            kept = kept_of.setdefault(row["this"], set())
            value = row["v"]
            if value is not None and value not in failing and all(value in f for f in sibling_failing):
                kept.add(value)
        for node, kept in kept_of.items():
            if low is not None and len(kept) < int(low):  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
                found.add((node, at_least))
            if high is not None and len(kept) > int(high):  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
                found.add((node, at_most))
        return [_Result(node, None, shape, path, kind) for node, kind in found]


# --- value-type checks: a SPARQL prefilter, pyshacl's rule in Python ---


def _datatype_check(datatype: Node) -> _ValueCheck:
    dt = "DATATYPE(?v)"
    if datatype == XSD.string:
        clear = f'(isLiteral(?v) && LANG(?v) = "" && (sameTerm({dt}, {_iri(XSD.string)}) || sameTerm({dt}, {_typed(XSD.string)})))'
    elif datatype == RDF.langString:
        clear = '(isLiteral(?v) && LANG(?v) != "")'
    elif datatype in _WELL_FORMED:
        clear = f"(isLiteral(?v) && sameTerm({dt}, {_typed(datatype)}) && {_regex('STR(?v)', _WELL_FORMED[datatype])})"
    else:
        clear = "false"

    def fails(v: Node) -> bool:
        """pyshacl's DatatypeConstraintComponent.evaluate for one value node."""
        if not isinstance(v, Literal):
            return True
        actual = DatatypeConstraintComponent._assert_actual_datatype
        if v.datatype == datatype:
            return getattr(v, "ill_typed", None) is True or not actual(None, v, datatype)  # type: ignore[arg-type]  # pyshacl's method uses no self
        if datatype == RDFS.Literal or (datatype == RDFS.Datatype and v.datatype):
            return False
        if (v.datatype is None and v.language is None and datatype == XSD.string) or (
            datatype == RDF.langString and v.language
        ):
            return not actual(None, v, datatype)  # type: ignore[arg-type]  # pyshacl's method uses no self
        return True

    return _ValueCheck(f"!COALESCE({clear}, false)", fails)


def _node_kind_check(kind: Node) -> _ValueCheck:
    by_kind: dict[Node, tuple[Any, ...]] = {  # (SPARQL test, rdflib class) pairs
        SH.IRI: ("isIRI", URIRef),
        SH.BlankNode: ("isBlank", BNode),
        SH.Literal: ("isLiteral", Literal),
        SH.BlankNodeOrIRI: ("isBlank", BNode, "isIRI", URIRef),
        SH.BlankNodeOrLiteral: ("isBlank", BNode, "isLiteral", Literal),
        SH.IRIOrLiteral: ("isIRI", URIRef, "isLiteral", Literal),
    }
    allowed = by_kind.get(kind)
    if allowed is None:
        raise Unsupported(f"sh:nodeKind {kind}")
    tests, kinds = allowed[0::2], allowed[1::2]
    return _ValueCheck("!(" + " || ".join(f"{t}(?v)" for t in tests) + ")", lambda v: not isinstance(v, tuple(kinds)))


def _range_check(parameter: URIRef, bound: Node) -> _ValueCheck:
    """Surely passes: a well-formed number strictly on the right side of a numeric bound (equality: Python)."""
    if not isinstance(bound, Literal):
        raise Unsupported(f"{parameter} {bound} is not a literal")
    above = parameter in (SH.minExclusive, SH.minInclusive)
    if bound.datatype in _NUMERIC and re.search(_WELL_FORMED[bound.datatype], str(bound)):
        clear = f"({_numeric('?v')} && <{XSD.decimal}>(STR(?v)) {'>' if above else '<'} {_decimal(bound)})"
    else:
        clear = "false"
    passes = {SH.minExclusive: lambda c: c > 0, SH.minInclusive: lambda c: c >= 0}
    passes |= {SH.maxExclusive: lambda c: c < 0, SH.maxInclusive: lambda c: c <= 0}

    def fails(v: Node) -> bool:
        """pyshacl's _evaluate_min_rule / _evaluate_max_rule for one value node."""
        if not isinstance(v, Literal) or isinstance(v.value, str) != isinstance(bound.value, str):
            return True
        try:
            return not passes[parameter](compare_literal(v, bound))
        except (TypeError, NotImplementedError):
            return True

    return _ValueCheck(f"!COALESCE({clear}, false)", fails)


def _length_check(parameter: URIRef, bound: Node) -> _ValueCheck:
    n = int(bound)  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
    op = ">=" if parameter == SH.minLength else "<="
    clear = f"(!isBlank(?v) && STRLEN(STR(?v)) {op} {n})"

    def fails(v: Node) -> bool:
        if parameter == SH.minLength and n == 0:
            return False
        if isinstance(v, BNode):
            return True
        size = len(StringBasedConstraintBase.value_node_to_string(v))
        return not (size >= n if parameter == SH.minLength else size <= n)

    return _ValueCheck(f"!COALESCE({clear}, false)", fails)


def _pattern_check(pattern: Node, flags: Node | None) -> _ValueCheck:
    """pyshacl searches with Python's `re`; REGEX clears only patterns both engines read alike, without flags."""
    text = str(pattern.value) if isinstance(pattern, Literal) and pattern.value is not None else str(pattern)
    re_flags = 0
    if flags is not None:
        lowered = str(flags).lower()
        re_flags = (re.I if "i" in lowered else 0) | (re.M if "m" in lowered else 0)
    matcher = re.compile(text, re_flags)
    portable = flags is None and _PORTABLE_PATTERN.fullmatch(text)
    clear = f"(!isBlank(?v) && {_regex('STR(?v)', text)})" if portable else "false"

    def fails(v: Node) -> bool:
        if isinstance(v, BNode):
            return True
        return not matcher.search(StringBasedConstraintBase.value_node_to_string(v))

    return _ValueCheck(f"!COALESCE({clear}, false)", fails)


def _language_check(languages: list[str]) -> _ValueCheck:
    listed = ", ".join(str(ox.Literal(x)) for x in languages) or '""'
    clear = f'(isLiteral(?v) && LANG(?v) != "" && (LCASE(LANG(?v)) IN ({listed}) || LCASE(STRBEFORE(LANG(?v), "-")) IN ({listed})))'
    if "*" in languages:
        clear = '(isLiteral(?v) && LANG(?v) != "")'

    def fails(v: Node) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return True
        lang = str(v.language).lower()
        return not ("*" in languages or lang in languages or lang.split("-")[0] in languages)

    return _ValueCheck(f"!COALESCE({clear}, false)", fails)


def _ordered(value: Node, other: Node, strict: bool = True) -> bool:
    """pyshacl's LessThanConstraintComponent._compare_lt (LessThanOrEquals' _compare_lte) for one pair."""
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise Unsupported("sh:lessThan on a blank node (pyshacl raises)")

    def comparable(node: Node) -> tuple[Any, bool]:  # any value: an ordering pyshacl lacks raises TypeError
        if isinstance(node, URIRef):
            return str(node), True
        if isinstance(node, Literal) and isinstance(node.value, str):
            return node.value, True
        return node, False

    (a, a_str), (b, b_str) = comparable(value), comparable(other)
    if a_str != b_str:
        return False
    try:
        return bool(a < b) if strict else bool(a <= b)
    except TypeError as exc:
        raise Unsupported(f"sh:lessThan cannot order {value!r} and {other!r} (pyshacl raises)") from exc


# --- terms ---


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def _not_exactly_one(fails: list[bool]) -> bool:
    return fails.count(False) != 1


def _missing_component(node: Node | None) -> URIRef:
    """A need `_missing` finds unmet: any value (sh:minCount) or this one (sh:hasValue)."""
    return SH.MinCountConstraintComponent if node is None else SH.HasValueConstraintComponent


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise Unsupported(f"{node!r} where an IRI is needed")
    return str(ox.NamedNode(str(node)))


def _typed(datatype: Node) -> str:
    return str(ox.NamedNode(TYPED + str(datatype)))


def _constant(node: Node) -> str:
    """A shapes-graph term as the store holds it, written in SPARQL."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, Literal):
        return str(Terms.literal(node))
    raise Unsupported(f"blank node {node} as a constant")


def _regex(expression: str, pattern: str) -> str:
    return f"REGEX({expression}, {ox.Literal(pattern)})"


def _numeric(var: str) -> str:
    """The stored literal is a number in one of the lexical forms rdflib and XSD read alike."""
    return (
        "("
        + " || ".join(
            f"(isLiteral({var}) && sameTerm(DATATYPE({var}), {_typed(dt)}) && {_regex(f'STR({var})', _WELL_FORMED[dt])})"
            for dt in _NUMERIC
        )
        + ")"
    )


def _decimal(bound: Literal) -> str:
    return f'"{bound}"^^<{XSD.decimal}>'
