import assert from "node:assert/strict";
import { BillingMode, type DuplicateStorageArgs } from "snowplowdedup";
import { assertServesShredder, createTable, startDynamoDB } from "./dynamodb";
import { runComponent } from "./harness";

const TABLE = "aws:dynamodb/table:Table";

async function declaredTable(args: DuplicateStorageArgs) {
  return (await runComponent(args)).one(TABLE).inputs;
}

describe("the declared table in a DynamoDB implementation (dynalite)", () => {
  for (const billingMode of [BillingMode.Provisioned, BillingMode.PayPerRequest]) {
    it(`serves the shredder's writes with ${billingMode} billing`, async () => {
      await assertServesShredder(await declaredTable({ billingMode }));
    });
  }

  it("would not, keyed by eventId alone", async () => {
    const { rangeKey: _, ...inputs } = await declaredTable({});
    inputs.attributes = inputs.attributes.filter((a: { name: string }) => a.name === "eventId");
    await assert.rejects(assertServesShredder(inputs), /key element does not match the schema/);
  });

  describe("rejects what the program's validation rejects", () => {
    // [what, config]: both the program and the service must refuse each.
    const rejected: [string, DuplicateStorageArgs][] = [
      ["a 2-character table name", { tableName: "ab" }],
      ["a 256-character table name", { tableName: "t".repeat(256), policyName: "p" }],
      ["a table name with a space", { tableName: "my table" }],
      ["a table name with a slash", { tableName: "a/b" }],
      ["a write capacity of 0", { writeCapacity: 0 }],
      ["a read capacity of 0", { readCapacity: 0 }],
      ["a negative write capacity", { writeCapacity: -1 }],
    ];
    for (const [what, values] of rejected) {
      it(`refuses ${what}`, async () => {
        const refused = await runComponent(values);
        assert.equal(refused.exitCode, 1);
        assert.deepEqual(refused.ofType(TABLE), []);
        const inputs: Record<string, any> = {
          ...(await declaredTable({})),
          name: values.tableName ?? "valid-name",
        };
        if (values.writeCapacity !== undefined) inputs.writeCapacity = values.writeCapacity;
        if (values.readCapacity !== undefined) inputs.readCapacity = values.readCapacity;
        const db = await startDynamoDB();
        try {
          await assert.rejects(createTable(db, inputs), { name: "ValidationException" });
        } finally {
          await db.close();
        }
      });
    }

    // The limits themselves are accepted by both.
    const accepted: [string, DuplicateStorageArgs][] = [
      ["a 3-character table name", { tableName: "abc" }],
      ["a 255-character table name", { tableName: "t".repeat(255), policyName: "p" }],
      ["capacities of 1", { writeCapacity: 1, readCapacity: 1 }],
    ];
    for (const [what, values] of accepted) {
      it(`accepts ${what}`, async () => {
        const inputs = await declaredTable(values);
        const db = await startDynamoDB();
        try {
          await createTable(db, inputs);
        } finally {
          await db.close();
        }
      });
    }
  });
});
