import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../harness";

const TOOLS = [
  "bash",
  "dirname",
  "node",
  "sed",
  "find",
  "sort",
  "xargs",
  "sha256sum",
  "cut",
  "mkdir",
  "flock",
];

/** Runs the real-CLI tier's script on a PATH where `go` is missing, or fails. */
function tierWithoutGo(env: Record<string, string>, brokenGo = false) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "no-go-"));
  try {
    for (const tool of TOOLS) {
      const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" });
      fs.symlinkSync(found.stdout.trim(), path.join(bin, tool));
    }
    if (brokenGo) {
      // A Go that cannot build, as without the Go module proxy.
      fs.writeFileSync(
        path.join(bin, "go"),
        "#!/usr/bin/env bash\necho 'go: no proxy' >&2\nexit 1\n",
      );
      fs.chmodSync(path.join(bin, "go"), 0o755);
    }
    return spawnSync("bash", ["tools/pulumi-cli/test-tier.sh"], {
      cwd: ROOT,
      env: { PATH: bin, ...env },
      encoding: "utf8",
    });
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe("the real-CLI tier without Go", () => {
  it("says that it skipped the tier, and lets npm run test:tiers pass", () => {
    const r = tierWithoutGo({});
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /SKIPPED the real-CLI tier \(test\/cli\)/);
  });

  it("fails in CI, which must never skip it", () => {
    const r = tierWithoutGo({ CI: "true" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Go is not installed, and this run requires the tier/);
  });

  it("says that it skipped the tier when the CLI cannot be built, and fails in CI", () => {
    const r = tierWithoutGo({ PULUMI_CLI_CACHE: os.tmpdir() }, true);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /SKIPPED the real-CLI tier \(test\/cli\): the Pulumi CLI could not be built/,
    );
    assert.equal(tierWithoutGo({ CI: "true", PULUMI_CLI_CACHE: os.tmpdir() }, true).status, 1);
  });

  it("fails where SNOWPLOW_DEDUP_REQUIRE_CLI asks for it, as .ci/run does", () => {
    assert.match(
      fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8"),
      /SNOWPLOW_DEDUP_REQUIRE_CLI=1/,
    );
    assert.equal(tierWithoutGo({ SNOWPLOW_DEDUP_REQUIRE_CLI: "1" }).status, 1);
  });
});

describe("the platform", () => {
  it("runs the tests on Node 22 LTS or newer, as @pulumi/pulumi needs", () => {
    assert.ok(Number(process.versions.node.split(".")[0]) >= 22, process.version);
  });
});
