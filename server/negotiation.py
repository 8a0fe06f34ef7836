"""Content negotiation for every route: the Accept header with q-values (RFC 9110 §12.5.1) against what we offer.

The server's order of `offered` is its preference: with `*/*` or no Accept header the
first offered type wins. A type matched by an explicit range beats one matched only
by a wildcard at the same quality. `aliases` let a client ask for a generic type
(application/json, application/xml) and get our specific one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """2 exact, 1 type/*, 0 */*, -1 no match."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != t:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == s else -1


class NotAcceptable(Exception):
    """Nothing we can send is acceptable to the client (406)."""

    def __init__(self, offered: Sequence[str]) -> None:
        super().__init__("none of the available media types is acceptable: " + ", ".join(offered))
        self.offered = tuple(offered)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an Accept header; none given means anything. Malformed parts are skipped."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media, _, sub = fields[0].lower().partition("/")
        if not media or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(media, sub, q))
    return ranges


def _quality(media_type: str, ranges: list[MediaRange]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching the type; (0, -1) when none does."""
    best = (0.0, -1)
    for r in ranges:
        spec = r.specificity(media_type)
        if spec > best[1]:
            best = (r.q, spec)
    return best


def negotiate(accept: str | None, offered: Sequence[str], aliases: Mapping[str, str] | None = None) -> str:
    """The offered media type the client prefers; raises NotAcceptable when it accepts none."""
    ranges = parse_accept(accept)
    names = [(canonical, canonical) for canonical in offered]
    names += [(alias, canonical) for alias, canonical in (aliases or {}).items() if canonical in offered]
    best: tuple[float, int, int] | None = None
    chosen = None
    for name, canonical in names:
        q, spec = _quality(name, ranges)
        if q <= 0 or (name != canonical and spec < 2):
            continue  # an alias counts only when the client names it, never through a wildcard
        rank = (q, spec, -offered.index(canonical))
        if best is None or rank > best:
            best, chosen = rank, canonical
    if chosen is None:
        raise NotAcceptable(offered)
    return chosen


def prefers(accept: str | None, media_type: str, others: Sequence[str]) -> bool:
    """Whether the client would rather have `media_type` than any of `others` (e.g. an HTML error page)."""
    try:
        return negotiate(accept, [*others, media_type]) == media_type
    except NotAcceptable:
        return False
