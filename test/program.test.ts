/**
 * The committed plans, through the program's own entry point: `npm test` checks that each stack's
 * plan is up to date, and what it declares. The plan command's other runs (bad config from the
 * command line, several stacks, a changed copy of the project) are in program.slow.test.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { planJson, planPath, planStack, planText } from "../commands/plan";
import { committedStacks, ROOT } from "./harness";

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

    // Release 0.1.0 typed the component snowplow:dedup:DuplicateStorage, and a child's URN
    // carries its parent's type. Without these aliases every one of them would be replaced.
    for (const stack of committedStacks()) {
      it(`keeps the URN of release 0.1.0 of every resource as an alias, for ${stack}`, async () => {
        const old = `urn:pulumi:${stack}::snowplow-dedup::snowplow:dedup:DuplicateStorage`;
        const p = await plan(stack);
        for (const r of p.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")) {
          const expected =
            r.parent === "snowplow-dedup" ? `${old}$${r.type}::${r.name}` : `${old}::${r.name}`;
          assert.deepEqual((r.options as { aliases?: string[] }).aliases, [expected], r.name);
        }
        // One worked by hand, from a 0.1.0 state file's URNs.
        const table = of(p, TABLE)[0];
        assert.deepEqual((table.options as { aliases?: string[] }).aliases, [
          `urn:pulumi:${stack}::snowplow-dedup::snowplow:dedup:DuplicateStorage$aws:dynamodb/table:Table::snowplow-dedup-table`,
        ]);
      });
    }

    it("guards the production table with deletion protection, point-in-time recovery and protect", async () => {
      const [table] = of(await plan("prod"), TABLE);
      assert.equal(table.inputs.deletionProtectionEnabled, true);
      assert.deepEqual(table.inputs.pointInTimeRecovery, {
        enabled: true,
        recoveryPeriodInDays: 35,
      });
      assert.equal(table.options.protect, true);
    });
  });

  it("has no committed plan for a stack file that no longer exists", () => {
    const plans = fs.readdirSync(path.join(ROOT, "plans")).map((f) => f.replace(/\.json$/, ""));
    assert.deepEqual(plans.sort(), committedStacks());
  });

  it("shows each resource with its parent, the policy document and the outputs as text", async () => {
    const text = planText(await plan("prod"));
    assert.match(text, /^\+ pulumi:pulumi:Stack {2}snowplow-dedup-prod$/m);
    assert.match(text, /^ {2}\+ snowplowdedup:index:DuplicateStorage {2}snowplow-dedup$/m);
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
});
