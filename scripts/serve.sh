#!/usr/bin/env bash
# Set up, build the release artifacts when the inputs changed, and serve them: pages and the query UI at
# http://127.0.0.1:8000/, SPARQL at /sparql. Extra arguments go to `xianan-kg serve` (e.g. --port 8080).
# Installs only what serving needs; ./scripts/test.sh installs the test tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091
XIANAN_KG_EXTRAS="" . scripts/setup.sh
python -m xianan_kg.cli.quickstart port "$@" >/dev/null || exit 1  # taken: it says which --port is free
if ! python -m xianan_kg.cli.quickstart fresh; then
  xianan-kg build
  python -m xianan_kg.cli.quickstart record
fi
python -m xianan_kg.cli.quickstart port "$@"
exec xianan-kg serve "$@"
