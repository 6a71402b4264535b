/**
 * tools/pulumi-cli/build.sh refuses, before it builds anything, Pulumi versions that do not move
 * together: the CLI's go.mod, the YAML host's go.mod and package-lock.json's @pulumi/pulumi. Each
 * test runs a copy of the script beside copies of those files, one of them edited.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../harness";

const FILES = [
  "package-lock.json",
  "tools/pulumi-cli/build.sh",
  "tools/pulumi-cli/go.mod",
  "tools/pulumi-cli/pulumi-yaml/go.mod",
];

/** Runs a copy of build.sh after `edit` has changed the copies; its cache goes in the copy. */
function buildWith(edit: (root: string) => void) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "build-sh-"));
  try {
    for (const file of FILES) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(root, file));
    }
    edit(root);
    // A go that builds nothing, so that a check that let the versions through could not start a
    // build of minutes: the script would fail on its first call of go instead, with another message.
    fs.mkdirSync(path.join(root, "bin"));
    fs.writeFileSync(path.join(root, "bin", "go"), "#!/bin/sh\necho 'go: not here' >&2\nexit 1\n");
    fs.chmodSync(path.join(root, "bin", "go"), 0o755);
    return spawnSync("bash", [path.join(root, "tools/pulumi-cli/build.sh")], {
      env: {
        ...process.env,
        PATH: `${path.join(root, "bin")}:${process.env.PATH}`,
        PULUMI_CLI_CACHE: path.join(root, "cache"),
      },
      encoding: "utf8",
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function replaceIn(file: string, from: RegExp, to: string): void {
  const text = fs.readFileSync(file, "utf8");
  assert.match(text, from);
  fs.writeFileSync(file, text.replace(from, to));
}

describe("tools/pulumi-cli/build.sh", () => {
  it("refuses a YAML host module on another pulumi/pkg than the CLI's", () => {
    const r = buildWith((root) =>
      replaceIn(
        path.join(root, "tools/pulumi-cli/pulumi-yaml/go.mod"),
        /github\.com\/pulumi\/pulumi\/pkg\/v3 v3\.276\.0/,
        "github.com/pulumi/pulumi/pkg/v3 v3.275.0",
      ),
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /pulumi-yaml\/go\.mod requires github\.com\/pulumi\/pulumi\/pkg\/v3 3\.275\.0 but go\.mod pins the CLI at 3\.276\.0/,
    );
  });

  it("refuses a CLI on another version than the @pulumi/pulumi of package-lock.json", () => {
    const r = buildWith((root) =>
      replaceIn(
        path.join(root, "package-lock.json"),
        /("node_modules\/@pulumi\/pulumi": \{\s*"version": )"3\.276\.0"/,
        '$1"3.275.0"',
      ),
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /pins the Pulumi CLI at 3\.276\.0 but package-lock\.json pins @pulumi\/pulumi 3\.275\.0/,
    );
  });
});

/** The modules that a go.mod requires, directly or not, with their versions. */
function requirements(goMod: string): Map<string, string> {
  const text = fs.readFileSync(path.join(ROOT, goMod), "utf8");
  const found = new Map<string, string>();
  // `require path version` alone, or `path version` on its own line inside `require ( ... )`.
  for (const m of text.matchAll(/^(?:require\s+|\t)(\S+)\s+(v\S+)/gm)) found.set(m[1]!, m[2]!);
  return found;
}

describe("the Go example's modules", () => {
  it("are the CLI's versions, so that the tier's Go build of the example shares the CLI's", () => {
    const cli = requirements("tools/pulumi-cli/go.mod");
    const example = requirements("examples/go/go.mod");
    // A sample of what the example needs, so that a parse that found nothing cannot pass.
    assert.equal(example.get("github.com/pulumi/pulumi/sdk/v3"), "v3.276.0");
    assert.ok(example.has("google.golang.org/grpc"), [...example.keys()].join(", "));
    const differing = [...example]
      .filter(([module, version]) => cli.has(module) && cli.get(module) !== version)
      .map(([module, version]) => `${module} ${version}, the CLI's ${cli.get(module)}`);
    assert.deepEqual(differing, []);
  });
});
