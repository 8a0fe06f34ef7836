"""What a release is made of: its named graphs and its files' names. The build writes these; every later layer
(store, query, server) reads them, so they live below all of them."""

from __future__ import annotations

from collections.abc import Iterable

from xianan_kg.rdf.namespaces import BASE

VERSION = "0.1.0"  # of the package and of the release format

GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_DATA = BASE + "graph/data"  # the facts of the review, the main source text
GRAPH_DOCUMENTS = BASE + "graph/data/"  # + a source text's name: the facts read from each other source text
GRAPH_INFERRED = BASE + "graph/inferred"
GRAPH_LINKSETS = BASE + "graph/links/"  # + a linkset file's stem: each linkset of data/links/ in a graph of its own
GRAPH_DIVISIONS = BASE + "graph/divisions"  # the NBS code list: beside ours, never reasoned over
# Served as named graphs only (GRAPH, FROM, default-graph-uri), outside the default graph: the code list is a
# reference beside the review, and must not change the answer to a question about the review.
REFERENCE_GRAPHS = frozenset({GRAPH_DIVISIONS})

ARTIFACT_STEM = "xianan-kg"
MANIFEST = "manifest.json"
NQUADS = f"{ARTIFACT_STEM}.nq"
OXIGRAPH_DIRECTORY = f"{ARTIFACT_STEM}.oxigraph"  # in dist/, next to the .nq it was loaded from
STORE_STAMP = "xianan-kg-build.json"  # inside the directory: which .nq (by sha256) it holds
COMPLETION = "completion.json"  # the query editor's completions (build.completion)
STYLESHEET = "ontology.css"  # of the ontology's documentation
SOURCE_DIR = "source"  # the source texts, as the build read them
QUERIES_DIR = "queries"  # the question library and its expected answers


def data_graphs(names: Iterable[str]) -> list[str]:
    """The data graphs among named graphs: the review's (always first) and each other source text's, in order."""
    return [GRAPH_DATA, *sorted(g for g in names if g.startswith(GRAPH_DOCUMENTS))]


def document_graph(name: str) -> str:
    """The named graph of the facts read from the source text `data/source/NAME.txt` (not the review)."""
    return GRAPH_DOCUMENTS + name


def document_name(lang: str) -> str:
    """The release's file of the ontology's documentation in a language: ontology.html (English), ontology.zh.html."""
    return "ontology.html" if lang == "en" else f"ontology.{lang}.html"
