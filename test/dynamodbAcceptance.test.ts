import assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../components/config";
import { assertServesShredder, createTable, startDynamoDB } from "./dynamodb";
import { projectConfig } from "./harness";
import { runComponent } from "./componentHarness";

const TABLE = "aws:dynamodb/table:Table";

async function declaredTable(values: Record<string, string>) {
  return (await runComponent(projectConfig(values))).one(TABLE).inputs;
}

describe("the declared table in a DynamoDB implementation (dynalite)", () => {
  for (const billingMode of ["PROVISIONED", "PAY_PER_REQUEST"]) {
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
    const rejected: [string, Record<string, string>][] = [
      ["a 2-character table name", { tableName: "ab" }],
      ["a 256-character table name", { tableName: "t".repeat(256), policyName: "p" }],
      ["a table name with a space", { tableName: "my table" }],
      ["a table name with a slash", { tableName: "a/b" }],
      ["a write capacity of 0", { writeCapacity: "0" }],
      ["a read capacity of 0", { readCapacity: "0" }],
      ["a negative write capacity", { writeCapacity: "-1" }],
    ];
    for (const [what, values] of rejected) {
      it(`refuses ${what}`, async () => {
        assert.throws(
          () => parseStackConfig(projectConfig(values), "snowplow-dedup", "dev"),
          ConfigError,
        );
        const inputs: Record<string, any> = {
          ...(await declaredTable({})),
          name: values.tableName ?? "valid-name",
        };
        if (values.writeCapacity) inputs.writeCapacity = Number(values.writeCapacity);
        if (values.readCapacity) inputs.readCapacity = Number(values.readCapacity);
        const db = await startDynamoDB();
        try {
          await assert.rejects(createTable(db, inputs), { name: "ValidationException" });
        } finally {
          await db.close();
        }
      });
    }

    // The limits themselves are accepted by both.
    const accepted: [string, Record<string, string>][] = [
      ["a 3-character table name", { tableName: "abc" }],
      ["a 255-character table name", { tableName: "t".repeat(255), policyName: "p" }],
      ["capacities of 1", { writeCapacity: "1", readCapacity: "1" }],
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
