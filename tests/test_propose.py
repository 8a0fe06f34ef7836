"""`xianan-kg propose`: the figure grammar, the draft, the review table, --accept, and floors on the review."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from xianan_kg.cli.main import run
from xianan_kg.propose.command import propose_text
from xianan_kg.propose.numbers import scan
from xianan_kg.rdf import paths
from xianan_kg.source.text import SourceText

XK = Namespace("https://xianan-kg.example.org/ontology#")
XKC = Namespace("https://xianan-kg.example.org/id/concept/")
XKPROP = Namespace("https://xianan-kg.example.org/ontology/proposal#")
REF_AREA = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
FIXTURES = Path(__file__).parent / "fixtures"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_propose", paths.ROOT / "bench" / "propose.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def review() -> SourceText:
    return SourceText.load(paths.SOURCE_FILE)


@pytest.fixture(scope="module")
def review_draft(review, tmp_path_factory) -> tuple[Path, Graph, int]:
    out = tmp_path_factory.mktemp("propose") / "draft.ttl"
    code = run(["propose", str(paths.SOURCE_FILE), "--out", str(out)])
    return out, Graph().parse(out), code


def only(text: str):
    figures, _ = scan(text)
    assert len(figures) == 1, [text[f.start : f.end] for f in figures]
    return figures[0]


# --- the grammar: value and unit as written, normalised value, qualifiers, measure ---


@pytest.mark.parametrize(
    ("text", "stated", "unit", "value", "measure", "qualifiers"),
    [
        ("一般公共预算收入15.48亿元。", "15.48", "unit-yi-yuan", "1548000000", "amount", []),
        ("上缴税收近300万元。", "300", "unit-wan-yuan", "3000000", "amount", ["nearly"]),
        ("完成1.2万亩水田集中连片垦造。", "1.2", "unit-wan-mu", "12000", "amount", []),
        ("数量为2022年的4倍多。", "4", "unit-times", "4", "multiple", ["more-than"]),
        ("为企业节约配套成本15%以上。", "15", "unit-percent", "0.15", "share", ["at-least"]),
        ("农村耕地流转率超过56%,高于全省。", "56", "unit-percent", "0.56", "share", ["more-than"]),
        ("发动1000余名乡贤。", "1000", "unit-ming", "1000", "count", ["more-than"]),
        ("实施九大共建行动。", "9", "unit-da", "9.0", "count", []),  # 大: the unit data/ counts these in
        ("在六个方面全国领先。", "6", "unit-ge", "6", "count", []),
        ("预计全年工业企业发展质效同比增长80%。", "80", "unit-percent", "0.8", "growth", ["estimated"]),
        ("惠及约5000人左右。", "5000", "unit-ren", "5000", "count", ["about"]),
        ("累计完成投资20亿元。", "20", "unit-yi-yuan", "2000000000", "amount", ["cumulative"]),
        ("出生率4.58‰。", "4.58", "unit-per-mille", "0.00458", "share", []),
        ("户籍人口49.81万人。", "49.81", "unit-wan-ren", "498100", "count", []),
        ("其中10亿元以上项目5个。", "10", "unit-yi-yuan", "1000000000", "threshold", ["at-least"]),
        ("覆盖率达到百分之二十。", "20", "unit-percent", "0.2", "share", []),
        ("流转率超过百分之五十点五。", "50.5", "unit-percent", "0.505", "share", ["more-than"]),
        ("新增就业三千余人。", "3000", "unit-ren", "3000", "count", ["more-than"]),
        ("工业用电量同比下降3.5%。", "3.5", "unit-percent", "-0.035", "growth", []),
        ("综合考评位列全市第一。", "1", "unit-rank", "1", "rank", []),
        ("主要指标排名全省第3。", "3", "unit-rank", "3", "rank", []),
    ],
)
def test_grammar(text, stated, unit, value, measure, qualifiers):
    fig = scan(text)[0][0]
    assert (fig.stated, fig.unit.slug, fig.value, fig.measure) == (Decimal(stated), unit, Decimal(value), measure)
    assert fig.qualifiers == qualifiers


def test_growth_carries_its_comparison():
    figures, _ = scan("完成固定资产投资159.75亿元,同比增长6.5%;税收比上年增长3%。")
    assert [(f.measure, f.comparison) for f in figures] == [("amount", ""), ("growth", "同比"), ("growth", "比上年")]


@pytest.mark.parametrize(
    "text",
    [
        "刚刚过去的2023年,全区上下",
        "——2024年12月26日在县人民代表大会上",
        "PM2.5、PM10浓度指标达到国家二级标准",
        "及时办结“12345”热线工单",
        "开展重大事故隐患专项排查整治2023行动",
        "咸政发〔2023〕12号",
        "在咸丰县第十九届人民代表大会",
        "深入学习贯彻党的二十大精神",
        "《咸丰县国土空间总体规划(2021-2035年)》",
        "一张蓝图绘到底,一批重点项目",
    ],
)
def test_not_figures(text):
    assert scan(text)[0] == []


def test_the_numbers_that_are_not_figures_of_the_review_are_not_proposed(review):
    figures, skipped = scan(review.text)
    starts = {f.start for f in figures} | {f.start + 1 for f in figures} | {f.start + 2 for f in figures}
    rows = [ln.split("\t") for ln in (FIXTURES / "numbers-not-figures.tsv").read_text("utf-8").splitlines()]
    rows = [r for r in rows if r and not r[0].startswith("#")]
    assert len(rows) == 13
    for start, number, *_ in rows:
        assert int(start) not in starts, number
        assert any(s.start == int(start) and s.text == number for s in skipped), number


# --- the command: draft, empty drafts, bad input ---


def test_draft_has_every_part_of_a_figure(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("咸安(武汉)离岸科创中心半年来上缴税收近300万元,同比增长12.3%。", encoding="utf-8")
    out = tmp_path / "a.ttl"
    assert run(["propose", str(src), "--out", str(out), "--year", "2023"]) == 0
    g = Graph().parse(out)
    figs = sorted(g.subjects(RDF.type, XK.Figure))
    assert len(figs) == 2
    amount, growth = figs
    assert g.value(amount, XK.statedValue) == Literal(Decimal("300.0"))
    assert g.value(amount, XK.statedUnit) == XKC["unit-wan-yuan"]
    assert g.value(amount, XK.value).toPython() == Decimal("3000000")
    assert set(g.objects(amount, XK.qualifier)) == {XKC["qualifier-nearly"], XKC["qualifier-cumulative"]}
    assert str(g.value(amount, XK.quote)) == "咸安(武汉)离岸科创中心半年来上缴税收近300万元"
    assert g.value(amount, XKPROP.status) == XKPROP.proposed
    assert g.value(growth, XK.measureType) == XKC["measure-growth"]
    assert str(g.value(growth, XK.comparisonYear)) == "2022"
    assert g.value(growth, XK.indicator) == g.value(amount, XK.indicator)
    assert "proposed 2 figures" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["", "   \n", "The district's revenue grew by 12.3% in 2023.\n"])
def test_empty_or_non_chinese_text_gives_an_empty_draft(tmp_path, capsys, content):
    src = tmp_path / "e.txt"
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "e.ttl"
    assert run(["propose", str(src), "--out", str(out)]) == 0
    g = Graph().parse(out)
    assert len(list(g.subjects(RDF.type, XK.Figure))) == 0
    err = capsys.readouterr().err
    assert "no Chinese text: nothing proposed" in err and "empty draft" in err


def test_not_utf8_exits_2_with_one_line(tmp_path, capsys):
    src = tmp_path / "gbk.txt"
    src.write_bytes("一般公共预算收入15.48亿元".encode("gbk"))
    assert run(["propose", str(src), "--out", str(tmp_path / "x.ttl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not UTF-8" in err and "Traceback" not in err
    assert not (tmp_path / "x.ttl").exists()


def test_missing_file_and_bad_year_exit_2(tmp_path, capsys):
    assert run(["propose", str(tmp_path / "none.txt"), "--out", str(tmp_path / "x.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err
    src = tmp_path / "a.txt"
    src.write_text("新增就业5434人。", encoding="utf-8")
    assert run(["propose", str(src), "--out", str(tmp_path / "x.ttl"), "--year", "23"]) == 2
    assert capsys.readouterr().err.startswith("error: --year")


def test_review_draft_is_turtle_whose_quotes_are_verbatim_in_the_source(review, review_draft):
    _, g, code = review_draft
    assert code == 0
    figures = list(g.subjects(RDF.type, XK.Figure))
    assert len(figures) == 105
    scheme = Graph().parse(paths.ONTOLOGY_DIR / "schemes.ttl")
    for fig in figures:
        for prop in (XK.statedValue, XK.statedUnit, XK.value, XK.baseUnit, XK.measureType, XK.indicator):
            assert g.value(fig, prop) is not None, (fig, prop)
        unit = g.value(fig, XK.statedUnit)
        labels = [lit for lit in (*scheme.objects(unit, SKOS.prefLabel), *g.objects(unit, SKOS.prefLabel))]
        assert any(lit.language == "zh" for lit in labels), unit
    for node, quote in g.subject_objects(XK.quote):
        assert len(review.locate(str(quote))) == 1, (node, str(quote))


def test_draft_lists_figures_in_text_order(review, review_draft):
    path, _, _ = review_draft
    quotes = re.findall(r"^xkfig:(p\d+) a xk:Figure", path.read_text("utf-8"), flags=re.M)
    assert quotes == sorted(quotes) and len(quotes) == 105


# --- the review table and --accept ---


def test_review_table_and_accept(tmp_path):
    src = tmp_path / "r.txt"
    src.write_text("全年新签约招商引资项目117个,协议投资额358亿元。上缴税收近300万元。", encoding="utf-8")
    out, html, table = tmp_path / "d.ttl", tmp_path / "r.html", tmp_path / "r.csv"
    assert run(["propose", str(src), "--out", str(out), "--review", str(html), "--table", str(table)]) == 0
    page = html.read_text("utf-8")
    assert "<mark>117个</mark>" in page and "proposed names" in page
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert [r["as_written"] for r in rows] == ["117个", "358亿元", "近300万元"]
    rows[0]["decision"] = "accept"
    rows[1]["decision"] = "reject"
    rows[2]["decision"] = "accept"
    rows[2]["label_en"] = "Taxes paid: nearly CNY 3 million"
    with table.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    accepted = tmp_path / "a.ttl"
    argv = [
        "propose",
        str(src),
        "--accept",
        str(table),
        "--area",
        "xkp:xianan",
        "--year",
        "2023",
        "--out",
        str(accepted),
    ]
    assert run(argv) == 0
    text = accepted.read_text("utf-8")
    assert "xkprop" not in text
    g = Graph().parse(accepted)
    figs = list(g.subjects(RDF.type, XK.Figure))
    assert len(figs) == 2
    assert text.index("117.0") < text.index("300.0")
    for fig in figs:
        assert str(g.value(fig, XK.refYear)) == "2023"
        assert str(g.value(fig, REF_AREA)) == "https://xianan-kg.example.org/id/place/xianan"
    taxes = next(f for f in figs if g.value(f, XK.statedValue).toPython() == Decimal("300"))
    assert "Taxes paid: nearly CNY 3 million" in {str(lit) for lit in g.objects(taxes, RDFS.label)}
    assert g.value(taxes, XK.qualifier) == XKC["qualifier-nearly"]


def test_accept_rejects_a_bad_table_in_one_line(tmp_path, capsys):
    src = tmp_path / "r.txt"
    src.write_text("新增就业5434人。", encoding="utf-8")
    table = tmp_path / "t.csv"
    table.write_text("id,decision\np001,maybe\n", encoding="utf-8")
    argv = ["propose", str(src), "--accept", str(table), "--area", "xkp:x", "--out", str(tmp_path / "a.ttl")]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "decision must be accept, reject or empty" in err
    assert run(argv[:4] + ["--out", str(tmp_path / "a.ttl")]) == 2
    assert "--accept needs --area" in capsys.readouterr().err
    for table_text, message in [
        ("id,decision,indicator\np001,accept,Not A Slug\n", "is not a slug"),
        ("id,decision,measure\np001,accept,volume\n", "measure 'volume' is not one of"),
        ("id,decision\np999,accept\n", "are not proposals of"),
        ("name,value\n", "not a review table"),
    ]:
        table.write_text(table_text, encoding="utf-8")
        assert run(argv) == 2, table_text
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err


# --- floors on the 2023 review, so that a regression fails ---


def test_floors_on_the_review():
    metrics, _, _ = load_bench().review_metrics()
    assert metrics["figure recall"] >= 0.98
    assert metrics["figure precision"] >= 0.95
    assert metrics["unit right"] >= 0.95
    assert metrics["qualifiers right"] >= 0.95
    assert metrics["normalised value right"] >= 0.95
    assert metrics["indicator right"] >= 0.8
    assert metrics["names recall"] >= 0.8


def test_places_resolve_through_the_nbs_codes():
    run_ = propose_text("咸安区汀泗桥镇和向阳湖的项目;湖北省咸宁市。")
    codes = {n.text: n.division[0] for n in run_.names if n.division}
    assert codes["咸安区"] == "421202"
    assert codes["汀泗桥镇"] == "421202100"
    assert codes["湖北省"] == "420000"
    assert codes["咸宁市"] == "421200"


# --- the reviewed draft of a second document (data/drafts/) ---

DRAFTS = paths.DATA_DIR / "drafts"


def test_reviewed_draft_quotes_its_own_text_and_is_consistent():
    import hashlib

    text_path = DRAFTS / "jianshi-2023-statistical-bulletin.txt"
    sha = hashlib.sha256(text_path.read_bytes()).hexdigest()
    assert sha in (DRAFTS / "README.md").read_text("utf-8")
    text = SourceText.load(text_path)
    g = Graph().parse(DRAFTS / "jianshi-2023-statistical-bulletin.ttl")
    g += Graph().parse(paths.ONTOLOGY_DIR / "schemes.ttl")
    figures = list(g.subjects(RDF.type, XK.Figure))
    assert len(figures) == 38
    for node, quote in g.subject_objects(XK.quote):
        assert len(text.locate(str(quote))) == 1, (node, str(quote))
    for fig in figures:
        unit = g.value(fig, XK.statedUnit)
        factor = g.value(unit, XK.conversionFactor).toPython()
        assert g.value(fig, XK.statedValue).toPython() * factor == g.value(fig, XK.value).toPython(), fig
        assert {lit.language for lit in g.objects(fig, RDFS.label)} == {"zh", "en"}, fig
        assert g.value(fig, XKPROP.status) is None


def test_drafts_are_not_loaded_by_the_build():
    assert not [p for p in paths.data_files() if "drafts" in p.parts]
    assert (DRAFTS / "jianshi-2023-statistical-bulletin.ttl").exists()


def test_accepted_figures_of_the_review_pass_validate_with_the_data(tmp_path):
    """What --accept writes is ready for `xianan-kg validate`: the shapes hold with the data beside it."""
    draft, table = tmp_path / "d.ttl", tmp_path / "r.csv"
    assert run(["propose", str(paths.SOURCE_FILE), "--out", str(draft), "--table", str(table)]) == 0
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    for r in rows:
        r["decision"] = "accept" if r["as_written"][0].isdigit() or r["as_written"][0] in "近超" else "reject"
        r["label_en"] = f"Figure {r['id']}"
        if r["indicator_reused"] == "NEW":
            r["indicator_en"] = f"Indicator {r['id']}"
    with table.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    accepted = tmp_path / "a.ttl"
    argv = ["propose", str(paths.SOURCE_FILE), "--accept", str(table), "--area", "xkp:xianan"]
    assert run([*argv, "--slug-prefix", "proposed", "--out", str(accepted)]) == 0
    assert len(list(Graph().parse(accepted).subjects(RDF.type, XK.Figure))) == 100
    assert run(["validate", *map(str, sorted(paths.DATA_DIR.glob("*.ttl"))), str(accepted)]) == 0


def test_random_texts_give_a_draft_that_parses():
    """Whatever the mix of digits, units, qualifiers and punctuation, the draft is Turtle and quotes its text."""
    import random

    from xianan_kg.propose.draft import draft

    pool = list(
        "0123456789.%‰一二两三十百千万亿元亩个家户人倍多余近超过以上左右约预计累计同比增长下降第位列“”《》〔〕(),,。;、:\n"
    ) + [
        "咸安区",
        "项目",
        "PM",
        "年",
        "月",
        "日",
        "百分之",
        "示范县",
        "园区",
    ]
    rng = random.Random(17)
    for _ in range(60):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 60)))
        result = propose_text(text, "0" * 64)
        turtle = draft(Path("r.txt"), "0" * 64, text, result.proposals, result.names, result.skipped, result.ref_year)
        g = Graph().parse(data=turtle, format="turtle")
        flat = re.sub(r"\s", "", text)
        for quote in g.objects(None, XK.quote):
            assert re.sub(r"\s", "", str(quote)) in flat, (text, str(quote))
        for fig in g.subjects(RDF.type, XK.Figure):
            assert g.value(fig, XK.statedValue) is not None and g.value(fig, XK.value) is not None


def test_accepted_names_join_the_figures_in_text_order(tmp_path, capsys):
    src = tmp_path / "n.txt"
    src.write_text(
        "咸安区新增就业5434人。京东物流供应链基地、汀泗桥红色文化旅游区等一批项目签约落户。", encoding="utf-8"
    )
    table, names = tmp_path / "f.csv", tmp_path / "n.csv"
    argv = ["propose", str(src), "--out", str(tmp_path / "d.ttl"), "--table", str(table), "--names-table", str(names)]
    assert run(argv) == 0
    rows = list(csv.DictReader(names.open(encoding="utf-8")))
    by_name = {r["name"]: r for r in rows}
    assert by_name["咸安区"]["nbs_code"] == "421202" and by_name["咸安区"]["class"] == "CountyLevelDivision"
    assert "京东物流供应链基地" in by_name
    for r in rows:
        if r["name"] == "京东物流供应链基地":
            r.update(decision="accept", **{"class": "Facility", "slug": "jd-logistics-base", "label_en": "JD base"})
        elif r["name"] == "咸安区":
            r.update(decision="accept", slug="xianan-district", label_en="Xian'an District")
    with names.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    figures = list(csv.DictReader(table.open(encoding="utf-8")))
    figures[0]["decision"] = "accept"
    with table.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(figures[0]))
        w.writeheader()
        w.writerows(figures)
    out = tmp_path / "a.ttl"
    argv = ["propose", str(src), "--accept", str(table), "--accept-names", str(names), "--area", "xkp:xianan"]
    assert run([*argv, "--out", str(out)]) == 0
    assert "1 of 1 figures and 2 names" in capsys.readouterr().out
    text = out.read_text("utf-8")
    assert (
        text.index("xkp:xianan-district a xk:CountyLevelDivision")
        < text.index("a xk:Figure")
        < text.index("xkf:jd-logistics-base a xk:Facility")
    )
    g = Graph().parse(out)
    assert str(g.value(URIRef("https://xianan-kg.example.org/id/place/xianan-district"), XK.divisionCode)) == "421202"
    rows[0].update(decision="accept", slug="", label_en="")
    with names.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert run([*argv, "--out", str(out)]) == 2
    assert "an accepted name needs a slug" in capsys.readouterr().err
