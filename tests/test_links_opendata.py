"""Links to open datasets (issue 16): every link's evidence holds against the shipped reference files, no link
lacks it, owl:sameAs stays inside the verified set, the division code list answers the must-show questions,
and the published VoID/DCAT passes its shape check."""

from __future__ import annotations

import csv
import hashlib
import re

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from xianan_kg.link import divisions, geonames
from xianan_kg.link.divisions import division_iri, read_divisions
from xianan_kg.link.linkset import (
    LINK_PREDICATES,
    MATCH_CODE_PATH,
    MATCH_KEY,
    MATCH_VERIFIED,
    linkset_files,
    linkset_graph_iri,
    linkset_problems,
    read_verified,
    verified_pairs,
)
from xianan_kg.link.opendata import wikidata_verified_linkset
from xianan_kg.query.api import execute, resolve
from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import DATASET_IRI, ID, VOID, WD, XK, XKP
from xianan_kg.rdf.release import GRAPH_DIVISIONS
from xianan_kg.rdf.serialize import serialize_graph
from xianan_kg.store.choice import open_store

from .conftest import app_client, run_cli

pytest.importorskip("pypinyin", reason="pypinyin is in the test extra: pip install -e '.[test]'")

REFERENCE = paths.DATA_DIR / "reference"
GEONAMES_FILE = paths.LINKS_DIR / "geonames.ttl"
VERIFIED_FILE = paths.LINKS_DIR / "wikidata-verified.ttl"
DCAT_SHAPES = paths.ONTOLOGY_DIR / "dcat-shapes.ttl"
GN = "https://sws.geonames.org/"


