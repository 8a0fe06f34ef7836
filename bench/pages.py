"""How long the human pages take to build: median and worst of N requests per page, in-process (no network).

    python bench/pages.py [--dist DIST] [--repeat N]

The target is under 100 ms per page on the 2-core machine; this prints, it does not assert.
The first request of a dataset version loads the name index (all labels) once; it is reported apart.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from xianan_kg.server import ServerConfig, create_app

from xianan_kg.rdf import paths

PAGES = [
    "/id/place/xianan.html",
    "/id/project/donghu-high-tech-xianan-industrial-park.html",
    "/id/figure/general-public-budget-revenue-2023.html",
    "/id/quote/762-777.html",
    "/search?q=%E5%92%B8%E5%AE%89",
    "/search.json?q=revenue",
    "/dashboard",
    "/ontology",
    "/source?start=762&end=777",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=paths.DIST_DIR)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    client = create_app(ServerConfig(dist=args.dist)).test_client()
    started = time.perf_counter()
    client.get("/search?q=x")
    print(f"first request (loads the name index): {1000 * (time.perf_counter() - started):.1f} ms")
    print(f"{'page':60} {'median ms':>10} {'max ms':>8}  (lang en and zh alternately, {args.repeat} requests)")
    for path in PAGES:
        times = []
        for i in range(args.repeat):
            lang = "zh" if i % 2 else "en"
            sep = "&" if "?" in path else "?"
            t0 = time.perf_counter()
            response = client.get(f"{path}{sep}lang={lang}", headers={"Accept": "text/html"})
            times.append(1000 * (time.perf_counter() - t0))
            assert response.status_code == 200, (path, response.status_code)
        print(f"{path:60} {statistics.median(times):10.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
