"""Run the W3C SPARQL 1.1 Protocol test suite (manifest.ttl here) against a running endpoint.

The manifest describes each test as HTTP requests (method, path, headers, body) and
the expected response (status class, boolean answer, kind of format). This harness
reads it with rdflib, applies the adaptations listed in README.md, sends each request
as written, and checks the response.

Run on its own: `python -m tests.protocol.harness` builds the fixture dataset, starts
`xianan-kg serve` on it and prints one line per test and the pass rate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from .live_server import HttpResponse, LiveServer, start_server

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.ttl"
MANIFEST_BASE = "https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/manifest.ttl"
FIXTURE_GRAPHS = {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf": HERE / "data" / f"data{i}.nt" for i in range(4)}

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


@dataclass(frozen=True)
class ProtocolRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    status_classes: frozenset[int]  # 2 for 2xx, 3 for 3xx, 4 for 4xx
    expected_boolean: bool | None
    expected_format: str | None  # "boolean", "tabular" or "RDF"

    @property
    def sends_update(self) -> bool:
        content_type = dict(self.headers).get("content-type", "")
        body = (self.body or b"").decode("utf-8", "replace")
        return content_type.startswith("application/sparql-update") or body.startswith("update=")


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    requests: tuple[ProtocolRequest, ...]
    adaptations: tuple[str, ...] = ()


@dataclass
class Outcome:
    test: ProtocolTest
    passed: bool
    details: list[str] = field(default_factory=list)


# --- reading the manifest ---


def _status_classes(graph: Graph, resp: URIRef) -> frozenset[int]:
    classes = set()
    for status in graph.objects(resp, MF.expectedStatus):
        name = str(status).rsplit("#", 1)[-1]  # StatusCode2xx
        if not (name.startswith("StatusCode") and name.endswith("xx")):
            raise ValueError(f"unknown expected status {status}")
        classes.add(int(name[len("StatusCode")]))
    return frozenset(classes)


def _request(graph: Graph, node: URIRef) -> ProtocolRequest:
    headers = []
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers.append((str(graph.value(header, HT.fieldName)).lower(), str(graph.value(header, HT.fieldValue))))
    body = None
    content = graph.value(node, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding.lower())  # "utf-16" writes a BOM, as specified
    resp = graph.value(node, HT.resp)
    boolean = graph.value(resp, MF.expectedBoolean)
    fmt = graph.value(resp, MF.expectedFormat)
    return ProtocolRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=tuple(headers),
        body=body,
        status_classes=_status_classes(graph, resp),
        expected_boolean=None if boolean is None else bool(boolean.toPython()),
        expected_format=None if fmt is None else str(fmt),
    )


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """Every test of the manifest, in its order, with our adaptations applied."""
    graph = Graph().parse(path, format="turtle", publicID=MANIFEST_BASE)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = tuple(_request(graph, node) for node in Collection(graph, graph.value(action, HT.requests)))
        test = ProtocolTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)), requests)
        tests.append(adapt(test))
    return tests


# --- adaptations (README.md says why) ---


def _split_encoded_named_graphs(test: ProtocolTest) -> ProtocolTest:
    fixed = tuple(replace(r, path=r.path.replace("%26named-graph-uri%3D", "&named-graph-uri=")) for r in test.requests)
    return replace(test, requests=fixed)


ADAPTATIONS: dict[str, tuple[str, Callable[[ProtocolTest], ProtocolTest]]] = {
    "query_multiple_dataset": (
        "two named-graph-uri parameters, not one whose value holds an encoded '&named-graph-uri='",
        _split_encoded_named_graphs,
    ),
}


def adapt(test: ProtocolTest) -> ProtocolTest:
    """The per-test fixes of ADAPTATIONS; every other request is sent exactly as the manifest writes it."""
    if test.name in ADAPTATIONS:
        note, fix = ADAPTATIONS[test.name]
        test = replace(fix(test), adaptations=(note,))
    return test


def not_applicable(test: ProtocolTest) -> str | None:
    """Why a test does not apply to a read-only endpoint: it needs an update to succeed."""
    if any(r.sends_update and 2 in r.status_classes for r in test.requests):
        return "needs SPARQL Update to succeed; this endpoint is read-only (updates are refused with 403)"
    return None


# --- running ---


def _boolean(response: HttpResponse) -> bool | None:
    try:
        if response.media_type == "application/sparql-results+json":
            return json.loads(response.text)["boolean"]
        if response.media_type == "application/sparql-results+xml":
            node = ET.fromstring(response.body).find("{http://www.w3.org/2005/sparql-results#}boolean")
            return None if node is None else node.text.strip() == "true"
    except (ValueError, KeyError, ET.ParseError):
        return None
    return None


def check(request: ProtocolRequest, response: HttpResponse) -> list[str]:
    """What is wrong with the response (nothing: an empty list)."""
    problems = []
    if response.status // 100 not in request.status_classes:
        wanted = " or ".join(f"{c}xx" for c in sorted(request.status_classes))
        problems.append(f"status {response.status}, expected {wanted}: {response.body[:200]!r}")
        return problems
    fmt = request.expected_format
    if fmt == "boolean" and response.media_type not in BOOLEAN_TYPES:
        problems.append(f"Content-Type {response.media_type!r} is not a boolean results format")
    elif fmt == "tabular" and response.media_type not in TABULAR_TYPES:
        problems.append(f"Content-Type {response.media_type!r} is not a tabular results format")
    elif fmt == "RDF":
        if response.media_type not in RDF_TYPES:
            problems.append(f"Content-Type {response.media_type!r} is not an RDF format")
        else:
            try:
                Graph().parse(data=response.body, format=RDF_TYPES[response.media_type])
            except Exception as exc:  # any parser failure means the body is not what its type says
                problems.append(f"body does not parse as {response.media_type}: {exc}")
    if request.expected_boolean is not None:
        got = _boolean(response)
        if got is not request.expected_boolean:
            problems.append(f"boolean answer {got}, expected {request.expected_boolean}")
    return problems


def run_test(server: LiveServer, test: ProtocolTest) -> Outcome:
    outcome = Outcome(test, passed=True)
    for request in test.requests:
        response = server.request(request.method, request.path, request.body, dict(request.headers))
        problems = check(request, response)
        if problems:
            outcome.passed = False
            outcome.details += [f"{request.method} {request.path[:80]}: {p}" for p in problems]
            break
    return outcome


def build_fixture_dist(target: Path) -> Path:
    """A release directory as `xianan-kg build` would write it, holding the fixture graphs instead of ours."""
    target.mkdir(parents=True, exist_ok=True)
    quads, counts = [], {}
    for graph_iri, path in FIXTURE_GRAPHS.items():
        graph = Graph().parse(path, format="nt")
        counts[graph_iri] = len(graph)
        quads += [f"{s.n3()} {p.n3()} {o.n3()} <{graph_iri}> ." for s, p, o in sorted(graph)]
    data = ("\n".join(quads) + "\n").encode("utf-8")
    (target / "xianan-kg.nq").write_bytes(data)
    manifest = {"graphs": counts, "files": {"xianan-kg.nq": hashlib.sha256(data).hexdigest()}}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def report(outcomes: list[Outcome], skipped: list[tuple[ProtocolTest, str]]) -> str:
    lines = []
    for o in outcomes:
        note = f"  (adapted: {'; '.join(o.test.adaptations)})" if o.test.adaptations else ""
        lines.append(f"{'PASS' if o.passed else 'FAIL'}  {o.test.name}{note}")
        lines += [f"      {d}" for d in o.details]
    lines += [f"N/A   {t.name}  ({why})" for t, why in skipped]
    passed = sum(o.passed for o in outcomes)
    rate = 100.0 * passed / len(outcomes) if outcomes else 0.0
    lines.append(
        f"W3C SPARQL 1.1 Protocol: {passed}/{len(outcomes)} applicable tests passed ({rate:.1f}%), "
        f"{len(skipped)} not applicable to a read-only endpoint"
    )
    return "\n".join(lines)


def run_suite(server: LiveServer, tests: list[ProtocolTest]) -> tuple[list[Outcome], list[tuple[ProtocolTest, str]]]:
    outcomes, skipped = [], []
    for test in tests:
        reason = not_applicable(test)
        if reason:
            skipped.append((test, reason))
        else:
            outcomes.append(run_test(server, test))
    return outcomes, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the W3C SPARQL 1.1 Protocol tests against `xianan-kg serve`.")
    parser.add_argument("--store", choices=["oxigraph", "memory"], default="oxigraph")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(build_fixture_dist(Path(tmp) / "dist"), "--store", args.store)
        try:
            outcomes, skipped = run_suite(server, load_manifest())
        finally:
            server.stop()
    print(report(outcomes, skipped))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
