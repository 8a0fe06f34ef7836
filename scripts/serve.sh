#!/usr/bin/env bash
# Set up, build the release artifacts, and serve them: SPARQL at http://127.0.0.1:8000/sparql,
# pages at /id/…. Extra arguments go to `xianan-kg serve` (e.g. --port 8080 --workers 4).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091
. scripts/setup.sh
xianan-kg build
exec xianan-kg serve "$@"
