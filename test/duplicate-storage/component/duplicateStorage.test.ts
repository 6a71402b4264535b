import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmArgs, DuplicateStorageArgs } from "snowplowdedup";
import { ACCOUNT, DEFAULT_REGION, Run, output } from "../../harness";
import * as aws from "@pulumi/aws";
import { RunOptions, promiseOf, runComponent } from "./harness";
import { validateAgainstIglu } from "../../iglu";
import awsCron from "aws-cron-parser";

const TABLE = "aws:dynamodb/table:Table";
const POLICY = "aws:iam/policy:Policy";
const ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
const USER = "aws:iam/user:User";
const ACCESS_KEY = "aws:iam/accessKey:AccessKey";
const COMPONENT = "snowplowdedup:index:DuplicateStorage";

function run(
  args: DuplicateStorageArgs | (() => DuplicateStorageArgs) = {},
  options: RunOptions = {},
) {
  return runComponent(args, options);
}

function policyOf(r: Run) {
  return JSON.parse(r.one(POLICY).inputs.policy) as {
    Version: string;
    Statement: { Effect: string; Action: string[]; Resource: string[] }[];
  };
}

/** The plan's warning that a cheaper setup would serve as well. */
const isCostWarning = (message: string) => message.startsWith("This setup costs about USD ");

