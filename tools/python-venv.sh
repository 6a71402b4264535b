#!/usr/bin/env bash
# Usage: python-venv.sh <requirements.txt>
# Installs the requirements from PyPI into a virtual environment under
# ~/.cache/snowplow-dedup/<folder of the requirements>/<python version>-<hash of the requirements>,
# once, and prints the venv's path. Needs python3 with venv (PYTHON names another).
set -euo pipefail
requirements="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
python="${PYTHON:-python3}"
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
key="$version-$(sha256sum "$requirements" | cut -c1-12)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/snowplow-dedup/$(basename "$(dirname "$requirements")")/$key"
# A venv cannot be moved, so it is built in place and marked complete at the end; one install at
# a time, so that a second call (.ci/run starts the installs early) waits for the first.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.complete"
fi
echo "$venv"
