"""Links to open datasets that can be checked offline, and the command that writes them.

`xianan-kg link --geonames` writes data/links/geonames.ttl (xianan_kg.geonames) and geonames-review.csv;
`xianan-kg link --verified-wikidata` writes data/links/wikidata-verified.ttl: `owl:sameAs` for the Wikidata
items listed in data/reference/verified-wikidata.csv (Q148, Q46862, Q11746, from the project's verified
facts) and nothing else. data/links/wikidata.ttl stays the reconciler's, for a reviewed run against the real
service. Every file is generated, never hand-edited, and the build checks each link's record again.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS

from xianan_kg.link import geonames
from xianan_kg.link.linkset import MATCH_VERIFIED, VERIFIED_WIKIDATA, add_link, read_verified
from xianan_kg.link.wikidata import WIKIDATA_DATASET, describe_wikidata
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import ID, WD, XK, bind_prefixes
from xianan_kg.rdf.serialize import serialize_graph
from xianan_kg.source.load import load_data, load_ontology

CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
GEONAMES_OUT = paths.LINKS_DIR / "geonames.ttl"
VERIFIED_OUT = paths.LINKS_DIR / "wikidata-verified.ttl"


def wikidata_verified_linkset(data: Graph, linkset: str = "wikidata-verified") -> Graph:
    """owl:sameAs for each verified item whose place our data describes, with a record of the evidence."""
    graph = bind_prefixes(Graph())
    describe_wikidata(graph)
    graph.add((WIKIDATA_DATASET, RDF.type, DCAT.Dataset))
    graph.add((WIKIDATA_DATASET, DCTERMS.license, CC0))
    graph.add((WIKIDATA_DATASET, DCTERMS.description, Literal("The free knowledge base (wikidata.org).", lang="en")))
    activity = ID[f"activity/link/{linkset}"]
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal("已核实的维基数据标识符", lang="zh")))
    graph.add((activity, RDFS.label, Literal("Verified Wikidata identifiers", lang="en")))
    graph.add((activity, PROV.used, Literal("data/reference/verified-wikidata.csv")))
    for place, item, name in read_verified():
        ours = next((x for x in data.objects(place, RDFS.label) if getattr(x, "language", None) == "zh"), None)
        if ours is None:
            raise InputError(f"{VERIFIED_WIKIDATA}: {place} is not a place our data names")
        record = add_link(
            graph,
            linkset,
            (place, OWL.sameAs, item),
            method=MATCH_VERIFIED,
            score=Literal(Decimal(1)),
            matched_on=ours,
            activity=activity,
        )
        graph.add((record, XK.theirCode, Literal(str(item)[len(str(WD)) :])))
        graph.add((record, XK.theirName, Literal(name)))
        graph.add((record, DCTERMS.source, Literal("data/reference/verified-wikidata.csv")))
        graph.add(
            (record, RDFS.comment, Literal(f"Verified item {str(item)[len(str(WD)) :]} '{name}' for {ours}", lang="en"))
        )
    return graph


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _our_graph() -> Graph:
    graph = Graph()
    for part in (load_ontology(), load_data()):
        for triple in part:
            graph.add(triple)
    return graph


def cmd_link_offline(args: argparse.Namespace, refuse: object) -> int:
    """`link --geonames` / `link --verified-wikidata`; `refuse(path)` keeps outputs out of the facts."""
    data = _our_graph()
    if args.geonames:
        out = Path(args.out) if args.out else GEONAMES_OUT
        report = Path(args.report) if args.report else out.with_name(out.stem + "-review.csv")
        for path in (out, report):
            refuse(path)  # type: ignore[operator]
        rows = geonames.read_export()
        matches = geonames.match(geonames.places(data), rows)
        _write(out, serialize_graph(geonames.geonames_linkset(matches, linkset=out.stem), "turtle"))
        reviewed = geonames.write_review(matches, report)
        linked = sum(not m.reason for m in matches)
        print(f"checked  {len(matches)} places against {len(rows)} GeoNames rows (data/reference/geonames/)")
        print(f"wrote    {out}: {linked} skos:exactMatch (code path and name agree)")
        print(f"wrote    {report}: {reviewed} places not linked, each with what to check")
    if args.verified_wikidata:
        out = Path(args.out) if args.out and not args.geonames else VERIFIED_OUT
        refuse(out)  # type: ignore[operator]
        linkset = wikidata_verified_linkset(data, linkset=out.stem)
        _write(out, serialize_graph(linkset, "turtle"))
        print(f"wrote    {out}: {len(list(linkset.subject_objects(OWL.sameAs)))} owl:sameAs (verified identifiers)")
    return 0
