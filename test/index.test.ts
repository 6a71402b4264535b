import assert from "node:assert/strict";
import {
  committedStacks,
  loadStackConfig,
  projectConfig,
  runProgram,
  stoppedWithMessage,
  tryRunProgram,
  declaredAws,
} from "./harness";

const TABLE = "aws:dynamodb/table:Table";
const POLICY = "aws:iam/policy:Policy";

describe("index.ts", () => {
  describe("with each committed stack file", () => {
    it("finds the dev and prod stacks", () => {
      assert.deepEqual(committedStacks(), ["dev", "prod"]);
    });

    for (const stack of committedStacks()) {
      it(`declares one table and one policy for ${stack}`, async () => {
        const r = await runProgram(loadStackConfig(stack), stack);
        assert.equal(r.ofType(TABLE).length, 1);
        assert.equal(r.ofType(POLICY).length, 1);
        const doc = JSON.parse(r.one(POLICY).inputs.policy);
        assert.equal(doc.Statement[0].Resource.length, 1);
        assert.match(doc.Statement[0].Resource[0], /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\//);
      });
    }

    it("guards the production table with deletion protection, point-in-time recovery and protect", async () => {
      const table = (await runProgram(loadStackConfig("prod"), "prod")).one(TABLE);
      assert.equal(table.inputs.deletionProtectionEnabled, true);
      assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
      assert.equal(table.protect, true);
    });

    it("attaches the policy to the EMR instance role in both stacks", async () => {
      for (const stack of ["dev", "prod"]) {
        const r = await runProgram(loadStackConfig(stack), stack);
        const roles = r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(
          roles.map((a) => a.inputs.role),
          ["EMR_EC2_DefaultRole"],
          stack,
        );
      }
    });
  });

  describe("with a key or topic where the table is not", () => {
    const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("asks for aws:region when it is unset, rather than let the key go unchecked", async () => {
      // No aws:region at all: the key's own region is what the message suggests.
      const r = await tryRunProgram({ "snowplow-dedup:kmsKeyArn": KEY });
      assert.ok(stoppedWithMessage(r), r.stderr);
      assert.match(r.error, /kmsKeyArn needs aws:region, .* set aws:region to 'us-east-1'/);
      assert.deepEqual(declaredAws(r), []);
    });
  });

  describe("with bad config", () => {
    // [what, config, the key the error must name]
    // The program's rules are covered case by case in config.test.ts; these show that a failing
    // rule stops the whole program, through the SDK's own entry point, before anything is declared.
    const cases: [string, Record<string, string>, string][] = [
      ["a capacity of 1.5", { writeCapacity: "1.5" }, "writeCapacity"],
      ["an unknown key", { writeCapcity: "100" }, "writeCapcity"],
      [
        "a capacity with PAY_PER_REQUEST",
        { billingMode: "PAY_PER_REQUEST", writeCapacity: "100" },
        "writeCapacity",
      ],
    ];
    for (const [what, values, key] of cases) {
      it(`stops on ${what} with its own message naming ${key}, and declares nothing`, async () => {
        const r = await tryRunProgram(projectConfig(values));
        assert.ok(stoppedWithMessage(r), `expected the program's own message, got ${r.stderr}`);
        assert.ok(r.error.includes(key), r.error);
        assert.deepEqual(declaredAws(r), []);
      });
    }
  });
});
