"""Every embedded backend gives exactly the same answers, the build ships a ready store, and the answer cache is safe.

Exactly means term for term: the same lexical forms, datatypes and languages, rows in
the same order when the query orders them (as multisets otherwise), the same triples
for graph answers.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from xianan_kg.cli.main import run
from xianan_kg.query.api import list_queries
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.literals import canonical_literal, engine_literal
from xianan_kg.rdf.namespaces import sparql_prologue
from xianan_kg.rdf.release import OXIGRAPH_DIRECTORY, STORE_STAMP
from xianan_kg.store.choice import EMBEDDED_STORES, open_store
from xianan_kg.store.local import OxigraphStore

from .protocol.live_server import start_server

LOCAL = [q for q in list_queries() if not q.needs_internet]
REFERENCE = "oxigraph"


@pytest.fixture(scope="module")
def stores(dist):
    return {kind: open_store(kind, dist) for kind in EMBEDDED_STORES}


def test_provenance_literals_are_the_same_on_every_backend(stores):
    q = sparql_prologue() + (
        "SELECT ?value ?start WHERE { xkfig:general-public-budget-revenue-2023 xk:value ?value ; "
        "prov:wasDerivedFrom/oa:hasSelector/oa:start ?start }"
    )
    for kind, store in stores.items():
        row = store.query(q).rows[0]
        # 15.48亿元 in yuan; the position as pyoxigraph keeps it: an xsd:integer value
        assert row["value"] == Literal("1548000000", datatype=XSD.decimal), kind
        assert row["start"] == Literal("762", datatype=XSD.integer), kind


def test_build_writes_one_canonical_form_per_value(built):
    nquads = built.files["xianan-kg.nq"].read_text(encoding="utf-8")
    assert '"1548000000.0"^^<http://www.w3.org/2001/XMLSchema#decimal>' in nquads  # XSD 1.0: the point stays
    assert '"762"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in nquads  # Web Annotation's type
    decimals = re.findall(r'"([^"]*)"\^\^<http://www.w3.org/2001/XMLSchema#decimal>', nquads)
    assert len(decimals) > 100
    for text in decimals:
        assert text == str(canonical_literal(Literal(text, datatype=XSD.decimal, normalize=False)))


@pytest.mark.parametrize(
    ("text", "datatype", "stored", "answered"),
    [
        ("46400", XSD.decimal, "46400.0", "46400"),
        ("+01.50", XSD.decimal, "1.5", "1.5"),
        ("-0.0", XSD.decimal, "0.0", "0"),
        ("0.1101666666666666666666666667", XSD.decimal, "0.1101666666666666666666666667", "0.110166666666666666"),
        ("007", XSD.nonNegativeInteger, "7", "7"),
        ("1", XSD.boolean, "true", "true"),
    ],
)
def test_literal_forms(text, datatype, stored, answered):
    literal = Literal(text, datatype=datatype, normalize=False)
    assert str(canonical_literal(literal)) == stored
    assert canonical_literal(literal).datatype == datatype
    assert str(engine_literal(literal)) == answered


def test_build_writes_a_ready_store_directory(dist, stores):
    stamp = json.loads((dist / OXIGRAPH_DIRECTORY / STORE_STAMP).read_text(encoding="utf-8"))
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert stamp["nq_sha256"] == manifest["files"]["xianan-kg.nq"]
    assert stamp["quads"] == sum(manifest["graphs"].values())
    assert stores["oxigraph:disk"].directory == dist / OXIGRAPH_DIRECTORY  # opened, not loaded
    assert stores["oxigraph"].directory is None


def test_a_stale_store_directory_is_refused(dist, tmp_path):
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    stamp = copy / OXIGRAPH_DIRECTORY / STORE_STAMP
    stamp.write_text(json.dumps({"nq_sha256": "0" * 64, "quads": 1}), encoding="utf-8")
    with pytest.raises(InputError, match="run `xianan-kg build`"):
        open_store("oxigraph:disk", copy)
    assert open_store("oxigraph", copy).query("ASK { ?s ?p ?o }").boolean is True  # the quads, in memory


def test_oxigraph_path_opens_a_store_directory(dist):
    store = open_store(f"oxigraph:{dist / OXIGRAPH_DIRECTORY}", dist)
    assert isinstance(store, OxigraphStore)
    assert store.query(sparql_prologue() + 'ASK { xkp:xianan xk:divisionCode "421202" }').boolean is True


def test_unknown_store_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(["query", "national-honours", "--store", "sqlite"])
    assert exit_info.value.code == 2
    assert "unknown store 'sqlite'" in capsys.readouterr().err


def test_query_command_on_the_store_directory(dist, capsys):
    assert run(["query", "ask-xianan-is-in-hubei", "--dist", str(dist), "--store", "oxigraph:disk", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["boolean"] is True


# --- serve: every embedded backend over HTTP, with and without the answer cache ---

REVENUE = sparql_prologue() + "SELECT ?v WHERE { xkfig:general-public-budget-revenue-2023 xk:value ?v }"


@pytest.fixture(scope="module")
def servers(dist):
    started = {
        "oxigraph": start_server(dist, "--store", "oxigraph", "--workers", "1"),
        "memory": start_server(dist, "--store", "memory", "--workers", "1"),
        "oxigraph:disk, --no-cache": start_server(dist, "--store", "oxigraph:disk", "--workers", "1", "--no-cache"),
    }
    yield started
    for server in started.values():
        assert server.stop() == 0


def test_serve_answers_alike_on_every_backend(servers):
    bodies = {}
    for name, server in servers.items():
        response = server.query(REVENUE, accept="application/sparql-results+json")
        assert response.status == 200, name
        bodies[name] = json.loads(response.text)["results"]["bindings"]
    assert {json.dumps(b, sort_keys=True) for b in bodies.values()} == {
        json.dumps([{"v": {"type": "literal", "datatype": str(XSD.decimal), "value": "1548000000"}}], sort_keys=True)
    }


def test_a_repeated_query_is_served_from_the_cache(servers):
    server = servers["oxigraph"]
    query = sparql_prologue() + "SELECT ?h WHERE { ?h a xk:Honour } ORDER BY ?h  # cache test"
    first = server.query(query, accept="text/csv")
    again = server.query(query, accept="text/csv")
    spaced = server.query(query.replace(" WHERE", "\n\n   WHERE"), accept="text/csv")
    assert (first.headers["x-cache"], again.headers["x-cache"], spaced.headers["x-cache"]) == ("MISS", "HIT", "HIT")
    assert first.body == again.body == spaced.body
    assert again.headers["etag"] == first.headers["etag"]
    assert again.media_type == "text/csv"


def test_etags_are_strong_and_name_the_bytes_whichever_backend_answered(servers):
    query = sparql_prologue() + "SELECT ?h WHERE { ?h a xk:Honour } ORDER BY ?h  # etag test"
    csv = {name: server.query(query, accept="text/csv") for name, server in servers.items()}
    tags = {response.headers["etag"] for response in csv.values()}
    assert len({response.body for response in csv.values()}) == 1
    assert len(tags) == 1 and not tags.pop().startswith("W/")  # equal bytes, one strong tag, any replica
    as_json = servers["memory"].query(query, accept="application/sparql-results+json")
    assert as_json.headers["etag"] != csv["memory"].headers["etag"]
    revalidated = servers["oxigraph"].get(
        "/sparql", {"query": query}, Accept="text/csv", If_None_Match=csv["memory"].headers["etag"]
    )
    assert revalidated.status == 304


def test_the_cache_keeps_formats_strings_and_errors_apart(servers):
    server = servers["oxigraph"]
    query = sparql_prologue() + 'SELECT ?h WHERE { ?h rdfs:label "全国医养结合示范县"@zh }'
    as_json = server.query(query, accept="application/sparql-results+json")
    as_xml = server.query(query, accept="application/sparql-results+xml")
    assert as_xml.headers["x-cache"] == "MISS" and as_xml.media_type == "application/sparql-results+xml"
    assert len(json.loads(as_json.text)["results"]["bindings"]) == 1
    # white space inside a string is part of the query: a different question, a different answer
    other = server.query(
        query.replace("全国医养结合示范县", "全国医养结合 示范县"), accept="application/sparql-results+json"
    )
    assert other.headers["x-cache"] == "MISS"
    assert json.loads(other.text)["results"]["bindings"] == []
    # an error is never kept
    for _ in range(2):
        assert server.query("SELECT ?x WHERE { ?x }").status == 400


def test_no_cache_runs_every_query(servers):
    server = servers["oxigraph:disk, --no-cache"]
    for _ in range(2):
        response = server.query(REVENUE)
        assert response.status == 200
        assert "x-cache" not in response.headers
