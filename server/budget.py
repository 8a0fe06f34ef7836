"""One memory budget for the whole server, divided before it starts: no sum of queries can grow past it.

Each query process may grow by `memory_mb` (RLIMIT_AS, execution.py); with 2 workers of
4 query processes at 1 GiB each, 8 sorting queries took the server from 113 MiB to
5.9 GiB. So the budget is stated for the whole server (`serve --memory-budget`, by default
half the machine's memory up to 4 GiB) and split at start:

    budget = loaded server (shared copy-on-write by every process, counted once)
           + workers x (a worker's own growth + its answer cache)
           + workers x query processes x what one query may add

A query past its share dies and is answered 503 with the limit; the others go on.
The address-space limit bounds more than the pages a query touches, so the server's
PSS stays below the budget with a margin.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

WORKER_MB = 64  # what a server worker adds to the shared store: its threads, request buffers, page caches
MIN_QUERY_MB = 128  # below this, the question library's own queries would not fit
MAX_DEFAULT_MB = 4096


@dataclass(frozen=True)
class MemoryPlan:
    budget_mb: int
    base_mb: int  # the loaded server before any worker starts
    workers: int
    processes: int  # query processes per worker
    cache_mb: float  # answer cache per worker
    query_mb: int  # what one query process may add

    def describe(self) -> str:
        return (
            f"The whole server stays within {self.budget_mb:,} MiB: the loaded data ({self.base_mb} MiB, shared), "
            f"{self.workers} workers with {self.cache_mb:g} MiB of answer cache each, and "
            f"{self.workers * self.processes} query processes that may each add {self.query_mb} MiB; "
            "a query needing more is stopped and answered 503."
        )


def machine_budget_mb(meminfo: Path = Path("/proc/meminfo")) -> int:
    """Half the machine's memory, at most 4 GiB (4 GiB where /proc/meminfo cannot be read)."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return min(MAX_DEFAULT_MB, int(line.split()[1]) // 1024 // 2)
    except (OSError, ValueError, IndexError):
        pass
    return MAX_DEFAULT_MB


def resident_mb() -> int:
    """This process's resident memory (VmRSS), 0 where it cannot be read."""
    try:
        for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def plan_memory(budget_mb: int, base_mb: int, workers: int, processes: int, cache_bytes: int) -> MemoryPlan:
    """Each query process's share of `budget_mb`; ValueError with the numbers when the budget cannot hold the server."""
    cache_mb = cache_bytes / 2**20
    spare = budget_mb - base_mb - workers * (WORKER_MB + cache_mb)
    query_mb = int(spare // (workers * processes)) if spare > 0 else 0
    if query_mb < MIN_QUERY_MB:
        need = base_mb + workers * (WORKER_MB + cache_mb) + workers * processes * MIN_QUERY_MB
        raise ValueError(
            f"a memory budget of {budget_mb:,} MiB cannot hold this server: the loaded data takes {base_mb} MiB, "
            f"{workers} workers {workers * (WORKER_MB + cache_mb):g} MiB with their caches, and "
            f"{workers * processes} query processes at least {MIN_QUERY_MB} MiB each; give at least {need:,.0f} "
            "MiB, or fewer --workers / --threads"
        )
    return MemoryPlan(budget_mb, base_mb, workers, processes, cache_mb, query_mb)
