#!/usr/bin/env bash
# Builds the real Pulumi CLI from Pulumi's Go modules, at the version of the @pulumi/pulumi SDK
# that package-lock.json pins, and Pulumi's real YAML language host (pulumi-yaml/go.mod), together
# with the stand-ins that the tests need because their real counterparts cannot be had here (see
# CONTRIBUTING.md, "The Pulumi CLI and its stand-ins"):
#   stand-ins/pulumi-language-nodejs  starts the SDK's real entry points, @pulumi/pulumi/cmd/run,
#                                     run-plugin and run-policy-pack;
#   stand-ins/pulumi-language-python  and stand-ins/pulumi-language-go serve only GeneratePackage,
#                                     with Pulumi's own code generators;
#   stand-ins/pulumi-resource-aws     an AWS provider that talks to no AWS.
#
# The result is cached by the Go toolchain's version and the hash of its sources, outside the
# repository, so that a second run, even from a fresh clone, builds nothing. It prints the folder
# that holds bin/pulumi and stand-ins/.
#
# Needs Go (see go.mod) and the Go module proxy. Set PULUMI_CLI_CACHE to put the cache elsewhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cli_version="$(sed -n 's#^\(require\)\{0,1\}\s*github.com/pulumi/pulumi/pkg/v3 v\([^ ]*\).*#\2#p' "$here/go.mod")"
locked() { node -p "require('$root/package-lock.json').packages['node_modules/$1'].version"; }
sdk_version="$(locked @pulumi/pulumi)"
aws_version="$(locked @pulumi/aws)"
yaml_version="$(sed -n 's#^\s*github.com/pulumi/pulumi/pkg/v3 v\([^ ]*\).*#\1#p' "$here/pulumi-yaml/go.mod")"
if [ "$yaml_version" != "$cli_version" ]; then
  echo "build.sh: pulumi-yaml/go.mod requires github.com/pulumi/pulumi/pkg/v3 $yaml_version but" \
    "go.mod pins the CLI at $cli_version; move both (CONTRIBUTING.md)" >&2
  exit 1
fi
if [ "$cli_version" != "$sdk_version" ]; then
  echo "build.sh: go.mod pins the Pulumi CLI at $cli_version but package-lock.json pins" \
    "@pulumi/pulumi $sdk_version; move both to the same version" >&2
  exit 1
fi

# The key covers what goes into the binaries: not test-tier.sh, which only runs them.
key="$( (go version; echo "$aws_version"; cd "$here" &&
  find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name build.sh \) -print0 |
  sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
out="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/snowplow-dedup/pulumi-cli}/v$cli_version-$key"

# One build at a time: a second call (.ci/run starts one early, and the tier asks again) waits
# for the first, then finds its result.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9

# The binaries serve tests only, so they are compiled without inlining or DWARF and linked without
# symbols: on 2 cores a cold build then takes about 430 s of CPU instead of 690 (CONTRIBUTING.md).
# The flags that decide a package's compiled form are kept in the build, go-compile-flags, so that
# test/cli/package.test.ts compiles the Go example with them and Go's build cache serves the
# packages that the example shares with the CLI.
# A caller may set `stamp` to the -X flags that stamp a version into the binary.
compile_flags=(-trimpath "-gcflags=all=-l -dwarf=false")
go_build() { go build "${compile_flags[@]}" -ldflags "-s -w ${stamp:-}" "$@"; }

if [ ! -x "$out/bin/pulumi" ]; then
  echo "build.sh: building the Pulumi CLI v$cli_version into $out (a few minutes the first time)" >&2
  tmp="$out.tmp.$$"
  rm -rf "$tmp"
  (
    cd "$here"
    stamp="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$cli_version" \
      go_build -o "$tmp/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    go_build -o "$tmp/stand-ins/pulumi-language-nodejs" ./stand-in-nodejs-language-host
    stamp="-X main.version=$aws_version+stand-in" \
      go_build -o "$tmp/stand-ins/pulumi-resource-aws" ./stand-in-aws-provider
    go_build -o "$tmp/stand-ins/pulumi-language-python" ./stand-in-codegen-language-host
    cp "$tmp/stand-ins/pulumi-language-python" "$tmp/stand-ins/pulumi-language-go"
    cd pulumi-yaml
    go_build -o "$tmp/bin/pulumi-language-yaml" \
      github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  ) >&2
  printf '%s\n' "${compile_flags[@]}" >"$tmp/go-compile-flags"
  rm -rf "$out"
  mv "$tmp" "$out"
fi
# Marks this build as in use, and removes builds unused for a week: another checkout on the same
# machine may be running tests with its own build right now.
touch "$out"
find "$(dirname "$out")" -mindepth 1 -maxdepth 1 ! -name "$(basename "$out")*" -mtime +7 \
  -exec rm -rf {} +
echo "$out"
