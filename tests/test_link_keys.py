"""Keys that join: verified division codes (the P442 form stored only where verified, derived for townships),
typed years, units and money that map out.

And the promise that holds the linking together: no owl:sameAs to another dataset
anywhere in data/ or the release unless a linkset records an exact key match for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from xianan_kg.link.divisions import read_divisions
from xianan_kg.link.linkset import MATCH_KEY, MATCH_VERIFIED, linkset_files, verified_pairs
from xianan_kg.link.reconcile import p442_key
from xianan_kg.link.wikidata import p442_form
from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import BASE, CUR, UNIT, XK, XKC, XKP

FACTS_MD = paths.ROOT.parent / "shared" / "FACTS.md"

# The PRC National Bureau of Statistics 2023 division codes verified in shared/FACTS.md, with the
# unit's name there and, where FACTS.md gives it, the Wikidata P442 form.
VERIFIED: dict[str, tuple[str, str | None]] = {
    "420000": ("湖北省", "42"),
    "420100": ("武汉市", "42 01"),
    "421200": ("咸宁市", "42 12"),
    "421202": ("咸安区", "42 12 02"),
    "421202001": ("温泉街道", None),
    "421202002": ("浮山街道", None),
    "421202003": ("永安街道", None),
    "421202100": ("汀泗桥镇", None),
    "421202101": ("向阳湖镇", None),
    "421202102": ("官埠桥镇", None),
    "421202103": ("横沟桥镇", None),
    "421202104": ("贺胜桥镇", None),
    "421202105": ("双溪桥镇", None),
    "421202106": ("马桥镇", None),
    "421202107": ("桂花镇", None),
    "421202108": ("高桥镇", None),
    "421202200": ("大幕乡", None),
    "421202450": ("向阳湖奶牛良种场", None),
    "421202451": ("咸安商贸物流区", None),
    "421202570": ("咸宁市经济技术开发区", None),
    "421202571": ("湖北咸安经济开发区", None),
}


def test_verified_codes_are_those_of_facts_md():
    if not FACTS_MD.is_file():
        pytest.skip(f"{FACTS_MD} is not on this machine")
    text = FACTS_MD.read_text(encoding="utf-8")
    table = {
        m[2]: (m[0], m[3]) for m in re.findall(r"^\| (\S+) [^|]*\| (\d+) \| (\d{6}) \| `([0-9 ]+)` \|$", text, re.M)
    }
    townships = {code: (name, None) for code, name in re.findall(r"(\d{9}) (\S+?)(?= ·|\.$)", text, re.M)}
    assert {**table, **townships} == VERIFIED


@pytest.mark.parametrize(
    ("code", "form"),
    [
        ("420000", "42"),
        ("420100", "42 01"),
        ("421200", "42 12"),
        ("421202", "42 12 02"),
        ("310110", "31 01 10"),  # FACTS.md: Yangpu District
        ("110000", "11"),  # FACTS.md: Beijing
        ("421202101", "42 12 02 101"),
    ],
)
def test_p442_form(code, form):
    assert p442_form(code) == form


@pytest.mark.parametrize("bad", ["4212", "42120", "42 12 02", "4212021011"])
def test_p442_form_refuses_what_is_not_a_code(bad):
    with pytest.raises(ValueError):
        p442_form(bad)


def _zh_names(graph: Graph, node: URIRef) -> set[str]:
    return {str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(node, p) if o.language == "zh"}


def test_every_coded_place_carries_a_verified_code_and_the_p442_form_only_where_verified(sources):
    coded = sorted(sources.data.subject_objects(XK.divisionCode))
    assert len(coded) == 11 + 2  # data/places.ttl's, and the bulletin's 建始县 and 恩施州
    listed = {d.identifier for d in read_divisions()}
    for place, code in coded:
        if str(code) not in VERIFIED:  # beyond Xian'an: a code of the NBS list, and no P442 form stored
            assert str(code) in listed and sources.data.value(place, XK.wikidataDivisionCode) is None, place
            assert place in {XKP.jianshi, XKP["enshi-prefecture"]}, place
            continue
        name, facts_form = VERIFIED[str(code)]
        names = _zh_names(sources.data, place)
        # 武汉 is 武汉市 in the code list: the name there starts with ours
        assert name in names or any(name.startswith(n) for n in names), f"{place}: {names} is not {name}"
        stored = sources.data.value(place, XK.wikidataDivisionCode)
        if facts_form is None:  # a township: no source gives its P442 form, so the data holds none
            assert stored is None, place
        else:
            assert str(stored) == facts_form == p442_form(str(code)), place
        # the linker's key is derived from the NBS code, whatever is stored
        assert p442_key(sources.data, place) == p442_form(str(code)), place


def test_the_key_is_derived_from_the_nbs_code_alone():
    graph = Graph()
    town, bad, bare = (URIRef(BASE + f"id/place/t-{n}") for n in ("town", "bad", "bare"))
    graph.add((town, XK.divisionCode, Literal("421202101")))
    graph.add((bad, XK.divisionCode, Literal("4212021")))
    graph.add((bare, XK.wikidataDivisionCode, Literal("42 12 02")))
    assert p442_key(graph, town) == "42 12 02 101"
    assert p442_key(graph, bad) is None  # not an NBS code: the shapes report it
    assert p442_key(graph, bare) is None  # a stored form alone is not a key


def test_every_verified_unit_the_data_names_has_its_code(sources):
    for code, (name, _) in VERIFIED.items():
        for place in sources.data.subjects(RDFS.label, Literal(name, lang="zh")):
            assert sources.data.value(place, XK.divisionCode) == Literal(code), place
        for place in sources.data.subjects(SKOS.altLabel, Literal(name, lang="zh")):
            assert sources.data.value(place, XK.divisionCode) == Literal(code), place


# --- No owl:sameAs without an exact key ---


def unbacked_same_as(graphs: Iterable[Graph], linksets: Graph, data: Graph) -> list[tuple[URIRef, URIRef]]:
    """owl:sameAs triples reaching outside our namespace whose linkset record is neither an exact match of our code
    nor a verified identifier."""
    found = []
    for graph in graphs:
        for s, o in graph.subject_objects(OWL.sameAs):
            if str(s).startswith(BASE) and str(o).startswith(BASE):
                continue
            if (s, o) in verified_pairs() and any(
                (r, XK.matchMethod, MATCH_VERIFIED) in linksets and (r, RDF.object, o) in linksets
                for r in linksets.subjects(RDF.subject, s)
            ):
                continue  # an identifier of data/reference/verified-wikidata.csv, recorded as such
            code = p442_key(data, s)
            ok = code is not None and any(
                (r, RDF.predicate, OWL.sameAs) in linksets
                and (r, RDF.object, o) in linksets
                and (r, XK.matchMethod, MATCH_KEY) in linksets
                and linksets.value(r, XK.matchedOn) == Literal(code)
                for r in linksets.subjects(RDF.subject, s)
            )
            if not ok:
                found.append((s, o))
    return sorted(found)


def test_unbacked_same_as_is_caught(sources):
    bare = Graph()
    bare.add((URIRef(BASE + "id/place/xianan"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q990000002")))
    assert len(unbacked_same_as([bare], Graph(), sources.data)) == 1


def test_no_same_as_in_data_or_release_without_an_exact_key(built, sources):
    linksets = Graph()
    for path in linkset_files():
        linksets.parse(path)
    graphs = [Graph().parse(p) for p in sorted(paths.DATA_DIR.rglob("*.ttl"))]
    formats = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
    graphs += [Graph().parse(p, format=formats[p.suffix]) for p in built.files.values() if p.suffix in formats]
    for quads in ("xianan-kg.trig", "xianan-kg.nq"):
        graphs.append(Graph().parse(built.files[quads], format="trig" if quads.endswith("trig") else "nquads"))
    assert unbacked_same_as(graphs, linksets, sources.data) == []


# --- Years, money, units ---

YEAR_PROPERTIES = (XK.refYear, XK.comparisonYear, XK.year, XK.targetYear, DCTERMS.temporal)


def test_years_are_xsd_gyear(sources):
    years = [o for p in YEAR_PROPERTIES for o in sources.data.objects(None, p)]
    assert len(years) > 100
    assert {o.datatype for o in years} == {XSD.gYear}


def test_money_is_in_a_currency_and_units_map_to_qudt(sources, asserted):
    base_units = set(sources.data.objects(None, XK.baseUnit))
    external = {u: {o for p in (SKOS.exactMatch, SKOS.closeMatch) for o in asserted.objects(u, p)} for u in base_units}
    assert external[XKC["unit-yuan"]] == {CUR.CNY}
    assert external[XKC["unit-ratio"]] == {UNIT.UNITLESS}
    assert external[XKC["unit-count"]] == {UNIT.NUM}
    assert external[XKC["unit-times"]] == {UNIT.UNITLESS}
    # mu (亩) has no QUDT unit; none is claimed.
    assert {u for u, mapped in external.items() if not mapped} == {XKC["unit-mu"]}
