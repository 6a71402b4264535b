#!/usr/bin/env bash
# Usage: npm-ci-once.sh <folder>
# Installs a folder's dependencies from its own package-lock.json with `npm ci`, unless its
# node_modules already holds exactly that lock (npm writes it to node_modules/.package-lock.json).
# For the folders that are not workspaces of the root: the AWSGuard policy pack (tools/awsguard)
# and the TypeScript example (examples/typescript). npm skips the install scripts that their
# package.json's allowScripts does not allow.
set -euo pipefail
cd "$1"
# One install of a folder at a time: .ci/run starts these early, and the tier asks again.
exec 9>"${TMPDIR:-/tmp}/snowplow-dedup-npm-ci-$(pwd | sha256sum | cut -c1-16).lock"
flock 9
if [[ -f node_modules/.package-lock.json ]] &&
  node -e '
    const key = (file) => {
      const p = require(file).packages;
      return JSON.stringify(Object.keys(p).filter((k) => k !== "").sort()
        .map((k) => [k, p[k].version, p[k].integrity]));
    };
    process.exit(key("./package-lock.json") === key("./node_modules/.package-lock.json") ? 0 : 1);'
then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error >&2
