"""What a SPARQL text asks for, read before any engine sees it: the one guard of the endpoint and of `xianan-kg query`.

Both engines reach out unless stopped: pyoxigraph 0.5 runs SERVICE calls over HTTP
(SILENT ones too), rdflib fetches `FROM <http://…>` and runs SERVICE, and LOAD
fetches a document. The guard does not parse SPARQL; it splits the text into tokens
the way the grammar does (strings, IRIs, comments, variables, names, numbers) and
looks at the keywords, so it sees the same words whichever engine runs the query.
It errs on the side of refusing: pyoxigraph also reads a keyword at the start of a
longer word (`SERVICEex:x` is SERVICE then `ex:x`), so every name that *starts* with
SERVICE counts as SERVICE. Codepoint escapes (\\uXXXX) are undone first, as the
grammar prescribes, so they hide nothing.

It also measures the text, because the engines fail on some shapes before any limit
of time applies: pyoxigraph's parser overflows its stack a few thousand brackets deep
(the process dies) and its planner takes seconds for a few hundred triple patterns.
`ShapeLimits` bounds length, nesting, triple patterns and tokens; the scan stops at
the first limit crossed, so a huge text is refused in the time it takes to read it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
OPENERS, CLOSERS = "({[", ")}]"
PATTERN_SEPARATORS = frozenset(".;,/|")  # one more triple pattern or path step, at graph-pattern level

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NAME_START = "A-Za-z_\u00c0-\U000effff"
_NAME_CHAR = _NAME_START + r"0-9\-.:%\\\u00b7"
_TOKEN = re.compile(  # every token but strings, which `tokens` reads itself
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_NAME_START}0-9\u00b7]*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<name>:?[{_NAME_START}](?:[{_NAME_CHAR}]*[{_NAME_START}0-9\-:%\u00b7])?|:)
  | (?P<other>&&|\|\||.)
    """,
    re.VERBOSE | re.DOTALL,
)
_STRINGS = {
    "'''": re.compile(r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''", re.DOTALL),
    '"""': re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""', re.DOTALL),
    "'": re.compile(r"'(?:[^'\\\n\r]|\\.)*'", re.DOTALL),
    '"': re.compile(r'"(?:[^"\\\n\r]|\\.)*"', re.DOTALL),
}
_SHORT_BODY = {quote: re.compile(rf"(?:[^{quote}\\\n\r]|\\.)*", re.DOTALL) for quote in "'\""}


@dataclass(frozen=True)
class ShapeLimits:
    """How big a query text may be. The defaults are far above any question of the library (depth 6, 15 patterns)."""

    max_length: int = 100_000  # characters
    max_depth: int = 64  # brackets ( { [ inside one another, plus a run of `!` (pyoxigraph overflows at ~3,000)
    max_patterns: int = 256  # triple patterns and path steps (the planner's cost grows with their cube)
    max_tokens: int = 10_000  # words, terms and symbols (a flat chain of ~7,000 operators overflows pyoxigraph)


class QueryRefused(Exception):
    """A query this deployment will not run; `reason` says which rule: length, depth, patterns, tokens, service, graph."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass(frozen=True)
class QueryShape:
    """The parts of a SPARQL text that the policy looks at."""

    operation: str  # "query", "update" or "unknown" (the engine will report the syntax error)
    form: str | None  # SELECT, ASK, CONSTRUCT or DESCRIBE for a query
    services: tuple[str, ...]  # SERVICE targets as written: <iri> (resolved), ?var, or the raw text
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]

    @property
    def uses_service(self) -> bool:
        return bool(self.services)

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
    """(kind, text) for every token but whitespace and comments; a quote that opens no complete string is `other`."""
    for kind, start, stop in token_spans(text):
        yield kind, text[start:stop]


def token_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every token of `tokens`: what lies between two of them is white space and comments.

    A string that never ends would make a regular expression scan the rest of the text
    from every quote after it (quadratic time); here, once a string opened at one quote
    runs out, no quote of the same kind inside the stretch it scanned is tried again (a
    string opened there would pair its escapes the same way and run out at the same place)."""
    position, end = 0, len(text)
    hopeless: dict[str, int] = {}  # opener -> no string it opens before this index can end
    while position < end:
        char = text[position]
        if char in "'\"":
            string = _string_at(text, position, hopeless)
            yield ("string" if string else "other", position, position + (len(string) if string else 1))
            position += len(string) if string else 1
            continue
        m = _TOKEN.match(text, position)
        if m.lastgroup not in ("space", "comment"):
            yield m.lastgroup or "other", m.start(), m.end()
        position = m.end()


def _string_at(text: str, position: int, hopeless: dict[str, int]) -> str | None:
    """The string literal opened at `position` (long form first, as the grammar reads), or None."""
    quote = text[position]
    for opener in (quote * 3, quote):
        if not text.startswith(opener, position) or position < hopeless.get(opener, 0):
            continue
        m = _STRINGS[opener].match(text, position)
        if m:
            return m.group()
        hopeless[opener] = len(text) if len(opener) == 3 else _SHORT_BODY[quote].match(text, position + 1).end()
    return None


def measured_tokens(text: str, limits: ShapeLimits) -> list[tuple[str, str]]:
    """The tokens of a text within the limits; raises QueryRefused at the first limit it crosses."""
    if len(text) > limits.max_length:
        raise QueryRefused(
            "length", f"the query is {len(text):,} characters long; this service reads at most {limits.max_length:,}"
        )
    toks: list[tuple[str, str]] = []
    open_brackets: list[str] = []
    negations = patterns = 0
    for kind, value in tokens(unescape_codepoints(text)):
        toks.append((kind, value))
        if len(toks) > limits.max_tokens:
            raise QueryRefused("tokens", f"the query has more than {limits.max_tokens:,} words, terms and symbols")
        negations = negations + 1 if value == "!" else 0
        if kind != "other":
            continue
        if value in OPENERS:
            open_brackets.append(value)
            patterns += value == "["
        elif value in CLOSERS:
            if open_brackets:
                open_brackets.pop()
        elif value in PATTERN_SEPARATORS and open_brackets and open_brackets[-1] != "(":
            patterns += 1
        if len(open_brackets) + negations > limits.max_depth:
            raise QueryRefused("depth", f"the query nests brackets or operators more than {limits.max_depth} deep")
        if patterns > limits.max_patterns:
            raise QueryRefused(
                "patterns", f"the query has more than {limits.max_patterns} triple patterns and path steps"
            )
    return toks


def inspect_query(text: str, base_iri: str | None = None, limits: ShapeLimits | None = None) -> QueryShape:
    """Measure the text (QueryRefused past a limit), then find its operation, SERVICE targets and FROM graphs.

    Prefixed names and relative IRIs are resolved as the engine would, against `base_iri` and the text's BASE."""
    toks = measured_tokens(text, limits or ShapeLimits())
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    operation, form = "unknown", None
    services: list[str] = []
    from_graphs: list[str] = []
    from_named: list[str] = []

    def iri_of(kind: str, value: str) -> str | None:
        if kind == "iri":
            try:
                return urljoin(base, value[1:-1]) if base else value[1:-1]
            except ValueError:  # e.g. `https://[x/`, which urllib reads as a broken IPv6 address
                return value[1:-1]
        if kind == "name" and ":" in value:
            prefix, local = value.split(":", 1)
            return prefixes[prefix] + local if prefix in prefixes else None
        return None

    def target(kind: str, value: str) -> str:
        iri = iri_of(kind, value)
        return f"<{iri}>" if iri is not None else value

    i = 0
    while i < len(toks):
        kind, value = toks[i]
        word = value.upper() if kind == "name" else ""
        if word.startswith("SERVICE"):
            rest = value[len("SERVICE") :]
            following = toks[i + 1 : i + 3]
            if not rest and following and following[0][1].upper() == "SILENT":
                following = following[1:]
            services.append(target("name", rest) if rest else target(*following[0]) if following else "")
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
            if word in QUERY_FORMS:
                operation, form = "query", word
            elif word in UPDATE_KEYWORDS:
                operation = "update"
        if word == "FROM" and i + 1 < len(toks):
            named = toks[i + 1][0] == "name" and toks[i + 1][1].upper() == "NAMED"
            graph = toks[i + 2] if named and i + 2 < len(toks) else toks[i + 1]
            iri = iri_of(*graph)
            if iri is not None:
                (from_named if named else from_graphs).append(iri)
        i += 1
    return QueryShape(operation, form, tuple(services), tuple(from_graphs), tuple(from_named))


def foreign_graphs(names: Collection[str], graphs: Collection[str], source: str) -> str | None:
    """Why `names` (given by `source`: FROM, default-graph-uri …) cannot be used, or None when all are `graphs`."""
    unknown = [g for g in names if g not in graphs]
    if not unknown:
        return None
    return (
        f"{source} {', '.join(f'<{g}>' for g in unknown)}: not a graph of this dataset, and no remote document "
        f"is ever fetched (nothing here reaches the network). Its graphs: {', '.join(f'<{g}>' for g in sorted(graphs))}"
    )


def refuse_network(shape: QueryShape, graphs: Collection[str]) -> None:
    """Raise QueryRefused for anything that would reach the network: SERVICE, or FROM of a graph we do not hold."""
    if shape.services:
        raise QueryRefused("service", f"SERVICE {shape.services[0]} would reach the network")
    for keyword, names in (("FROM", shape.from_graphs), ("FROM NAMED", shape.from_named_graphs)):
        message = foreign_graphs(names, graphs, keyword)
        if message:
            raise QueryRefused("graph", message)
