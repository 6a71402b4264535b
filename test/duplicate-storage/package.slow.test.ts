/**
 * The library as a package: a program of another team's uses it by its name, and Pulumi's own
 * schema inference (the analyzer that `pulumi package get-schema` runs for a TypeScript component)
 * reads its arguments and outputs.
 */
import assert from "node:assert/strict";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { KEYS } from "snowplowdedup/args";
import { COMPONENT_OUTPUTS } from "../harness";
import { LIBRARY, PACKAGE, runConsumer } from "./consumer/run";

describe("the library as a package", () => {
  describe("in a TypeScript program of its own, under Pulumi's mocks", () => {
    let report: any;
    before(function () {
      this.timeout(60_000);
      report = runConsumer();
    });

    it("gets the table it asked for", () => {
      assert.deepEqual(report.table, {
        name: "snowplow-deduplication-staging",
        writeCapacity: 50,
        hashKey: "eventId",
      });
      assert.equal(
        report.outputs.tableArn,
        "arn:aws:dynamodb:eu-west-1:111122223333:table/snowplow-deduplication-staging",
      );
    });

    it("gets the policy on that table, and its attachment to the program's own role", () => {
      assert.equal(report.policy.name, "snowplow-deduplication-staging-shredder");
      assert.deepEqual(report.policy.document.Statement[0].Resource, [report.outputs.tableArn]);
      // The mocks name a role without a name of its own <resource name>-1a2b3c4.
      assert.deepEqual(report.attachment, { role: "emr-instances-1a2b3c4" });
    });

    it("gets one error that names each bad argument, and no table", () => {
      const lines = report.refusal.split("\n");
      assert.equal(lines[0], "Invalid arguments of DuplicateStorage 'bad' (nothing was created):");
      assert.equal(lines.length, 4, report.refusal);
      for (const name of ["tableName", "writeCapacity", "attachToRoles[0]"]) {
        assert.equal(lines.filter((l: string) => l.startsWith(`  - ${name} `)).length, 1, name);
      }
      // Only the refused component itself reached the engine, none of its children.
      assert.deepEqual(report.registeredForRefused, ["snowplowdedup:index:DuplicateStorage::bad"]);
    });
  });

  describe("to Pulumi's schema inference", () => {
    let analysis: ReturnType<Analyzer["analyze"]>;
    before(function () {
      this.timeout(60_000);
      analysis = new Analyzer(
        LIBRARY,
        PACKAGE.name,
        PACKAGE,
        new Set(["DuplicateStorage"]),
      ).analyze();
    });

    it("shows every argument, with its description", () => {
      const { inputs } = analysis.components.DuplicateStorage;
      assert.deepEqual(Object.keys(inputs).sort(), Object.keys(KEYS).sort());
      for (const [name, input] of Object.entries(inputs)) {
        assert.ok((input.description ?? "").length > 20, name);
      }
    });

    it("takes from resources exactly the values that may come from them", () => {
      const { inputs } = analysis.components.DuplicateStorage;
      const fromResources = Object.entries(inputs)
        .filter(
          ([, input]) =>
            !input.plain ||
            (input.items && !input.items.plain) ||
            (input.additionalProperties && !input.additionalProperties.plain),
        )
        .map(([name]) => name);
      // The lists' items, the key and the tag values; the topic is inside AlarmArgs.
      assert.deepEqual(fromResources.sort(), [
        "attachToGroups",
        "attachToRoles",
        "attachToUsers",
        "kmsKeyArn",
        "tags",
      ]);
      const alarm = analysis.typeDefinitions.AlarmArgs as { properties: Record<string, any> };
      assert.equal(alarm.properties.snsTopicArn.plain, undefined);
      assert.equal(alarm.properties.throttledWritesThreshold.plain, true);
    });

    it("names the choices as enums", () => {
      const billing = analysis.typeDefinitions.BillingMode as { enum: { value: string }[] };
      assert.deepEqual(
        billing.enum.map((e) => e.value),
        ["PROVISIONED", "PAY_PER_REQUEST"],
      );
      const format = analysis.typeDefinitions.ShredderConfigFormat as { enum: { value: string }[] };
      assert.deepEqual(
        format.enum.map((e) => e.value),
        ["2-0-0", "1-0-1"],
      );
    });

    it("shows the outputs a user hands the shredder, and no resource", () => {
      const { outputs } = analysis.components.DuplicateStorage;
      assert.deepEqual(Object.keys(outputs).sort(), COMPONENT_OUTPUTS);
      // A resource among the outputs would make the schema depend on the AWS provider's.
      assert.deepEqual(analysis.dependencies, []);
    });
  });
});
