#!/usr/bin/env bash
# Installs moto (tools/moto/requirements.txt) from PyPI into a virtual environment under
# ~/.cache/snowplow-dedup/moto/<python version>-<hash of the requirements>, once, and prints the
# path of its moto_server. Needs python3 with venv. Used by the tests of `npm run verify` only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
key="$version-$(sha256sum "$here/requirements.txt" | cut -c1-12)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/snowplow-dedup/moto/$key"
# A venv cannot be moved, so it is built in place and marked complete at the end.
if [[ ! -f "$venv/.complete" ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/moto_server"
