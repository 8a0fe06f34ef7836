"""What `scripts/serve.sh` asks before it builds and serves: is dist/ already built from these inputs, is the port free.

A rebuild is due when anything the release is made from changed: data/, ontology/,
queries/, the package and the server, pyproject.toml. Their digest (paths and bytes, in
order) is written to dist/inputs.sha256 after a build and compared on the next start,
so a second `serve.sh` with nothing changed starts serving at once. A port already in
use is found before the build, with the --port that would work.

    python -m xianan_kg.cli.quickstart fresh            exit 0: dist/ is current; 1: build (the reason is printed)
    python -m xianan_kg.cli.quickstart record           after a build: write dist/inputs.sha256
    python -m xianan_kg.cli.quickstart port [serve args]  exit 0 and print the URL; 1: the port is taken
"""

from __future__ import annotations

import hashlib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

from xianan_kg.rdf import paths

INPUTS = ("data", "ontology", "queries", "xianan_kg", "server", "pyproject.toml")
STAMP = "inputs.sha256"
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}
NEEDED = ("manifest.json", "xianan-kg.nq", "completion.json")  # a build that finished writes these


def _files(root: Path) -> Iterator[Path]:
    for name in INPUTS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not SKIPPED_PARTS & set(p.parts) and p.suffix != ".pyc"
            )


def inputs_digest(root: Path = paths.ROOT) -> str:
    """sha256 over every input file's path and bytes: any edit, addition or removal changes it."""
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def staleness(root: Path = paths.ROOT, dist: Path = paths.DIST_DIR) -> str | None:
    """Why dist/ must be built again, or None when it was built from exactly these inputs."""
    missing = [name for name in NEEDED if not (dist / name).is_file()]
    if missing:
        return f"dist/ has no {missing[0]}: building it"
    try:
        recorded = (dist / STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return f"dist/{STAMP} is missing (built by hand?): building again"
    if recorded != inputs_digest(root):
        return "data, ontology, queries or code changed since the last build: building again"
    return None


def port_problem(host: str, port: int) -> str | None:
    """None when `host:port` can be listened on; else the sentence to print, with a --port that is free."""
    if port == 0:
        return None
    if _can_bind(host, port):
        return None
    free = next((p for p in range(port + 1, min(port + 50, 65536)) if _can_bind(host, p)), 0)
    suggestion = f"./scripts/serve.sh --port {free}" if free else "./scripts/serve.sh --port 0 (any free port)"
    return f"xianan-kg: port {port} on {host} is in use (another server is running?); run {suggestion}"


def _can_bind(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _option(args: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command == "fresh":
        reason = staleness()
        print(f"xianan-kg: {reason}" if reason else "xianan-kg: dist/ is up to date with the inputs: not rebuilding")
        return 1 if reason else 0
    if command == "record":
        (paths.DIST_DIR / STAMP).write_text(inputs_digest() + "\n", encoding="utf-8")
        return 0
    if command == "port":
        host, port_text = _option(rest, "--host", "127.0.0.1"), _option(rest, "--port", "8000")
        if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            return 0  # `xianan-kg serve` words the error
        problem = port_problem(host, int(port_text))
        if problem:
            print(problem, file=sys.stderr)
            return 1
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port_text}/" if port_text != "0" else "a free port (the log names it)"
        print(f"xianan-kg: serving {url} (SPARQL at /sparql); Ctrl+C stops")
        return 0
    print("usage: python -m xianan_kg.cli.quickstart fresh | record | port [--host H] [--port N]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
