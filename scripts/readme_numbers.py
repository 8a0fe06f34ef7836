"""The README's numbers, written from the build and nowhere else.

    python scripts/readme_numbers.py            # rewrite README.md from dist/
    python scripts/readme_numbers.py --check    # change nothing; exit 1 and show the difference if it is stale
    python scripts/readme_numbers.py --dist DIR # another build's release

What stands between `<!-- numbers:NAME -->` and `<!-- /numbers -->` in README.md is replaced by
the value NAME has in the release: `dist/manifest.json` (triples per graph, entailments by kind,
the files of the question library), counts asked of `dist/xianan-kg.nq`
(figures, named things, recognitions, outlook goals, code-list divisions), the tests of the
W3C SHACL Core suite copied under tests/w3c-shacl/, the Data Cube constraints of ontology/qc/cube/,
and the server's default limits. A number the README gives outside markers is an example of the
data (a quote, a query's answer) or a name (IC-4, P442), not a count of the build; timings are not
written at all: `bench/` measures them (docs/benchmarks.md). tests/test_readme_numbers.py fails
when the README differs from what this script writes for a fresh build.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DIST = ROOT / "dist"
MARKED = re.compile(r"<!-- numbers:([a-z][a-z0-9-]*) -->(.*?)<!-- /numbers -->", re.DOTALL)
GRAPH = "https://xianan-kg.example.org/graph/"
PREFIXES = """PREFIX xk: <https://xianan-kg.example.org/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# counts asked of the release's quads; the default graph is their union (asserted and inferred)
COUNTS = {
    "figures": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a xk:Figure }",
    "named": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { VALUES ?class { xk:Place xk:Organisation xk:Project "
    "xk:Facility xk:Initiative xk:Plan } ?x a ?class }",
    "recognitions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a xk:Recognition }",
    "goals": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a xk:OutlookGoal }",
    "divisions": f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH <{GRAPH}divisions> {{ ?x a skos:Concept }} }}",
}
# The table of entailments: kinds (as the manifest names them), why they follow, the library queries needing them.
# A kind the build infers that no row names lands in the last row, so the table always adds up.
ENTAILMENTS = [
    (
        ["rdf:type"],
        "subclasses and domains/ranges",
        "`service-brands`, `project-investors`, `organisations`, `captions-showing-places`, "
        "`describe-revenue-provenance`",
    ),
    (
        ["xk:locatedInTransitive"],
        "super-property of `xk:locatedIn`, transitive",
        "`where-is-the-infectious-disease-building`, `ask-xianan-is-in-hubei`",
    ),
    (["xk:containsTransitive"], "inverse of `xk:locatedInTransitive`", "`what-is-in-wuhan`"),
    (["xk:received"], "inverse of `xk:recipient`", "`honours-received-by-the-district`"),
    (["xk:hasFigure"], "inverse of `xk:about`", "`medical-elderly-integration-figures`"),
    (
        ["xk:partOfTransitive"],
        "super-property of `xk:partOf`, inverse of `xk:hasPartTransitive`, transitive",
        "`what-joint-creation-is-part-of`",
    ),
    (["prov:wasAssociatedWith"], "super-property of `xk:investor`, `xk:implementedBy`", "`project-investors`"),
    (["foaf:depicts"], "super-property of `xk:depicts`", "`captions-showing-places`"),
    (
        [
            "xk:contains",
            "xk:hasPart",
            "xk:partOf",
            "xk:hasPartTransitive",
            "dcterms:hasPart",
            "dcterms:isPartOf",
            "xk:deliveredBy",
            "schema:identifier",
            "sdmx-measure:obsValue",
            "sdmx-attribute:unitMeasure",
        ],
        "inverses and super-properties",
        "none (the asserted property answers)",
    ),
    (["rdfs:subClassOf", "rdfs:domain", "rdfs:range", "owl:disjointWith"], "the ontology's own closure", "none"),
]
OTHERS = ("the other rules of `ontology/rules/`", "none")


def count(number: int) -> str:
    return f"{number:,}"


