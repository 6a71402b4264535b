#!/usr/bin/env bash
# What the real-CLI tier's tests install from the registries, so that they themselves need no
# network: the policy pack that test/cli/awsguard.test.ts runs and the TypeScript example's
# dependencies, each from its own lock file; the Go example's modules; and pulumi and mypy from
# PyPI, in a cached virtual environment, for the Python example (all once, then cached). Prints
# that virtual environment's path. test-tier.sh runs it, and .ci/run starts it early; each step
# takes a lock or is safe to run twice at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/npm-ci-once.sh tools/awsguard
bash tools/npm-ci-once.sh examples/typescript
(cd examples/go && go mod download)
bash tools/python-venv.sh tools/python-sdk/requirements.txt
