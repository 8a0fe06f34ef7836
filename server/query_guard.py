"""What a query asks of the endpoint, read before any engine sees it: an update? SERVICE? which FROM graphs?

pyoxigraph 0.5.13 runs SERVICE calls over HTTP (SILENT ones too) and LOAD fetches a
document, so the endpoint must refuse them before the engine parses the text. This
module does not parse SPARQL; it splits the text into tokens the way the grammar
does (strings, IRIs, comments, variables, names, numbers) and looks at the keyword
tokens. It errs on the side of refusing: pyoxigraph's parser also reads a keyword at
the start of a longer word (`SERVICEex:x` is SERVICE then `ex:x`), so every name
token that *starts* with SERVICE counts as SERVICE, whatever follows.

FROM / FROM NAMED are collected with their IRIs (prefixed names resolved) so the
protocol layer can check that they name the dataset's own graphs. Codepoint escapes
(\\uXXXX) are undone first, as the SPARQL grammar prescribes, so they hide nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_KEYWORDS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NAME_START = "A-Za-z_\u00c0-\U000effff"
_NAME_CHAR = _NAME_START + r"0-9\-.:%\\\u00b7"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][{_NAME_START}0-9\u00b7]*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<name>:?[{_NAME_START}](?:[{_NAME_CHAR}]*[{_NAME_START}0-9\-:%\u00b7])?|:)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryShape:
    """The parts of a request's SPARQL text that the endpoint's policy looks at."""

    operation: str  # "query", "update" or "unknown" (the engine will report the syntax error)
    uses_service: bool
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]

    @property
    def has_dataset_clause(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def unescape_codepoints(text: str) -> str:
    """Undo \\uXXXX and \\UXXXXXXXX everywhere, as SPARQL does before parsing."""

    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _CODEPOINT.sub(char, text)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for every token but whitespace and comments; an unterminated string or IRI ends the text."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield kind, m.group()


def inspect_query(text: str, base_iri: str | None = None) -> QueryShape:
    """Classify the text and collect SERVICE use and FROM graphs, resolving prefixed names and relative IRIs."""
    toks = list(tokens(unescape_codepoints(text)))
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    operation = "unknown"
    uses_service = False
    from_graphs: list[str] = []
    from_named: list[str] = []

    def iri_of(kind: str, value: str) -> str | None:
        if kind == "iri":
            return urljoin(base, value[1:-1]) if base else value[1:-1]
        if kind == "name" and ":" in value:
            prefix, local = value.split(":", 1)
            return prefixes[prefix] + local if prefix in prefixes else None
        return None

    i = 0
    while i < len(toks):
        kind, value = toks[i]
        word = value.upper() if kind == "name" else ""
        if word.startswith("SERVICE"):
            uses_service = True
        if operation == "unknown" and kind == "name":
            if word == "PREFIX" and i + 2 < len(toks):
                ns = iri_of(*toks[i + 2])
                if ns is not None and toks[i + 1][1].endswith(":"):
                    prefixes[toks[i + 1][1][:-1]] = ns
                i += 3
                continue
            if word == "BASE" and i + 1 < len(toks):
                base = iri_of(*toks[i + 1]) or base
                i += 2
                continue
            if word in QUERY_KEYWORDS:
                operation = "query"
            elif word in UPDATE_KEYWORDS:
                operation = "update"
        if word == "FROM" and i + 1 < len(toks):
            named = toks[i + 1][0] == "name" and toks[i + 1][1].upper() == "NAMED"
            target = toks[i + 2] if named and i + 2 < len(toks) else toks[i + 1]
            iri = iri_of(*target)
            if iri is not None:
                (from_named if named else from_graphs).append(iri)
        i += 1
    return QueryShape(operation, uses_service, tuple(from_graphs), tuple(from_named))
