#!/usr/bin/env bash
# The real-CLI tier of the tests: builds (or reuses) the Pulumi CLI with build.sh, installs what
# the tests use from the registries (below), then runs test/cli/. Without Go, or when the build fails, it says that it skipped the tier and succeeds,
# unless the tier is required: in CI (CI=true) or with SNOWPLOW_DEDUP_REQUIRE_CLI=1 it fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
required=false
if [ "${CI:-}" = "true" ] || [ "${SNOWPLOW_DEDUP_REQUIRE_CLI:-}" = "1" ]; then required=true; fi

if ! command -v go >/dev/null 2>&1; then
  if $required; then
    echo "real-CLI tier: Go is not installed, and this run requires the tier (CI)" >&2
    exit 1
  fi
  echo "SKIPPED the real-CLI tier (test/cli): Go is not installed, so the Pulumi CLI cannot be"
  echo "built here. CI runs this tier."
  exit 0
fi

if ! PULUMI_CLI_DIR="$(bash tools/pulumi-cli/build.sh)"; then
  if $required; then
    echo "real-CLI tier: the Pulumi CLI could not be built (above), and this run requires it" >&2
    exit 1
  fi
  echo "SKIPPED the real-CLI tier (test/cli): the Pulumi CLI could not be built (above), for"
  echo "example without the Go module proxy. CI runs this tier."
  exit 0
fi
export PULUMI_CLI_DIR
PYTHON_SDK_VENV="$(bash tools/pulumi-cli/install-tier.sh)"
export PYTHON_SDK_VENV
# Two test files at a time: each waits on the CLI, its plugins and Node.js processes one command
# at a time, about one core's worth, and every workspace is a folder of its own.
exec mocha --parallel --jobs 2 --timeout 300000 'test/cli/**/*.test.ts'
