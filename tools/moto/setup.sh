#!/usr/bin/env bash
# Installs moto (tools/moto/requirements.txt) from PyPI into a cached virtual environment, once
# (tools/python-venv.sh), and prints the path of its moto_server. Used by the tests of
# `npm run verify` only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
echo "$(bash "$here/../python-venv.sh" "$here/requirements.txt")/bin/moto_server"
