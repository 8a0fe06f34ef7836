"""`xianan-kg link`: reconcile our places, organisations and facilities with a Wikidata-shaped SPARQL endpoint.

Writes a linkset (owl:sameAs for exact division-code matches, skos:closeMatch for
names that fit in type and location) and a review report of everything else. It
reads data/*.ttl and never writes to it: links live in data/links/, apart.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, SKOS

from xianan_kg.link.linkset import run_time
from xianan_kg.link.opendata import cmd_link_offline
from xianan_kg.link.publish import linkset_graph, write_review
from xianan_kg.link.reconcile import entities, reconcile
from xianan_kg.link.wikidata import WIKIDATA_SPARQL
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import UserError
from xianan_kg.rdf.serialize import serialize_graph
from xianan_kg.source.load import load_data, load_ontology
from xianan_kg.store.remote import EndpointStore

DEFAULT_OUT = paths.LINKS_DIR / "wikidata.ttl"


def _threshold(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not Decimal(0) <= value <= Decimal(1):
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def _refuse_main_data(path: Path) -> None:
    """Outputs go to data/links/ or outside data/: the reconciler must never overwrite the facts."""
    target = path.resolve()
    data, links = paths.DATA_DIR.resolve(), paths.LINKS_DIR.resolve()
    if target.is_relative_to(data) and not target.is_relative_to(links):
        raise UserError(f"{path}: refusing to write into data/ outside data/links/; the main data is never edited")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def cmd_link(args: argparse.Namespace) -> int:
    if args.geonames or args.verified_wikidata:  # offline, from data/reference/: no endpoint is asked
        return cmd_link_offline(args, _refuse_main_data)
    out = Path(args.out or DEFAULT_OUT)
    report = Path(args.report) if args.report else out.with_name(out.stem + "-review.csv")
    for path in (out, report):
        _refuse_main_data(path)
    graph = Graph()
    for part in (load_ontology(), load_data()):
        for triple in part:
            graph.add(triple)
    ours = entities(graph)
    store = EndpointStore(args.endpoint, timeout=args.timeout)
    decisions = reconcile(ours, store, args.threshold)
    linkset = linkset_graph(
        decisions, linkset=out.stem, endpoint=args.endpoint, threshold=args.threshold, when=run_time()
    )
    _write_atomically(out, serialize_graph(linkset, "turtle"))
    reviewed = write_review(decisions, report)
    same, close = (sum(d.predicate == p for d in decisions) for p in (OWL.sameAs, SKOS.closeMatch))
    print(f"checked  {len(ours)} places, organisations and facilities against {args.endpoint}")
    print(f"wrote    {out}: {same} owl:sameAs (exact division code), {close} skos:closeMatch (name in context)")
    print(f"wrote    {report}: {reviewed} candidates for review")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommand to the `xianan-kg` parser."""
    p = sub.add_parser(
        "link",
        help="find Wikidata items for our places, organisations and facilities; write a linkset",
        description=(
            "Query a Wikidata-shaped SPARQL endpoint: by division code (P442) first, an exact key that gives "
            "owl:sameAs; then by Chinese name with type (P31) and location (P131), scored, giving skos:closeMatch "
            "at or above the threshold. Other candidates go to a review report. data/*.ttl is never edited."
        ),
    )
    p.add_argument("--endpoint", default=WIKIDATA_SPARQL, help="SPARQL endpoint URL (default: %(default)s)")
    p.add_argument(
        "--out", help="linkset file to write (default: data/links/wikidata.ttl, geonames.ttl, wikidata-verified.ttl)"
    )
    p.add_argument(
        "--geonames",
        action="store_true",
        help="link to GeoNames from data/reference/geonames/ by code path and pinyin name (needs pypinyin)",
    )
    p.add_argument(
        "--verified-wikidata",
        action="store_true",
        help="write owl:sameAs for the items of data/reference/verified-wikidata.csv only",
    )
    p.add_argument(
        "--threshold", type=_threshold, default=Decimal("0.8"), help="lowest score for skos:closeMatch (default: 0.8)"
    )
    p.add_argument("--report", help="review report, CSV (default: next to --out, NAME-review.csv)")
    p.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for each answer of the endpoint (default: 60)"
    )
    p.set_defaults(func=cmd_link)
