"""One sentence for a SPARQL syntax error, the same from the CLI and the endpoint, whichever engine parsed it.

Engines word their errors for their own grammar: Oxigraph lists every character class
it would have accepted (five lines for an unknown prefix), pyparsing names grammar
rules ("Expected {SelectQuery | …}"), and both report a misspelt SELECT as a missing
CONSTRUCT, the last alternative they tried. A newcomer needs where, what was found
there, and what would fix it, so the two mistakes we can recognise from the text alone
(a query form that is not one, a prefix that is not declared) are named from the text,
and any other error keeps the engine's position with only its quoted tokens.
"""

from __future__ import annotations

import re

from xianan_kg.rdf.namespaces import PREFIXES

FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
ENGINE_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
QUOTED = re.compile(r'"(?:[^"\\]|\\.)+"')
# what the prefix scan must not look inside: IRIs, strings, comments, variables
OPAQUE = re.compile(
    r"<[^<>\s]*>|\"\"\"(?:.|\n)*?\"\"\"|'''(?:.|\n)*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|[?$]\w+"
)
PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
PREFIXED_NAME = re.compile(r"(?<![\w.:-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|[;,.)\]}]|$)")
CHAR_CLASS = re.compile(r"\[[^\]]*\]")
ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|[^,]+')
KEYWORD = re.compile(r"[A-Z]{2,}")
WORD = re.compile(r"[^\s{}()<>,;]+")
NOT_A_PREFIX = {"_"}  # blank node labels: _:b0
PROLOGUE = re.compile(r"(?:\s*(?:PREFIX\s+(?:[A-Za-z][\w.-]*)?\s*:|BASE)\s*)*", re.IGNORECASE)  # IRIs blanked


def _blank(text: str) -> str:
    """The text with IRIs, strings, comments and variables replaced by spaces (positions kept)."""
    return OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _index(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    if line < 1 or line > len(lines):
        return len(text)
    return sum(len(x) + 1 for x in lines[: line - 1]) + max(column - 1, 0)


def _found(text: str, index: int) -> str:
    """What the parser stopped at, with the words before it: engines often point just past the culprit."""
    line_start = text.rfind("\n", 0, index) + 1
    before = " ".join(text[max(line_start, index - 40) : index].split())
    if len(before) > 24:
        before = before[-24:].split(" ", 1)[-1]  # whole words only
    after = f" after {before!r}" if before else ""
    stripped = text[index:].lstrip()
    if not stripped:
        return f"the query ends{after}"
    word = WORD.match(stripped)
    token = word.group(0) if word else stripped[0]
    return f"found {token[:30]!r}{after}"


def prefix_line(prefix: str) -> str:
    """The PREFIX line that declares a prefix: the project's namespace when we know it."""
    namespace = PREFIXES.get(prefix)
    return f"PREFIX {prefix}: <{namespace}>" if namespace is not None else f"PREFIX {prefix}: <…namespace IRI…>"


def undeclared_prefix(text: str, implicit: frozenset[str] = frozenset()) -> tuple[str, int, int] | None:
    """The first prefix used but neither declared nor `implicit` (declared by the caller), with its position."""
    plain = _blank(text)
    declared = {m.group(1) or "" for m in PREFIX_DECLARATION.finditer(plain)} | implicit
    for match in PREFIXED_NAME.finditer(plain):
        prefix = match.group(1) or ""
        before = plain[max(0, match.start() - 8) : match.start()]
        if prefix in declared or prefix in NOT_A_PREFIX or re.search(r"PREFIX\s*$", before, re.IGNORECASE):
            continue
        return (prefix, *_position(text, match.start()))
    return None


def misspelt_form(text: str) -> tuple[str, int, int] | None:
    """The first word after the prologue when it is not a query form: `SELEC`, `SELECTT`, `SEELCT`."""
    plain = _blank(text)
    word = re.compile(r"\s*([A-Za-z]+)").match(plain, PROLOGUE.match(plain).end())
    if not word or word.group(1).upper() in FORMS + UPDATE_WORDS:
        return None
    return (word.group(1), *_position(text, word.start(1)))


def _expected(engine_message: str) -> str:
    """The engine's expected tokens that a user can type: quoted tokens and keywords, not character classes or rules."""
    flat = CHAR_CLASS.sub("", " ".join(engine_message.split()))
    flat = re.sub(r"^expected\s+(one of\s+)?", "", flat, flags=re.IGNORECASE)
    items = [item.strip() for item in ITEM.findall(flat)]
    typable = [item for item in dict.fromkeys(items) if QUOTED.fullmatch(item) or KEYWORD.fullmatch(item)]
    if not typable:
        return ""
    shown = ", ".join(typable[:8]) + (", …" if len(typable) > 8 else "")
    return f"; expected {'one of ' if len(typable) > 1 else ''}{shown}"


def describe(
    text: str, line: int | None, column: int | None, engine_message: str = "", implicit: frozenset[str] = frozenset()
) -> str:
    """`SPARQL syntax error at line L, column C: found X; …` in one line, positions in the user's text.

    `implicit` are prefixes the caller declares in front of the text (the CLI's project prefixes)."""
    form = misspelt_form(text)
    if form is not None:
        word, line, column = form
        return (
            f"SPARQL syntax error at line {line}, column {column}: found {word!r} where the query form is "
            f"expected: {', '.join(FORMS[:-1])} or {FORMS[-1]}"
        )
    prefix = undeclared_prefix(text, implicit)
    if prefix is not None:
        name, line, column = prefix
        return (
            f"SPARQL syntax error at line {line}, column {column}: undeclared prefix {name}:; "
            f"add the line {prefix_line(name)}"
        )
    if line is None or column is None:
        return f"SPARQL syntax error: {' '.join(engine_message.split())}"
    found = _found(text, _index(text, line, column))
    return f"SPARQL syntax error at line {line}, column {column}: {found}{_expected(engine_message)}"


def describe_engine_error(text: str, engine_message: str) -> str:
    """The engine's `error at L:C: …` (Oxigraph, or rdflib on the server) as `describe` words it."""
    match = ENGINE_POSITION.search(engine_message)
    if match is None:
        return describe(text, None, None, engine_message)
    return describe(text, int(match.group(1)), int(match.group(2)), match.group(3))
