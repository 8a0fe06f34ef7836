"""The answer cache counts what it really holds (issue 15, point 3): within 2x of the memory Python allocates for it.

It used to count 32 bytes of key plus the body's length, so 20,000 tiny answers were
accounted as ~1 MB while they held ~6 MB, and its 64 MiB cap would have let it grow to ~1 GB.
"""

from __future__ import annotations

import hashlib
import tracemalloc

from xianan_kg.server.cache import AnswerCache, CachedAnswer

TYPE = "application/sparql-results+json; charset=utf-8"


def fill(cache: AnswerCache, n: int, body_bytes: int) -> int:
    """Put n distinct answers; the bytes Python allocated meanwhile."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            key = hashlib.sha256(str(i).encode()).digest()
            body = (b'{"n":%d}' % i).ljust(body_bytes, b" ")
            cache.put(key, CachedAnswer(body, "".join(TYPE)))  # a fresh string each time, as responses make
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_tiny_answers_are_accounted_within_twice_their_real_size():
    cache = AnswerCache(max_bytes=2**30)
    real = fill(cache, 20_000, 40)
    assert len(cache) == 20_000
    assert real / 2 <= cache.size <= real * 2, (cache.size, real)


def test_large_answers_are_accounted_within_twice_their_real_size():
    cache = AnswerCache(max_bytes=2**30)
    real = fill(cache, 200, 20_000)
    assert real / 2 <= cache.size <= real * 2, (cache.size, real)


def test_the_cap_bounds_what_tiny_answers_really_take():
    cache = AnswerCache(max_bytes=2**20)  # 1 MiB
    real = fill(cache, 20_000, 40)
    assert cache.size <= 2**20 and len(cache) < 20_000
    assert real <= 2 * 2**20, real  # the old accounting let ~6 MB through a 1 MiB cap
