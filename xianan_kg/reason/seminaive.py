"""Semi-naive evaluation of the SPARQL rules: after the first round, a round joins only with what the round
before it added, so the rounds that find the last few entailments of a large graph cost little.

Run naively (xianan_kg.reason.rules.fixpoint), every round re-derives every entailment: five rounds at a hundred
districts cost five times the first. Here every rule inserts what is not yet known (FILTER NOT EXISTS) into
the default graph and into one of two NEW graphs, the record of this round. The first round reads the whole
default graph; after it, a rule's update is rewritten into one update per triple pattern of its WHERE
clause, that pattern read from the last round's NEW graph and the others from the default graph, so every
derivation that uses a new triple is made, and the two NEW graphs take turns. A round that adds nothing ends
it. The closure is the naive one (tests/test_seminaive.py, and owlrl's in tests/test_reasoning_rules.py);
a rule this rewriting does not follow (negation, UNION, OPTIONAL, a property path, abbreviated triples)
makes the whole fixpoint run naively, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from xianan_kg.rdf.sparql import token_spans

NEW = ("urn:xianan-kg:rules:new:a", "urn:xianan-kg:rules:new:b")  # what a round added, alternately

_TERMS = ("iri", "var", "literal", "number", "name")
_REFUSED = {
    "UNION",
    "NOT",
    "EXISTS",
    "MINUS",
    "OPTIONAL",
    "GRAPH",
    "SERVICE",
    "DELETE",
    "DATA",
    "WITH",
    "USING",
    "LOAD",
}
_EXPRESSION = {"FILTER", "BIND"}  # followed by a parenthesised expression, skipped whole


class NotRewritable(Exception):
    """A rule outside the forms this rewriting understands."""


def rewrite(text: str, writes: str, reads: str | None = None) -> str:
    """The rule's update(s) for one round: each entailment not yet known is inserted into the default graph
    and into the graph `writes` too; with `reads`, once per triple pattern of the WHERE clause, that pattern
    matched in `reads` (the triples the round before added) and the others in the default graph."""
    prologue, operations = _split(text)
    out = []
    for op in operations:
        template_end, body_start = _template(op)
        head = op[:template_end]
        opened, closed = head.index("{") + 1, head.rindex("}")
        template = head[opened:closed]
        head = f"{head[:opened]}{template} GRAPH <{writes}> {{{template}}} }}"
        body = op[body_start:].rstrip()
        if not body.endswith("}"):
            raise NotRewritable("a WHERE clause that does not end its group")
        variants = [body]
        if reads is not None:
            spans = _patterns(body)
            if not spans:
                raise NotRewritable("no triple pattern in the WHERE clause")
            variants = [
                body[: p.group] + f" GRAPH <{reads}> {{ {body[p.start : p.end]} }}" + body[p.group : p.cut_start]
                for p in spans
            ]
            variants = [v + body[p.cut_end :] for v, p in zip(variants, spans, strict=True)]
        variants = [f"{{ {v} FILTER NOT EXISTS {{{template}}} }}" for v in variants]
        out += [f"{head}\n{op[template_end:body_start]}{variant}" for variant in variants]
    return prologue + " ;\n".join(out)


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of each token, read by the one SPARQL tokenizer (rdf.sparql): kinds iri, var,
    literal (a string with its @tag or ^^datatype), number, name (a prefixed name, UNDEF), word (a keyword, `a`)
    and punct."""
    out: list[tuple[str, str, int, int]] = []
    for kind, start, end in token_spans(text):
        value = text[start:end]
        if out and out[-1][0] == "literal" and out[-1][3] == start and value in ("@", "^"):
            out[-1] = ("suffix", *out[-1][1:])  # the tag or datatype follows: joined below
            continue
        if out and out[-1][0] == "suffix":
            if value == "^":
                continue
            _, literal, literal_start, _ = out[-1]
            out[-1] = ("literal", text[literal_start:end], literal_start, end)
            continue
        if kind == "string":
            kind = "literal"
        elif kind == "name":
            kind = "name" if ":" in value or value.upper() == "UNDEF" else "word"
        elif kind == "other":
            kind = "punct"
        out.append((kind, value, start, end))
    if out and out[-1][0] == "suffix":
        raise NotRewritable(f"cannot read the literal {out[-1][1]!r}")
    return out


def _split(text: str) -> tuple[str, list[str]]:
    """The PREFIX lines and the operations (split at top-level ';')."""
    tokens = _tokens(text)
    i = 0
    while i < len(tokens) and tokens[i][1].upper() == "PREFIX":
        i += 3  # PREFIX name: <iri>
    start = tokens[i][2] if i < len(tokens) else len(text)
    depth, cuts = 0, [start]
    for _, tok, s, e in tokens[i:]:
        depth += tok == "{"
        depth -= tok == "}"
        if tok == ";" and depth == 0:
            cuts += [s, e]
    cuts.append(len(text))
    ops = [text[cuts[k] : cuts[k + 1]].strip() for k in range(0, len(cuts), 2)]
    return text[:start], [op for op in ops if op]


