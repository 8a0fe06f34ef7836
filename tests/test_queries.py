"""The question library: every query runs on both engines and gives the answer read from the source text.

Expected answers (queries/expected/NAME.srj or .ttl) were written from the review, not
copied from a run; a difference is either a wrong query or a gap in data/*.ttl.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from xianan_kg.query.api import execute, from_named, list_queries, load_graph, result_rows, run_query, to_dataframe
from xianan_kg.store.choice import open_store

from .answers import differences, is_ordered, load_expected

LIBRARY = list_queries()
LOCAL = [q for q in LIBRARY if not q.needs_internet]
CJK = re.compile(r"[\u4e00-\u9fff]")

# Where a SPARQL feature shows in the text of a query.
FEATURES = {
    "GROUP BY": r"\bGROUP\s+BY\b",
    "HAVING": r"\bHAVING\b",
    "SUM": r"\bSUM\s*\(",
    "COUNT": r"\bCOUNT\s*\(",
    "AVG": r"\bAVG\s*\(",
    "OPTIONAL": r"\bOPTIONAL\b",
    "UNION": r"\bUNION\b",
    "MINUS": r"\bMINUS\b",
    "NOT EXISTS": r"\bNOT\s+EXISTS\b",
    "path over xk:locatedIn": r"xk:locatedIn\)?[+*]|\(xk:locatedIn\|",
    "path over xk:partOf": r"xk:partOf[+*]",
    "subquery": r"\{\s*SELECT\b",
    "ASK": r"^\s*ASK\b",
    "CONSTRUCT": r"^\s*CONSTRUCT\b",
    "DESCRIBE": r"^\s*DESCRIBE\b",
    "language-tagged labels": r"\bLANG\s*\(",
    "exact quote and position": r"oa:exact[\s\S]*oa:start",
}
PARTS = ("intro", "part 1", "part 2", "part 3", "captions", "part 4", "outlook")


def query_id(query) -> str:
    return query.name


def code(query) -> str:
    return "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))


def test_library_has_at_least_40_questions():
    assert len(LOCAL) >= 40, [q.name for q in LOCAL]


@pytest.mark.parametrize("query", LIBRARY, ids=query_id)
def test_every_query_states_its_question_and_what_it_demonstrates(query):
    assert CJK.search(query.question_zh), f"{query.name}: no 问题 (question in Chinese)"
    assert query.question_en.strip(), f"{query.name}: no Question (in English)"
    assert query.header.get("demonstrates", "").strip(), f"{query.name}: no Demonstrates"
    if not query.needs_internet:
        assert query.expected_path is not None, f"{query.name}: no queries/expected/{query.name}.srj or .ttl"


def test_at_least_five_questions_need_reasoning_and_fail_without_it(dist):
    reasoning = [q for q in LOCAL if q.needs_inferred]
    assert len(reasoning) >= 5
    store = open_store("oxigraph", dist)
    for query in reasoning:
        asserted_only = execute(from_named(query), store, inferred=False)
        expected = load_expected(query.expected_path)
        assert differences(asserted_only, expected, is_ordered(query.text)), f"{query.name} does not need reasoning"


def test_library_covers_every_part_of_the_review():
    covered = {part for q in LOCAL for part in PARTS if re.search(rf"\b{part}\b", q.header.get("part", ""))}
    assert covered == set(PARTS)


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_library_shows_every_kind_of_sparql(feature):
    pattern = re.compile(FEATURES[feature], re.IGNORECASE | re.MULTILINE)
    assert any(pattern.search(code(q)) for q in LOCAL), f"no query uses {feature}"


def test_issue_examples_are_in_the_library():
    names = {q.name for q in LOCAL}
    assert {
        "growth-over-8-percent",
        "largest-amounts-of-money",
        "projects-by-status-and-park",
        "national-honours",
        "everything-in-xiangyanghu",
        "organisations-with-several-designations",
        "approximate-figures",
        "where-does-a-figure-come-from",
    } <= names


# --- the Python API ---


def test_api_runs_a_named_question_and_gives_python_values(dist):
    kg = load_graph(dist)
    rows = result_rows(run_query("growth-over-8-percent", store=kg))
    assert rows[0] == {
        "indicator": "Development quality and efficiency of industrial enterprises",
        "rate": Decimal("0.8"),
        "qualifier": "estimated",
    }
    assert [r["rate"] for r in rows] == [Decimal("0.8"), Decimal("0.25"), Decimal("0.123"), Decimal("0.083")]


def test_api_runs_sparql_text_with_project_prefixes_and_chooses_reasoning(dist):
    kg = load_graph(dist, engine="memory")
    text = "ASK { xkp:xianan xk:locatedInTransitive xkp:hubei }"  # only the reasoner states the transitive closure
    assert run_query(text, store=kg).boolean is True  # the default graph, as the endpoint serves it
    assert run_query(text, store=kg, inferred=True).boolean is True
    assert run_query(text, store=kg, inferred=False).boolean is False
    assert run_query("ASK { xkp:xianan xk:locatedIn xkp:hubei }", store=kg).boolean is False  # directly: no


def test_api_gives_a_dataframe(dist):
    pytest.importorskip("pandas")
    frame = to_dataframe(run_query("figures-per-part", store=load_graph(dist)))
    assert list(frame.columns) == ["part", "partStart", "figures"]
    assert frame["figures"].sum() == 103  # 100 in digits, 3 in Chinese numerals (九大, 十大, 六个)
    assert frame.loc[frame["part"] == "Speed", "figures"].item() == 32
