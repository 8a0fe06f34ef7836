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
# The suite on every core, a module per worker (pytest-xdist), then the timed tests (marker `serial`) alone: a test
# that measures latency under load must not share the cores with the rest. Exit 5 (no tests) only if neither ran any.
parallel=0 serial=0
python -m pytest -q -n "${XIANAN_KG_TEST_WORKERS:-auto}" --dist loadfile -m "not serial" "$@" || parallel=$?
python -m pytest -q -m serial "$@" || serial=$?
if [ "$parallel" = 5 ] && [ "$serial" = 5 ]; then exit 5; fi
for status in "$parallel" "$serial"; do
  if [ "$status" != 0 ] && [ "$status" != 5 ]; then exit "$status"; fi
done
