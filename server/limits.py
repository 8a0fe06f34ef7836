"""How much one query may take from the endpoint, and writing an answer within those bounds.

Every limit is enforced where the work happens, so that crossing it stops the work:
- time: the query's process is killed (execution.py) and the client gets 503;
- rows and bytes: the engine writes its answer into `LimitedOutput`, which raises at
  the first row or byte too many, and the engine stops computing there. The client
  gets 400 with the limit, never a silently truncated answer;
- memory: the query's process may grow by `memory_mb` (RLIMIT_AS); past it the query dies, 503;
- text: length, nesting and size of the query itself (xianan_kg.query.guard.ShapeLimits).

pyoxigraph writes as it computes, so its rows are counted in a format with one line per
row — TSV for solutions (after its header line), N-Triples for graphs — and the answer
is then rewritten in the asked format by pyoxigraph's own parsers and writers. Other
engines (rdflib, a remote store) hold their whole answer before writing it; their rows
are counted from it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import BinaryIO, cast

import pyoxigraph as ox

from xianan_kg.query.guard import ShapeLimits
from xianan_kg.store.base import Answer, AnswerWriteError
from xianan_kg.store.local import OxigraphAnswer, used_prefixes

LINE_FORMATS = {"SELECT": "text/tab-separated-values", "GRAPH": "application/n-triples"}
HEADER_LINES = {"SELECT": 1, "GRAPH": 0}


@dataclass(frozen=True)
class QueryLimits:
    timeout: float = 10.0  # seconds a query may run; then its process is killed and the client gets 503
    max_rows: int = 100_000  # solutions of a SELECT, triples of a CONSTRUCT / DESCRIBE; more is a 400
    max_bytes: int = 20 * 2**20  # of the written answer; more is a 400
    memory_mb: int = 1024  # memory a query process may add to what it shares with the server; more is a 503
    max_concurrent: int = 4  # query processes per server worker; 0 runs queries in the request thread, unbounded
    shape: ShapeLimits = field(default_factory=ShapeLimits)  # length, nesting and size of the query text
    server_memory: str = ""  # the whole server's memory budget in a sentence (budget.py), when one was set

    def describe(self) -> str:
        """The limits in one paragraph, for the service description and the docs."""
        shape = self.shape
        return (
            f"Each query runs for at most {self.timeout:g} s; a longer one is cancelled (its work stops) and "
            f"answered 503. An answer may hold at most {self.max_rows:,} rows (solutions or triples) and "
            f"{self.max_bytes / 2**20:g} MiB; a larger one is refused with 400, never truncated. A query may be "
            f"at most {shape.max_length:,} characters (413 past it), nest at most {shape.max_depth} deep and hold "
            f"at most {shape.max_patterns} triple patterns and path steps and {shape.max_tokens:,} tokens (400)."
            + (f" {self.server_memory}" if self.server_memory else "")
        )


class ResultTooLarge(Exception):
    """The answer crossed `max_rows` or `max_bytes`; raised from inside the engine's writer, which stops it."""


class LimitedOutput(io.RawIOBase):
    """A binary sink keeping what is written, which raises ResultTooLarge past `max_bytes` or `max_lines` lines."""

    def __init__(self, limits: QueryLimits, max_lines: int | None = None) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self.size = self.lines = 0
        self._limits, self._max_lines = limits, max_lines

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # io types it for any buffer; pyoxigraph writes bytes
        self.size += len(data)
        check_bytes(self.size, self._limits)
        if self._max_lines is not None:
            self.lines += data.count(b"\n")
            if self.lines > self._max_lines:
                raise too_many_rows(self._limits)
        self._parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def too_many_rows(limits: QueryLimits) -> ResultTooLarge:
    return ResultTooLarge(
        f"the answer has more than {limits.max_rows:,} rows (solutions or triples), the limit of this endpoint; "
        "add LIMIT, and OFFSET to page through it"
    )


def check_bytes(size: int, limits: QueryLimits) -> None:
    if size > limits.max_bytes:
        raise ResultTooLarge(
            f"the answer is larger than {limits.max_bytes / 2**20:g} MiB, the limit of this endpoint; "
            "ask for fewer rows (LIMIT) or fewer columns"
        )


def write_answer(answer: Answer, media_type: str, limits: QueryLimits) -> bytes:
    """The answer in `media_type`, the engine stopped at the first row or byte past the limits (ResultTooLarge)."""
    if answer.form not in LINE_FORMATS:  # ASK: one boolean
        return answer.serialize(media_type)
    if not isinstance(answer, OxigraphAnswer):
        result = answer.to_result()
        if len(result.rows if result.graph is None else result.graph) > limits.max_rows:
            raise too_many_rows(limits)
        body = answer.serialize(media_type)
        check_bytes(len(body), limits)
        return body
    line_type = LINE_FORMATS[answer.form]
    lines = LimitedOutput(limits, limits.max_rows + HEADER_LINES[answer.form])
    answer.write(line_type, cast(BinaryIO, lines))  # a binary sink, which is all pyoxigraph asks
    if media_type == line_type:
        return lines.getvalue()
    out = LimitedOutput(limits)
    try:
        if answer.form == "SELECT":
            solutions = ox.parse_query_results(lines.getvalue(), ox.QueryResultsFormat.TSV)
            solutions.serialize(cast(BinaryIO, out), format=ox.QueryResultsFormat.from_media_type(media_type))
        else:
            triples = list(ox.parse(lines.getvalue(), ox.RdfFormat.N_TRIPLES))  # within max_rows: read above
            rdf_format = ox.RdfFormat.from_media_type(media_type)
            ox.serialize(triples, cast(BinaryIO, out), format=rdf_format, prefixes=used_prefixes(triples))
    except (ValueError, TypeError) as exc:
        raise AnswerWriteError(f"cannot write the answer as {media_type}: {exc}") from None
    return out.getvalue()
