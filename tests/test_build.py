"""The release artifacts: complete, parseable, and byte-identical when built twice."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from xianan_kg.assemble.parallel import Background, ChildFailed
from xianan_kg.assemble.pipeline import BuildError, build, reasoning_free_files
from xianan_kg.link.linkset import linkset_files, linkset_graph_iri
from xianan_kg.rdf import paths
from xianan_kg.rdf.release import GRAPH_DATA, GRAPH_DIVISIONS, GRAPH_INFERRED, GRAPH_ONTOLOGY, document_graph

EXPECTED = {
    "xianan-kg.ttl",
    "xianan-kg.nt",
    "xianan-kg.jsonld",
    "xianan-kg-inferred.ttl",
    "xianan-kg-inferred.nt",
    "xianan-kg-inferred.jsonld",
    "xianan-kg.trig",
    "xianan-kg.nq",
    "ontology.html",
    "ontology.zh.html",
    "completion.json",
    "ontology.css",
    "manifest.json",
    "xianan-kg.oxigraph",
}


def release_texts() -> set[str]:
    """The source texts and the question library, which the release carries so that it stands alone."""
    library = {
        f"queries/{p.relative_to(paths.QUERIES_DIR).as_posix()}" for p in paths.QUERIES_DIR.rglob("*") if p.is_file()
    }
    return {f"source/{p.name}" for p in paths.SOURCE_FILE.parent.glob("*.txt")} | library


def test_build_writes_every_artifact(built):
    assert set(built.files) == EXPECTED | release_texts()
    assert "queries/national-honours.rq" in built.files and "queries/expected/national-honours.srj" in built.files


def test_build_is_deterministic(built, tmp_path):
    again = build(tmp_path)
    for name, path in built.files.items():
        if path.is_file():
            assert again.files[name].read_bytes() == path.read_bytes(), name


def test_the_reference_engines_make_the_same_release_byte_for_byte(built, tmp_path):
    # owlrl + pyshacl (the card's engines) against the SPARQL rules + compiled SHACL the build runs by default
    reference = build(tmp_path, reference=True)
    assert reference.inference.counts == built.inference.counts
    for name, path in built.files.items():
        if path.is_file():
            assert reference.files[name].read_bytes() == path.read_bytes(), name


def test_asserted_artifacts_agree(built):
    ttl = Graph().parse(built.files["xianan-kg.ttl"], format="turtle")
    nt = Graph().parse(built.files["xianan-kg.nt"], format="nt")
    jsonld = Graph().parse(built.files["xianan-kg.jsonld"], format="json-ld")
    assert len(ttl) == len(built.asserted)
    assert isomorphic(ttl, nt)
    assert isomorphic(ttl, jsonld)
    assert isomorphic(ttl, built.asserted)


def test_inferred_artifact_holds_only_entailments(built):
    inferred = Graph().parse(built.files["xianan-kg-inferred.nt"], format="nt")
    assert len(inferred) == len(built.inference.graph)
    assert not set(inferred) & set(built.asserted)


def test_trig_has_the_named_graphs_of_the_manifest(built):
    ds = Dataset()
    ds.parse(built.files["xianan-kg.trig"], format="trig")
    sizes = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    linksets = {linkset_graph_iri(path.stem) for path in linkset_files()}
    documents = {document_graph("jianshi-2023-statistical-bulletin")}  # each other source text's facts
    assert set(sizes) == {GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED, GRAPH_DIVISIONS, *linksets, *documents}
    assert sizes[GRAPH_INFERRED] == len(built.inference.graph)
    assert sizes == json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))["graphs"]


def test_manifest_lists_checksums_and_inference_counts(built):
    manifest = json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))
    assert set(manifest["files"]) == (EXPECTED | release_texts()) - {"manifest.json", "xianan-kg.oxigraph"}
    assert manifest["source"]["sha256"].startswith("e69306a6")
    assert [(s["file"], s["graph"].rsplit("/", 1)[-1]) for s in manifest["sources"]] == [
        ("source/xianan-2023-review.zh.txt", "data"),  # the review's facts keep their graph
        ("source/jianshi-2023-statistical-bulletin.txt", "jianshi-2023-statistical-bulletin"),
    ]
    assert manifest["sources"][0]["sha256"] == manifest["source"]["sha256"]
    assert set(manifest["graphs"]) >= {s["graph"] for s in manifest["sources"]}
    assert manifest["inferred_by_kind"]["rdf:type"] > 100


def test_no_literal_subjects_in_any_artifact(built):
    for line in built.files["xianan-kg-inferred.nt"].read_text(encoding="utf-8").splitlines():
        assert line.startswith(("<", "_:"))


def test_build_refuses_nonconforming_data_and_writes_nothing(tmp_path):
    broken = paths.ROOT / "tests" / "shapes" / "FigureShape-invalid-01.ttl"
    # the files the broken one leans on, and the bulletin's, whose 恩施州 the GeoNames linkset links from
    context = [
        paths.DATA_DIR / f
        for f in (
            "places.ttl",
            "organisations.ttl",
            "dataset.ttl",
            "jianshi-2023-statistical-bulletin/opening-passage.ttl",
        )
    ]
    with pytest.raises(BuildError) as exc:
        build(tmp_path / "dist", [*context, broken])
    assert "xk:value must equal" in str(exc.value)
    assert not (tmp_path / "dist").exists()


def test_the_files_made_beside_the_build_are_the_ones_made_in_line(built):
    inline = reasoning_free_files(built.ontology, built.data)
    assert {"ontology.html", "ontology.zh.html", "xianan-kg.ttl", "xianan-kg.jsonld"} <= set(inline)
    assert {name: built.files[name].read_bytes() for name in inline} == inline


def test_a_step_that_fails_on_the_other_core_fails_the_build_with_its_traceback():
    def step() -> None:
        raise ValueError("pyLODE could not render")

    with pytest.raises(ChildFailed, match="ValueError: pyLODE could not render"):
        Background(step).result()
    assert Background(lambda: {"ontology.html": b"<html>"}).result() == {"ontology.html": b"<html>"}
