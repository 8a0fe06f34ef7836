"""dist/completion.json, the editor's completions: every kind of term, Chinese names with pinyin and initials."""

from __future__ import annotations

import json

from xianan_kg.assemble.completion import compact, pinyin


def test_the_build_writes_the_index_with_every_kind_of_term(built):
    index = json.loads(built.files["completion.json"].read_text(encoding="utf-8"))
    by_iri = {term["iri"]: term for term in index["terms"]}
    assert index["prefixes"]["xkp"] == "https://xianan-kg.example.org/id/place/"
    assert by_iri["xkp:xianan"] == {
        "iri": "xkp:xianan",
        "kind": "entity",
        "names": [["en", "Xian'an District"], ["zh", "咸安"], ["zh", "咸安区"]],
        "pinyin": ["xianan", "xiananqu"],
        "initials": ["xa", "xaq"],
    }
    assert by_iri["xk:Figure"]["kind"] == "class"
    assert by_iri["xk:locatedIn"]["kind"] == "property"
    assert by_iri["xkc:unit-yi-yuan"]["kind"] == "concept"


def test_compact_iris_use_the_longest_namespace_and_angle_brackets_otherwise():
    assert compact("https://xianan-kg.example.org/id/concept/unit-yuan") == "xkc:unit-yuan"  # not id:concept/…
    assert compact("https://example.org/x y") == "<https://example.org/x y>"


def test_pinyin_drops_what_is_not_han():
    assert pinyin("东湖高新咸安产业园") == ("donghugaoxinxiananchanyeyuan", "dhgxxacyy")
    assert pinyin("GDP") == ("", "")
