"""The data files parsed straight into Oxigraph terms, with what the release needs on the way in: one lexical
form per literal (xianan_kg.rdf.literals) and each `xk:quote` shorthand anchored to the source text.

The data may not contain blank nodes (a violation, reported by the validator); language tags come out in lower
case, as Oxigraph reads them and RDF 1.1 allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.literals import canonical_literal, ill_typed
from xianan_kg.rdf.namespaces import XK, bind_prefixes
from xianan_kg.rdf.terms import from_ox_term, to_ox_term, typed_literal
from xianan_kg.source.anchor import QuoteProblem, anchor_quotes
from xianan_kg.source.documents import Document, Documents
from xianan_kg.source.text import SourceText

_QUOTE = str(XK.quote)
_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}


class Literals:
    """Each distinct literal made canonical once (a hundred districts repeat the same few thousand), and
    the form the rules' store gives back for each, to map an entailment's literal to what was written."""

    def __init__(self) -> None:
        self._canonical: dict[ox.Literal, ox.Literal] = {}
        self.written: dict[ox.Literal, ox.Literal] = {}  # as the rules' store holds it -> as written
        self.ill_typed = False  # one of them lies outside its datatype's lexical space (a violation)

    def canonical(self, literal: ox.Literal) -> ox.Literal:
        out = self._canonical.get(literal)
        if out is None:
            out = self._canonical[literal] = _canonical(literal)
            if not literal.language and ill_typed(literal.value, literal.datatype.value):
                self.ill_typed = True
            self.written[typed_literal(out)] = out
        return out


def _canonical(literal: ox.Literal) -> ox.Literal:
    if literal.language or literal.datatype.value == str(XSD.string):
        return literal
    text = str(canonical_literal(Literal(literal.value, datatype=URIRef(literal.datatype.value))))
    return literal if text == literal.value else ox.Literal(text, datatype=literal.datatype)


@dataclass
class Parsed:
    triples: list[ox.Triple]  # the data graph, literals canonical, quotes anchored
    quote_problems: list[QuoteProblem]
    blank: bool  # a blank node in the data
    ill_typed: bool = False  # an ill-typed literal (the validator names it with its file and line)


def parse_documents(files: Iterable[Path], documents: Documents, literals: Literals) -> dict[str, Parsed]:
    """The data files of each document parsed, its quotes anchored in its own text, by the document's named graph
    (the review's first and always there; another document only with a file of its own)."""
    return {
        documents[name].graph: parse_data(group, documents[name], literals)
        for name, group in documents.group(files).items()
        if group or documents[name].main
    }


def merged(parsed: Iterable[Parsed]) -> Parsed:
    """Several documents' data as one (what validation and reasoning read)."""
    parts = list(parsed)
    return Parsed(
        [t for p in parts for t in p.triples],
        [q for p in parts for q in p.quote_problems],
        any(p.blank for p in parts),
        any(p.ill_typed for p in parts),
    )


def parse_data(files: Iterable[Path], source: SourceText | Document, literals: Literals) -> Parsed:
    """The data files as Oxigraph triples, with what `load_sources` does on the way (literals, quotes)."""
    triples: list[ox.Triple] = []
    quotes = bind_prefixes(Graph())  # the xk:quote shorthands, few: anchored by the one anchoring code
    blank = False
    for path in files:
        for t in _parse(path):
            s, p, o = t.subject, t.predicate, t.object
            blank = blank or isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode)
            if isinstance(o, ox.Literal):
                o = literals.canonical(o)
                if p.value == _QUOTE:
                    quotes.add((from_ox_term(s), URIRef(p.value), Literal(o.value, lang=o.language)))
                    continue
            triples.append(ox.Triple(s, p, o))
    problems = anchor_quotes(quotes, source)
    for qs, qp, qo in quotes:  # the quotes' descriptions; a shorthand that could not be anchored stays
        obj = literals.canonical(cast(ox.Literal, to_ox_term(qo))) if isinstance(qo, Literal) else to_ox_term(qo)
        triples.append(ox.Triple(to_ox_term(qs), to_ox_term(qp), obj))  # type: ignore[arg-type]  # rdflib types each place as Node; a subject is never a literal
    return Parsed(triples, problems, blank, literals.ill_typed)


def _parse(path: Path) -> Iterator[ox.Quad]:
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"{path}: give the data as Turtle (.ttl) or N-Triples (.nt)")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        yield from ox.parse(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise InputError(f"{path}: {exc}") from None
