"""The command line, as a user meets it: help everywhere, one-line errors, the documented exit codes."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph

from xianan_kg.rdf.namespaces import BASE, XKP

from .conftest import ROOT, run_cli


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["export"]])
def test_help_on_every_command(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "usage: xianan-kg" in result.stdout


def test_validate_conforms():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms" in result.stdout


def test_validate_reports_focus_path_and_message():
    broken = ROOT / "tests" / "shapes" / "HonourShape-invalid-01.ttl"
    context = [str(ROOT / "data" / f) for f in ("places.ttl", "organisations.ttl", "dataset.ttl")]
    result = run_cli("validate", *context, str(broken))
    assert result.returncode == 1
    assert "xkh:t-honour" in result.stdout
    assert "path: xk:honourLevel" in result.stdout
    assert "an honour needs its level" in result.stdout


def test_missing_file_is_exit_2_with_one_line(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope.ttl"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.ttl'}: file not found"
    assert "Traceback" not in result.stderr


def test_unparsable_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open\n', encoding="utf-8")
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{bad}:3:" in result.stderr


def test_unknown_format_is_a_usage_error():
    result = run_cli("export", "--format", "pdf")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_export_nt_prints_the_whole_graph(asserted):
    result = run_cli("export", "--format", "nt")
    assert result.returncode == 0, result.stderr
    g = Graph().parse(data=result.stdout, format="nt")
    assert len(g) == len(asserted)


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("jsonld", "json-ld"), ("xml", "xml")])
def test_export_formats_parse_back(fmt, rdflib_format, tmp_path, asserted):
    out = tmp_path / f"graph.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    g = Graph().parse(out, format=rdflib_format)
    assert len(g) == len(asserted)
    assert (XKP.xianan, None, None) in g


def test_export_trig_inferred_has_named_graphs(tmp_path):
    out = tmp_path / "graph.trig"
    result = run_cli("export", "--format", "trig", "--inferred", "-o", str(out))
    assert result.returncode == 0, result.stderr
    ds = Dataset()
    ds.parse(out, format="trig")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {
        f"{BASE}graph/{name}" for name in ("ontology", "data", "data/jianshi-2023-statistical-bulletin", "inferred")
    }


def test_build_prints_inference_counts(tmp_path):
    result = run_cli("build", "--dist", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "inferred triples" in result.stdout
    assert "rdf:type" in result.stdout
    assert (tmp_path / "xianan-kg.ttl").is_file()
