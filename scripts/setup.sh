#!/usr/bin/env bash
# Create .venv (if needed) and install the project into it. Sourced by the other scripts.
# XIANAN_KG_EXTRAS chooses the extras: "[test]" (the default: the test tools) or "" (what serving needs).
# The install runs again only when pyproject.toml changed since it last ran with these extras.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extras="${XIANAN_KG_EXTRAS-[test]}"
if [ ! -x .venv/bin/python ]; then
  echo "xianan-kg: creating .venv (Python virtual environment)"
  python3 -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
stamp=".venv/.xianan-kg-installed"
wanted="$(sha256sum pyproject.toml | cut -c1-64) ${extras:-[]}"
if ! grep -qxF "$wanted" "$stamp" 2>/dev/null; then
  if [ -z "$extras" ]; then
    echo "xianan-kg: installing xianan-kg and what serving needs into .venv (the test tools are not installed)"
  else
    echo "xianan-kg: installing xianan-kg with its ${extras} extras into .venv"
  fi
  python -m pip install --quiet --disable-pip-version-check --upgrade pip
  python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
  echo "$wanted" >> "$stamp"
fi
