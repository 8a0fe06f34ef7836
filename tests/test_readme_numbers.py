"""The README's numbers are the build's: scripts/readme_numbers.py writes them between markers from a release, and
the README must read as the script writes it for the session's fresh build (run the script after a change that
moves a number). The README points nowhere outside the repository for what a reader needs."""

from __future__ import annotations

import importlib.util
import re

from xianan_kg.rdf import paths

SCRIPT = paths.ROOT / "scripts" / "readme_numbers.py"
README = paths.ROOT / "README.md"


def script():
    spec = importlib.util.spec_from_file_location("readme_numbers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_numbers_are_what_the_script_writes_for_a_fresh_build(built):
    numbers = script()
    text = README.read_text(encoding="utf-8")
    fresh = numbers.rewrite(text, numbers.numbers(built.files["manifest.json"].parent))
    assert fresh == text, "README.md is stale: run `python scripts/readme_numbers.py` after `xianan-kg build`"


def test_every_marker_names_a_number_and_every_number_is_marked(built):
    numbers = script()
    values = numbers.numbers(built.files["manifest.json"].parent)
    marked = numbers.MARKED.findall(README.read_text(encoding="utf-8"))
    assert {name for name, _ in marked} == set(values)  # none unknown, none unused


def test_the_entailment_table_adds_up_to_the_inferred_graph(built):
    import json

    numbers = script()
    manifest = json.loads(built.files["manifest.json"].read_text(encoding="utf-8"))
    table = numbers.entailment_table(manifest["inferred_by_kind"])
    rows = [row.split("|") for row in table.strip().splitlines()[2:]]  # after the header and its rule
    kinds = [kind.strip(" `") for row in rows[:-1] for kind in row[1].split(", ")]
    counts = [int(n.replace(",", "")) for row in rows[:-1] for n in row[2].split(", ")]
    assert sorted(kinds) == sorted(manifest["inferred_by_kind"])  # every kind once
    total = manifest["graphs"]["https://xianan-kg.example.org/graph/inferred"]
    assert sum(counts) == total and rows[-1][2].strip() == f"{total:,}"


def test_the_readme_points_nowhere_outside_the_repository():
    text = README.read_text(encoding="utf-8")
    assert not re.search(r"\.\./", text), re.findall(r".{30}\.\./.{30}", text)
