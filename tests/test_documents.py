"""Several source texts: each data file's quotes are found in its own text, and quotes name their text."""

from __future__ import annotations

from pathlib import Path

from rdflib.namespace import PROV

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import OA, XKQ
from xianan_kg.rdf.release import GRAPH_DATA, document_graph
from xianan_kg.source.documents import Documents, document_graphs, document_name, quote_document
from xianan_kg.source.load import load_sources

BULLETIN = "jianshi-2023-statistical-bulletin"
NODE = """@prefix xk: <https://xianan-kg.example.org/ontology#> .
<https://xianan-kg.example.org/id/place/test-node> xk:quote "年末城镇新增就业9328人" .
"""


def test_names_of_the_texts():
    assert document_name(Path("xianan-2023-review.zh.txt")) == "xianan-2023-review"
    assert document_name(Path(f"{BULLETIN}.txt")) == BULLETIN
    assert document_graphs() == {GRAPH_DATA, document_graph(BULLETIN)}


def test_a_data_file_belongs_to_the_text_it_is_named_after():
    documents = Documents.load()
    assert documents.of_file(paths.DATA_DIR / f"{BULLETIN}.ttl").name == BULLETIN
    assert documents.of_file(paths.DATA_DIR / BULLETIN / "more.ttl").name == BULLETIN
    assert documents.of_file(paths.DATA_DIR / "part1-speed.ttl").main


def test_quote_iris_name_their_text():
    documents = Documents.load()
    assert documents.main.quote_iri(762, 777) == XKQ["762-777"]  # the review's quotes keep their IRIs
    assert documents[BULLETIN].quote_iri(5, 9) == XKQ[f"{BULLETIN}-5-9"]
    assert quote_document(str(XKQ["762-777"])) is None
    assert quote_document(str(XKQ[f"{BULLETIN}-5-9"])) == BULLETIN


def test_a_quote_is_looked_for_in_its_own_text_only(tmp_path):
    review_file, bulletin_file = tmp_path / "part9.ttl", tmp_path / f"{BULLETIN}.ttl"
    review_file.write_text(NODE, encoding="utf-8")
    bulletin_file.write_text(NODE, encoding="utf-8")
    in_review = load_sources(data_files=[review_file])
    assert [p.found for p in in_review.quote_problems] == [0]  # the bulletin's words are not the review's
    in_bulletin = load_sources(data_files=[bulletin_file])
    assert in_bulletin.quote_problems == []
    quote = next(in_bulletin.data.objects(None, PROV.wasDerivedFrom))
    assert in_bulletin.data.value(quote, OA.hasSource) == Documents.load()[BULLETIN].iri
    assert str(quote).startswith(str(XKQ[f"{BULLETIN}-"]))
