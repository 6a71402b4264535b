#!/usr/bin/env bash
# Installs this policy pack's dependencies from its own package-lock.json, with `npm ci`, unless
# node_modules already holds exactly that lock (npm writes it to node_modules/.package-lock.json).
# npm skips the install scripts of @pulumi/aws, aws-sdk and protobufjs, as package.json's
# allowScripts says: the pack only reads resources' inputs, and needs none of what they build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ -f node_modules/.package-lock.json ]] &&
  node -e '
    const a = require("./package-lock.json").packages, b = require("./node_modules/.package-lock.json").packages;
    const strip = (p) => JSON.stringify(Object.keys(p).filter((k) => k !== "").sort().map((k) => [k, p[k].version, p[k].integrity]));
    process.exit(strip(a) === strip(b) ? 0 : 1);'; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error >&2
