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

/** A committed stack's plan, made once for this file. */
const made = new Map<string, ReturnType<typeof planStack>>();
function plan(stack: string): ReturnType<typeof planStack> {
  if (!made.has(stack)) made.set(stack, planStack(stack));
  return made.get(stack)!;
}

describe("the offline plan", () => {
  for (const stack of committedStacks()) {
    it(`is committed and up to date for ${stack}`, async () => {
      const file = planPath(stack);
      assert.ok(fs.existsSync(file), `plans/${stack}.json is missing: run npm run plan:update`);
      const committed = fs.readFileSync(file, "utf8");
      const fresh = planJson(await plan(stack));
      assert.ok(
        committed === fresh,
        `plans/${stack}.json is out of date with the program or Pulumi.${stack}.yaml, or the ` +
          "plan is not the same from one run to the next: run `npm run plan:update` and commit",
      );
    });
  }

  describe("of the committed stacks, through the program's own entry point", () => {
    const TABLE = "aws:dynamodb/table:Table";
    const POLICY = "aws:iam/policy:Policy";
    const of = (p: Awaited<ReturnType<typeof planStack>>, type: string) =>
      p.resources.filter((r) => r.type === type);

    for (const stack of committedStacks()) {
      it(`declares one table, and one policy on that table alone, for ${stack}`, async () => {
        const p = await plan(stack);
        assert.equal(of(p, TABLE).length, 1);
        assert.equal(of(p, POLICY).length, 1);
        const doc = of(p, POLICY)[0].inputs.policy as { Statement: { Resource: string[] }[] };
        assert.equal(doc.Statement[0].Resource.length, 1);
        assert.match(doc.Statement[0].Resource[0], /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\//);
        const roles = of(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(
          roles.map((a) => a.inputs.role),
          ["EMR_EC2_DefaultRole"],
        );
      });
    }

    it("guards the production table with deletion protection, point-in-time recovery and protect", async () => {
      const [table] = of(await plan("prod"), TABLE);
      assert.equal(table.inputs.deletionProtectionEnabled, true);
      assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
      assert.equal(table.options.protect, true);
    });
  });

  it("has no committed plan for a stack file that no longer exists", () => {
    const plans = fs.readdirSync(path.join(ROOT, "plans")).map((f) => f.replace(/\.json$/, ""));
    assert.deepEqual(plans.sort(), committedStacks());
  });

  it("notices a changed stack file, and hides secret outputs", async () => {
    const dir = scratchProject((d) => {
      const file = path.join(d, "Pulumi.dev.yaml");
      const text = fs
        .readFileSync(file, "utf8")
        .replace(/writeCapacity: \d+/, "writeCapacity: 321");
      fs.writeFileSync(file, `${text}  snowplow-dedup:createShredderUser: true\n`);
    });
    try {
      const changed = await planStack("dev", dir);
      const json = planJson(changed);
      assert.notEqual(json, fs.readFileSync(planPath("dev"), "utf8"));
      assert.match(json, /"writeCapacity": 321/);
      assert.equal(changed.outputs.duplicateStorageConfig, "[secret]");
      assert.equal(changed.outputs.duplicateStorageConfigBase64, "[secret]");
      assert.ok(!json.includes("EXAMPLEKEY"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows each resource with its parent, the policy document and the outputs as text", async () => {
    const text = planText(await plan("prod"));
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

  it("stops on bad config with the program's own messages, from the command line", () => {
    // index.ts through the SDK's own entry point, as `npm run plan` runs it: every bad key named,
    // the region read by the program itself, no stack trace, and no plan. (That nothing gets
    // created is shown with the real CLI in test/cli/stacks.test.ts.)
    const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const dir = scratchProject((d) => {
      const file = path.join(d, "Pulumi.dev.yaml");
      const text = fs.readFileSync(file, "utf8").replace(/^ {2}aws:region: .*\n/m, "");
      fs.writeFileSync(
        file,
        `${text}  snowplow-dedup:writeCapcity: 100\n  snowplow-dedup:kmsKeyArn: ${KEY}\n`,
      );
    });
    try {
      const result = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "dev", "--dir", dir],
        { cwd: ROOT, encoding: "utf8" },
      );
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /nothing was created/);
      assert.match(
        result.stderr,
        /unknown config key 'writeCapcity'.*did you mean 'writeCapacity'/,
      );
      assert.match(result.stderr, /kmsKeyArn needs aws:region, .* set aws:region to 'us-east-1'/);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, "no stack trace");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
