"""The question library: named SPARQL queries in queries/, each headed by its question in Chinese and English.

A query file starts with comment lines `# Key: value`; the keys this module reads are
问题 (the question in Chinese), Question (in English), Demonstrates, Part, Source and
needs (`inferred`: the answer exists only after OWL 2 RL reasoning; `internet`: the
query calls a remote service). A comment line without a key continues the previous
value. The expected answer of NAME.rq is queries/expected/NAME.srj (SELECT, ASK) or
NAME.ttl (CONSTRUCT, DESCRIBE).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import UserError

HEADER_KEYS = {
    "问题": "question_zh",
    "question": "question_en",
    "demonstrates": "demonstrates",
    "part": "part",
    "source": "source",
    "needs": "needs",
}
HEADER_LINE = re.compile(r"^#\s*(问题|question|demonstrates|part|source|needs)\s*[::]\s*(.*)$", re.IGNORECASE)
EXPECTED_SUFFIXES = (".srj", ".ttl")


class UnknownQuery(UserError):
    """A name that is not in the library (and not a file)."""

    exit_code = 2


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    header: dict[str, str]

    @property
    def question_zh(self) -> str:
        return self.header.get("question_zh", "")

    @property
    def question_en(self) -> str:
        return self.header.get("question_en", "")

    @property
    def needs(self) -> set[str]:
        return {w.strip().lower() for w in re.split(r"[,\s]+", self.header.get("needs", "")) if w.strip()}

    @property
    def needs_inferred(self) -> bool:
        return "inferred" in self.needs

    @property
    def needs_internet(self) -> bool:
        return "internet" in self.needs

    @property
    def expected_path(self) -> Path | None:
        """The file with the answer read from the source, if there is one."""
        for suffix in EXPECTED_SUFFIXES:
            candidate = self.path.parent / "expected" / f"{self.name}{suffix}"
            if candidate.is_file():
                return candidate
        return None


def parse_header(text: str) -> dict[str, str]:
    """The `# Key: value` lines before the first line of SPARQL."""
    header: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = HEADER_LINE.match(stripped)
        if match:
            key = HEADER_KEYS[match.group(1).lower()]
            header[key] = match.group(2).strip()
        elif key is not None:
            header[key] = f"{header[key]} {stripped.lstrip('#').strip()}".strip()
    return header


def read_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    return NamedQuery(path.stem, path, text, parse_header(text))


def load_library(directory: Path = paths.QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every NAME.rq of the library by name, in name order."""
    return {p.stem: read_query(p) for p in sorted(directory.glob("*.rq"))}


def find_query(name: str, directory: Path = paths.QUERIES_DIR) -> NamedQuery:
    library = load_library(directory)
    if name in library:
        return library[name]
    close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `xianan-kg query --list` shows the library"
    raise UnknownQuery(f"no query named {name!r} in {directory}{hint}")
