#!/usr/bin/env bash
# The tests of `npm run verify` and `npm run tune` against moto (test/commands/verify/, tune/): installs (or reuses) moto with setup.sh, then runs
# them. Without python3, or when the install fails (no PyPI), it says that it skipped the tier and
# succeeds, unless the tier is required: in CI (CI=true) or with SNOWPLOW_DEDUP_REQUIRE_CLI=1 it
# fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
required=false
if [ "${CI:-}" = "true" ] || [ "${SNOWPLOW_DEDUP_REQUIRE_CLI:-}" = "1" ]; then required=true; fi

if ! command -v "${PYTHON:-python3}" >/dev/null 2>&1 || ! bash tools/moto/setup.sh >/dev/null; then
  if $required; then
    echo "verify tier: moto could not be installed (python3 and PyPI are needed), and this run requires it" >&2
    exit 1
  fi
  echo "SKIPPED the tests of npm run verify (test/verify): moto could not be installed, which"
  echo "needs python3 and PyPI. CI runs them."
  exit 0
fi
exec mocha --timeout 120000 'test/commands/verify/**/*.test.ts' 'test/commands/tune/**/*.test.ts'
