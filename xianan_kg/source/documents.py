"""The source texts of the graph: every text under data/source/, each a document with its own IRI, named graph
and quotes.

The review (`paths.SOURCE_FILE`) is the main document: its quotes keep the IRIs `xkq:{start}-{end}` and its facts
the graph `graph/data`, as before there were several. Every other text `data/source/NAME.txt` (or `NAME.zh.txt`)
is the document `xkd:source/NAME`, its facts in the graph `graph/data/NAME` and its quotes `xkq:NAME-{start}-{end}`.
A data file belongs to the document NAME when it is `NAME.ttl` or lies in a folder `NAME/`; every other data file
to the review. Its quotes are found in its own document's text only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import ID, SOURCE_IRI, XKQ
from xianan_kg.rdf.release import GRAPH_DATA, document_graph
from xianan_kg.source.text import SourceText


def document_name(path: Path) -> str:
    """The name of a source text file: its name without `.txt` and a language tag (`xianan-2023-review.zh.txt`)."""
    name = path.name.removesuffix(".txt")
    stem, dot, tag = name.rpartition(".")
    return stem if dot and len(tag) == 2 and tag.isalpha() else name


def document_graphs(main_file: Path = paths.SOURCE_FILE) -> set[str]:
    """The named graphs of the data of every source text beside `main_file`, its texts not read (none when the
    folder is not there, as in an installed copy that serves a release)."""
    texts = main_file.parent.glob("*.txt") if main_file.parent.is_dir() else ()
    return {GRAPH_DATA if p == main_file else document_graph(document_name(p)) for p in texts}


def quote_document(iri: str) -> str | None:
    """The name of the document one of our quote IRIs is a passage of: None for the review's (`xkq:{start}-{end}`),
    NAME for `xkq:NAME-{start}-{end}`."""
    local = iri.removeprefix(str(XKQ))
    name = local.rpartition("-")[0].rpartition("-")[0]
    return name or None


@dataclass(frozen=True)
class Document:
    name: str
    text: SourceText
    main: bool = False

    @property
    def iri(self) -> URIRef:
        return SOURCE_IRI if self.main else ID[f"source/{self.name}"]

    @property
    def graph(self) -> str:
        """The named graph of the facts read from this document."""
        return GRAPH_DATA if self.main else document_graph(self.name)

    def quote_iri(self, start: int, end: int) -> URIRef:
        return XKQ[f"{start}-{end}"] if self.main else XKQ[f"{self.name}-{start}-{end}"]


@dataclass(frozen=True)
class Documents(Mapping[str, Document]):
    """The documents by name, the review first and the others in the order of their names."""

    by_name: dict[str, Document]

    @classmethod
    def load(cls, main_file: Path = paths.SOURCE_FILE) -> Documents:
        if not main_file.is_file():
            raise InputError(f"{main_file}: source text not found")
        main = Document(document_name(main_file), SourceText.load(main_file), main=True)
        docs = {main.name: main}
        for path in sorted(main_file.parent.glob("*.txt")):
            name = document_name(path)
            if path != main_file and name not in docs:
                docs[name] = Document(name, SourceText.load(path))
        return cls(docs)

    @property
    def main(self) -> Document:
        return next(d for d in self.by_name.values() if d.main)

    def __getitem__(self, name: str) -> Document:
        return self.by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_name)

    def __len__(self) -> int:
        return len(self.by_name)

    def of_file(self, path: Path) -> Document:
        """The document a data file's quotes come from (see the module's note)."""
        for candidate in (path.stem, path.parent.name):
            doc = self.by_name.get(candidate)
            if doc is not None:
                return doc
        return self.main

    def group(self, files: Iterable[Path]) -> dict[str, list[Path]]:
        """The data files by document name, every document present (with no file, an empty list), in order."""
        out: dict[str, list[Path]] = {name: [] for name in self.by_name}
        for path in files:
            out[self.of_file(path).name].append(path)
        return out

    def by_iri(self) -> dict[str, Document]:
        return {str(d.iri): d for d in self.by_name.values()}
