"""An in-process cache of query answers: the published data never changes while the server runs.

A dataset version is immutable (a rebuild changes `manifest.json`, and so the version,
and needs a restart), so the bytes of an answer depend only on the query, the dataset
chosen for it, the `Accept` header that picks the format, and the limits it ran under.
Those, with the version, make the key; a repeated query is answered without the engine.

Safe by construction:
- only complete 200 answers are kept, never an error, a timeout or a partial answer;
- the key holds the query as the engine reads it: the tokens of xianan_kg.rdf.sparql (the
  endpoint's guard reads the same ones), a gap of white space and comments between two of them
  made one space; wherever the engine could read the text otherwise than the tokenizer
  (`normalise_query` lists the cases), the text exactly as sent;
- the cache is bounded in bytes, counted as Python holds them (`entry_cost`: body, 32-byte
  key digest, the entry and the dictionary's share), least recently used first out, and an
  answer larger than one entry may hold is not kept.

Each gunicorn worker has its own cache; `xianan-kg serve --no-cache` turns it off.
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from flask import Response

from xianan_kg.rdf.sparql import token_spans

CACHE_HEADER = "X-Cache"  # HIT or MISS: says whether the engine ran, for people and benchmarks

_ESCAPE = re.compile(r"\\[uU]")
_GAP = re.compile(r"(?:[ \t\r\n]|\#[^\n\r]*)*")  # SPARQL's white space (WS) and comments, nothing else
_IN_DOUBT = frozenset({"'", '"', "\\"})  # a token the engine may read otherwise: a lone quote, a `\#` escape


def normalise_query(text: str) -> str:
    """The query as the engine reads it: its tokens (rdf.sparql.tokens), one space where a gap of white space
    and comments separated two, nothing where none did; or the text exactly as sent wherever that is in doubt.

    The gaps are merged only where the engine is sure to see a gap too. In doubt are: \\u escapes (SPARQL undoes
    them before reading), a quote inside what the tokenizer takes for an IRI (`?a<'> #A'` is a comparison
    with a string to the engine) or a `#` there with a quote after it on its line, a lone quote or backslash (`ex:a\\#b` is one name), and a gap holding anything
    but SPARQL's four white-space characters and comments (U+1680 is a name character to the engine).
    Returned as "n:" + text when normalised and "r:" + text when used as sent: the two kinds never share a key.
    """
    if _ESCAPE.search(text):
        return "r:" + text
    out: list[str] = []
    last = 0
    for kind, start, stop in token_spans(text):
        value = text[start:stop]
        if (kind == "other" and value in _IN_DOUBT) or (kind == "iri" and _iri_in_doubt(text, value, stop)):
            return "r:" + text
        if start > last:
            if not _GAP.fullmatch(text, last, start):
                return "r:" + text
            if out:
                out.append(" ")
        out.append(value)
        last = stop
    if not _GAP.fullmatch(text, last):
        return "r:" + text
    return "n:" + "".join(out)


def _iri_in_doubt(text: str, iri: str, stop: int) -> bool:
    """Whether the engine could read this `<…>` as `<` and a comment; a quote later on that line could then open
    a string to the engine that the tokenizer reads as tokens and gaps. `<http://e/o#>` is an IRI either way."""
    if "'" in iri or '"' in iri:
        return True
    if "#" not in iri:
        return False
    line_end = min((i for i in (text.find("\n", stop), text.find("\r", stop)) if i >= 0), default=len(text))
    return "'" in text[stop:line_end] or '"' in text[stop:line_end]


def answer_key(
    version: str,
    query: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    accept: str | None,
    variant: Hashable = (),
) -> bytes:
    """A digest of everything an answer's bytes depend on."""
    parts = (
        version,
        normalise_query(query),
        None if default_graphs is None else tuple(default_graphs),
        None if named_graphs is None else tuple(named_graphs),
        accept or "",
        variant,
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).digest()


ENTRY_OVERHEAD = 64  # bytes per entry beyond its objects: the OrderedDict's slot and index, its link node


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    body: bytes
    content_type: str


def entry_cost(key: bytes, entry: CachedAnswer) -> int:
    """What keeping `entry` under `key` really takes: every object's size, not only the body's length.

    Counting 32 + len(body) made 20,000 tiny answers look like 1 MB while they held 12 MB."""
    return sys.getsizeof(entry.body) + sys.getsizeof(key) + sys.getsizeof(entry) + ENTRY_OVERHEAD  # type: interned


class AnswerCache:
    """Least-recently-used answers, at most `max_bytes` of bodies, none larger than `max_entry_bytes`."""

    def __init__(self, max_bytes: int = 64 * 2**20, max_entry_bytes: int = 2 * 2**20) -> None:
        self.max_bytes, self.max_entry_bytes = max_bytes, max_entry_bytes
        self._entries: OrderedDict[bytes, CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()
        self.size = self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> CachedAnswer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: bytes, entry: CachedAnswer) -> None:
        entry = CachedAnswer(entry.body, sys.intern(entry.content_type))  # one string per media type, shared
        cost = entry_cost(key, entry)
        if cost > self.max_entry_bytes or cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= entry_cost(key, old)
            self._entries[key] = entry
            self.size += cost
            while self.size > self.max_bytes:
                dropped_key, dropped = self._entries.popitem(last=False)
                self.size -= entry_cost(dropped_key, dropped)


def lookup(cache: AnswerCache | None, key: bytes) -> Response | None:
    """The kept answer for `key` as a response, or None (run the query, then `remember` its response)."""
    entry = cache.get(key) if cache is not None else None
    if entry is None:
        return None
    response = Response(entry.body, content_type=entry.content_type)
    response.headers[CACHE_HEADER] = "HIT"
    return response


def remember(cache: AnswerCache | None, key: bytes, response: Response) -> Response:
    """Keep a complete 200 answer under `key`; the response is returned unchanged but for X-Cache."""
    if cache is None:
        return response
    if response.status_code == 200 and not response.direct_passthrough and not response.is_streamed:
        cache.put(key, CachedAnswer(response.get_data(), response.content_type or ""))
    response.headers[CACHE_HEADER] = "MISS"
    return response
