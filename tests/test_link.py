"""`xianan-kg link` against a real SPARQL endpoint on 127.0.0.1 holding a small Wikidata-shaped fixture.

The endpoint is pyoxigraph behind a threaded HTTP server, written here so these tests
depend on nothing but the reconciler. No test touches the internet: the federated
queries run with their SERVICE pointed at the local endpoint.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from xianan_kg.assemble.pipeline import BuildResult, build
from xianan_kg.link.linkset import MATCH_LABEL, linkset_graph_iri, load_linksets
from xianan_kg.link.wikidata import WIKIDATA_DATASET, WIKIDATA_SPARQL
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import DATASET_IRI, ID, VOID, WD, XK, XKO, XKP
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_INFERRED

from .conftest import FIXTURES, run_cli
from .test_link_keys import unbacked_same_as

WIKIDATA_FIXTURE = FIXTURES / "wikidata-shaped.ttl"
EXPECTED_LINKSET = FIXTURES / "wikidata-linkset-expected.ttl"
GRAPH_LINKS = linkset_graph_iri("wikidata")  # the reconciler's linkset file, data/links/wikidata.ttl
PLACEHOLDER_ENDPOINT = URIRef("http://127.0.0.1:0/sparql")
RUN = ID["activity/link/wikidata/2025-11-28"]
EPOCH = "1764288000"  # 2025-11-28T00:00:00Z


# --- A SPARQL endpoint for the tests ---


class SparqlHandler(BaseHTTPRequestHandler):
    """The part of the SPARQL 1.1 Protocol a client needs: a query by GET or form POST, JSON results."""

    def do_GET(self) -> None:
        self._answer(parse_qs(urlsplit(self.path).query).get("query", [""])[0])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
        self._answer(parse_qs(body).get("query", [""])[0])

    def _answer(self, query: str) -> None:
        self.server.queries.append(query)
        try:
            body = self.server.store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            self._send(400, "text/plain", str(exc).encode("utf-8"))
            return
        self._send(200, "application/sparql-results+json", body)

    def _send(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class SlowHandler(SparqlHandler):
    """Never answers while the test runs: a client without a timeout would hang."""

    released = threading.Event()

    def _answer(self, query: str) -> None:
        self.released.wait(120)


class HtmlHandler(SparqlHandler):
    def _answer(self, query: str) -> None:
        self._send(200, "text/html", b"<html>not an endpoint</html>")


@dataclass
class Endpoint:
    url: str
    queries: list[str] = field(default_factory=list)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], store: ox.Store | None = None) -> Iterator[Endpoint]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.store, server.queries = store, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint(f"http://127.0.0.1:{server.server_address[1]}/sparql", server.queries)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    store = ox.Store()
    store.load(path=str(WIKIDATA_FIXTURE), format=ox.RdfFormat.TURTLE)
    with serving(SparqlHandler, store) as ep:
        yield ep


@dataclass
class LinkRun:
    stdout: str
    linkset: Graph
    review: list[dict[str, str]]
    requests: int
    out: Path


@pytest.fixture(scope="module")
def linked(endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory) -> LinkRun:
    out = tmp_path_factory.mktemp("links") / "wikidata.ttl"
    before = len(endpoint.queries)
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": EPOCH}):
        result = run_cli("link", "--endpoint", endpoint.url, "--out", str(out))
    assert result.returncode == 0, result.stderr
    with (out.parent / "wikidata-review.csv").open(encoding="utf-8", newline="") as f:
        review = list(csv.DictReader(f))
    return LinkRun(result.stdout, Graph().parse(out), review, len(endpoint.queries) - before, out)


# --- The linkset ---


def test_link_writes_the_expected_linkset(linked, endpoint):
    expected = Graph().parse(EXPECTED_LINKSET)
    expected.remove((RUN, PROV.used, PLACEHOLDER_ENDPOINT))
    expected.add((RUN, PROV.used, URIRef(endpoint.url)))
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(linked.linkset))
    assert isomorphic(expected, linked.linkset), f"missing: {sorted(missing)[:5]}\nextra: {sorted(extra)[:5]}"


def test_near_misses_are_not_same_as(linked):
    """Three items are labelled 咸安区: only the one with our code (not deprecated) is the same."""
    assert set(linked.linkset.objects(XKP.xianan, OWL.sameAs)) == {WD.Q990000002}
    for near_miss in (WD.Q990000003, WD.Q990000004):
        assert not any(linked.linkset.triples((None, None, near_miss)))


def test_every_same_as_is_backed_by_the_code_in_the_data(linked, sources):
    assert len(list(linked.linkset.subject_objects(OWL.sameAs))) == 5
    assert unbacked_same_as([linked.linkset], linked.linkset, sources.data) == []


def test_every_link_says_how_when_and_by_which_run(linked):
    links = [(s, p, o) for p in (OWL.sameAs, SKOS.closeMatch) for s, o in linked.linkset.subject_objects(p)]
    records = set(linked.linkset.subjects(RDF.type, RDF.Statement))
    assert len(records) == len(links) == 9
    for record in records:
        assert linked.linkset.value(record, PROV.wasGeneratedBy) == RUN
        assert linked.linkset.value(record, XK.matchScore).datatype == XSD.decimal
        assert linked.linkset.value(record, RDFS.comment) is not None


def test_review_report_holds_everything_not_linked(linked):
    rows = [
        (r["entity"].rsplit("/", 1)[-1], r["item"].rsplit("/", 1)[-1], r["score"], r["reason"]) for r in linked.review
    ]
    assert rows == [
        ("haide-night-market", "Q990000031", "0.625", "score below the threshold 0.8"),
        (
            "xianning-first-peoples-hospital",
            "Q990000032",
            "0.750",
            "conflict: located elsewhere (P131 places with codes 42 01, ours in 42 12, 42)",
        ),
        ("beidahuang-group", "Q990000021", "0.750", "score below the threshold 0.8"),
        ("hongsheng-mould", "Q990000022", "0.875", "ambiguous: 2 candidates at or above the threshold"),
        ("hongsheng-mould", "Q990000023", "0.875", "ambiguous: 2 candidates at or above the threshold"),
        ("wenquan-subdistrict", "Q990000040", "1.000", "ambiguous key: 2 items share division code 42 12 02 001"),
        ("wenquan-subdistrict", "Q990000041", "1.000", "ambiguous key: 2 items share division code 42 12 02 001"),
        ("xianan", "Q990000004", "1.000", f"already linked by division code to {WD.Q990000002}"),
        ("xianan", "Q990000003", "0.750", "conflict: division code differs (P442 43 12 02, ours 42 12 02)"),
    ]
    assert linked.review[0]["evidence"] == "name 海德夜市 (label); type differs: P31 film, 电影; location unknown"


def test_a_lower_threshold_links_more_but_never_a_conflict(endpoint, tmp_path):
    out = tmp_path / "low.ttl"
    result = run_cli("link", "--endpoint", endpoint.url, "--out", str(out), "--threshold", "0.6")
    assert result.returncode == 0, result.stderr
    linkset = Graph().parse(out)
    assert (XKO["beidahuang-group"], SKOS.closeMatch, WD.Q990000021) in linkset
    assert not any(linkset.triples((None, None, WD.Q990000003)))
    assert not any(linkset.triples((XKO["hongsheng-mould"], None, None)))


def test_the_run_says_what_it_did_in_a_few_requests(linked):
    assert "5 owl:sameAs (exact division code), 4 skos:closeMatch (name in context)" in linked.stdout
    assert "9 candidates for review" in linked.stdout
    assert linked.requests <= 10  # batched: codes, names, then four facts queries


# --- Safety: the main data, unreachable or wrong endpoints ---


@pytest.mark.parametrize("target", ["data/places.ttl", "data/new.ttl"])
def test_link_never_writes_into_the_main_data(endpoint, target):
    before = {p: p.read_bytes() for p in paths.data_files()}
    result = run_cli("link", "--endpoint", endpoint.url, "--out", target)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {target}: refusing to write into data/ outside data/links/; the main data is never edited"
    )
    assert {p: p.read_bytes() for p in paths.data_files()} == before
    assert not (paths.ROOT / "data" / "new.ttl").exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_is_one_clear_line(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/sparql"
    result = run_cli("link", "--endpoint", url, "--out", str(tmp_path / "w.ttl"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"error: cannot reach {url}: ")
    assert not (tmp_path / "w.ttl").exists()


def test_a_slow_endpoint_times_out(tmp_path):
    with serving(SlowHandler) as slow:
        try:
            # Without its 0.5 s timeout the client would wait for an answer that never comes and run_cli would raise.
            result = run_cli(
                "link", "--endpoint", slow.url, "--out", str(tmp_path / "w.ttl"), "--timeout", "0.5", timeout=60
            )
        finally:
            SlowHandler.released.set()
    assert result.returncode == 1
    assert "timed out" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_page_that_is_not_an_endpoint_is_refused(tmp_path):
    with serving(HtmlHandler) as html:
        result = run_cli("link", "--endpoint", html.url, "--out", str(tmp_path / "w.ttl"))
    assert result.returncode == 1
    assert "text/html" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_only_http_endpoints(tmp_path):
    result = run_cli("link", "--endpoint", f"file://{WIKIDATA_FIXTURE}", "--out", str(tmp_path / "w.ttl"))
    assert result.returncode == 1
    assert "http://" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --- The build: linksets in their own graph, described by VoID ---


@pytest.fixture(scope="module")
def built_with_links(linked: LinkRun, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    links_dir = tmp_path_factory.mktemp("data-links")
    shutil.copy(linked.out, links_dir / "wikidata.ttl")
    return build(tmp_path_factory.mktemp("dist"), links_dir=links_dir)


@pytest.fixture(scope="module")
def release(built_with_links: BuildResult) -> Dataset:
    ds = Dataset()
    ds.parse(built_with_links.files["xianan-kg.trig"], format="trig")
    return ds


def test_linksets_are_a_named_graph_of_their_own(release, linked, built_with_links):
    links = release.graph(URIRef(GRAPH_LINKS))
    assert set(linked.linkset) <= set(links)
    for name in (GRAPH_DATA, GRAPH_INFERRED):
        graph = release.graph(URIRef(name))
        assert not any(graph.triples((None, OWL.sameAs, None))), name
        assert not any(str(o).startswith(str(WD)) for _, _, o in graph), name
    manifest = json.loads(built_with_links.files["manifest.json"].read_text(encoding="utf-8"))
    assert manifest["graphs"][GRAPH_LINKS] == len(links)


@pytest.mark.parametrize(
    ("slug", "predicate", "count"), [("same-as", OWL.sameAs, 5), ("close-match", SKOS.closeMatch, 4)]
)
def test_void_describes_each_linkset_from_the_file(release, slug, predicate, count):
    links = release.graph(URIRef(GRAPH_LINKS))
    linkset = ID[f"linkset/wikidata/{slug}"]
    assert (DATASET_IRI, VOID.subset, linkset) in links
    assert (linkset, RDF.type, VOID.Linkset) in links
    assert links.value(linkset, VOID.linkPredicate) == predicate
    assert links.value(linkset, VOID.triples) == Literal(count)
    assert links.value(linkset, VOID.subjectsTarget) == DATASET_IRI
    assert links.value(linkset, VOID.objectsTarget) == WIKIDATA_DATASET
    assert set(links.objects(linkset, VOID.target)) == {DATASET_IRI, WIKIDATA_DATASET}


def test_the_release_has_no_unbacked_same_as(release, sources):
    graphs = [release.graph(g.identifier) for g in release.graphs()]
    assert unbacked_same_as(graphs, release.graph(URIRef(GRAPH_LINKS)), sources.data) == []


def _broken_linkset(kind: str) -> Graph:
    """A linkset with one fault, built with rdflib so the fault is the only difference from a good one."""
    g = Graph()
    g.add((WIKIDATA_DATASET, RDF.type, VOID.Dataset))
    g.add((WIKIDATA_DATASET, VOID.uriSpace, Literal(str(WD))))
    subject = XKP["no-such-place"] if kind == "dangling" else XKP.xianan
    predicate = OWL.sameAs if kind == "bare-same-as" else SKOS.closeMatch
    g.add((subject, predicate, WD.Q990000003))
    if kind != "bare-same-as" and kind != "unrecorded":
        record = ID["link/broken/x"]
        for p, o in ((RDF.subject, subject), (RDF.predicate, predicate), (RDF.object, WD.Q990000003)):
            g.add((record, p, o))
        g.add((record, XK.matchMethod, MATCH_LABEL))
    return g


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (
            "bare-same-as",
            f"owl:sameAs {XKP.xianan} {WD.Q990000003} has no record of an exact key match or a verified identifier",
        ),
        ("unrecorded", f"link {XKP.xianan} {WD.Q990000003} has no record of how it was found"),
        ("dangling", f"{XKP['no-such-place']} links from a resource the data does not describe"),
    ],
)
def test_the_build_refuses_a_linkset_it_cannot_vouch_for(tmp_path, sources, kind, message):
    (tmp_path / "links").mkdir()
    _broken_linkset(kind).serialize(tmp_path / "links" / "broken.ttl", format="turtle")
    with pytest.raises(InputError) as exc:
        load_linksets(tmp_path / "links", described={str(s) for s in sources.data.subjects(RDF.type)})
    assert str(exc.value) == f"{tmp_path / 'links' / 'broken.ttl'}: {message}"


# --- Federated example queries, with SERVICE pointed at the local endpoint ---


def federated(name: str, endpoint: Endpoint) -> str:
    text = (paths.QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    assert re.search(r"^# needs: internet$", text, re.MULTILINE)
    assert re.search(r"^# 问题: \S", text, re.MULTILINE) and re.search(r"^# Question: \S", text, re.MULTILINE)
    assert f"SERVICE <{WIKIDATA_SPARQL}>" in text
    return text.replace(WIKIDATA_SPARQL, endpoint.url)


def test_there_are_federated_queries():
    assert len(list(paths.QUERIES_DIR.glob("federated-*.rq"))) == 3


def test_federated_join_on_division_codes(endpoint, asserted):
    rows = asserted.query(federated("federated-division-items", endpoint))
    got = [(r.place, str(r.code), r.item) for r in rows]
    assert got == [
        (XKP.hubei, "42", WD.Q46862),
        (XKP.wuhan, "42 01", WD.Q11746),
        (XKP.xianning, "42 12", WD.Q990000001),
        (XKP.xianan, "42 12 02", WD.Q990000002),
        (XKP["wenquan-subdistrict"], "42 12 02 001", WD.Q990000040),  # two items, one code: a join shows both
        (XKP["wenquan-subdistrict"], "42 12 02 001", WD.Q990000041),
        (XKP["xiangyanghu-town"], "42 12 02 101", WD.Q990000005),
    ]


def test_federated_units_of_the_district(endpoint, asserted):
    rows = asserted.query(federated("federated-townships-in-wikidata", endpoint))
    assert [(str(r.code), r.item, str(r.wikidataName), r.place) for r in rows] == [
        ("42 12 02 101", WD.Q990000005, "向阳湖镇", XKP["xiangyanghu-town"]),
    ]


def test_federated_linked_items(endpoint, release):
    rows = release.query(federated("federated-linked-items", endpoint))
    got = {(r.entity, r.link, r.item) for r in rows}
    assert len(got) == 9
    assert (XKP.xianan, OWL.sameAs, WD.Q990000002) in got
    assert (XKP.china, SKOS.closeMatch, WD.Q148) in got
