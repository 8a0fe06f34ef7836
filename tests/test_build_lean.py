"""`xianan-kg build --lean`: only what `serve` needs, for data far larger than the review; the one build's path
through Oxigraph, whatever the input (Turtle or N-Triples), whatever the size.

The proofs are byte equality of the N-Quads with the full build (on the review, and on two districts of
bench/gen.py whose data is N-Triples), the validator's report when the data does not conform, and a real
server answering from what the lean build wrote.
"""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from xianan_kg.assemble.pipeline import BuildError, build
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.release import STORE_STAMP
from xianan_kg.source.load import load_sources
from xianan_kg.validate.validator import validate

from .conftest import run_cli
from .protocol.live_server import start_server

sys.path.insert(0, str(paths.ROOT / "bench"))

import gen  # noqa: E402 - bench/gen.py

pytestmark = pytest.mark.slow

SHAPES = paths.ROOT / "tests" / "shapes"


def nquads(dist) -> bytes:
    return (dist / "xianan-kg.nq").read_bytes()


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    dist = tmp_path_factory.mktemp("large")
    return dist, build(dist, lean=True)


def test_the_review_gives_the_full_builds_nquads_byte_for_byte(large, built):
    dist, result = large
    full = built.files["manifest.json"].parent
    assert nquads(dist) == nquads(full)
    manifest, full_manifest = (json.loads((d / "manifest.json").read_text()) for d in (dist, full))
    assert manifest["graphs"] == full_manifest["graphs"] == result.graphs
    assert manifest["inferred_by_kind"] == full_manifest["inferred_by_kind"] == dict(result.inference.counts)
    # direct and transitive relations apart; the review's and the bulletin's entailments (its figures' types, places)
    assert result.graphs[f"{paths_base()}graph/inferred"] == 3591


def paths_base() -> str:
    from xianan_kg.rdf.namespaces import BASE

    return BASE


def test_two_districts_from_ntriples_give_the_full_builds_nquads(tmp_path):
    data = tmp_path / "two.nt"
    gen.write_data(2, data)
    build(tmp_path / "large", [data], lean=True)
    build(tmp_path / "full", [data])
    assert nquads(tmp_path / "large") == nquads(tmp_path / "full")
    assert json.loads((tmp_path / "large" / "manifest.json").read_text())["graphs"][f"{paths_base()}graph/data"] > 14000


def test_the_store_directory_holds_every_quad_and_is_stamped(large):
    dist, result = large
    stamp = json.loads((dist / "xianan-kg.oxigraph" / STORE_STAMP).read_text())
    # ontology, review, bulletin and their entailments 14,327 quads, the code list 33,863, the linksets 186
    assert stamp["quads"] == sum(result.graphs.values()) == 48376
    assert stamp["nq_sha256"] == json.loads((dist / "manifest.json").read_text())["files"]["xianan-kg.nq"]


@pytest.mark.parametrize(
    "fixture",
    [
        "FigureShape-invalid-01.ttl",  # a SPARQL constraint (arithmetic on values), checked in the child
        "AdministrativeDivisionShape-invalid-03.ttl",  # another, without a value
        "ProjectShape-invalid-02.ttl",  # sh:class
        "QuoteShape-invalid-01.ttl",  # a qualified value shape
        "ReviewPartShape-invalid-02.ttl",  # sh:maxCount and sh:datatype on a typed literal
    ],
)
def test_data_that_does_not_conform_is_reported_as_validate_reports_it(fixture, tmp_path):
    files = [*paths.data_files(), SHAPES / fixture]
    with pytest.raises(BuildError) as failed:
        build(tmp_path, files, lean=True)
    reported = [(v.focus, v.path, v.message, v.severity) for v in failed.value.report.violations]
    expected = [(v.focus, v.path, v.message, v.severity) for v in validate(load_sources(data_files=files)).violations]
    assert reported == expected != []  # shapes named by blank nodes are labelled anew on each load
    assert not tmp_path.exists() or not (tmp_path / "xianan-kg.nq").exists()


def test_an_unplaceable_quote_and_a_blank_node_fail_the_build(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix xk: <https://xianan-kg.example.org/ontology#> .\n"
        '<https://xianan-kg.example.org/id/place/xianan> xk:quote "这句话不在原文里" ; xk:partOf [ ] .\n',
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as failed:
        build(tmp_path / "dist", [*paths.data_files(), bad], lean=True)
    messages = " ".join(v.message for v in failed.value.report.violations)
    assert "not found in the source" in messages and "blank node" in messages


def test_language_tags_are_written_in_lower_case(tmp_path):
    """Oxigraph reads tags in lower case, which RDF 1.1 allows."""
    data = tmp_path / "tags.ttl"
    data.write_text('<urn:x:a> <urn:x:p> "咸安"@zh-CN .\n', encoding="utf-8")
    build(tmp_path / "dist", [data], links_dir=tmp_path / "no-links", lean=True)  # no shape targets <urn:x:a>
    assert '<urn:x:a> <urn:x:p> "咸安"@zh-cn <' in nquads(tmp_path / "dist").decode("utf-8")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("data.csv", "a,b\n", "give the data as Turtle"),
        ("release.nq", "<urn:x:a> <urn:x:p> <urn:x:o> <urn:x:g> .\n", "give the data as Turtle"),
        ("broken.ttl", "<urn:x:a> <urn:x:p> .\n", "broken.ttl"),
        ("missing.ttl", None, "file not found"),
    ],
)
def test_unreadable_input_is_named(tmp_path, name, text, message):
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        build(tmp_path / "dist", [path], lean=True)


def test_cli_builds_lean(tmp_path):
    result = run_cli("build", "--lean", "--dist", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "3591 inferred triples" in result.stdout and (tmp_path / "xianan-kg.nq").is_file()
    assert not (tmp_path / "xianan-kg.ttl").exists() and not (tmp_path / "ontology.html").exists()


def test_serve_answers_from_what_the_lean_build_wrote(large, built):
    dist, _ = large
    answers = []
    for served in (dist, built.files["manifest.json"].parent):
        live = start_server(served, "--store", "oxigraph:disk", "--workers", "1", "--no-cache")
        try:
            query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
            response = live.query(query, accept="application/sparql-results+json")
            answers.append(json.loads(response.text)["results"]["bindings"][0]["n"]["value"])
            if served == dist:  # what only a full build writes is missing, and said to be
                assert live.get("/dump").status == 404 and "no Turtle export" in live.get("/dump").text
                assert live.get("/dump", {"inferred": "true"}).status == 200
                assert live.get("/ontology", Accept="text/html").status == 404
        finally:
            live.stop()
    assert answers == ["48376", "48376"]  # the review, the bulletin, the code list and the linksets


def test_a_build_replaces_an_earlier_release_whole(large, tmp_path):
    dist, _ = large
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    (copy / "left-over.ttl").write_text("from an older build\n", encoding="utf-8")
    build(copy, lean=True)
    assert nquads(copy) == nquads(dist)
    assert not (copy / "left-over.ttl").exists()  # the release is the new build's files, and only those
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no scratch directory left beside it


def test_a_failed_build_leaves_the_last_release_as_it_was(large, tmp_path):
    dist, _ = large
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    before = sorted(p.name for p in copy.iterdir())
    with pytest.raises(BuildError):
        build(copy, [*paths.data_files(), SHAPES / "FigureShape-invalid-01.ttl"], lean=True)
    assert sorted(p.name for p in copy.iterdir()) == before and nquads(copy) == nquads(dist)
