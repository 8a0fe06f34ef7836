#!/usr/bin/env bash
# Set up, build the release artifacts, and run the linters and the test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091
. scripts/setup.sh
ruff check .
ruff format --check .
lint-imports --no-cache  # the layers of pyproject.toml [tool.importlinter]
mypy  # the types, configured in pyproject.toml [tool.mypy]
xianan-kg build
python -m pytest -q "$@"
