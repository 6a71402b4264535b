/**
 * The real Pulumi CLI on every committed stack, on a fresh stack and on bad config. See
 * pulumiCli.ts for what runs and what it proves.
 */
import assert from "node:assert/strict";
import { PreviewStep, Workspace } from "./pulumiCli";

const TABLE = "aws:dynamodb/table:Table";

function created(steps: PreviewStep[], type: string): Record<string, any>[] {
  return steps
    .filter((s) => s.op === "create" && s.newState?.type === type)
    .map((s) => s.newState!.inputs);
}

describe("the real Pulumi CLI", function () {
  this.timeout(300_000);
  let ws: Workspace;
  before(() => {
    ws = new Workspace(["Pulumi.dev.yaml", "Pulumi.prod.yaml"]);
  });
  after(() => ws.dispose());

  describe("with the committed dev stack", () => {
    it("creates the stack and passes the CLI's config check", () => {
      ws.ok("stack", "init", "dev");
      const config = JSON.parse(ws.ok("config", "--stack", "dev", "--json"));
      assert.equal(config["aws:region"].value, "eu-west-1");
    });

    it("previews the table and policy that Pulumi.dev.yaml describes", () => {
      const steps = ws.preview("dev");
      const [table] = created(steps, TABLE);
      assert.equal(table.name, "snowplow-deduplication-dev");
      assert.equal(table.writeCapacity, 10);
      assert.equal(table.readCapacity, 1);
      assert.deepEqual(table.tags, { environment: "dev", owner: "data-engineering" });
      const [policy] = created(steps, "aws:iam/policy:Policy");
      assert.equal(policy.name, "snowplow-deduplication-dev-shredder");
      const [attachment] = created(steps, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.equal(attachment.role, "EMR_EC2_DefaultRole");
    });
  });

  describe("with the committed prod stack", () => {
    it("creates the stack and passes the CLI's config check", () => {
      ws.ok("stack", "init", "prod");
      ws.ok("config", "--stack", "prod");
    });

    it("previews the table that Pulumi.prod.yaml describes, with its autoscaling and alarms", () => {
      const steps = ws.preview("prod");
      const [table] = created(steps, TABLE);
      assert.equal(table.name, "snowplow-deduplication");
      assert.equal(table.writeCapacity, 500);
      assert.equal(table.deletionProtectionEnabled, true);
      // The engine registers the write and read targets in either order, so pick the write one by dimension.
      const targets = created(steps, "aws:appautoscaling/target:Target");
      const target = targets.find(
        (t) => t.scalableDimension === "dynamodb:table:WriteCapacityUnits",
      );
      assert.equal(target?.maxCapacity, 6000);
      // Throttled writes, writes near the ceiling, and no writes at all.
      assert.equal(created(steps, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 3);
    });
  });

  describe("with a new stack that sets nothing but aws:region", () => {
    it("passes the CLI's config check and previews the defaults", () => {
      ws.ok("stack", "init", "fresh");
      ws.ok("config", "set", "aws:region", "us-east-1", "--stack", "fresh");
      const [table] = created(ws.preview("fresh"), TABLE);
      assert.equal(table.name, "snowplow-deduplication-fresh");
      assert.equal(table.billingMode, "PROVISIONED");
      assert.equal(table.writeCapacity, 100);
    });

    it("accepts an on-demand table, which leaves writeCapacity unset", () => {
      ws.ok("config", "set", "billingMode", "PAY_PER_REQUEST", "--stack", "fresh");
      const [table] = created(ws.preview("fresh"), TABLE);
      assert.equal(table.billingMode, "PAY_PER_REQUEST");
      assert.equal(table.writeCapacity, undefined);
      ws.ok("config", "rm", "billingMode", "--stack", "fresh");
    });
  });

  describe("with bad config", () => {
    it("stops at the CLI's own type check for a declared key, and creates nothing", () => {
      ws.ok("stack", "init", "bad-type");
      ws.ok("config", "set", "aws:region", "us-east-1", "--stack", "bad-type");
      ws.ok("config", "set", "protect", "maybe", "--stack", "bad-type");
      const r = ws.pulumi("up", "--yes", "--stack", "bad-type");
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /configuration key 'protect' must be of type 'boolean'/);
      assert.deepEqual(ws.state("bad-type"), []);
    });

    it("refuses a key set with --secret, whose value would show in plain outputs", () => {
      ws.ok("stack", "init", "bad-secret");
      ws.ok("config", "set", "aws:region", "us-east-1", "--stack", "bad-secret");
      ws.ok("config", "set", "--secret", "tableName", "dedup-secret", "--stack", "bad-secret");
      const r = ws.pulumi("preview", "--stack", "bad-secret");
      assert.notEqual(r.code, 0);
      assert.match(
        r.stdout + r.stderr,
        /tableName was set with --secret, but none of this program/,
      );
    });

    it("stops at the program's rules with one line per problem, and creates nothing", () => {
      ws.ok("stack", "init", "bad-values");
      ws.ok("config", "set", "aws:region", "us-east-1", "--stack", "bad-values");
      ws.ok("config", "set", "writeCapacity", "1.5", "--stack", "bad-values");
      ws.ok("config", "set", "writeCapcity", "100", "--stack", "bad-values");
      const r = ws.pulumi("up", "--yes", "--stack", "bad-values");
      const out = r.stdout + r.stderr;
      assert.notEqual(r.code, 0);
      assert.match(
        out,
        /writeCapacity must be a whole number from 1 to 40000 \(tableWriteQuota\), got '1\.5'/,
      );
      assert.match(
        out,
        /unknown config key 'writeCapcity' \(value '100'\): did you mean 'writeCapacity'\?/,
      );
      assert.doesNotMatch(out, /at .*\.ts:\d+/, "no stack trace");
      const types = ws.state("bad-values").map((r) => r.type);
      assert.ok(!types.some((t) => t.startsWith("aws:")), types.join(", "));
    });
  });

  describe("with a table that the capacity model says would throttle", () => {
    it("warns in one line of pulumi preview, naming the cheapest setup that would not", () => {
      ws.ok("stack", "init", "throttled");
      const set = (...args: string[]) => ws.ok("config", "set", ...args, "--stack", "throttled");
      set("aws:region", "eu-west-1");
      set("expectedEventsPerRun", "10000000");
      set("targetRunMinutes", "30");
      set("writeCapacity", "500");
      set("--path", "autoscaling.maxWriteCapacity", "6000");
      const out = ws.ok("preview", "--stack", "throttled");
      // The CLI shows a resource's warning on its progress line and once more, whole, among the
      // diagnostics at the end.
      const diagnostics = out.slice(out.indexOf("Diagnostics:"));
      const lines = diagnostics.split("\n").filter((l) => l.includes("Writes would be throttled"));
      assert.equal(lines.length, 1, out);
      // The old production example: 14 minutes (throughputModel.test.ts). For one run a day on
      // demand costs 10 million × 30.4167 × 0.625 a million = 190.10, below scheduled scaling
      // from a floor of 500 (65 minutes at 5,556 and 22.9167 h at 500: 17,477 unit-hours a day,
      // USD 346 a month). Storage: 10 million items a day for 182 days, 208 bytes each, 352.56
      // GiB: (352.56 - 25) × 0.25 = 81.89 on Standard, so 271.99; on Standard-IA 237.25 + 35.26.
      assert.match(lines[0], /^ +warning: Writes would be throttled in 14 of the 30 minutes/);
      assert.match(
        lines[0],
        /would not: on-demand with a warm throughput of 5556 writes a second, table class Standard, about USD 271\.99 a month/,
      );
    });
  });
});
