"""The release stands alone: `pip install .` (not editable) into a fresh virtual environment outside the checkout,
then `xianan-kg serve --dist COPY` from another directory serves the endpoint, the query page, the source text and
the entity pages from the copied dist/ alone; and the server serves no file its manifest does not list."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from xianan_kg.rdf import paths

from .protocol.live_server import start_server

pytestmark = pytest.mark.slow

LEFT_OUT = {".git", ".venv", "dist", "test-artifacts", "build", ".pytest_cache", ".ruff_cache", "bench", "tests"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the package as `pip install .` puts it there, made from a copy of the checkout."""
    root = tmp_path_factory.mktemp("standalone")
    source = root / "source"
    shutil.copytree(
        paths.ROOT,
        source,
        ignore=lambda folder, names: (
            [n for n in names if Path(folder) == paths.ROOT and n in LEFT_OUT]
            + [n for n in names if n == "__pycache__" or n.endswith(".egg-info")]
        ),
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    # Tests never leave 127.0.0.1, so pip, the build backend and the dependencies come from this environment: its
    # site-packages as a plain path entry, whose .pth files (this checkout's editable install among them) do not
    # run. The package itself is built from the copy and installed as `pip install .` installs it.
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "test-environment.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    # --verbose: pip passes on what setuptools prints while it builds the wheel (its warnings among it)
    pip = [python, "-m", "pip", "install", "--verbose", "--disable-pip-version-check", "--no-index", "--no-deps"]
    run = subprocess.run(
        [*pip, "--no-build-isolation", str(source)], check=True, timeout=600, cwd=root, capture_output=True, text=True
    )
    (root / "pip-install.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    shutil.rmtree(source)  # nothing of the checkout is left to lean on
    return venv


def test_setuptools_builds_the_wheel_without_a_warning_about_packages(installed):
    log = (installed.parent / "pip-install.log").read_text(encoding="utf-8")
    assert "Running command Building wheel" in log or "running bdist_wheel" in log  # the backend's output is here
    assert "absent from the `packages` configuration" not in log
    assert "Package would be ignored" not in log


def installed_server_package(venv: Path) -> Path:
    """Where the installed xianan_kg.server is, as its interpreter imports it from outside the checkout."""
    run = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import xianan_kg.server; print(xianan_kg.server.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=venv.parent,  # not the checkout, whose xianan_kg/ would be imported first
    )
    return Path(run.stdout.strip()).parent


def test_every_template_and_static_file_is_installed(installed):
    package = installed_server_package(installed)
    checkout = paths.ROOT / "server"
    wanted = sorted(
        str(f.relative_to(checkout))
        for top in ("templates", "static")
        for f in (checkout / top).rglob("*")
        if f.is_file() and "__pycache__" not in f.parts
    )
    assert wanted and [name for name in wanted if not (package / name).is_file()] == []


@pytest.fixture(scope="module")
def served(installed, built, tmp_path_factory):
    root = tmp_path_factory.mktemp("elsewhere")
    release = root / "release"
    shutil.copytree(built.files["manifest.json"].parent, release)
    (release / "not-listed.txt").write_text("a file the build did not write\n", encoding="utf-8")
    server = start_server(release, "--workers", "1", command=[str(installed / "bin" / "xianan-kg")], cwd=root)
    yield server
    server.stop()


def test_the_package_is_installed_not_linked_to_the_checkout(installed):
    package = installed_server_package(installed)
    assert "site-packages" in package.parts and not package.is_relative_to(paths.ROOT)


def test_sparql_answers_from_the_copy(served):
    response = served.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", accept="application/sparql-results+json"
    )
    assert response.status == 200
    assert int(json.loads(response.text)["results"]["bindings"][0]["n"]["value"]) > 10_000


def test_the_query_page_lists_the_library(served):
    page = served.get("/", Accept="text/html")
    assert page.status == 200 and "national-honours" in page.text
    assert served.get("/queries/national-honours.rq").status == 200


def test_the_source_text_comes_from_the_release(served):
    page = served.get("/source", {"start": "762", "end": "777"}, Accept="text/html")
    assert page.status == 200 and "一般公共预算收入15.48亿元" in page.text


def test_every_source_text_comes_from_the_release(served):
    page = served.get("/source/jianshi-2023-statistical-bulletin", Accept="text/html")
    assert page.status == 200 and "年末城镇新增就业9328人" in page.text


def test_an_entity_page_shows_its_quote(served):
    page = served.get("/id/figure/general-public-budget-revenue-2023.html", Accept="text/html")
    assert page.status == 200 and "15.48" in page.text and "一般公共预算收入" in page.text


def test_static_files_and_documentation_are_installed(served):
    assert served.get("/ontology", Accept="text/html").status == 200


def test_a_file_the_manifest_does_not_list_is_not_served(served):
    assert served.get("/not-listed.txt").status == 404
