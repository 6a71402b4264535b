import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "shell-quote";
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

/** The words of a command line as a shell splits them, with an operator such as `&&` as its text. */
function words(line: string): string[] {
  return parse(line).map((w) => (typeof w === "string" ? w : "op" in w ? w.op : String(w)));
}

/**
 * The test files that a `mocha ...` command line runs: mocha's own option parser (which reads
 * `.mocharc.json` too) and its own file lookup, from the root.
 */
function mochaFiles(line: string): string[] {
  const argv = words(line);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadOptions } = require("mocha/lib/cli/options");
  const collect = require("mocha/lib/cli/collect-files");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const options = loadOptions(argv.slice(argv.indexOf("mocha") + 1));
    const { files } = collect({
      ignore: options.ignore ?? [],
      extension: options.extension,
      file: options.file ?? [],
      spec: options._,
      recursive: false,
    });
    return files.map((f: string) => path.relative(ROOT, f));
  } finally {
    process.chdir(cwd);
  }
}

describe("the test stages", () => {
  const scripts: Record<string, string> = JSON.parse(
    fs.readFileSync(path.join(ROOT, "package.json"), "utf8"),
  ).scripts;
  /** The `exec mocha` line of a tier's script. */
  const tierLine = (script: string) =>
    fs
      .readFileSync(path.join(ROOT, script), "utf8")
      .split("\n")
      .find((l) => l.startsWith("exec mocha "))!;

  it("run every test file once, in npm test or in npm run test:tiers", () => {
    const stages: Record<string, string[]> = {
      "test:unit": mochaFiles(scripts["test:unit"]),
      "test:slow": mochaFiles(scripts["test:slow"]),
      "test:verify": mochaFiles(tierLine("tools/moto/test-tier.sh")),
      "test:lint-policies": mochaFiles(tierLine("tools/parliament/test-tier.sh")),
      "test:cli": mochaFiles(tierLine("tools/pulumi-cli/test-tier.sh")),
    };
    const all = fs
      .readdirSync(path.join(ROOT, "test"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => path.join("test", f));
    for (const file of all) {
      const runIn = Object.keys(stages).filter((s) => stages[s].includes(file));
      assert.equal(runIn.length, 1, `${file} runs in ${runIn.join(", ") || "no stage"}`);
    }
    assert.ok(stages["test:slow"].includes(path.join("test", "program.slow.test.ts")));
  });

  it("are what npm test and npm run test:tiers run", () => {
    assert.deepEqual(words(scripts.test), [
      "npm",
      "run",
      "test:static",
      "&&",
      "npm",
      "run",
      "test:unit",
    ]);
    const tiers = words(scripts["test:tiers"]).filter((w) => w.startsWith("test:"));
    assert.deepEqual(tiers.sort(), [
      "test:cli",
      "test:coverage",
      "test:lint-policies",
      "test:slow",
      "test:verify",
    ]);
    assert.equal(scripts["test:coverage"], "c8 npm run -s test:unit");
  });
});
