"""Read the ontology and the data from disk, naming the file and line of anything unusable."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import bind_prefixes
from xianan_kg.source.anchor import QuoteProblem, anchor_quotes
from xianan_kg.source.documents import Documents
from xianan_kg.source.text import SourceText


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    graph = bind_prefixes(Graph()) if graph is None else graph
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as exc:
        why = exc.args[-1] if exc.args and isinstance(exc.args[-1], str) else "bad syntax"
        raise InputError(f"{path}:{exc.lines + 1}: Turtle syntax error: {why}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read as Turtle: {exc}") from None
    return graph


@dataclass
class Sources:
    """The asserted graphs of the project, before validation and reasoning."""

    ontology: Graph
    data: Graph
    source: SourceText  # the review's text
    quote_problems: list[QuoteProblem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the data files, to name where a problem is
    documents: Documents | None = None  # every source text, the review's first
    graphs: dict[str, Graph] = field(default_factory=dict)  # the data of each document, by its named graph

    def combined(self) -> Graph:
        graph = bind_prefixes(Graph())
        for g in (self.ontology, self.data):
            for triple in g:
                graph.add(triple)
        return graph


def load_ontology(files: list[Path] | None = None) -> Graph:
    graph = bind_prefixes(Graph())
    for path in files or paths.ontology_files():
        parse_turtle(path, graph)
    return graph


def load_data(files: list[Path] | None = None) -> Graph:
    graph = bind_prefixes(Graph())
    for path in paths.data_files() if files is None else files:
        parse_turtle(path, graph)
    return graph


def load_sources(
    data_files: list[Path] | None = None,
    ontology_files: list[Path] | None = None,
    source_file: Path = paths.SOURCE_FILE,
) -> Sources:
    """Load everything and resolve each file's quotes to positions in its own source text (the review's, or the
    document's of `data/source/` the file is named after: xianan_kg.source.documents)."""
    documents = Documents.load(source_file)
    ontology = load_ontology(ontology_files)
    files = paths.data_files() if data_files is None else list(data_files)
    data = bind_prefixes(Graph())
    graphs, problems = {}, []
    for name, group in documents.group(files).items():
        document = documents[name]
        graph = load_data(group)
        problems += anchor_quotes(graph, document)
        graphs[document.graph] = graph
        for triple in graph:
            data.add(triple)
    return Sources(ontology, data, documents.main.text, problems, files, documents, graphs)
