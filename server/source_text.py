"""The source texts on the server: the sentence around a quote, and `/source` (the review's text) and
`/source/NAME` (each source text of the release, the review's too), the text with character anchors.

Positions are those of the graph's TextPositionSelectors (Unicode code points from 0,
end exclusive). The text is `data/source/…` of this checkout, used only when its
sha256 is the one the build recorded in `manifest.json`; otherwise pages fall back
to the selectors' own prefix and suffix and `/source` is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, request

from xianan_kg.source.documents import document_name
from xianan_kg.source.text import SourceText

from .dataset import current_dataset
from .errors import HttpProblem
from .site import per_dataset, render_page

bp = Blueprint("source", __name__)

SENTENCE_ENDS = "。！？；!?;\n"
MAX_CONTEXT = 120  # characters of sentence shown on each side of a quote, at most


@dataclass(frozen=True)
class InContext:
    """A quote inside its sentence: before + exact + after is what the page shows."""

    before: str
    exact: str
    after: str
    clipped_before: bool
    clipped_after: bool


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool
    anchor: str | None = None  # id of the first marked segment


def published_source() -> SourceText | None:
    """The source text the build was made from, as the release carries it (None for a release without it)."""

    def load() -> SourceText | None:
        dataset = current_dataset()
        path = dataset.artifact(dataset.source_file) if dataset.source_file else None
        return None if path is None else SourceText.load(path)  # its sha256 was checked with the manifest

    return per_dataset("source", load)


def published_documents() -> dict[str, SourceText]:
    """Every source text of the release by its name (`xianan-2023-review`, `jianshi-2023-statistical-bulletin`),
    the review's first; a release made before there were several lists only the review's."""

    def load() -> dict[str, SourceText]:
        dataset = current_dataset()
        out = {}
        for name in dataset.source_files or ((dataset.source_file,) if dataset.source_file else ()):
            path = dataset.artifact(name)
            if path is not None:
                out[document_name(path)] = SourceText.load(path)  # its sha256 was checked with the manifest
        return out

    return per_dataset("sources", load)


def source_href(name: str | None) -> str:
    """Where a source text is served: the review at /source, every other at /source/NAME."""
    return "/source" if name is None else f"/source/{name}"


def in_sentence(text: str, start: int, end: int) -> InContext:
    """The sentence around [start, end): back to the previous sentence end, on to the next (its mark included)."""
    begin = start
    while begin > 0 and text[begin - 1] not in SENTENCE_ENDS and start - begin < MAX_CONTEXT:
        begin -= 1
    stop = end
    while stop < len(text) and text[stop - 1] not in SENTENCE_ENDS and stop - end < MAX_CONTEXT:
        stop += 1
    if end < stop and text[stop - 1] == "\n":
        stop -= 1
    return InContext(
        before=text[begin:start].lstrip(),
        exact=text[start:end],
        after=text[end:stop],
        clipped_before=begin > 0 and text[begin - 1] not in SENTENCE_ENDS,
        clipped_after=stop < len(text) and text[stop - 1] not in SENTENCE_ENDS and text[stop] != "\n",
    )


def marked_lines(text: str, start: int | None, end: int | None) -> list[tuple[int, int, list[Segment]]]:
    """(line number, offset of its first character, segments) for every line, the range [start, end) marked."""
    lines = []
    offset = 0
    first_mark = True
    for number, line in enumerate(text.split("\n"), start=1):
        segments: list[Segment] = []
        line_end = offset + len(line)
        if start is not None and end is not None and start < line_end and end > offset and line:
            a, b = max(start, offset) - offset, min(end, line_end) - offset
            if a:
                segments.append(Segment(line[:a], False))
            segments.append(Segment(line[a:b], True, f"c{start}" if first_mark else None))
            first_mark = False
            if b < len(line):
                segments.append(Segment(line[b:], False))
        else:
            segments.append(Segment(line, False))
        lines.append((number, offset, segments))
        offset = line_end + 1
    return lines


def _position(name: str, length: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(length)) or int(raw) > length:  # not ² or ①
        raise HttpProblem(400, f"Bad Request: {name} must be a character position from 0 to {length}")
    return int(raw)


@bp.route("/source", methods=["GET"])
def source_page() -> Response:
    """The review's text line by line; `?start=&end=` marks a passage, whose <mark> has the id c{start}."""
    source = published_source()
    if source is None:
        raise HttpProblem(404, "Not Found: the source text of this build is not available on this server")
    return _text_page(source, main=True)


@bp.route("/source/<name>", methods=["GET"])
def document_page(name: str) -> Response:
    """One source text of the release by its name, as /source shows the review's."""
    source = published_documents().get(name)
    if source is None:
        raise HttpProblem(404, f"Not Found: no source text named {name!r} in this build")
    main = published_source()
    return _text_page(source, main=main is not None and main.path == source.path)


def _text_page(source: SourceText, main: bool) -> Response:
    start, end = _position("start", len(source.text)), _position("end", len(source.text))
    if (start is None) != (end is None) or (start is not None and end is not None and start >= end):
        raise HttpProblem(400, "Bad Request: give both start and end, with start < end")
    return render_page(
        "source.html",
        lines=marked_lines(source.text, start, end),
        chars=len(source.text),
        start=start,
        end=end,
        sha256=source.sha256,
        main=main,
        file=source.path.name,
        texts=_texts(source),
    )


def _texts(shown: SourceText) -> list[tuple[str, str, bool]]:
    """(name, href, whether it is the one shown) of every source text, for the links between them."""
    documents = published_documents()
    first = next(iter(documents), None)
    return [(name, source_href(None if name == first else name), s.path == shown.path) for name, s in documents.items()]