describe("DuplicateStorage", () => {
  describe("the table", () => {
    it("is keyed by eventId and fingerprint, both strings, with no other attributes", async () => {
      const table = (await run()).one(TABLE).inputs;
      assert.equal(table.hashKey, "eventId");
      assert.equal(table.rangeKey, "fingerprint");
      assert.deepEqual(table.attributes, [
        { name: "eventId", type: "S" },
        { name: "fingerprint", type: "S" },
      ]);
    });

    it("expires items through TTL on the attribute ttl, which the shredder writes", async () => {
      assert.deepEqual((await run()).one(TABLE).inputs.ttl, {
        attributeName: "ttl",
        enabled: true,
      });
    });

    it("is provisioned with 100 write and 5 read units by default", async () => {
      const table = (await run()).one(TABLE).inputs;
      assert.equal(table.billingMode, "PROVISIONED");
      assert.equal(table.writeCapacity, 100);
      assert.equal(table.readCapacity, 5);
    });

    it("takes its name and capacities from config", async () => {
      const table = (await run({ tableName: "dedup", writeCapacity: 750, readCapacity: 2 })).one(
        TABLE,
      ).inputs;
      assert.equal(table.name, "dedup");
      assert.equal(table.writeCapacity, 750);
      assert.equal(table.readCapacity, 2);
    });

    it("is named after the stack by default", async () => {
      assert.equal(
        (await run({}, { stack: "staging" })).one(TABLE).inputs.name,
        "snowplow-deduplication-staging",
      );
    });

    it("declares no capacity with on-demand billing", async () => {
      const table = (await run({ billingMode: "PAY_PER_REQUEST" })).one(TABLE).inputs;
      assert.equal(table.billingMode, "PAY_PER_REQUEST");
      assert.equal(table.writeCapacity, undefined);
      assert.equal(table.readCapacity, undefined);
    });

    it("has point-in-time recovery and deletion protection off by default", async () => {
      const table = (await run()).one(TABLE).inputs;
      assert.deepEqual(table.pointInTimeRecovery, { enabled: false });
      assert.equal(table.deletionProtectionEnabled, false);
    });

    it("turns on point-in-time recovery and deletion protection from config", async () => {
      const table = (await run({ pointInTimeRecovery: true, deletionProtection: true })).one(
        TABLE,
      ).inputs;
      assert.deepEqual(table.pointInTimeRecovery, { enabled: true, recoveryPeriodInDays: 35 });
      assert.equal(table.deletionProtectionEnabled, true);
    });

    it("is protected from pulumi destroy only when protect is set", async () => {
      assert.equal((await run()).one(TABLE).protect, false);
      const protectedRun = await run({ protect: true });
      assert.equal(protectedRun.one(TABLE).protect, true);
      const others = protectedRun.resources.filter((r) => r.type !== TABLE && r.protect);
      assert.deepEqual(
        others.map((r) => r.name),
        [],
      );
    });
  });

  describe("the policy", () => {
    it("allows DescribeTable and PutItem on exactly the table's output ARN", async () => {
      const r = await run({ tableName: "dedup" });
      const doc = policyOf(r);
      const tableArn = (await output(r, "tableArn")).value;
      assert.equal(tableArn, `arn:aws:dynamodb:${DEFAULT_REGION}:${ACCOUNT}:table/dedup`);
      assert.equal(doc.Version, "2012-10-17");
      assert.deepEqual(doc.Statement, [
        {
          Sid: "SnowplowShredderDeduplication",
          Effect: "Allow",
          Action: ["dynamodb:DescribeTable", "dynamodb:PutItem"],
          Resource: [tableArn],
        },
      ]);
    });

    it("follows the ARN the table reports, not one rebuilt from name and region", async () => {
      // The mock reports the table in us-east-1 while nothing else in config says so.
      const r = await run({}, { region: "us-east-1" });
      assert.match(policyOf(r).Statement[0].Resource[0], /^arn:aws:dynamodb:us-east-1:/);
    });

    it("adds CreateTable and UpdateTimeToLive with allowTableManagement", async () => {
      const doc = policyOf(await run({ allowTableManagement: true }));
      assert.equal(doc.Statement.length, 1);
      assert.deepEqual([...doc.Statement[0].Action].sort(), [
        "dynamodb:CreateTable",
        "dynamodb:DescribeTable",
        "dynamodb:PutItem",
        "dynamodb:UpdateTimeToLive",
      ]);
    });

    it("uses no wildcard in any combination", async () => {
      for (const management of [false, true]) {
        const text = (await run({ allowTableManagement: management })).one(POLICY).inputs.policy;
        assert.ok(!text.includes("*"), text);
      }
    });

    it("is named <tableName>-shredder by default, or as configured", async () => {
      assert.equal((await run({ tableName: "dedup" })).one(POLICY).inputs.name, "dedup-shredder");
      assert.equal((await run({ policyName: "my-policy" })).one(POLICY).inputs.name, "my-policy");
    });
  });

  describe("the attachments", () => {
    it("attaches the policy to nothing by default", async () => {
      const r = await run();
      for (const type of [ROLE_ATTACHMENT, USER_ATTACHMENT, GROUP_ATTACHMENT]) {
        assert.deepEqual(r.ofType(type), []);
      }
    });

    it("attaches the policy once to each listed role, user and group", async () => {
      const r = await run({
        attachToRoles: ["EMR_EC2_DefaultRole", "etl"],
        attachToUsers: ["alice"],
        attachToGroups: ["data", "ops"],
      });
      const policyArn = (await output(r, "policyArn")).value;
      const targets = (type: string, arg: string) =>
        r.ofType(type).map((a) => {
          assert.equal(a.inputs.policyArn, policyArn);
          return a.inputs[arg];
        });
      assert.deepEqual(targets(ROLE_ATTACHMENT, "role"), ["EMR_EC2_DefaultRole", "etl"]);
      assert.deepEqual(targets(USER_ATTACHMENT, "user"), ["alice"]);
      assert.deepEqual(targets(GROUP_ATTACHMENT, "group"), ["data", "ops"]);
    });
  });

  describe("the shredder user", () => {
    it("is not created by default", async () => {
      const r = await run();
      assert.deepEqual(r.ofType(USER), []);
      assert.deepEqual(r.ofType(ACCESS_KEY), []);
      assert.equal(r.outputs.shredderUserName, undefined);
    });

    it("holds only this policy and gets one access key", async () => {
      const r = await run({ createShredderUser: true });
      const userName = (await output(r, "shredderUserName")).value;
      assert.equal(typeof userName, "string");
      const policyArn = (await output(r, "policyArn")).value;
      const held = r.ofType(USER_ATTACHMENT).filter((a) => a.inputs.user === userName);
      assert.deepEqual(
        held.map((a) => a.inputs.policyArn),
        [policyArn],
      );
      assert.equal(r.one(ACCESS_KEY).inputs.user, userName);
    });
  });

  describe("the outputs", () => {
    it("name the table and the policy", async () => {
      const r = await run({ tableName: "dedup", policyName: "dedup-policy" });
      assert.equal((await output(r, "tableName")).value, "dedup");
      assert.equal((await output(r, "policyName")).value, "dedup-policy");
      assert.equal(
        (await output(r, "policyArn")).value,
        `arn:aws:iam::${ACCOUNT}:policy/dedup-policy`,
      );
      assert.equal(
        (await output(r, "tableArn")).value,
        `arn:aws:dynamodb:${DEFAULT_REGION}:${ACCOUNT}:table/dedup`,
      );
    });

    it("give a 2-0-0 duplicate-storage config with auth null, in plain text, by default", async () => {
      const r = await run({ tableName: "dedup" });
      const config = await output(r, "duplicateStorageConfig");
      const value = config.value as { schema: string; data: Record<string, unknown> };
      assert.equal(config.secret, false);
      assert.deepEqual(validateAgainstIglu(value), []);
      assert.match(value.schema, /\/2-0-0$/);
      assert.equal(value.data.auth, null);
      assert.equal(value.data.dynamodbTable, "dedup");
      assert.equal(value.data.awsRegion, DEFAULT_REGION);
    });

    it("give the same config base64-encoded, as --duplicate-storage-config takes it", async () => {
      const r = await run();
      const config = (await output(r, "duplicateStorageConfig")).value;
      const encoded = (await output(r, "duplicateStorageConfigBase64")).value as string;
      assert.deepEqual(JSON.parse(Buffer.from(encoded, "base64").toString("utf8")), config);
    });

    it("keep the config's id from one run to the next, and differ between stacks", async () => {
      const id = async (stack: string) =>
        ((await output(await run({}, { stack }), "duplicateStorageConfig")).value as any).data.id;
      const first = await id("prod");
      assert.equal(await id("prod"), first);
      assert.notEqual(await id("dev"), first);
    });

    it("carry the user's key in 2-0-0 auth, only as secrets, with createShredderUser", async () => {
      const r = await run({ createShredderUser: true });
      const config = await output(r, "duplicateStorageConfig");
      const encoded = await output(r, "duplicateStorageConfigBase64");
      assert.equal(config.secret, true);
      assert.equal(encoded.secret, true);
      const value = config.value as { schema: string; data: any };
      assert.deepEqual(validateAgainstIglu(value), []);
      assert.deepEqual(value.data.auth, {
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      });
    });

    it("carry the user's key in the legacy 1-0-1 form, only as secrets, when asked", async () => {
      const r = await run({ createShredderUser: true, shredderConfigFormat: "1-0-1" });
      const config = await output(r, "duplicateStorageConfig");
      assert.equal(config.secret, true);
      assert.equal((await output(r, "duplicateStorageConfigBase64")).secret, true);
      const value = config.value as { schema: string; data: any };
      assert.deepEqual(validateAgainstIglu(value), []);
      assert.match(value.schema, /\/1-0-1$/);
      assert.equal(value.data.purpose, "DUPLICATE_TRACKING");
      assert.equal(value.data.accessKeyId, "AKIAIOSFODNN7EXAMPLE");
    });

    it("are registered on the component as well", async () => {
      const r = await run();
      assert.equal(r.one(COMPONENT).custom, false);
    });
  });

  describe("tags", () => {
    it("are set on the table, the policy and the user, and nowhere else", async () => {
      const tags = { team: "data", "cost center": "42" };
      const r = await run({
        tags,
        createShredderUser: true,
        attachToRoles: ["EMR_EC2_DefaultRole"],
      });
      for (const type of [TABLE, POLICY, USER])
        assert.deepEqual(r.one(type).inputs.tags, tags, type);
      for (const type of [ROLE_ATTACHMENT, USER_ATTACHMENT, ACCESS_KEY]) {
        for (const res of r.ofType(type)) assert.equal(res.inputs.tags, undefined, type);
      }
    });

    it("are left out by default, so that an imported untagged table matches", async () => {
      const r = await run({ createShredderUser: true });
      for (const type of [TABLE, POLICY, USER])
        assert.equal(r.one(type).inputs.tags, undefined, type);
    });
  });

  describe("its own arguments", () => {
    it("reports every bad argument at once, naming each, and declares no child", async () => {
      const r = await run({
        writeCapacity: 0,
        tableName: "a b",
        attachToRoles: ["arn:aws:iam::123456789012:role/etl"],
        // @ts-expect-error -- not a billing mode, as an untyped caller could pass it.
        billingMode: "FREE",
      });
      assert.equal(r.exitCode, 1);
      assert.match(
        r.error,
        /^Invalid arguments of DuplicateStorage 'snowplow-dedup' \(nothing was created\):/,
      );
      const problems = r.error.split("\n").slice(1);
      assert.deepEqual(problems.map((p) => p.replace(/ must be .*| is .*/, "")).sort(), [
        "  - attachToRoles[0]",
        "  - billingMode",
        "  - tableName",
        "  - writeCapacity",
      ]);
      assert.match(r.error, /attachToRoles\[0\] must be a role name of 1 to 64 characters/);
      assert.match(r.error, /\(give the role's name, not its ARN\)/);
      assert.match(r.error, /billingMode must be one of PROVISIONED, PAY_PER_REQUEST, got 'FREE'/);
      assert.deepEqual(
        r.resources.filter((res) => res.type !== COMPONENT),
        [],
      );
    });

    it("refuses a ceiling below the run's rate, an unknown class and a period of 0 or 36", async () => {
      const refused = async (args: DuplicateStorageArgs) => {
        const r = await run(args);
        assert.equal(r.exitCode, 1);
        assert.deepEqual(
          r.resources.filter((res) => res.type !== COMPONENT),
          [],
        );
        return r.error.split("\n").slice(1).join("\n");
      };
      // 10,000,000 events in 30 minutes: 10,000,000 / 1,800 s = 5,555.6, so 5,556 a second.
      assert.match(
        await refused({
          billingMode: "PAY_PER_REQUEST",
          expectedEventsPerRun: 10000000,
          targetRunMinutes: 30,
          onDemandThroughput: { maxWriteRequestUnits: 5000 },
        }),
        /^ {2}- onDemandThroughput\.maxWriteRequestUnits '5000' is below the 5556 writes a second that a run of 10000000 events in 30 minutes needs/,
      );
      assert.match(
        // @ts-expect-error -- not a table class, as an untyped caller could pass it.
        await refused({ tableClass: "GLACIER" }),
        /tableClass must be one of STANDARD, STANDARD_INFREQUENT_ACCESS, got 'GLACIER'/,
      );
      for (const days of [0, 36]) {
        assert.match(
          await refused({ pointInTimeRecovery: true, pointInTimeRecoveryDays: days }),
          new RegExp(`pointInTimeRecoveryDays must be a whole number from 1 to 35, got '${days}'`),
        );
      }
      assert.match(
        await refused({ pointInTimeRecoveryDays: 7 }),
        /pointInTimeRecoveryDays is only allowed with pointInTimeRecovery true, got '7'/,
      );
      assert.match(
        await refused({ onDemandThroughput: { maxWriteRequestUnits: 100 } }),
        /onDemandThroughput is only allowed with billingMode PAY_PER_REQUEST/,
      );
    });

    it("declares the table class, the recovery period and an on-demand ceiling", async () => {
      const standard = (await run()).one(TABLE).inputs;
      assert.equal(standard.tableClass, "STANDARD");
      assert.equal(standard.onDemandThroughput, undefined);
      const ia = (
        await run({
          tableClass: "STANDARD_INFREQUENT_ACCESS",
          pointInTimeRecovery: true,
          pointInTimeRecoveryDays: 7,
        })
      ).one(TABLE).inputs;
      assert.equal(ia.tableClass, "STANDARD_INFREQUENT_ACCESS");
      assert.deepEqual(ia.pointInTimeRecovery, { enabled: true, recoveryPeriodInDays: 7 });
      const capped = (
        await run({
          billingMode: "PAY_PER_REQUEST",
          onDemandThroughput: { maxWriteRequestUnits: -1 },
        })
      ).one(TABLE).inputs;
      assert.deepEqual(capped.onDemandThroughput, { maxWriteRequestUnits: -1 });
    });

    it("attaches the policy to a role whose name comes from a resource, as it would a plain name", async () => {
      const plain = await run({ attachToRoles: ["etl-role"] });
      const fromResource = await run(() => {
        const role = new aws.iam.Role("etl", { name: "etl-role", assumeRolePolicy: "{}" });
        return { attachToRoles: [role.name] };
      });
      const [attachment] = fromResource.ofType(ROLE_ATTACHMENT);
      assert.equal(attachment.inputs.role, "etl-role");
      // The same resource name, so switching between the two replaces nothing.
      assert.equal(attachment.name, plain.one(ROLE_ATTACHMENT).name);
      assert.equal(attachment.name, "snowplow-dedup-role-etl-role");
      assert.equal(attachment.parent, fromResource.one(COMPONENT).urn);
    });

    it("checks a value from a resource once it is known, with the same message, and creates no policy", async () => {
      const r = await run(() => ({
        attachToRoles: ["EMR_EC2_DefaultRole", pulumi.output("arn:aws:iam::123456789012:role/x")],
        tags: { team: pulumi.output("data\nops") },
      }));
      assert.equal(r.exitCode, 1);
      assert.match(
        r.error,
        /attachToRoles\[1\] must be a role name of 1 to 64 characters .*, got 'arn:aws:iam::123456789012:role\/x' \(give the role's name, not its ARN\)/,
      );
      assert.match(r.error, /tags\.team must be 0 to 256 /);
      // No stack to format: the SDK's handler of an unhandled error formats a stack even when the
      // CLI hides it, which for this error took about 25 s of CPU (test/cli/component.test.ts).
      assert.ok(r.refusal instanceof pulumi.ResourceError);
      assert.equal(r.refusal.stack, undefined);
      assert.deepEqual(r.ofType(POLICY), []);
      assert.deepEqual(r.ofType(ROLE_ATTACHMENT), []);
    });

    it("takes a KMS key, a topic and tag values from resources", async () => {
      const TOPIC = `arn:aws:sns:${DEFAULT_REGION}:${ACCOUNT}:alerts`;
      const KEY = `arn:aws:kms:${DEFAULT_REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      const r = await run(() => ({
        kmsKeyArn: pulumi.output(KEY),
        alarms: { snsTopicArn: pulumi.output(TOPIC) },
        tags: { team: pulumi.output("data") },
      }));
      assert.equal(r.exitCode, 0, r.error);
      assert.deepEqual(r.one(TABLE).inputs.serverSideEncryption, { enabled: true, kmsKeyArn: KEY });
      assert.deepEqual(r.one(TABLE).inputs.tags, { team: "data" });
      assert.equal(policyOf(r).Statement[1].Resource[0], KEY);
      for (const alarm of r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
        assert.deepEqual(alarm.inputs.alarmActions, [TOPIC]);
      }
    });

    it("hands TypeScript programs the table, the policy and the attachments", async () => {
      const r = await run({ attachToRoles: ["a"], attachToGroups: ["g"] });
      const storage = r.component as import("snowplowdedup").DuplicateStorage;
      const { table, policy, attachments } = storage.resources();
      assert.equal((await promiseOf(table.name)).value, "snowplow-deduplication-dev");
      assert.equal((await promiseOf(policy.name)).value, "snowplow-deduplication-dev-shredder");
      const names = await Promise.all(
        (await promiseOf(attachments)).value.map(async (a) => (await promiseOf(a.urn)).value),
      );
      assert.deepEqual(names.map((u) => u.split("::").pop()).sort(), [
        "snowplow-dedup-group-g",
        "snowplow-dedup-role-a",
      ]);
    });
  });

  describe("write autoscaling", () => {
    const TARGET = "aws:appautoscaling/target:Target";
    const SCALING = "aws:appautoscaling/policy:Policy";

    it("is absent by default, and the table then owns its write capacity", async () => {
      const r = await run();
      assert.deepEqual(r.ofType(TARGET), []);
      assert.deepEqual(r.ofType(SCALING), []);
      assert.deepEqual(r.one(TABLE).ignoreChanges, []);
    });

    it("scales writes between writeCapacity and the ceiling, tracking 70% by default", async () => {
      const r = await run({
        tableName: "dedup",
        writeCapacity: 500,
        autoscaling: { maxWriteCapacity: 6000 },
        tags: { team: "data" },
      });
      const target = r.one(TARGET).inputs;
      assert.equal(target.serviceNamespace, "dynamodb");
      assert.equal(target.scalableDimension, "dynamodb:table:WriteCapacityUnits");
      assert.equal(target.resourceId, "table/dedup");
      assert.equal(target.minCapacity, 500);
      assert.equal(target.maxCapacity, 6000);
      assert.deepEqual(target.tags, { team: "data" });
      const policy = r.one(SCALING).inputs;
      assert.equal(policy.policyType, "TargetTrackingScaling");
      assert.equal(policy.resourceId, "table/dedup");
      assert.deepEqual(policy.targetTrackingScalingPolicyConfiguration, {
        predefinedMetricSpecification: { predefinedMetricType: "DynamoDBWriteCapacityUtilization" },
        targetValue: 70,
      });
    });

    it("makes the table ignore changes to its write capacity, so that up does not fight it", async () => {
      const r = await run({ autoscaling: { maxWriteCapacity: 200, targetUtilization: 50 } });
      assert.deepEqual(r.one(TABLE).ignoreChanges, ["writeCapacity"]);
      assert.equal(r.one(SCALING).inputs.targetTrackingScalingPolicyConfiguration.targetValue, 50);
    });

    it("scales reads too, up to maxReadCapacity, with the same target, and ignores their changes", async () => {
      const r = await run({
        tableName: "dedup",
        readCapacity: 5,
        autoscaling: { maxWriteCapacity: 600, maxReadCapacity: 50, targetUtilization: 60 },
      });
      const byName = (n: string) =>
        r
          .ofType(TARGET)
          .concat(r.ofType(SCALING))
          .find((x) => x.name === n)!;
      const read = byName("snowplow-dedup-read-scaling").inputs;
      assert.equal(read.scalableDimension, "dynamodb:table:ReadCapacityUnits");
      assert.equal(read.resourceId, "table/dedup");
      assert.equal(read.minCapacity, 5);
      assert.equal(read.maxCapacity, 50);
      assert.deepEqual(
        byName("snowplow-dedup-read-scaling-policy").inputs
          .targetTrackingScalingPolicyConfiguration,
        {
          predefinedMetricSpecification: {
            predefinedMetricType: "DynamoDBReadCapacityUtilization",
          },
          targetValue: 60,
        },
      );
      // The write side keeps the names it always had, so that no existing stack replaces it.
      assert.equal(
        byName("snowplow-dedup-write-scaling").inputs.scalableDimension,
        "dynamodb:table:WriteCapacityUnits",
      );
      assert.ok(byName("snowplow-dedup-write-scaling-policy"));
      assert.deepEqual(r.one(TABLE).ignoreChanges, ["writeCapacity", "readCapacity"]);
    });

    it("leaves reads alone without maxReadCapacity", async () => {
      const r = await run({ autoscaling: { maxWriteCapacity: 600 } });
      assert.deepEqual(
        r.ofType(TARGET).map((t) => t.name),
        ["snowplow-dedup-write-scaling"],
      );
    });
  });

  describe("the account-level write quota", () => {
    const over = (r: Run) => r.logs.filter((l) => l.message.includes("account-level write quota"));

    it("warns when the table alone may provision more than it, naming the key", async () => {
      // A ceiling of 100,000 write units against the default account-level quota of 80,000.
      const r = await run({ tableWriteQuota: 150000, autoscaling: { maxWriteCapacity: 100000 } });
      assert.equal(r.exitCode, 0, r.error);
      const [warning] = over(r);
      assert.match(
        warning.message,
        /^This table alone may provision 100000 write units, more than the account-level write quota of 80000 \(accountWriteQuota\)/,
      );
      assert.equal(warning.severity, "warning");
    });

    it("is quiet within it, raised, and for an on-demand table, which it does not bound", async () => {
      const raised = await run({
        tableWriteQuota: 150000,
        accountWriteQuota: 200000,
        autoscaling: { maxWriteCapacity: 100000 },
      });
      assert.deepEqual(over(raised), []);
      const onDemand = await run({
        tableWriteQuota: 150000,
        billingMode: "PAY_PER_REQUEST",
        warmThroughput: 100000,
      });
      assert.deepEqual(over(onDemand), []);
    });
  });

  describe("capacity planning", () => {
    /** The warnings, but for the one that names a cheaper setup (storageModel.test.ts). */
    async function withWarnings(values: DuplicateStorageArgs) {
      const r = await run(values);
      const warnings = r.logs
        .filter((l) => l.severity === "warning" && !isCostWarning(l.message))
        .map((l) => l.message);
      return { r, warnings };
    }

    it("warns once when a setup costs more than 10% over the cheapest, with its config", async () => {
      // 6,000 units around the clock for a run that needs 5,556 only in 30 minutes a day.
      const r = await run({
        expectedEventsPerRun: 10000000,
        targetRunMinutes: 30,
        writeCapacity: 6000,
      });
      const costly = r.logs.filter((l) => isCostWarning(l.message));
      assert.equal(costly.length, 1);
      assert.match(costly[0].message, /Its stack config: \{"billingMode":/);
    });

    it("exports nothing without the planning keys", async () => {
      const r = await run();
      assert.equal(r.outputs.requiredWriteCapacity, undefined);
      assert.equal(r.outputs.estimatedMonthlyCostUsd, undefined);
    });

    it("exports the write units a run needs and estimated costs of both billing modes", async () => {
      const r = await run({ expectedEventsPerRun: 10000000, targetRunMinutes: 30 });
      assert.equal((await output(r, "requiredWriteCapacity")).value, 5556);
      const cost = (await output(r, "estimatedMonthlyCostUsd")).value as Record<string, unknown>;
      // Default 100 write and 5 read units; worked out in capacityPlanning.test.ts.
      assert.equal(cost.provisionedAtRequiredCapacity, 2636.8);
      assert.equal(cost.provisionedAtConfiguredCapacity, 47.92);
      assert.equal(cost.onDemand, 190.1);
      assert.match(String(cost.basis), /Estimates/);
    });

    it("warns in one line when the table would throttle, naming the cheapest fix", async () => {
      const { warnings } = await withWarnings({
        expectedEventsPerRun: 10000000,
        targetRunMinutes: 30,
      });
      assert.equal(warnings.length, 1);
      // 100 units and their 30,000-write bucket: minute 0 serves 600 a second, the rest 100.
      assert.match(warnings[0], /^Writes would be throttled in 30 of the 30 minutes of each run/);
      // Scheduled: 65 minutes at 5,556 and 22.9167 h at 100 a day: 6,019 + 2,291.7 = 8,310.7
      // unit-hours; on Standard-IA × 30.4167 × 0.00081 = 204.75, plus 0.58 for reads: 205.34.
      // Storage of 10 million items a day for 182 days, 208 bytes each: 352.56 GiB × 0.10 =
      // 35.26. Total 240.60; on Standard, 164.78 + (352.56 - 25) × 0.25 = 246.67.
      assert.match(
        warnings[0],
        /would not: provisioned at 100 write units, raised to 5556 .* Standard-IA, about USD 240\.6 a month/,
      );
      assert.doesNotMatch(warnings[0], /\n/);
    });

    it("exports the plan: the run as the model sees it and each option", async () => {
      const r = await run({
        writeCapacity: 500,
        autoscaling: { maxWriteCapacity: 6000 },
        expectedEventsPerRun: 10000000,
        targetRunMinutes: 30,
        runsPerDay: 4,
      });
      const plan = (await output(r, "capacityPlan")).value as {
        run: { throttledMinutes: number };
        recommended: string;
        options: { name: string }[];
      };
      // Worked out in throughputModel.test.ts and capacityPlanning.test.ts.
      assert.equal(plan.run.throttledMinutes, 14);
      assert.equal(plan.recommended, "scheduled-standard-ia");
      // Each setup in both table classes.
      assert.deepEqual(
        plan.options.map((o) => o.name),
        ["provisioned", "scheduled", "onDemandWarm", "onDemand"].flatMap((n) => [n, n]),
      );
    });

    it("does not warn when the capacity suffices", async () => {
      const { warnings } = await withWarnings({
        expectedEventsPerRun: 10000000,
        targetRunMinutes: 30,
        writeCapacity: 6000,
      });
      assert.deepEqual(warnings, []);
    });
  });

  describe("scheduled scaling", () => {
    const SCHEDULED_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction";
    const scheduled = {
      tableName: "dedup",
      writeCapacity: 500,
      autoscaling: { maxWriteCapacity: 6000 },
      expectedEventsPerRun: 10000000,
      targetRunMinutes: 30,
      runSchedule: { startTimesUtc: ["00:05", "12:00"] },
    };

    it("is absent without runSchedule", async () => {
      assert.deepEqual((await run()).ofType(SCHEDULED_ACTION), []);
    });

    it("raises the floor to the run's rate before each run and lowers it after", async () => {
      const r = await run(scheduled);
      const actions = r.ofType(SCHEDULED_ACTION);
      assert.deepEqual(
        actions.map((a) => [a.name, a.inputs.name, a.inputs.scalableTargetAction]),
        [
          [
            "snowplow-dedup-run-0005-raise",
            "dedup-run-0005-raise",
            { minCapacity: 5556, maxCapacity: 6000 },
          ],
          [
            "snowplow-dedup-run-0005-lower",
            "dedup-run-0005-lower",
            { minCapacity: 500, maxCapacity: 6000 },
          ],
          [
            "snowplow-dedup-run-1200-raise",
            "dedup-run-1200-raise",
            { minCapacity: 5556, maxCapacity: 6000 },
          ],
          [
            "snowplow-dedup-run-1200-lower",
            "dedup-run-1200-lower",
            { minCapacity: 500, maxCapacity: 6000 },
          ],
        ],
      );
      for (const a of actions) {
        assert.equal(a.inputs.serviceNamespace, "dynamodb");
        assert.equal(a.inputs.scalableDimension, "dynamodb:table:WriteCapacityUnits");
        assert.equal(a.inputs.resourceId, "table/dedup");
        assert.equal(a.inputs.timezone, "UTC");
        assert.equal(a.parent, r.one(COMPONENT).urn);
      }
    });

    it("declares AWS cron schedules that fire lead time before the start and after the end", async () => {
      const r = await run(scheduled);
      // AWS's own cron grammar, read by aws-cron-parser: the next firing after midnight UTC.
      const from = new Date("2026-11-25T00:00:00Z");
      const next = (name: string) => {
        const a = r.ofType(SCHEDULED_ACTION).find((x) => x.name === name)!;
        const expr = /^cron\((.*)\)$/.exec(a.inputs.schedule)![1];
        return awsCron.next(awsCron.parse(expr), from)!.toISOString();
      };
      // 00:05 minus 10 minutes is 23:55 the day before; 00:05 + 30 + 10 is 00:45.
      assert.equal(next("snowplow-dedup-run-0005-raise"), "2026-11-25T23:55:00.000Z");
      assert.equal(next("snowplow-dedup-run-0005-lower"), "2026-11-25T00:45:00.000Z");
      assert.equal(next("snowplow-dedup-run-1200-raise"), "2026-11-25T11:50:00.000Z");
      assert.equal(next("snowplow-dedup-run-1200-lower"), "2026-11-25T12:40:00.000Z");
    });

    it("keeps the consumed-writes alarm on the ceiling that the raised table stays under", async () => {
      const r = await run({
        ...scheduled,
        alarms: { snsTopicArn: `arn:aws:sns:${DEFAULT_REGION}:${ACCOUNT}:alerts` },
      });
      const consumed = r
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .find((a) => a.name === "snowplow-dedup-consumed-writes")!;
      // 80% of the 6,000-unit ceiling, above the 5,556 a run needs: 0.8 × 6,000 × 300 s.
      assert.equal(consumed.inputs.threshold, 1_440_000);
      for (const a of r.ofType(SCHEDULED_ACTION)) {
        assert.ok(a.inputs.scalableTargetAction.maxCapacity <= 6000);
      }
    });

    it("warns when the consumed-writes alarm would fire in every run", async () => {
      const topic = `arn:aws:sns:${DEFAULT_REGION}:${ACCOUNT}:alerts`;
      const warnings = async (alarms: AlarmArgs) =>
        (await run({ ...scheduled, alarms })).logs
          .filter((l) => l.severity === "warning" && !isCostWarning(l.message))
          .map((l) => l.message);
      // 80% of 6,000 is 4,800 a second, below the 5,556 a run needs; 5,556 / 6,000 = 92.6%.
      assert.deepEqual(await warnings({ snsTopicArn: topic }), [
        "alarms.consumedWritePercent 80 raises the consumed-writes alarm at 4800 writes a second " +
          "(80% of the ceiling 6000), below the 5556 a run needs, so it would fire in every run: " +
          "set it to at least 93, or raise the ceiling.",
      ]);
      assert.deepEqual(await warnings({ snsTopicArn: topic, consumedWritePercent: 93 }), []);
    });

    it("does not warn of throttling, since the model says the raised table serves each run", async () => {
      const r = await run(scheduled);
      assert.deepEqual(
        r.logs.filter((l) => l.severity === "warning" && !isCostWarning(l.message)),
        [],
      );
    });
  });

  describe("warm throughput", () => {
    it("is left to DynamoDB by default", async () => {
      const table = (await run({ billingMode: "PAY_PER_REQUEST" })).one(TABLE);
      assert.equal(table.inputs.warmThroughput, undefined);
      assert.deepEqual(table.ignoreChanges, []);
    });

    it("is the run's rate for an on-demand table above 4,000 a second, set at creation only", async () => {
      const table = (
        await run({
          billingMode: "PAY_PER_REQUEST",
          expectedEventsPerRun: 10000000,
          targetRunMinutes: 30,
        })
      ).one(TABLE);
      assert.deepEqual(table.inputs.warmThroughput, { writeUnitsPerSecond: 5556 });
      assert.deepEqual(table.ignoreChanges, ["warmThroughput"]);
    });

    it("takes a configured value", async () => {
      const table = (await run({ billingMode: "PAY_PER_REQUEST", warmThroughput: 8000 })).one(
        TABLE,
      );
      assert.deepEqual(table.inputs.warmThroughput, { writeUnitsPerSecond: 8000 });
    });
  });

  describe("encryption with the AWS managed key", () => {
    it("is KMS encryption with no key named, and adds nothing to the policy", async () => {
      // DynamoDB takes KMS encryption without a key as the account's aws/dynamodb key, whose own
      // key policy lets the account's principals use it through DynamoDB.
      const r = await run({ encryption: "AWS_MANAGED" });
      assert.deepEqual(r.one(TABLE).inputs.serverSideEncryption, { enabled: true });
      assert.doesNotMatch(r.one(POLICY).inputs.policy, /kms:/);
      assert.equal(policyOf(r).Statement.length, 1);
    });
  });

  describe("encryption with a customer managed key", () => {
    const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("is off by default, declared so, with no KMS action in the policy", async () => {
      // An absent block would not turn a customer managed key off again; enabled: false does.
      const r = await run();
      assert.deepEqual(r.one(TABLE).inputs.serverSideEncryption, { enabled: false });
      assert.doesNotMatch(r.one(POLICY).inputs.policy, /kms:/);
    });

    it("encrypts the table with the key", async () => {
      const r = await run({ kmsKeyArn: KEY });
      assert.deepEqual(r.one(TABLE).inputs.serverSideEncryption, { enabled: true, kmsKeyArn: KEY });
    });

    it("lets the shredder use the key through DynamoDB in the table's region only", async () => {
      const doc = JSON.parse((await run({ kmsKeyArn: KEY })).one(POLICY).inputs.policy);
      assert.equal(doc.Statement.length, 2);
      const [table, key] = doc.Statement;
      assert.ok(table.Action.every((a: string) => a.startsWith("dynamodb:")));
      assert.deepEqual(key.Resource, [KEY]);
      // AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS": of DynamoDB's requests to
      // KMS, only Decrypt (of the table key) is made as the principal that accesses the table.
      assert.deepEqual(key.Action, ["kms:Decrypt"]);
      assert.deepEqual(key.Condition, {
        StringEquals: { "kms:ViaService": `dynamodb.${DEFAULT_REGION}.amazonaws.com` },
      });
    });

    it("grants table management nothing more of the key", async () => {
      // A shredder that creates its own table names no key in CreateTable (DuplicateStorage.scala
      // up to 0.13), so that table gets the AWS owned key.
      const doc = policyOf(await run({ kmsKeyArn: KEY, allowTableManagement: true }));
      assert.deepEqual(doc.Statement[1].Action, ["kms:Decrypt"]);
      assert.equal(doc.Statement.length, 2);
    });

    it("names DynamoDB's endpoint in the partition's own DNS suffix, as in China", async () => {
      const chinaKey =
        "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const r = await run({ kmsKeyArn: chinaKey }, { region: "cn-north-1" });
      const key = policyOf(r).Statement[1] as unknown as { Condition: unknown };
      assert.deepEqual(key.Condition, {
        StringEquals: { "kms:ViaService": "dynamodb.cn-north-1.amazonaws.com.cn" },
      });
      assert.match(policyOf(r).Statement[0].Resource[0], /^arn:aws-cn:dynamodb:cn-north-1:/);
    });
  });

  describe("alarms", () => {
    /** A table raised before each run by a schedule, for 10 million events in 30 minutes. */
    const scheduledBase: DuplicateStorageArgs = {
      writeCapacity: 500,
      autoscaling: { maxWriteCapacity: 6000 },
      expectedEventsPerRun: 10_000_000,
      targetRunMinutes: 30,
    };
    const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
    const TOPIC = `arn:aws:sns:${DEFAULT_REGION}:${ACCOUNT}:snowplow-alerts`;
    const alarm = (r: Run, role: string) =>
      r.ofType(ALARM).find((a) => a.name === `snowplow-dedup-${role}`)!;

    it("are absent by default", async () => {
      assert.deepEqual((await run()).ofType(ALARM), []);
    });

    it("watch throttled writes and consumed writes against the provisioned units", async () => {
      const r = await run({ tableName: "dedup", alarms: { snsTopicArn: TOPIC } });
      assert.equal(r.ofType(ALARM).length, 3);
      for (const a of r.ofType(ALARM)) {
        assert.equal(a.inputs.namespace, "AWS/DynamoDB");
        assert.deepEqual(a.inputs.dimensions, { TableName: "dedup" });
        assert.deepEqual(a.inputs.alarmActions, [TOPIC]);
        assert.ok(a.inputs.alarmDescription.length > 20, a.name);
      }
      const throttles = alarm(r, "write-throttles").inputs;
      assert.equal(throttles.metricName, "WriteThrottleEvents");
      assert.equal(throttles.threshold, 1);
      assert.equal(throttles.comparisonOperator, "GreaterThanOrEqualToThreshold");
      const consumed = alarm(r, "consumed-writes").inputs;
      assert.equal(consumed.metricName, "ConsumedWriteCapacityUnits");
      // 80% of 100 units a second, summed over the 300-second period.
      assert.equal(consumed.period, 300);
      assert.equal(consumed.threshold, 0.8 * 100 * 300);
    });

    it("measure consumed writes against the autoscaling ceiling, with configured thresholds", async () => {
      const r = await run({
        autoscaling: { maxWriteCapacity: 2000 },
        alarms: { snsTopicArn: TOPIC, consumedWritePercent: 90, throttledWritesThreshold: 10 },
      });
      assert.equal(alarm(r, "consumed-writes").inputs.threshold, 0.9 * 2000 * 300);
      assert.equal(alarm(r, "write-throttles").inputs.threshold, 10);
    });

    it("watch no ceiling with on-demand billing, which has none", async () => {
      const r = await run({ billingMode: "PAY_PER_REQUEST", alarms: { snsTopicArn: TOPIC } });
      assert.deepEqual(
        r.ofType(ALARM).map((a) => a.name),
        ["snowplow-dedup-write-throttles", "snowplow-dedup-no-writes"],
      );
    });

    describe("on a table that takes no writes, the silent failure's one signal", () => {
      it("fires after a day and an hour without writes, for one run a day", async () => {
        // One run a day: runs start 1,440 minutes apart, 24 hours, so 24 + 1 = 25 empty hours.
        const noWrites = alarm(await run({ alarms: { snsTopicArn: TOPIC } }), "no-writes").inputs;
        assert.equal(noWrites.metricName, "ConsumedWriteCapacityUnits");
        assert.equal(noWrites.statistic, "Sum");
        assert.equal(noWrites.period, 3600);
        assert.equal(noWrites.evaluationPeriods, 25);
        assert.equal(noWrites.datapointsToAlarm, 25);
        assert.equal(noWrites.threshold, 1);
        assert.equal(noWrites.comparisonOperator, "LessThanThreshold");
        // DynamoDB may publish nothing for an idle table: no data counts as no writes.
        assert.equal(noWrites.treatMissingData, "breaching");
      });

      it("fires after the longest gap of a schedule, across midnight", async () => {
        // Runs at 01:00 and 22:30: 21 h 30 min from 01:00 to 22:30, and 2 h 30 min across
        // midnight. The longest, 1,290 minutes, is 21.5 hours: 22 + 1 = 23 empty hours.
        const r = await run({
          ...scheduledBase,
          runSchedule: { startTimesUtc: ["22:30", "01:00"] },
          alarms: { snsTopicArn: TOPIC, consumedWritePercent: 95 },
        });
        assert.equal(alarm(r, "no-writes").inputs.evaluationPeriods, 23);
      });

      it("fires after 5 empty hours for runs spread evenly, 6 a day", async () => {
        // 1,440 / 6 = 240 minutes between runs, 4 hours: 4 + 1 = 5.
        const r = await run({ runsPerDay: 6, alarms: { snsTopicArn: TOPIC } });
        assert.equal(alarm(r, "no-writes").inputs.evaluationPeriods, 5);
      });
    });
  });

  describe("adopting and keeping the table", () => {
    it("imports the named table and leaves its TTL to the next up", async () => {
      const r = await run({ importExistingTable: true, tableName: "snowplow-deduplication" });
      assert.equal(r.one(TABLE).importId, "snowplow-deduplication");
      assert.deepEqual(r.one(TABLE).ignoreChanges, ["ttl"]);
    });

    it("imports nothing by default", async () => {
      assert.equal((await run()).one(TABLE).importId, "");
    });

    it("retains the table on delete unless retainOnDelete is false, and nothing else", async () => {
      // A stack rename or a changed tableName replaces the table; by default the old one stays.
      assert.equal((await run({ retainOnDelete: false })).one(TABLE).retainOnDelete, false);
      const r = await run();
      assert.equal(r.one(TABLE).retainOnDelete, true);
      assert.deepEqual(
        r.resources.filter((x) => x.type !== TABLE && x.retainOnDelete).map((x) => x.name),
        [],
      );
    });
  });
});
