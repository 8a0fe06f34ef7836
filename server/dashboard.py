"""`/dashboard`: the review's figures as charts, each drawn from the answer of the SPARQL query printed under it.

Nothing here holds a number: every chart is a query run on the published graph
(once per dataset version and language), and every chart links its query to the
query editor (`/?query=…`) and to the raw answer at `/sparql`. Charts are SVG drawn
on the server (svg.py), with a title, a description and a table of the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import Any

from flask import Blueprint, Response, url_for
from rdflib.term import Node

from xianan_kg.rdf.namespaces import PREFIXES

from .dataset import current_dataset
from .formatting import as_decimal, compact_number, format_number, format_percent, with_unit
from .i18n import current_language
from .site import per_dataset, render_page
from .svg import Bar, BarChart, bar_chart

bp = Blueprint("dashboard", __name__)

Row = dict[str, Node]


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: dict[str, str]
    description: dict[str, str]
    prefixes: tuple[str, ...]
    query: Template  # $lang is the reader's language
    bars: Callable[[list[Row], str], list[Bar]]
    columns: dict[str, tuple[str, ...]]  # the table's column headings by language
    log: bool = False
    ticks: Callable[[float, str], str] = lambda value, lang: format_number(value)


@dataclass(frozen=True)
class ChartView:
    key: str
    title: str
    description: str
    query: str
    editor_href: str
    answer_href: str
    chart: BarChart
    columns: tuple[str, ...]


def prologue(names: tuple[str, ...]) -> str:
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def _text(row: Row, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


def _number(row: Row, name: str) -> float:
    value = as_decimal(row.get(name))
    return float(value) if value is not None else 0.0


def _growth_bars(rows: list[Row], lang: str) -> list[Bar]:
    return [
        Bar(
            _text(r, "indicator"), _number(r, "rate"), format_percent(r["rate"]), _text(r, "fig"), _text(r, "qualifier")
        )
        for r in rows
    ]


def _money_bars(rows: list[Row], lang: str) -> list[Bar]:
    bars = []
    for r in rows:
        stated = with_unit(format_number(r["stated"]), _text(r, "unit"))
        yuan = with_unit(format_number(r["yuan"]), "元" if lang == "zh" else "yuan")
        bars.append(
            Bar(_text(r, "label"), _number(r, "yuan"), f"{stated} = {yuan}", _text(r, "fig"), _text(r, "qualifier"))
        )
    return bars


NOT_STATED = {"en": "(not stated in the text)", "zh": "(原文未说明)"}


def _count_bars(rows: list[Row], lang: str) -> list[Bar]:
    """One bar per value; the instances without one are a bar of their own, not left out of the count."""
    return [
        Bar(_text(r, "name") or NOT_STATED[lang], _number(r, "count"), format_number(r["count"]), _text(r, "thing"))
        for r in rows
    ]


def count_by_concept(counted: tuple[str, str, str], **chart: Any) -> ChartSpec:
    """A chart of how many instances of a class (subclasses included) have each value of a concept property."""
    variable, cls, prop = counted
    query = f"""SELECT ?thing ?name (COUNT(DISTINCT ?{variable}) AS ?count) WHERE {{
  ?{variable} a/rdfs:subClassOf* {cls} .
  OPTIONAL {{
    ?{variable} {prop} ?thing .
    ?thing skos:prefLabel ?name .
    FILTER(LANG(?name) = "$lang")
  }}
}}
GROUP BY ?thing ?name
ORDER BY DESC(?count) ?name"""
    return ChartSpec(prefixes=("xk", "rdfs", "skos"), query=Template(query), bars=_count_bars, **chart)


CHARTS = (
    ChartSpec(
        key="growth",
        title={"en": "Year-on-year growth by indicator, 2023", "zh": "2023年各指标同比增长率"},
        description={
            "en": "Every growth rate the review states (against 2022), as a percentage; a qualifier such as "
            "“estimated” is shown after the value.",
            "zh": "回眸给出的全部同比增长率(与2022年相比),以百分比表示;“预计”等限定词标在数值之后。",
        },
        prefixes=("xk", "xkc", "skos", "qb"),
        query=Template(
            """SELECT ?fig ?indicator ?rate (GROUP_CONCAT(?q; separator=", ") AS ?qualifier) WHERE {
  ?fig qb:dataSet <https://xianan-kg.example.org/id/dataset/figures-2023> ;
       xk:measureType xkc:measure-growth ;
       xk:indicator/skos:prefLabel ?indicator ;
       xk:value ?rate .
  FILTER(LANG(?indicator) = "$lang")
  OPTIONAL { ?fig xk:qualifier/skos:prefLabel ?q FILTER(LANG(?q) = "$lang") }
}
GROUP BY ?fig ?indicator ?rate
ORDER BY DESC(?rate) ?indicator"""
        ),
        bars=_growth_bars,
        columns={"en": ("Indicator", "Growth"), "zh": ("指标", "同比增长")},
        ticks=lambda value, lang: format_percent(value),
    ),
    ChartSpec(
        key="money",
        title={"en": "Amounts of money on one scale (yuan, logarithmic)", "zh": "金额(统一换算为元,对数刻度)"},
        description={
            "en": "Every amount of money in the review, normalised to yuan from the unit it was written in "
            "(万元, 亿元); the axis is logarithmic because the amounts span six orders of magnitude.",
            "zh": "回眸中的全部金额,由原文单位(万元、亿元)换算为元;金额跨越六个数量级,故横轴为对数刻度。",
        },
        prefixes=("xk", "xkc", "rdfs", "skos", "qb"),
        query=Template(
            """SELECT ?fig ?label ?stated ?unit ?yuan (GROUP_CONCAT(?q; separator=", ") AS ?qualifier) WHERE {
  ?fig qb:dataSet <https://xianan-kg.example.org/id/dataset/figures-2023> ;
       xk:measureType xkc:measure-amount ;
       xk:baseUnit xkc:unit-yuan ;
       xk:value ?yuan ;
       xk:statedValue ?stated ;
       xk:statedUnit/skos:prefLabel ?unit ;
       rdfs:label ?label .
  FILTER(LANG(?unit) = "zh" && LANG(?label) = "$lang")
  OPTIONAL { ?fig xk:qualifier/skos:prefLabel ?q FILTER(LANG(?q) = "$lang") }
}
GROUP BY ?fig ?label ?stated ?unit ?yuan
ORDER BY DESC(?yuan) ?label"""
        ),
        bars=_money_bars,
        columns={"en": ("Figure", "As written = in yuan"), "zh": ("数据", "原文数值 = 折合元")},
        log=True,
        ticks=lambda value, lang: compact_number(value, lang),
    ),
    ChartSpec(
        key="figures-per-part",
        title={"en": "Figures in each part of the review", "zh": "回眸各部分的数据个数"},
        description={
            "en": "How many figures each part gives: a figure belongs to the last part that starts before "
            "its first quote in the source text.",
            "zh": "各部分给出的数据个数:按数据在原文中首次出现的位置,归入此前最近开始的部分。",
        },
        prefixes=("xk", "rdfs", "prov", "oa", "qb"),
        query=Template(
            """SELECT ?thing ?name (COUNT(?fig) AS ?count) WHERE {
  {
    SELECT ?fig (MAX(?partStart) AS ?start) WHERE {
      { SELECT ?fig (MIN(?at) AS ?first) WHERE {
          ?fig a xk:Figure ; qb:dataSet <https://xianan-kg.example.org/id/dataset/figures-2023> ; prov:wasDerivedFrom/oa:hasSelector/oa:start ?at .
        } GROUP BY ?fig }
      ?part a xk:ReviewPart ; prov:wasDerivedFrom/oa:hasSelector/oa:start ?partStart .
      FILTER(?partStart <= ?first)
    } GROUP BY ?fig
  }
  ?thing a xk:ReviewPart ; prov:wasDerivedFrom/oa:hasSelector/oa:start ?start ; rdfs:label ?name .
  FILTER(LANG(?name) = "$lang")
}
GROUP BY ?thing ?name ?start
ORDER BY ?start"""
        ),
        bars=_count_bars,
        columns={"en": ("Part", "Figures"), "zh": ("部分", "数据个数")},
    ),
    count_by_concept(
        key="honours-by-level",
        title={"en": "Honours and firsts by level", "zh": "各级荣誉与首创"},
        description={
            "en": "Honours, firsts and recognitions the review reports, counted by the level that conferred them.",
            "zh": "回眸所列荣誉、首创和表彰,按授予层级计数。",
        },
        counted=("honour", "xk:Recognition", "xk:honourLevel"),
        columns={"en": ("Level", "Honours"), "zh": ("层级", "荣誉数")},
    ),
    count_by_concept(
        key="projects-by-status",
        title={"en": "Projects by status", "zh": "各状态的项目数"},
        description={
            "en": "The projects of the review, counted by the status the text gives them (signed, started, completed …).",
            "zh": "回眸中的项目,按原文所述状态(签约、开工、竣工等)计数。",
        },
        counted=("project", "xk:Project", "xk:projectStatus"),
        columns={"en": ("Status", "Projects"), "zh": ("状态", "项目数")},
    ),
)


def chart_query(spec: ChartSpec, lang: str) -> str:
    """The complete query of a chart, as the editor opens it and the endpoint runs it."""
    return prologue(spec.prefixes) + "\n" + spec.query.substitute(lang=lang) + "\n"


def build_charts(lang: str) -> list[ChartView]:
    dataset = current_dataset()
    config = dataset.config
    views = []
    for spec in CHARTS:
        query = chart_query(spec, lang)
        rows = dataset.store.execute(query).to_result().rows
        bars = [
            Bar(b.label, b.value, b.value_text, config.local_path(b.href) if b.href else None, b.note)
            for b in spec.bars(rows, lang)
        ]

        def tick_text(value: float, spec: ChartSpec = spec) -> str:
            return spec.ticks(value, lang)

        views.append(
            ChartView(
                key=spec.key,
                title=spec.title[lang],
                description=spec.description[lang],
                query=query,
                editor_href=url_for("ui.index", query=query),
                answer_href=url_for("protocol.endpoint", query=query),
                chart=bar_chart(bars, tick_text, log=spec.log),
                columns=spec.columns[lang],
            )
        )
    return views


@bp.route("/dashboard", methods=["GET"])
def dashboard() -> Response:
    lang = current_language()
    charts = per_dataset(f"dashboard-{lang}", lambda: build_charts(lang))
    return render_page("dashboard.html", charts=charts)