def parse(path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def geo() -> Graph:
    return parse(GEONAMES_FILE)


@pytest.fixture(scope="module")
def export() -> dict[str, geonames.Row]:
    return {row.code: row for row in geonames.read_export()}


# --- The reference files are the shared ones, unchanged ---


@pytest.mark.parametrize("folder", ["nbs-divisions-2023", "geonames"])
def test_reference_files_have_the_digests_their_readme_records(folder):
    readme = (REFERENCE / folder / "README.md").read_text(encoding="utf-8")
    listed = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, flags=re.M))
    files = sorted(p.name for p in (REFERENCE / folder).iterdir() if p.name != "README.md")
    assert sorted(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((REFERENCE / folder / name).read_bytes()).hexdigest() == digest, name


# --- GeoNames: each link's evidence, checked again against the export ---


def records(graph: Graph, s: URIRef, p: URIRef, o: URIRef) -> list[URIRef]:
    return [r for r in graph.subjects(RDF.subject, s) if (r, RDF.predicate, p) in graph and (r, RDF.object, o) in graph]


def test_must_show_places_link_to_their_geonames_features(geo):
    links = {(s, o) for s, o in geo.subject_objects(SKOS.exactMatch)}
    for place, geonameid in (("china", 1814991), ("hubei", 1806949), ("xianning", 1790395), ("wuhan", 1791243)):
        assert (XKP[place], URIRef(f"{GN}{geonameid}/")) in links, place
    assert not any(geo.triples((None, OWL.sameAs, None)))


def test_every_geonames_link_has_evidence_that_holds_against_the_export(geo, export, sources):
    data = sources.data
    matched = {s: o for s, o in geo.subject_objects(SKOS.exactMatch)}
    assert len(matched) == 7  # China, Hubei, Zhejiang, Tianjin, Wuhan, Xianning, and the bulletin's Enshi
    for s, o in matched.items():
        [record] = records(geo, s, SKOS.exactMatch, o)
        assert geo.value(record, XK.matchMethod) == MATCH_CODE_PATH
        row = export[str(geo.value(record, XK.theirCode))]
        assert o == row.iri and str(geo.value(record, XK.theirName)) == row.name
        assert str(geo.value(record, DCTERMS.source)) == f"data/reference/geonames/{row.file}"
        ours = geo.value(record, XK.matchedOn)
        assert ours in set(data.objects(s, RDFS.label)) | set(data.objects(s, SKOS.altLabel)), (s, ours)
        if row.parent is None:  # the country: code CN and our English name
            assert row.code == "CN" and ours.language == "en" and str(ours).lower() == row.name.lower()
            continue
        assert geonames.pinyin_key(str(ours)) == geonames.geonames_key(row.ascii_name), (s, ours, row.name)
        above = data.value(s, XK.locatedIn)
        assert matched[above] == next(r.iri for r in export.values() if r.code == row.parent), (s, row.parent)


def test_what_geonames_lacks_is_reported_with_what_to_check():
    with (paths.LINKS_DIR / "geonames-review.csv").open(encoding="utf-8") as f:
        rows = {r["entity"]: r for r in csv.DictReader(f)}
    assert "no county- or township-level rows" in rows[str(XKP.xianan)]["reason"]
    guangzhou = rows[str(XKP.guangzhou)]  # our data places Guangzhou only in China: the path cannot agree
    assert guangzhou["geonames_code"].startswith("CN.30.") and "xk:locatedIn" in guangzhou["check"]
    assert all(r["check"] for r in rows.values())


def test_the_geonames_linkset_is_what_the_command_writes(sources, geo):
    from xianan_kg.link.opendata import _our_graph

    again = geonames.geonames_linkset(geonames.match(geonames.places(_our_graph()), geonames.read_export()))
    assert serialize_graph(again, "turtle") == GEONAMES_FILE.read_bytes()  # never edited by hand


def test_a_path_that_disagrees_is_not_linked():
    rows = geonames.read_export()
    place = geonames.Place(XKP.xianning, 2, ("咸宁市",), (), XKP.zhejiang)  # right name, wrong province
    province = geonames.Place(XKP.zhejiang, 1, ("浙江",), (), XKP.china)
    country = geonames.Place(XKP.china, 0, ("中国",), ("China",), None)
    result = {m.place.iri: m for m in geonames.match([country, province, place], rows)}
    assert result[XKP.zhejiang].row.code == "CN.02" and not result[XKP.zhejiang].reason
    assert result[XKP.xianning].reason.startswith("the name fits CN.12.1790395 but its parent CN.12")
    assert not any(geonames.geonames_linkset(list(result.values())).triples((XKP.xianning, None, None)))


# --- Wikidata: only the verified items ---


def test_wikidata_links_are_exactly_the_verified_items(sources):
    verified = parse(VERIFIED_FILE)
    assert set(verified.subject_objects(OWL.sameAs)) == {
        (XKP.china, WD.Q148),
        (XKP.hubei, WD.Q46862),
        (XKP.wuhan, WD.Q11746),
    }
    names = {item: name for _, item, name in read_verified()}
    for s, o in verified.subject_objects(OWL.sameAs):
        [record] = records(verified, s, OWL.sameAs, o)
        assert verified.value(record, XK.matchMethod) == MATCH_VERIFIED
        assert str(verified.value(record, XK.theirName)) == names[o]
    assert serialize_graph(wikidata_verified_linkset(sources.data), "turtle") == VERIFIED_FILE.read_bytes()


def test_no_same_as_outside_the_verified_sets():
    for path in linkset_files():
        g = parse(path)
        for s, o in g.subject_objects(OWL.sameAs):
            methods = {g.value(r, XK.matchMethod) for r in records(g, s, OWL.sameAs, o)}
            assert (s, o) in verified_pairs() and methods == {MATCH_VERIFIED} or methods == {MATCH_KEY}, (path, s, o)


# --- No link without evidence ---


@pytest.mark.parametrize("path", linkset_files(), ids=lambda p: p.name)
def test_every_link_has_a_record(path):
    g = parse(path)
    assert linkset_problems(g) == []
    for p in LINK_PREDICATES:
        for s, o in g.subject_objects(p):
            assert records(g, s, p, o), (s, p, o)


def test_a_link_without_its_record_or_outside_the_verified_set_is_refused():
    g = parse(GEONAMES_FILE)
    g.remove((None, XK.theirName, None))
    assert any("lacks xk:theirCode or xk:theirName" in p for p in linkset_problems(g))
    g = parse(VERIFIED_FILE)
    g.add((XKP.xianan, OWL.sameAs, WD.Q148))  # not in the verified list, no record
    assert linkset_problems(g) == [
        f"owl:sameAs {XKP.xianan} {WD.Q148} has no record of an exact key match or a verified identifier"
    ]


# --- The division code list ---


def test_the_code_list_holds_every_division_of_the_files_with_its_parent():
    rows = read_divisions()
    levels = [d.level for d in rows]
    assert (levels.count("province"), levels.count("prefecture")) == (31, 342)
    assert (levels.count("county"), levels.count("township")) == (2978, 41352)
    codes = {d.code for d in rows}
    assert all(d.parent in codes for d in rows if d.parent is not None)
    assert division_iri("421202101") == URIRef("https://xianan-kg.example.org/id/division/421202101")


def test_every_code_of_our_data_resolves_to_the_division_our_hierarchy_says(sources):
    by_identifier: dict[str, list[divisions.Division]] = {}
    for d in read_divisions():
        by_identifier.setdefault(d.identifier, []).append(d)
    coded = sorted(sources.data.subject_objects(XK.divisionCode))
    assert len(coded) == 11 + 2  # the coded places of data/places.ttl, and the bulletin's 建始县 and 恩施州
    for place, code in coded:
        [division] = by_identifier[str(code)]
        above = sources.data.value(place, XK.locatedIn)
        parent_code = sources.data.value(above, XK.divisionCode)
        if division.parent is not None and parent_code is not None:
            assert divisions.full_code(division.parent) == str(parent_code), place


def test_the_division_graph_is_outside_reasoning_and_the_reviews_counts(built):
    store = open_store("oxigraph", built.files["manifest.json"].parent)
    ask = "ASK { GRAPH <%s> { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), '%s')) }"
    assert not store.execute(ask % (f"{paths_base()}graph/inferred", divisions.DIVISION_SPACE)).to_result().boolean
    assert not store.execute(ask % (f"{paths_base()}graph/data", divisions.DIVISION_SPACE)).to_result().boolean
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://xianan-kg.example.org/ontology#TownshipLevelDivision> }"
    assert int(store.execute(count).to_result().rows[0]["n"].value) < 20  # the review's own, not 41,352


def paths_base() -> str:
    from xianan_kg.rdf.namespaces import BASE

    return BASE


XIANAN_TOWNSHIPS = (
    "421202001 温泉街道 · 421202002 浮山街道 · 421202003 永安街道 · 421202100 汀泗桥镇 · 421202101 向阳湖镇 · "
    "421202102 官埠桥镇 · 421202103 横沟桥镇 · 421202104 贺胜桥镇 · 421202105 双溪桥镇 · 421202106 马桥镇 · "
    "421202107 桂花镇 · 421202108 高桥镇 · 421202200 大幕乡 · 421202450 向阳湖奶牛良种场 · 421202451 咸安商贸物流区 · "
    "421202570 咸宁市经济技术开发区 · 421202571 湖北咸安经济开发区"
)  # shared/FACTS.md, word for word


def answer(name: str, built) -> list[tuple[str, ...]]:
    store = open_store("oxigraph", built.files["manifest.json"].parent)
    result = execute(resolve(name), store)
    return [tuple(str(row[v]) for v in result.variables if v in row) for row in result.rows]


def test_must_show_xianans_17_townships_with_names_and_codes(built):
    expected = [tuple(item.split(" ")) for item in XIANAN_TOWNSHIPS.split(" · ")]
    assert answer("townships-of-xianan-in-the-code-list", built) == expected


def test_must_show_the_6_county_level_units_of_xianning_by_name(built):
    assert answer("county-level-units-of-xianning", built) == [
        ("421202", "咸安区"),
        ("421221", "嘉鱼县"),
        ("421222", "通城县"),
        ("421223", "崇阳县"),
        ("421224", "通山县"),
        ("421281", "赤壁市"),
    ]


def test_a_walk_from_a_township_up_to_the_province(built):
    assert answer("from-a-township-up-to-the-province", built) == [
        ("421202101", "向阳湖镇", "Township level", "16"),
        ("421202", "咸安区", "County level", "5"),
        ("4212", "咸宁市", "Prefecture level", "13"),
        ("42", "湖北省", "Province level", "30"),
    ]


# --- Published: named graphs, VoID, DCAT ---


@pytest.fixture(scope="module")
def client(dist):
    with app_client(dist, timeout=10, max_concurrent=2) as client:
        yield client


def test_each_linkset_is_a_named_graph_with_its_void_in_well_known_void(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    for stem, slug, predicate, n in (
        ("geonames", "exact-match", SKOS.exactMatch, 7),
        ("wikidata-verified", "same-as", OWL.sameAs, 3),
    ):
        linkset = ID[f"linkset/{stem}/{slug}"]
        assert (DATASET_IRI, VOID.subset, linkset) in void
        assert (linkset, RDF.type, VOID.Linkset) in void
        assert void.value(linkset, VOID.linkPredicate) == predicate
        assert void.value(linkset, VOID.triples) == Literal(n)
        assert void.value(linkset, VOID.subjectsTarget) == DATASET_IRI
    assert void.value(divisions.DATASET, DCTERMS.license) == divisions.WTFPL
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    for name in (linkset_graph_iri("geonames"), linkset_graph_iri("wikidata-verified"), GRAPH_DIVISIONS):
        assert f"<{name}>" in description


def published_metadata(sources) -> Graph:
    g = Graph()
    for t in sources.data.triples((DATASET_IRI, None, None)):
        g.add(t)
    for path in linkset_files():
        for t in parse(path):
            g.add(t)
    for t in divisions.metadata_graph():
        g.add(t)
    return g


def test_dcat_metadata_passes_the_dcat_shapes(sources):
    g = published_metadata(sources)
    from rdflib.namespace import DCAT

    assert len(set(g.subjects(RDF.type, DCAT.Dataset))) == 4  # ours, GeoNames, Wikidata, the code list
    conforms, _, text = shacl_validate(g, shacl_graph=Graph().parse(DCAT_SHAPES), advanced=False)
    assert conforms, text


def test_the_dcat_shapes_catch_a_missing_licence(sources):
    g = published_metadata(sources)
    g.remove((divisions.DATASET, DCTERMS.license, None))
    conforms, _, text = shacl_validate(g, shacl_graph=Graph().parse(DCAT_SHAPES))
    assert not conforms and "machine-readable licence" in text


def test_export_writes_the_linksets_alone(tmp_path):
    out = tmp_path / "links.nq"
    result = run_cli("export", "--linksets", "--format", "nquads", "-o", str(out))
    assert result.returncode == 0, result.stderr
    graphs = {line.rsplit(" ", 2)[-2] for line in out.read_text(encoding="utf-8").splitlines()}
    assert graphs == {f"<{linkset_graph_iri(path.stem)}>" for path in linkset_files()}


def test_an_entity_page_shows_its_links_with_their_evidence(client):
    html = client.get("/id/place/xianning.html?lang=en").get_data(as_text=True)
    section = html[html.index('<section class="links"') :]
    section = section[: section.index("</section>")]
    row = section[section.index("https://sws.geonames.org/1790395/") :]
    row = row[: row.index("</tr>")]
    for evidence in ("Administrative code path and name", "CN.12.1790395", "Xianning Prefecture", "咸宁市"):
        assert f"<td>{evidence}</td>" in row, evidence
    wuhan = client.get("/id/place/wuhan.html?lang=en").get_data(as_text=True)
    assert "<td>Verified identifier</td><td>Q11746</td><td>Wuhan</td>" in wuhan
