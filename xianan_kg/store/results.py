"""Query results as text: an aligned table for a terminal, SPARQL 1.1 CSV/TSV/JSON, Turtle or JSON-LD for graphs.

The table counts display columns, not characters: East Asian wide and full-width
characters (汉字, full-width punctuation) take two columns in a terminal, combining
marks none, so columns of Chinese labels line up.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from xianan_kg.rdf.namespaces import bind_prefixes
from xianan_kg.rdf.serialize import serialize_graph

FORMATS = ("table", "csv", "tsv", "json", "turtle")
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
GRAPH_COLUMNS = ["subject", "predicate", "object"]


@dataclass
class QueryResult:
    form: str  # SELECT, ASK, CONSTRUCT (DESCRIBE answers are graphs too)
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class FormatError(ValueError):
    """The format does not fit the kind of result (e.g. Turtle for a SELECT)."""


# --- display width ---


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns the text takes in a terminal."""
    return sum(char_width(ch) for ch in text)


def clip(text: str, width: int) -> str:
    """Cut the text to at most `width` columns, marking the cut with …."""
    if width <= 0 or display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


# --- terms ---


def short(term: Node | None, graph: Graph) -> str:
    """A term as a person reads it: a prefixed name, a literal's text, nothing for unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return " ".join(str(term).split()) if "\n" in str(term) else str(term)


def graph_rows(graph: Graph) -> list[dict[str, Node]]:
    return [dict(zip(GRAPH_COLUMNS, triple, strict=True)) for triple in sorted(graph)]


def tabular(result: QueryResult) -> tuple[list[str], list[dict[str, Node]]]:
    """Columns and rows of any result: a graph is its triples, ASK one boolean."""
    if result.form in GRAPH_FORMS or result.graph is not None:
        return GRAPH_COLUMNS, graph_rows(result.graph or Graph())
    if result.form == "ASK":
        return ["boolean"], [{"boolean": Literal(bool(result.boolean))}]
    return result.variables, result.rows


# --- formats ---


def to_table(result: QueryResult, max_width: int = 60) -> str:
    columns, rows = tabular(result)
    names = bind_prefixes(Graph())
    cells = [[clip(short(row.get(c), names), max_width) for c in columns] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [
        "|".join(f" {pad(c, w)} " for c, w in zip(columns, widths, strict=True)),
        line,
    ]
    out += ["|".join(f" {pad(v, w)} " for v, w in zip(r, widths, strict=True)) for r in cells]
    noun = "triple" if columns is GRAPH_COLUMNS else "row"
    out.append(f"({len(rows)} {noun}{'' if len(rows) == 1 else 's'})")
    return "\n".join(o.rstrip() for o in out) + "\n"


def csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: IRIs and literals as plain text."""
    columns, rows = tabular(result)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row.get(c)) for c in columns])
    return buf.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle syntax, so types and languages survive."""
    columns, rows = tabular(result)
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines += ["\t".join(row[c].n3() if c in row else "" for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def srj_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)  # a result term is an IRI, a blank node or a literal
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_srj(result: QueryResult) -> dict:
    """SPARQL 1.1 Query Results JSON of a SELECT or ASK result."""
    if result.form == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    return {
        "head": {"vars": list(result.variables)},
        "results": {"bindings": [{v: srj_term(t) for v, t in row.items()} for row in result.rows]},
    }


def from_srj_term(data: dict[str, str]) -> Node:
    kind, value = data["type"], data["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in data:
        return Literal(value, lang=data["xml:lang"])
    datatype = data.get("datatype")
    if datatype in (None, str(XSD.string)):
        return Literal(value)
    if datatype == str(RDF.langString):
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def from_srj(data: dict) -> QueryResult:
    """Read SPARQL JSON results (from a file or an endpoint) into the store seam's QueryResult."""
    if "boolean" in data:
        return QueryResult("ASK", boolean=bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    rows = [{v: from_srj_term(t) for v, t in b.items()} for b in data.get("results", {}).get("bindings", [])]
    return QueryResult("SELECT", variables=variables, rows=rows)


def render(result: QueryResult, fmt: str, *, max_width: int = 60) -> str:
    """The result in one of FORMATS; JSON is SPARQL JSON for SELECT/ASK and JSON-LD for graphs."""
    is_graph = result.graph is not None
    if fmt == "table":
        return to_table(result, max_width)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        if is_graph:
            assert result.graph is not None
            return serialize_graph(result.graph, "jsonld").decode("utf-8")
        return json.dumps(to_srj(result), ensure_ascii=False, indent=2) + "\n"
    if fmt == "turtle":
        if not is_graph:
            raise FormatError(
                f"turtle is for graph results (CONSTRUCT, DESCRIBE); this is a {result.form} result: "
                "use table, csv, tsv or json"
            )
        assert result.graph is not None
        return serialize_graph(result.graph, "turtle").decode("utf-8")
    raise FormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