def entailment_table(by_kind: dict[str, int]) -> str:
    rows = ["| entailment (kind) | triples in this build | why | library queries that need it |", "|---|---|---|---|"]
    named: set[str] = set()
    for kinds, why, queries in ENTAILMENTS:
        named.update(kinds)
        cells = ", ".join(f"`{k}`" for k in kinds), ", ".join(count(by_kind.get(k, 0)) for k in kinds)
        rows.append(f"| {cells[0]} | {cells[1]} | {why} | {queries} |")
    others = sorted(set(by_kind) - named)
    if others:
        cells = ", ".join(f"`{k}`" for k in others), ", ".join(count(by_kind[k]) for k in others)
        rows.append(f"| {cells[0]} | {cells[1]} | {OTHERS[0]} | {OTHERS[1]} |")
    rows.append(f"| all kinds | {count(sum(by_kind.values()))} | the graph `/graph/inferred` | |")
    return "\n" + "\n".join(rows) + "\n"


def graph_table(graphs: dict[str, int]) -> str:
    rows = ["| named graph | triples |", "|---|---|"]
    rows += [f"| `/graph/{iri.removeprefix(GRAPH)}` | {count(n)} |" for iri, n in graphs.items()]
    rows.append(f"| all (the default graph is their merge) | {count(sum(graphs.values()))} |")
    return "\n" + "\n".join(rows) + "\n"


def shacl_suite_tests() -> int:
    """The tests of the W3C SHACL Core suite as tests/test_shacl_w3c.py reaches them through its manifests."""
    import warnings

    sys.path.insert(0, str(ROOT))
    from tests.w3c_shacl import suite_tests

    with warnings.catch_warnings():  # rdflib on the suite's own odd literals ("weird boolean"): not ours to fix
        warnings.simplefilter("ignore", UserWarning)
        return len(suite_tests())


def limits() -> dict[str, str]:
    """The server's default limits (server/config.py, server/limits.py, xianan_kg/query/guard.py)."""
    from xianan_kg.server.config import ServerConfig

    config = ServerConfig()
    query, fair, shape = config.limits, config.fair_share, config.limits.shape
    assert fair.window == 60, "the README says 'per minute'"
    return {
        "query-timeout": f"{query.timeout:g}",
        "max-rows": count(query.max_rows),
        "max-answer-mib": f"{query.max_bytes / 2**20:g}",
        "client-seconds": f"{fair.seconds:g}",
        "client-concurrency": count(fair.concurrent),
        "query-characters": count(shape.max_length),
        "query-depth": count(shape.max_depth),
        "query-patterns": count(shape.max_patterns),
        "request-mb": f"{config.max_request_bytes / 1e6:g}",
    }


def numbers(dist: Path) -> dict[str, str]:
    """Every marked value of the README, from the release in `dist`."""
    import pyoxigraph as ox

    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    store = ox.Store()
    store.bulk_load(path=str(dist / "xianan-kg.nq"), format=ox.RdfFormat.N_QUADS)
    values = {}
    for name, query in COUNTS.items():
        (row,) = store.query(PREFIXES + query, use_default_graph_as_union=True)  # type: ignore[misc]
        values[name] = count(int(row["n"].value))
    questions = [f for f in manifest["files"] if f.startswith("queries/") and f.endswith(".rq")]
    values.update(
        {
            "questions": count(len(questions)),
            "entailments": entailment_table(manifest["inferred_by_kind"]),
            "graphs": graph_table(manifest["graphs"]),
            "shacl-suite-tests": count(shacl_suite_tests()),
            "cube-constraints": count(len(list((ROOT / "ontology" / "qc" / "cube").glob("ic-*.rq")))),
            **limits(),
        }
    )
    return values


def rewrite(text: str, values: dict[str, str]) -> str:
    """`text` with every marked value replaced; a marker naming no value is an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise SystemExit(f"README.md: <!-- numbers:{name} --> names no number this script writes")
        return f"<!-- numbers:{name} -->{values[name]}<!-- /numbers -->"

    return MARKED.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DIST, help="the release to read (default: dist/)")
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the README is stale")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    fresh = rewrite(text, numbers(args.dist))
    if args.check:
        if fresh != text:
            sys.stdout.writelines(
                difflib.unified_diff(text.splitlines(True), fresh.splitlines(True), "README.md", "fresh")
            )
            return 1
        return 0
    if fresh != text:
        args.readme.write_text(fresh, encoding="utf-8")
        print(f"{args.readme}: numbers rewritten from {args.dist}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
