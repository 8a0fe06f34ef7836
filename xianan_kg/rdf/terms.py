"""The one codec between rdflib's terms and pyoxigraph's: every layer that crosses engines goes through it.

Oxigraph stores literals of the XSD types by value ("46400.0"^^xsd:decimal comes back as "46400"), while
rdflib, owlrl and pyshacl tell terms apart as written. Where a store must give back the very term that went
in (the rules, the compiled SHACL), a typed literal enters it under a datatype Oxigraph does not interpret,
TYPED + its datatype's IRI (`Terms.literal`, `typed_literal`)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
TYPED = "urn:xianan-kg:rules:typed:"  # "4"^^xsd:integer is stored as "4"^^<TYPED + xsd:integer's IRI>
_VALUE = ox.NamedNode("urn:xianan-kg:rules:value")
_XSD_STRING = str(XSD.string)


def from_ox_term(term: object) -> Node:
    """The rdflib term for an Oxigraph one (the inverse of `to_ox_term`)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == str(XSD.string) else Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def to_ox_term(term: Node) -> OxTerm:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"unsupported term {term!r}")


class Terms:
    """rdflib terms to Oxigraph and back, so that what comes out is the very term that went in."""

    def __init__(self, literals: Iterable[Literal]) -> None:
        self.to_ox = to_ox_term
        self.made: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self.back: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node] = {}  # as stored, to what went in
        originals = list(literals)
        probe = ox.Store()  # what a store makes of each literal (language tags, say), to map it back
        probe.extend(ox.Quad(ox.NamedNode(f"urn:i:{i}"), _VALUE, self.literal(lit)) for i, lit in enumerate(originals))
        for quad in probe:
            original = originals[int(quad.subject.value[len("urn:i:") :])]
            seen = self.back.setdefault(quad.object, original)
            if seen != original:  # cannot happen with the encoding above: raised rather than guessed
                raise ValueError(f"{seen.n3()} and {original.n3()} are one literal in Oxigraph")

    @staticmethod
    def literal(literal: Literal) -> ox.Literal:
        """A typed literal goes in under TYPED + its datatype, which Oxigraph keeps as written."""
        if literal.datatype is not None:
            return ox.Literal(str(literal), datatype=ox.NamedNode(TYPED + str(literal.datatype)))
        return ox.Literal(str(literal), language=literal.language) if literal.language else ox.Literal(str(literal))

    def quad(self, triple: tuple[Node, Node, Node]) -> ox.Quad:
        return ox.Quad(*map(self.ox, triple))  # type: ignore[arg-type]  # rdflib types each place of a triple as Node; a subject is never a literal

    def ox(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The Oxigraph term, made once per rdflib term (a graph names the same things many times)."""
        made = self.made.get(term)
        if made is None:
            made = self.made[term] = self.literal(term) if isinstance(term, Literal) else self.to_ox(term)
            if not isinstance(term, Literal):
                self.back[made] = term
        return made

    def term(self, term: OxTerm) -> Node:  # (`ox` names the method above in this class's scope)
        """The rdflib term that went in; an IRI only the rules name (owl:Thing, say) is made here."""
        known = self.back.get(term)
        if known is not None:
            return known
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        raise ValueError(f"{term} is not in the graph: the rules copy literals and blank nodes, never make them")


def typed_literal(literal: ox.Literal) -> ox.Literal:
    """An Oxigraph literal as the rules' store holds it (see `Terms.literal`; language tags in lower case)."""
    if literal.language:
        return ox.Literal(literal.value, language=literal.language.lower())
    if literal.datatype.value == _XSD_STRING:
        return literal
    return ox.Literal(literal.value, datatype=ox.NamedNode(TYPED + literal.datatype.value))


def from_stored_term(term: OxTerm) -> Node:
    """The rdflib term a store holds under `Terms.literal`'s encoding (a typed literal under TYPED + its datatype
    comes back as written)."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(TYPED):
        return Literal(term.value, datatype=URIRef(term.datatype.value[len(TYPED) :]))
    return from_ox_term(term)


def plain_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term with the same str() (all a report keeps of a binding: IRI, label or lexical form)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return Literal(term.value)
