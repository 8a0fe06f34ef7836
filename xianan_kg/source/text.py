"""The review text as it is on disk, and how a quote is found in it.

Positions count Unicode code points of the UTF-8-decoded file from 0, end
exclusive, as the Web Annotation TextPositionSelector prescribes. Matching
ignores whitespace because the printed page's extraction broke sentences with
blank lines ("奋进智能车 / 等一批"); the recorded exact text keeps them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from xianan_kg.rdf.paths import SOURCE_FILE


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str
    sha256: str
    _compact: str = field(repr=False, default="")
    _index: tuple[int, ...] = field(repr=False, default=())

    @classmethod
    def load(cls, path: Path = SOURCE_FILE) -> SourceText:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        index = tuple(i for i, ch in enumerate(text) if not ch.isspace())
        compact = "".join(text[i] for i in index)
        return cls(path, text, hashlib.sha256(raw).hexdigest(), compact, index)

    def locate(self, quote: str) -> list[tuple[int, int]]:
        """Every (start, end) span whose text equals the quote once whitespace is ignored."""
        needle = "".join(ch for ch in quote if not ch.isspace())
        if not needle:
            return []
        spans = []
        at = self._compact.find(needle)
        while at != -1:
            spans.append((self._index[at], self._index[at + len(needle) - 1] + 1))
            at = self._compact.find(needle, at + 1)
        return spans

    def context(self, start: int, end: int, width: int = 12) -> tuple[str, str]:
        """The prefix and suffix around a span, for a TextQuoteSelector that survives edits."""
        return self.text[max(0, start - width) : start], self.text[end : end + width]
