#!/usr/bin/env bash
# The policy-lint tier: installs (or reuses) parliament from PyPI into a cached virtual
# environment (tools/python-venv.sh), then runs test/duplicate-storage/component/parliament/ with
# PARLIAMENT naming its command. Without python3, or when the install fails (no PyPI), it says
# that it skipped the tier and succeeds, unless the tier is required: in CI (CI=true) or with
# SNOWPLOW_DEDUP_REQUIRE_CLI=1 it fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
required=false
if [ "${CI:-}" = "true" ] || [ "${SNOWPLOW_DEDUP_REQUIRE_CLI:-}" = "1" ]; then required=true; fi

if ! command -v "${PYTHON:-python3}" >/dev/null 2>&1 ||
  ! venv="$(bash tools/python-venv.sh tools/parliament/requirements.txt)"; then
  if $required; then
    echo "policy-lint tier: parliament could not be installed (python3 and PyPI are needed), and this run requires it" >&2
    exit 1
  fi
  echo "SKIPPED the policy-lint tier (parliament): it could not be installed, which needs python3"
  echo "and PyPI. CI runs it."
  exit 0
fi
export PARLIAMENT="$venv/bin/parliament"
exec mocha --timeout 120000 'test/duplicate-storage/component/parliament/**/*.test.ts'
