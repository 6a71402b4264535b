import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planJson, planPath, planStack, planText } from "../scripts/plan";
import { committedStacks, ROOT } from "./harness";

/** A copy of the project files a plan reads, in a temporary folder. */
function scratchProject(edit: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  edit(dir);
  return dir;
}

describe("the offline plan", () => {
  for (const stack of committedStacks()) {
    it(`is committed and up to date for ${stack}`, async () => {
      const file = planPath(stack);
      assert.ok(fs.existsSync(file), `plans/${stack}.json is missing: run npm run plan:update`);
      const committed = fs.readFileSync(file, "utf8");
      const fresh = planJson(await planStack(stack));
      assert.ok(
        committed === fresh,
        `plans/${stack}.json is out of date with the program or Pulumi.${stack}.yaml: ` +
          "run `npm run plan:update` and commit the result",
      );
    });
  }

  it("has no committed plan for a stack file that no longer exists", () => {
    const plans = fs.readdirSync(path.join(ROOT, "plans")).map((f) => f.replace(/\.json$/, ""));
    assert.deepEqual(plans.sort(), committedStacks());
  });

  it("notices a changed capacity in a stack file", async () => {
    const dir = scratchProject((d) => {
      const file = path.join(d, "Pulumi.prod.yaml");
      fs.writeFileSync(
        file,
        fs.readFileSync(file, "utf8").replace(/writeCapacity: \d+/, "writeCapacity: 321"),
      );
    });
    try {
      const changed = planJson(await planStack("prod", dir));
      assert.notEqual(changed, fs.readFileSync(planPath("prod"), "utf8"));
      assert.match(changed, /"writeCapacity": 321/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is the same from one run to the next", async () => {
    assert.equal(planJson(await planStack("dev")), planJson(await planStack("dev")));
  });

  it("shows each resource with its parent, the policy document and the outputs as text", async () => {
    const text = planText(await planStack("prod"));
    assert.match(text, /^\+ pulumi:pulumi:Stack {2}snowplow-dedup-prod$/m);
    assert.match(text, /^ {2}\+ snowplow:dedup:DuplicateStorage {2}snowplow-dedup$/m);
    assert.match(
      text,
      /^ {4}\+ aws:dynamodb\/table:Table {2}snowplow-dedup-table {2}\{"protect":true,/m,
    );
    assert.match(
      text,
      /IAM policy document of snowplow-dedup-policy:\n\{\n {2}"Version": "2012-10-17"/,
    );
    assert.match(text, /^tableName: snowplow-deduplication$/m);
  });

  it("hides secret outputs", async () => {
    const dir = scratchProject((d) =>
      fs.appendFileSync(
        path.join(d, "Pulumi.dev.yaml"),
        "  snowplow-dedup:createShredderUser: true\n",
      ),
    );
    try {
      const plan = await planStack("dev", dir);
      assert.equal(plan.outputs.duplicateStorageConfig, "[secret]");
      assert.equal(plan.outputs.duplicateStorageConfigBase64, "[secret]");
      assert.ok(!planJson(plan).includes("EXAMPLEKEY"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 1 with the program's own message on bad config, from the command line", () => {
    const dir = scratchProject((d) =>
      fs.appendFileSync(path.join(d, "Pulumi.dev.yaml"), "  snowplow-dedup:writeCapcity: 100\n"),
    );
    try {
      const result = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "dev", "--dir", dir],
        { cwd: ROOT, encoding: "utf8" },
      );
      assert.equal(result.status, 1, result.stderr);
      assert.match(
        result.stderr,
        /unknown config key 'writeCapcity'.*did you mean 'writeCapacity'/,
      );
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, "no stack trace");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
