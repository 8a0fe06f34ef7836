"""`xianan-kg propose`: a draft in our data conventions from a new Chinese review, for a person to check.

Figures come from the grammar of propose_numbers, indicators and Turtle from propose_draft, names from
propose_names, the review table and the accepted Turtle from propose_review. Nothing is accepted without
a person: every node of the draft is marked as proposed.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from xianan_kg.propose.draft import Proposal, build_proposals, draft
from xianan_kg.propose.names import Name, propose_names
from xianan_kg.propose.numbers import Skipped, scan
from xianan_kg.propose.review import (
    accepted_name_blocks,
    accepted_turtle,
    names_csv,
    read_decisions,
    review_csv,
    review_html,
)
from xianan_kg.rdf.errors import InputError, UserError

DEFAULT_DATASET = "https://xianan-kg.example.org/id/dataset/figures-2023"
EPILOG = """\
examples:
  xianan-kg propose review.txt --out draft.ttl --review review.html --table review.csv
  (edit the decision column of review.csv: accept or reject)
  xianan-kg propose review.txt --accept review.csv --area xkp:xianan --out accepted.ttl
"""


@dataclass
class Run:
    """What `propose` found in one text."""

    text: str
    sha256: str
    proposals: list[Proposal]
    names: list[Name]
    skipped: list[Skipped]
    ref_year: str
    year_evidence: str


def read_source(path: Path) -> tuple[str, str]:
    """The text and sha256 of a UTF-8 file; one clear error otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a text file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); convert it first") from None
    return text.removeprefix("\ufeff"), hashlib.sha256(raw).hexdigest()


def chinese_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u4e00" <= ch <= "\u9fff" for ch in letters) / len(letters) if letters else 0.0


def reference_year(text: str) -> tuple[str, str]:
    """The year the text reports on: the year written most often as 20xx年, with the count as evidence."""
    years = Counter(re.findall(r"(?<!\d)(20\d\d)年", text))
    if not years:
        return "", "no year written as 20xx年"
    year, n = years.most_common(1)[0]
    return year, f"{year}年 is the year written most often ({n} times of {sum(years.values())})"


def propose_text(text: str, sha256: str = "", ref_year: str | None = None) -> Run:
    """Every proposal for one text; an empty run for a text without Chinese."""
    if chinese_share(text) < 0.3:
        return Run(text, sha256, [], [], [], "", "")
    figures, skipped = scan(text)
    year, why = (ref_year, "given with --year") if ref_year else reference_year(text)
    return Run(text, sha256, build_proposals(text, figures), propose_names(text), skipped, year, why)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `propose` to the `xianan-kg` parser."""
    p = sub.add_parser(
        "propose",
        help="propose figures, indicators and names of a Chinese text as a Turtle draft and a review table",
        description="Propose every figure (value and unit as written, normalised value, qualifiers, measure type, "
        "indicator, quote) and named thing of a UTF-8 Chinese text, marked as proposed, with evidence and confidence. "
        "Exit 0 with a draft (empty for a text without Chinese), 2 for a file that is missing or not UTF-8.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", metavar="SOURCE.txt", help="the text, UTF-8")
    p.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="FILE.ttl",
        help="where to write the draft (or, with --accept, the accepted figures)",
    )
    p.add_argument("--review", metavar="FILE.html", help="also write the review table as HTML")
    p.add_argument("--table", metavar="FILE.csv", help="also write the review table as CSV (to edit and --accept)")
    p.add_argument("--year", metavar="YYYY", help="the reference year (default: the year the text writes most often)")
    p.add_argument(
        "--names-table", metavar="FILE.csv", help="also write the proposed names as CSV (to edit and --accept)"
    )
    p.add_argument("--accept", metavar="REVIEW.csv", help="write the figures accepted in this review table instead")
    p.add_argument("--accept-names", metavar="NAMES.csv", help="with --accept: also the names accepted in this table")
    p.add_argument(
        "--area", metavar="IRI", help="with --accept: the sdmx-dimension:refArea of the figures (e.g. xkp:xianan)"
    )
    p.add_argument(
        "--dataset", default=DEFAULT_DATASET, metavar="IRI", help="with --accept: the qb:dataSet (default: %(default)s)"
    )
    p.add_argument(
        "--slug-prefix",
        metavar="WORD",
        help="with --accept: start every figure IRI with WORD- (default: the --area's name, none for xkp:xianan)",
    )
    p.set_defaults(func=cmd_propose)


def cmd_propose(args: argparse.Namespace) -> int:
    source = Path(args.source)
    if args.year is not None and not re.fullmatch(r"(19|20)\d\d", args.year):
        raise InputError(f"--year {args.year!r}: a year such as 2023")
    text, sha = read_source(source)
    run = propose_text(text, sha, args.year)
    out = Path(args.out)
    if args.accept:
        if not args.area:
            raise InputError("--accept needs --area IRI: the place the figures are about (e.g. xkp:xianan)")
        if not re.fullmatch(r"[a-z][\w-]*:[\w-]+|<[^<>\s]+>", args.area):
            raise InputError(f"--area {args.area!r}: a prefixed name (xkp:xianan) or <IRI>")
        decisions = read_decisions(Path(args.accept))
        unknown = sorted(set(decisions) - {p.pid for p in run.proposals})
        if unknown:
            raise InputError(f"{args.accept}: ids {', '.join(unknown[:5])} are not proposals of {source.name}")
        if args.slug_prefix is not None and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", args.slug_prefix):
            raise InputError(f"--slug-prefix {args.slug_prefix!r}: lower-case ASCII words joined by hyphens")
        name_blocks = []
        if args.accept_names:
            name_blocks = accepted_name_blocks(text, run.names, read_decisions(Path(args.accept_names)))
        turtle, n = accepted_turtle(
            text, run.proposals, decisions, run.ref_year, args.area, args.dataset, args.slug_prefix, name_blocks
        )
        _write(out, turtle)
        print(f"accepted {n} of {len(run.proposals)} figures and {len(name_blocks)} names → {out}")
        return 0
    message = ""
    if not run.proposals and not run.names:
        message = "no Chinese text: nothing proposed" if chinese_share(text) < 0.3 else "no figures or names found"
    _write(out, draft(source, sha, text, run.proposals, run.names, run.skipped, run.ref_year, message))
    if args.review:
        _write(Path(args.review), review_html(text, run.proposals, f"Proposals for {source.name}", run.names))
    if args.table:
        _write(Path(args.table), review_csv(text, run.proposals))
    if args.names_table:
        _write(Path(args.names_table), names_csv(text, run.names))
    if message:
        print(f"{source}: {message}; wrote an empty draft to {out}", file=sys.stderr)
    else:
        new_units = len({p.figure.unit.slug for p in run.proposals if not p.figure.unit.in_scheme})
        reused = sum(p.indicator.reused for p in run.proposals)
        print(
            f"proposed {len(run.proposals)} figures ({reused} with an indicator of our scheme, {new_units} new units), "
            f"{len(run.names)} names; {len(run.skipped)} numbers not figures; year {run.ref_year or '?'} "
            f"({run.year_evidence}) → {out}"
        )
    return 0


def _write(path: Path, content: str) -> None:
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror})") from None
