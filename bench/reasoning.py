"""How long OWL 2 RL reasoning takes with the SPARQL rules (xianan_kg.rules) and with owlrl, as N grows.

    python bench/reasoning.py            # the review, N = 10 (both reasoners) and N = 100 (rules only)
    python bench/reasoning.py 1 10 --owlrl-up-to 1

Prints seconds per reasoner and whether both kept the same triples where both ran.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen  # noqa: E402 - bench/gen.py

from xianan_kg.reason import reason  # noqa: E402
from xianan_kg.rules import reason_with_rules  # noqa: E402


def timed(function, *args):  # noqa: ANN001, ANN201 - any call
    t0 = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - t0, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("districts", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--owlrl-up-to", type=int, default=10, help="run owlrl only up to this N (it is slow)")
    args = parser.parse_args(argv)
    for n in args.districts:
        graph = gen.synthetic_sources(n).combined()
        seconds, fast = timed(reason_with_rules, graph)
        line = f"N={n:<5} {len(graph):>8} asserted  rules {seconds:7.2f} s  {len(fast.graph):>8} kept"
        if n <= args.owlrl_up_to:
            slow_seconds, slow = timed(reason, graph)
            same = set(slow.graph) == set(fast.graph) and slow.counts == fast.counts
            line += f"  owlrl {slow_seconds:7.2f} s  same: {same}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
