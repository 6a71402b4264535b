import assert from "node:assert/strict";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
  committedStacks,
  loadStackConfig,
  projectConfig,
  runProgram,
  tryRunProgram,
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

  describe("with bad config", () => {
    // [what, config, the key the error must name]
    const cases: [string, Record<string, string>, string][] = [
      ["a capacity of 0", { writeCapacity: "0" }, "writeCapacity"],
      ["a negative capacity", { readCapacity: "-1" }, "readCapacity"],
      ["a capacity of 1.5", { writeCapacity: "1.5" }, "writeCapacity"],
      ["a capacity of abc", { writeCapacity: "abc" }, "writeCapacity"],
      [
        "a capacity with PAY_PER_REQUEST",
        { billingMode: "PAY_PER_REQUEST", writeCapacity: "100" },
        "writeCapacity",
      ],
      ["a name that is too short", { tableName: "ab" }, "tableName"],
      ["a name that is too long", { policyName: "p".repeat(129) }, "policyName"],
      ["a name with a character that is not allowed", { tableName: "snowplow dedup" }, "tableName"],
      ["an unknown billing mode", { billingMode: "ON_DEMAND" }, "billingMode"],
      [
        "attachToRoles as a plain string",
        { attachToRoles: "EMR_EC2_DefaultRole" },
        "attachToRoles",
      ],
      ["an unknown key", { writeCapcity: "100" }, "writeCapcity"],
      [
        "the legacy format without a user",
        { shredderConfigFormat: "1-0-1" },
        "shredderConfigFormat",
      ],
    ];
    for (const [what, values, key] of cases) {
      it(`rejects ${what} with a RunError naming ${key}, and declares nothing`, async () => {
        const r = await tryRunProgram(projectConfig(values));
        assert.ok(pulumi.RunError.isInstance(r.error), `expected a RunError, got ${r.error}`);
        assert.ok(String((r.error as Error).message).includes(key), String(r.error));
        assert.deepEqual(r.resources, []);
      });
    }
  });

  describe("properties", () => {
    const nameChar = fc.constantFrom(
      ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-",
    );
    const capacity = fc.integer({ min: 1, max: 40000 });

    it("puts any valid table name and capacities into the table's inputs unchanged", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: nameChar, minLength: 3, maxLength: 255 }),
          capacity,
          capacity,
          async (tableName, write, read) => {
            const r = await runProgram(
              projectConfig({
                tableName,
                policyName: "shredder",
                writeCapacity: String(write),
                readCapacity: String(read),
              }),
            );
            const table = r.one(TABLE).inputs;
            assert.equal(table.name, tableName);
            assert.equal(table.writeCapacity, write);
            assert.equal(table.readCapacity, read);
          },
        ),
        { numRuns: 25 },
      );
    });

    it("declares nothing for any invalid capacity, and names the key", async () => {
      const bad = fc.oneof(
        fc.integer({ max: 0 }).map(String),
        fc.integer({ min: 40001 }).map(String),
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .filter((d) => !Number.isInteger(d))
          .map(String),
        fc.string().filter((s) => !/^\s*[+-]?\d+(\.\d+)?\s*$/.test(s)),
      );
      await fc.assert(
        fc.asyncProperty(
          bad,
          fc.constantFrom("writeCapacity", "readCapacity"),
          async (value, key) => {
            const r = await tryRunProgram(projectConfig({ [key]: value }));
            assert.ok(String(r.error).includes(`${key} must be`), String(r.error));
            assert.deepEqual(r.resources, []);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
});
