"""The one SPARQL tokenizer: strings, IRIs, comments, variables, names and numbers split as the grammar splits
them, without parsing. The query guard, the answer cache's key and the rules' rewriter all read queries through it,
so they never disagree on where a string or a comment ends."""

from __future__ import annotations

import re
from collections.abc import Iterator

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})

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
        assert m is not None  # the last alternative of _TOKEN takes any one character
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
        if len(opener) == 3:
            hopeless[opener] = len(text)
        else:
            body = _SHORT_BODY[quote].match(text, position + 1)
            assert body is not None  # a starred group matches the empty string
            hopeless[opener] = body.end()
    return None


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword after the prologue, or None."""
    for kind, value in tokens(unescape_codepoints(text)):
        if kind == "name" and value.upper() in QUERY_FORMS:
            return value.upper()
    return None


def names_its_graphs(text: str) -> bool:
    """Whether the query chooses graphs itself: a dataset clause (FROM, FROM NAMED) or a GRAPH pattern."""
    return any(
        kind == "name" and value.upper() in ("FROM", "GRAPH") for kind, value in tokens(unescape_codepoints(text))
    )
