"""The shapes' SPARQL constraints run once for every focus node where that answers as one run per focus node does.

Issue 13, point 7: run per focus node, the constraints took 91 s of bench/gen.py's N = 100 build (Oxigraph
evaluates a pattern inside FILTER NOT EXISTS whole for each query, so the time grew with the square of the
data); run once, 0.8 s. `binds_this` decides when the one run is the same answer.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from xianan_kg.rdf.serialize import union
from xianan_kg.rdf.terms import to_ox_term
from xianan_kg.source.load import load_sources
from xianan_kg.validate.constraints import binds_this, constraint_solutions, sparql_constraints
from xianan_kg.validate.validator import load_shapes

P = "PREFIX x: <http://example.org/> "


@pytest.mark.parametrize(
    "query",
    [
        "SELECT $this WHERE { $this x:p ?v }",
        "SELECT ?v WHERE { ?v x:p $this }",  # projected or not, bound by the pattern
        "SELECT DISTINCT $this ?v WHERE { $this x:p ?v FILTER NOT EXISTS { $this x:q ?w FILTER(?w = ?v) } }",
        "SELECT $this WHERE { { $this x:p ?v } UNION { $this x:q ?v } }",
        "SELECT $this WHERE { $this x:p ?v OPTIONAL { ?v x:q ?w } FILTER(!BOUND(?w)) }",
        "SELECT $this WHERE { ?a x:p ?b . $this x:q ?b }",
    ],
)
def test_a_pattern_that_binds_this_in_every_solution_runs_once(query):
    assert binds_this(prepareQuery(P + query).algebra.p)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?v WHERE { ?v x:p ?w FILTER(?v != $this) }",  # $this only in a FILTER: pre-bound, never bound
        "SELECT ?v WHERE { ?v x:p ?w OPTIONAL { $this x:q ?v } }",
        "SELECT $this WHERE { { $this x:p ?v } UNION { ?v x:q ?w } }",  # one branch leaves it unbound
        "SELECT $this WHERE { $this x:p ?v } LIMIT 1",  # one row per focus node, not one in all
        "SELECT $this (COUNT(?v) AS ?n) WHERE { $this x:p ?v } GROUP BY $this",
        "SELECT $this WHERE { $this x:p ?v } ORDER BY ?v",
    ],
)
def test_a_pattern_that_may_leave_this_unbound_or_answers_per_focus_runs_per_focus(query):
    assert not binds_this(prepareQuery(P + query).algebra.p)


@pytest.fixture(scope="module")
def store_and_constraints():
    sources = load_sources()
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(*map(to_ox_term, t))  # type: ignore[misc]  # rdflib types each place of a triple as Node
        for t in union(sources.ontology, sources.data)
    )
    return store, sparql_constraints(load_shapes())


def test_every_constraint_of_the_shapes_runs_once(store_and_constraints):
    _, constraints = store_and_constraints
    assert constraints and [str(c.shape) for c in constraints if c.for_all_foci is None] == []


def test_once_and_per_focus_give_the_same_solutions_on_the_review_with_violations(store_and_constraints):
    store, constraints = store_and_constraints
    # each constraint broken once: a scope's words found in no quote, a figure's scope where none may be
    store.add(ox.Quad(*map(ox.NamedNode, _first_figure(store)), ox.DefaultGraph()))
    for quad in list(store.quads_for_pattern(None, ox.NamedNode(_XK + "scopeAsWorded"), None))[:1]:
        store.remove(quad)
        store.add(ox.Quad(quad.subject, quad.predicate, ox.Literal("全球首创", language="zh")))

    def solutions(cs):
        return sorted(
            (str(c.shape), str(focus), tuple(sorted(str(s[v]) for v in rows.variables if s[v] is not None)))
            for c, focus, rows in constraint_solutions(store, cs)
            for s in rows
        )

    at_once = solutions(constraints)
    per_focus = solutions([dataclasses.replace(c, for_all_foci=None) for c in constraints])
    assert at_once == per_focus
    assert {shape.rsplit("#", 1)[1] for shape, _, _ in at_once} >= {"ScopeShape"}


_XK = "https://xianan-kg.example.org/ontology#"


def _first_figure(store: ox.Store) -> tuple[str, str, str]:
    """A scope on a figure: only a recognition has one (ScopeShape's second constraint)."""
    (row,) = store.query(f"SELECT ?f WHERE {{ ?f a <{_XK}Figure> }} ORDER BY ?f LIMIT 1")  # type: ignore[misc]
    return row["f"].value, _XK + "scope", "https://xianan-kg.example.org/id/concept/scope-province-wide"
