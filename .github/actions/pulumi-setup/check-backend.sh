#!/usr/bin/env bash
# Refuses a Pulumi backend that holds no shared state. A preview is only meaningful against the
# stack's real state: a file:// backend on a fresh CI runner is empty, so every resource would show
# as a create, and an `up` would try to create them all again.
set -euo pipefail

fail() {
  echo "::error title=Pulumi backend::$1" >&2
  exit 1
}

url="${PULUMI_BACKEND_URL:-}"
case "$url" in
  "")
    [ -n "${PULUMI_ACCESS_TOKEN:-}" ] ||
      fail "PULUMI_BACKEND_URL is not set, which means Pulumi Cloud, but the PULUMI_ACCESS_TOKEN secret is empty. Set the token, or set the PULUMI_BACKEND_URL variable to your s3:// bucket."
    echo "Pulumi backend: Pulumi Cloud"
    ;;
  file://* | /* | ./* | ~*)
    fail "PULUMI_BACKEND_URL is '$url', a local backend: on a CI runner it holds no state, so every resource would show as a create. Use Pulumi Cloud or an s3:// bucket."
    ;;
  s3://* | https://* | azblob://* | gs://*)
    echo "Pulumi backend: $url"
    ;;
  *)
    fail "PULUMI_BACKEND_URL '$url' is not a backend this project supports: use Pulumi Cloud (leave it unset) or an s3:// bucket."
    ;;
esac
