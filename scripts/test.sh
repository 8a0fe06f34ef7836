#!/usr/bin/env bash
# Set up, build the release artifacts, and run the linters and the test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091
. scripts/setup.sh
ruff check .
ruff format --check .
xianan-kg build
python -m pytest -q "$@"