def _template(op: str) -> tuple[int, int]:
    """End of the INSERT template (after its '}') and start of the WHERE group (at its '{')."""
    tokens = _tokens(op)
    words = [tok.upper() for kind, tok, _, _ in tokens if kind == "word"]
    if not tokens or tokens[0][1].upper() != "INSERT" or tokens[1][1] != "{" or set(words) & _REFUSED:
        raise NotRewritable("not a plain INSERT { … } WHERE { … }")
    depth = 0
    for k, (_, tok, _, e) in enumerate(tokens[1:], start=1):
        depth += tok == "{"
        depth -= tok == "}"
        if depth == 0:
            rest = tokens[k + 1 :]
            if len(rest) < 2 or rest[0][1].upper() != "WHERE" or rest[1][1] != "{":
                raise NotRewritable("INSERT without WHERE")
            return e, rest[1][2]
    raise NotRewritable("unbalanced braces")


@dataclass(frozen=True)
class Pattern:
    """Where a triple pattern is: its text, the text to cut with it (a '.' beside it), where its group opens."""

    start: int
    end: int
    cut_start: int
    cut_end: int
    group: int  # just after the '{' of the innermost group holding it


def _patterns(body: str) -> list[Pattern]:
    """The triple patterns of a WHERE group; SELECT heads, expressions and VALUES skipped."""
    tokens = _tokens(body)
    found: list[tuple[int, int, int, int]] = []  # start, end, token index after it, group
    groups: list[int] = []
    run: list[tuple[int, int]] = []
    k = 0
    while k < len(tokens):
        kind, tok, start, end = tokens[k]
        upper = tok.upper()
        if kind == "word" and upper in _EXPRESSION | {"VALUES"}:
            k = _skip_group(tokens, k + 1, "{" if upper == "VALUES" else "(")
            continue
        if kind == "word" and upper == "SELECT":
            while k < len(tokens) and tokens[k][1].upper() != "WHERE":
                k += 1
            k += 1
            continue
        if kind in _TERMS or (kind == "word" and tok == "a" and len(run) == 1):
            run.append((start, end))
            if len(run) == 3:
                found.append((run[0][0], run[2][1], k + 1, groups[-1] if groups else 0))
                run = []
        elif tok in {"{", "}", "."}:
            if run:
                raise NotRewritable(f"a triple pattern cut short before {tok!r}")
            if tok == "{":
                groups.append(end)
            elif tok == "}" and groups:
                groups.pop()
        else:
            raise NotRewritable(f"{tok!r} in a WHERE clause")
        k += 1
    out = []
    for start, end, after, group in found:
        cut_start, cut_end = start, end
        if after < len(tokens) and tokens[after][1] == ".":
            cut_end = tokens[after][3]  # "P ." goes whole
        else:
            before = [t for t in tokens if t[3] <= start]
            if before and before[-1][1] == ".":
                cut_start = before[-1][2]  # ". P" at the end of a group
        out.append(Pattern(start, end, cut_start, cut_end, group))
    return out


def _skip_group(tokens: list[tuple[str, str, int, int]], k: int, opening: str) -> int:
    """Index after the first bracketed group opening at or after k: an expression's ( … ), VALUES' { … }."""
    while k < len(tokens) and tokens[k][1] != opening:
        k += 1
    closing = {"(": ")", "{": "}"}[opening]
    depth = 0
    while k < len(tokens):
        depth += tokens[k][1] == opening
        depth -= tokens[k][1] == closing
        k += 1
        if depth == 0:
            return k
    raise NotRewritable("unbalanced brackets")


def seminaive_fixpoint(store: ox.Store, rules: list[str]) -> int:
    """Run the rules to the fixpoint; return the number of rounds. The first round reads the whole graph; each
    later one reads what the round before added, in one of two scratch graphs taking turns."""
    later = {
        (reads, writes): [rewrite(rule, writes, reads) for rule in rules]
        for reads, writes in ((NEW[0], NEW[1]), (NEW[1], NEW[0]))
    }
    updates, reads, writes = [rewrite(rule, NEW[0]) for rule in rules], None, NEW[0]
    rounds = 0
    while True:
        rounds += 1
        for update in updates:
            store.update(update)
        if reads is not None:
            store.update(f"DROP SILENT GRAPH <{reads}>")
        if not any(True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(writes))):
            return rounds
        reads, writes = writes, reads or NEW[1]
        updates = later[(reads, writes)]
