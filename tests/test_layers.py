"""The package's layers are a checked promise: import-linter's contracts in pyproject.toml hold, and they fail
when a lower layer imports a higher one or serving would load a build engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xianan_kg.rdf import paths

LINT = [str(Path(sys.executable).with_name("lint-imports"))]


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(LINT, cwd=root, capture_output=True, text=True, timeout=120)


def copy_of_package(tmp_path: Path) -> Path:
    for name in ("xianan_kg", "server"):
        shutil.copytree(paths.ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(paths.ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_contracts_hold():
    run = lint(paths.ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 2 kept, 0 broken." in run.stdout


@pytest.mark.parametrize(
    ("module", "line", "message"),
    [
        (
            "xianan_kg/rdf/namespaces.py",
            "from xianan_kg.store.base import Store",
            "xianan_kg.rdf is not allowed to import xianan_kg.store",
        ),
        (
            "xianan_kg/validate/report.py",
            "from xianan_kg.reason.keep import Inference",
            "xianan_kg.validate is not allowed to import xianan_kg.reason",
        ),
        ("server/svg.py", "import pyshacl", "server is not allowed to import pyshacl"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, message):
    root = copy_of_package(tmp_path)
    with (root / module).open("a", encoding="utf-8") as f:
        f.write(f"\n{line}  # noqa\n")
    run = lint(root)
    assert run.returncode == 1, run.stdout
    assert message in run.stdout.replace("\n", " ")
