"""scripts/serve.sh's questions (xianan_kg.cli.quickstart): rebuild only when an input changed; a taken port is named."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from xianan_kg.cli import quickstart
from xianan_kg.cli.quickstart import NEEDED, STAMP, inputs_digest, port_problem, staleness


def a_checkout(root: Path) -> Path:
    for name in ("data", "ontology", "queries", "xianan_kg", "server"):
        (root / name).mkdir(parents=True)
        (root / name / "a.txt").write_text(name, encoding="utf-8")
    (root / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    dist = root / "dist"
    dist.mkdir()
    for name in NEEDED:
        (dist / name).write_text("{}", encoding="utf-8")
    return dist


def test_dist_is_fresh_until_an_input_changes(tmp_path):
    dist = a_checkout(tmp_path)
    assert staleness(tmp_path, dist) == f"dist/{STAMP} is missing (built by hand?): building again"
    (dist / STAMP).write_text(inputs_digest(tmp_path) + "\n", encoding="utf-8")
    assert staleness(tmp_path, dist) is None
    (tmp_path / "xianan_kg" / "__pycache__").mkdir()
    (tmp_path / "xianan_kg" / "__pycache__" / "a.pyc").write_bytes(b"\0")  # bytecode is not an input
    assert staleness(tmp_path, dist) is None
    (tmp_path / "data" / "a.txt").write_text("data, edited", encoding="utf-8")
    assert staleness(tmp_path, dist) == ("data, ontology, queries or code changed since the last build: building again")


def test_a_missing_release_file_means_a_build(tmp_path):
    dist = a_checkout(tmp_path)
    (dist / STAMP).write_text(inputs_digest(tmp_path) + "\n", encoding="utf-8")
    (dist / "manifest.json").unlink()
    assert staleness(tmp_path, dist) == "dist/ has no manifest.json: building it"


def test_a_taken_port_is_named_with_a_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        problem = port_problem("127.0.0.1", port)
    assert problem is not None
    assert problem.startswith(f"xianan-kg: port {port} on 127.0.0.1 is in use (another server is running?); run ")
    assert "./scripts/serve.sh --port " in problem
    assert port_problem("127.0.0.1", 0) is None


def test_port_command_prints_the_url(capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert quickstart.main(["port", "--port", str(free)]) == 0
    assert capsys.readouterr().out == f"xianan-kg: serving http://127.0.0.1:{free}/ (SPARQL at /sparql); Ctrl+C stops\n"


def test_serve_script_installs_no_test_extra():
    script = (Path(__file__).parent.parent / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert 'XIANAN_KG_EXTRAS="" . scripts/setup.sh' in script
    result = subprocess.run(["bash", "-n", "scripts/serve.sh"], cwd=Path(__file__).parent.parent, check=False)
    assert result.returncode == 0
