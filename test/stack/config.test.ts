import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import {
  DEFAULTS,
  DEFAULT_CONSUMED_WRITE_PERCENT,
  DEFAULT_ENCRYPTION,
  DEFAULT_READ_CAPACITY,
  DEFAULT_RECOVERY_PERIOD_DAYS,
  DEFAULT_WRITE_CAPACITY,
  DedupSettings,
  KEYS,
} from "snowplowdedup/args";
import { ConfigError, parseStackConfig } from "../../stack/config";
import { ROOT, USER_DOCUMENTS, loadStackConfig } from "../harness";

const NS = "snowplow-dedup";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:snowplow-alerts";

/** Parses short keys as the engine would hand them over for stack `dev` in eu-west-1. */
function parse(values: Record<string, string>, stack = "dev"): DedupSettings {
  return parseStackConfig(
    {
      "aws:region": "eu-west-1",
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${NS}:${k}`, v])),
    },
    NS,
    stack,
  );
}

/** A provisioned, autoscaled table with planning keys, to which a run schedule can be added. */
const SCHEDULED = {
  writeCapacity: "500",
  autoscaling: '{"maxWriteCapacity":6000}',
  expectedEventsPerRun: "10000000",
  targetRunMinutes: "30",
};

function problemsOf(values: Record<string, string>): string[] {
  try {
    parse(values);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return [...e.problems];
  }
  assert.fail(`config ${JSON.stringify(values)} was accepted`);
}

describe("parseStackConfig", () => {
  describe("defaults", () => {
    const settings = parse({});
    const cases: [keyof DedupSettings, unknown][] = [
      ["tableName", "snowplow-deduplication-dev"],
      ["billingMode", "PROVISIONED"],
      ["writeCapacity", 100],
      ["readCapacity", 5],
      ["allowTableManagement", false],
      ["policyName", "snowplow-deduplication-dev-shredder"],
      ["attachToRoles", []],
      ["attachToUsers", []],
      ["attachToGroups", []],
      ["createShredderUser", false],
      ["shredderConfigFormat", "2-0-0"],
      ["pointInTimeRecovery", false],
      ["deletionProtection", false],
      ["protect", false],
      ["tags", {}],
      ["autoscaling", undefined],
      ["expectedEventsPerRun", undefined],
      ["targetRunMinutes", undefined],
      ["runsPerDay", 1],
      ["kmsKeyArn", undefined],
      ["alarms", undefined],
      ["importExistingTable", false],
      ["retainOnDelete", true],
    ];
    for (const [key, expected] of cases) {
      it(`defaults ${key} to ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(settings[key], expected);
      });
    }

    it("names the default table after the stack", () => {
      assert.equal(parse({}, "staging").tableName, "snowplow-deduplication-staging");
    });

    it("derives the default policy name from a configured table name", () => {
      assert.equal(parse({ tableName: "events-dedup" }).policyName, "events-dedup-shredder");
    });

    it("leaves both capacities unset with PAY_PER_REQUEST", () => {
      const s = parse({ billingMode: "PAY_PER_REQUEST" });
      assert.equal(s.writeCapacity, undefined);
      assert.equal(s.readCapacity, undefined);
    });
  });

  describe("accepted values", () => {
    const cases: [string, Record<string, string>, Partial<DedupSettings>][] = [
      [
        "a table name of allowed characters",
        { tableName: "My_table.v1-x" },
        { tableName: "My_table.v1-x" },
      ],
      ["a 3-character table name", { tableName: "abc" }, { tableName: "abc" }],
      [
        "a 255-character table name with its own policy name",
        { tableName: "t".repeat(255), policyName: "p" },
        { tableName: "t".repeat(255) },
      ],
      ["on-demand billing", { billingMode: "PAY_PER_REQUEST" }, { billingMode: "PAY_PER_REQUEST" }],
      ["a write capacity of 1", { writeCapacity: "1" }, { writeCapacity: 1 }],
      ["a write capacity of 40000", { writeCapacity: "40000" }, { writeCapacity: 40000 }],
      ["a read capacity of 12", { readCapacity: "12" }, { readCapacity: 12 }],
      [
        "a run schedule, with the lead time defaulting to 10 minutes and runsPerDay to its runs",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["00:00","06:00","12:00","18:00"]}' },
        {
          runSchedule: { startTimesUtc: ["00:00", "06:00", "12:00", "18:00"], leadMinutes: 10 },
          runsPerDay: 4,
        },
      ],
      [
        "a run schedule with runsPerDay 1, Pulumi.yaml's default, which the CLI always passes",
        { ...SCHEDULED, runsPerDay: "1", runSchedule: '{"startTimesUtc":["06:00","18:00"]}' },
        { runsPerDay: 2 },
      ],
      [
        "a run schedule with runsPerDay set to its count and a lead time of 5 minutes",
        {
          ...SCHEDULED,
          runsPerDay: "2",
          runSchedule: '{"startTimesUtc":["23:50","11:50"],"leadMinutes":5}',
        },
        { runSchedule: { startTimesUtc: ["23:50", "11:50"], leadMinutes: 5 }, runsPerDay: 2 },
      ],
      [
        "runs 50 minutes apart, the time a 30-minute run holds the table raised",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["06:00","06:50"]}' },
        { runsPerDay: 2 },
      ],
      [
        "a warm throughput of 4000 on demand",
        { billingMode: "PAY_PER_REQUEST", warmThroughput: "4000" },
        { warmThroughput: 4000 },
      ],
      [
        "on demand with a run above 4,000 writes a second: warm throughput at that rate",
        {
          billingMode: "PAY_PER_REQUEST",
          expectedEventsPerRun: "10000000",
          targetRunMinutes: "30",
        },
        { warmThroughput: 5556 },
      ],
      [
        "on demand with a run within 4,000 writes a second: no warm throughput",
        { billingMode: "PAY_PER_REQUEST", expectedEventsPerRun: "7200000", targetRunMinutes: "30" },
        { warmThroughput: undefined },
      ],
      ["table management", { allowTableManagement: "true" }, { allowTableManagement: true }],
      ["a policy name of IAM characters", { policyName: "p+=,.@_-1" }, { policyName: "p+=,.@_-1" }],
      [
        "a 128-character policy name",
        { policyName: "p".repeat(128) },
        { policyName: "p".repeat(128) },
      ],
      [
        "a list of roles",
        { attachToRoles: '["EMR_EC2_DefaultRole","etl+role@x"]' },
        { attachToRoles: ["EMR_EC2_DefaultRole", "etl+role@x"] },
      ],
      ["a list of users", { attachToUsers: '["shredder"]' }, { attachToUsers: ["shredder"] }],
      [
        "a 128-character group name",
        { attachToGroups: `["${"g".repeat(128)}"]` },
        { attachToGroups: ["g".repeat(128)] },
      ],
      ["a shredder user", { createShredderUser: "true" }, { createShredderUser: true }],
      [
        "the legacy format with a shredder user",
        { shredderConfigFormat: "1-0-1", createShredderUser: "true" },
        { shredderConfigFormat: "1-0-1" },
      ],
      ["point-in-time recovery", { pointInTimeRecovery: "true" }, { pointInTimeRecovery: true }],
      ["deletion protection", { deletionProtection: "true" }, { deletionProtection: true }],
      ["protect", { protect: "true" }, { protect: true }],
      ["an explicit false", { protect: "false" }, { protect: false }],
      [
        "autoscaling with its default target",
        { writeCapacity: "500", autoscaling: '{"maxWriteCapacity":6000}' },
        { autoscaling: { maxWriteCapacity: 6000, targetUtilization: 70 } },
      ],
      [
        "autoscaling with a target and a ceiling equal to the floor",
        { writeCapacity: "100", autoscaling: '{"maxWriteCapacity":100,"targetUtilization":45.5}' },
        { autoscaling: { maxWriteCapacity: 100, targetUtilization: 45.5 } },
      ],
      [
        "capacity planning",
        { expectedEventsPerRun: "10000000", targetRunMinutes: "30", runsPerDay: "24" },
        { expectedEventsPerRun: 10000000, targetRunMinutes: 30, runsPerDay: 24 },
      ],
      [
        "a KMS key ARN, which means a customer managed key",
        { kmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}` },
        {
          kmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}`,
          encryption: "CUSTOMER_MANAGED",
        },
      ],
      [
        "a KMS key ARN with encryption CUSTOMER_MANAGED",
        {
          kmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}`,
          encryption: "CUSTOMER_MANAGED",
        },
        { encryption: "CUSTOMER_MANAGED" },
      ],
      ["the AWS managed key", { encryption: "AWS_MANAGED" }, { encryption: "AWS_MANAGED" }],
      ["no key at all: an AWS owned key", {}, { encryption: "AWS_OWNED", kmsKeyArn: undefined }],
      [
        "a multi-Region KMS key ARN",
        { kmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/mrk-${"a1".repeat(16)}` },
        { kmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/mrk-${"a1".repeat(16)}` },
      ],
      [
        "alarms with their defaults",
        { alarms: `{"snsTopicArn":"${TOPIC}"}` },
        { alarms: { snsTopicArn: TOPIC, throttledWritesThreshold: 1, consumedWritePercent: 80 } },
      ],
      [
        "alarms on an on-demand table, which has no capacity alarm",
        { billingMode: "PAY_PER_REQUEST", alarms: `{"snsTopicArn":"${TOPIC}"}` },
        { alarms: { snsTopicArn: TOPIC, throttledWritesThreshold: 1 } },
      ],
      [
        "alarms with thresholds",
        {
          alarms: `{"snsTopicArn":"${TOPIC}","throttledWritesThreshold":5,"consumedWritePercent":90}`,
        },
        { alarms: { snsTopicArn: TOPIC, throttledWritesThreshold: 5, consumedWritePercent: 90 } },
      ],
      [
        "importing a named table",
        { importExistingTable: "true", tableName: "snowplow-deduplication" },
        { importExistingTable: true, tableName: "snowplow-deduplication" },
      ],
      ["retainOnDelete", { retainOnDelete: "false" }, { retainOnDelete: false }],
      [
        "tags with spaces and allowed punctuation",
        { tags: '{"cost center":"data/eu:1","team":""}' },
        { tags: { "cost center": "data/eu:1", team: "" } },
      ],
    ];
    for (const [what, values, expected] of cases) {
      it(`accepts ${what}`, () => {
        const settings = parse(values);
        for (const [key, value] of Object.entries(expected)) {
          assert.deepEqual(settings[key as keyof DedupSettings], value);
        }
      });
    }

    it("ignores keys of other namespaces, such as aws:region", () => {
      const settings = parseStackConfig({ "aws:region": "eu-west-1" }, NS, "dev");
      assert.equal(settings.tableName, "snowplow-deduplication-dev");
    });
  });

  describe("rejected values", () => {
    // [what, config, the key the message must name, the value it must quote, what is allowed]
    const cases: [string, Record<string, string>, string, string, string][] = [
      [
        "a write capacity of zero",
        { writeCapacity: "0" },
        "writeCapacity",
        "0",
        "whole number from 1 to 40000",
      ],
      [
        "a negative write capacity",
        { writeCapacity: "-5" },
        "writeCapacity",
        "-5",
        "whole number from 1 to 40000",
      ],
      [
        "a fractional write capacity",
        { writeCapacity: "1.5" },
        "writeCapacity",
        "1.5",
        "whole number",
      ],
      [
        "a write capacity that is not a number",
        { writeCapacity: "abc" },
        "writeCapacity",
        "abc",
        "whole number",
      ],
      [
        "a write capacity over the quota",
        { writeCapacity: "40001" },
        "writeCapacity",
        "40001",
        "1 to 40000",
      ],
      ["an empty write capacity", { writeCapacity: "" }, "writeCapacity", "", "whole number"],
      [
        "a write capacity with trailing text",
        { writeCapacity: "100 WCU" },
        "writeCapacity",
        "100 WCU",
        "whole number",
      ],
      [
        "a read capacity of zero",
        { readCapacity: "0" },
        "readCapacity",
        "0",
        "whole number from 1 to 40000",
      ],
      [
        "a read capacity that is not a number",
        { readCapacity: "abc" },
        "readCapacity",
        "abc",
        "whole number",
      ],
      [
        "a write capacity with PAY_PER_REQUEST",
        { billingMode: "PAY_PER_REQUEST", writeCapacity: "100" },
        "writeCapacity",
        "100",
        "only allowed with billingMode PROVISIONED",
      ],
      [
        "a read capacity with PAY_PER_REQUEST",
        { billingMode: "PAY_PER_REQUEST", readCapacity: "5" },
        "readCapacity",
        "5",
        "only allowed with billingMode PROVISIONED",
      ],
      ["a 2-character table name", { tableName: "ab" }, "tableName", "ab", "3 to 255 characters"],
      [
        "a 256-character table name",
        { tableName: "t".repeat(256) },
        "tableName",
        "t".repeat(256),
        "3 to 255",
      ],
      [
        "a table name with a space",
        { tableName: "my table" },
        "tableName",
        "my table",
        "A-Z, a-z, 0-9",
      ],
      ["a table name with a slash", { tableName: "a/b/c" }, "tableName", "a/b/c", "A-Z, a-z, 0-9"],
      [
        "an unknown billing mode",
        { billingMode: "ON_DEMAND" },
        "billingMode",
        "ON_DEMAND",
        "PROVISIONED, PAY_PER_REQUEST",
      ],
      [
        "a billing mode in lower case",
        { billingMode: "provisioned" },
        "billingMode",
        "provisioned",
        "PROVISIONED",
      ],
      ["an empty policy name", { policyName: "" }, "policyName", "", "1 to 128 characters"],
      [
        "a 129-character policy name",
        { policyName: "p".repeat(129) },
        "policyName",
        "p".repeat(129),
        "1 to 128",
      ],
      ["a policy name with a slash", { policyName: "a/b" }, "policyName", "a/b", "+=,.@_-"],
      [
        "attachToRoles as a plain string",
        { attachToRoles: "EMR_EC2_DefaultRole" },
        "attachToRoles",
        "EMR_EC2_DefaultRole",
        "a list of IAM role names",
      ],
      [
        "attachToRoles as a map",
        { attachToRoles: '{"a":"b"}' },
        "attachToRoles",
        '{"a":"b"}',
        "a list",
      ],
      [
        "a role given by its ARN",
        { attachToRoles: '["arn:aws:iam::123456789012:role/EMR_EC2_DefaultRole"]' },
        "attachToRoles[0]",
        "arn:aws:iam::123456789012:role/EMR_EC2_DefaultRole",
        "not its ARN",
      ],
      [
        "a 65-character role name",
        { attachToRoles: `["${"r".repeat(65)}"]` },
        "attachToRoles[0]",
        "r".repeat(65),
        "1 to 64",
      ],
      ["an empty role name", { attachToRoles: '["ok",""]' }, "attachToRoles[1]", "", "1 to 64"],
      [
        "the same role twice in other case",
        { attachToRoles: '["Etl","etl"]' },
        "attachToRoles[1]",
        "etl",
        "ignore case",
      ],
      [
        "a 65-character user name",
        { attachToUsers: `["${"u".repeat(65)}"]` },
        "attachToUsers[0]",
        "u".repeat(65),
        "1 to 64",
      ],
      [
        "a 129-character group name",
        { attachToGroups: `["${"g".repeat(129)}"]` },
        "attachToGroups[0]",
        "g".repeat(129),
        "1 to 128",
      ],
      [
        "a boolean spelled yes",
        { allowTableManagement: "yes" },
        "allowTableManagement",
        "yes",
        "true or false",
      ],
      [
        "an unknown config format",
        { shredderConfigFormat: "3-0-0" },
        "shredderConfigFormat",
        "3-0-0",
        "2-0-0, 1-0-1",
      ],
      [
        "the legacy format without a shredder user",
        { shredderConfigFormat: "1-0-1" },
        "shredderConfigFormat",
        "1-0-1",
        "requires createShredderUser",
      ],
      [
        "a tag key with the aws: prefix",
        { tags: '{"aws:owner":"x"}' },
        "tags",
        "aws:owner",
        "reserved",
      ],
      [
        "a tag value that YAML read as a number",
        { tags: '{"cost":1234}' },
        "tags",
        '{"cost":1234}',
        "string values",
      ],
      ["tags as a list", { tags: '["a"]' }, "tags", '["a"]', "a map"],
      [
        "a 257-character tag value",
        { tags: `{"k":"${"v".repeat(257)}"}` },
        "tags.k",
        "v".repeat(257),
        "0 to 256",
      ],
      [
        "a 129-character tag key",
        { tags: `{"${"k".repeat(129)}":"v"}` },
        "tags",
        "k".repeat(129),
        "1 to 128",
      ],
      ["a tag value with a semicolon", { tags: '{"k":"a;b"}' }, "tags.k", "a;b", "letters, digits"],
      [
        "autoscaling with PAY_PER_REQUEST",
        { billingMode: "PAY_PER_REQUEST", autoscaling: '{"maxWriteCapacity":10}' },
        "autoscaling",
        "PAY_PER_REQUEST",
        "only allowed with billingMode PROVISIONED",
      ],
      [
        "an autoscaling ceiling below writeCapacity",
        { writeCapacity: "500", autoscaling: '{"maxWriteCapacity":400}' },
        "autoscaling.maxWriteCapacity",
        "400",
        "must not be smaller than writeCapacity (500)",
      ],
      [
        "an autoscaling ceiling over the quota",
        { autoscaling: '{"maxWriteCapacity":40001}' },
        "autoscaling.maxWriteCapacity",
        "40001",
        "1 to 40000",
      ],
      [
        "an autoscaling target of 95",
        { autoscaling: '{"maxWriteCapacity":200,"targetUtilization":95}' },
        "autoscaling.targetUtilization",
        "95",
        "from 20 to 90",
      ],
      [
        "an autoscaling target of 10",
        { autoscaling: '{"maxWriteCapacity":200,"targetUtilization":10}' },
        "autoscaling.targetUtilization",
        "10",
        "from 20 to 90",
      ],
      [
        "autoscaling with a misspelt key",
        { autoscaling: '{"maxWriteCapacity":200,"targetUtilisation":50}' },
        "autoscaling",
        "targetUtilisation",
        "unknown key",
      ],
      [
        "autoscaling as a number",
        { autoscaling: "6000" },
        "autoscaling",
        "6000",
        "a map with maxWriteCapacity",
      ],
      [
        "events per run without a target time",
        { expectedEventsPerRun: "1000" },
        "targetRunMinutes",
        "1000",
        "needs both expectedEventsPerRun and targetRunMinutes",
      ],
      [
        "a target time of zero",
        { expectedEventsPerRun: "1000", targetRunMinutes: "0" },
        "targetRunMinutes",
        "0",
        "1 to 10080",
      ],
      [
        "zero events per run",
        { expectedEventsPerRun: "0", targetRunMinutes: "5" },
        "expectedEventsPerRun",
        "0",
        "at least 1",
      ],
      ["runsPerDay of 0", { runsPerDay: "0" }, "runsPerDay", "0", "1 to 1440"],
      [
        "a KMS alias instead of a key",
        { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/dedup" },
        "kmsKeyArn",
        "arn:aws:kms:eu-west-1:123456789012:alias/dedup",
        "not an alias",
      ],
      ["a bare KMS key id", { kmsKeyArn: KEY_ID }, "kmsKeyArn", KEY_ID, "a KMS key ARN"],
      [
        "an ARN of another service as the KMS key",
        { kmsKeyArn: `arn:aws:sns:eu-west-1:123456789012:key/${KEY_ID}` },
        "kmsKeyArn",
        `arn:aws:sns:eu-west-1:123456789012:key/${KEY_ID}`,
        "a KMS key ARN",
      ],
      [
        "alarms without a topic",
        { alarms: '{"throttledWritesThreshold":3}' },
        "alarms.snsTopicArn",
        '{"throttledWritesThreshold":3}',
        "is missing",
      ],
      [
        "alarms with a topic name instead of an ARN",
        { alarms: '{"snsTopicArn":"ops-alerts"}' },
        "alarms.snsTopicArn",
        "ops-alerts",
        "an SNS topic ARN",
      ],
      [
        "a capacity alarm with PAY_PER_REQUEST",
        {
          billingMode: "PAY_PER_REQUEST",
          alarms: `{"snsTopicArn":"${TOPIC}","consumedWritePercent":80}`,
        },
        "alarms.consumedWritePercent",
        "80",
        "only allowed with billingMode PROVISIONED",
      ],
      [
        "a capacity alarm at 0%",
        { alarms: `{"snsTopicArn":"${TOPIC}","consumedWritePercent":0}` },
        "alarms.consumedWritePercent",
        "0",
        "from 1 to 100",
      ],
      [
        "importing without a table name",
        { importExistingTable: "true" },
        "importExistingTable",
        "snowplow-deduplication-dev",
        "requires tableName",
      ],
      [
        "a start time without its leading zero",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["6:00"]}' },
        "runSchedule.startTimesUtc",
        "6:00",
        '"HH:MM" in UTC',
      ],
      [
        "a start time of 24:00",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["24:00"]}' },
        "runSchedule.startTimesUtc",
        "24:00",
        "from 00:00 to 23:59",
      ],
      [
        "an empty run schedule",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":[]}' },
        "runSchedule.startTimesUtc",
        "[]",
        "at least one time of day",
      ],
      [
        "a lead time of 2 minutes",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["06:00"],"leadMinutes":2}' },
        "runSchedule.leadMinutes",
        "2",
        "whole number from 5 to 120",
      ],
      [
        "runs closer than a run holds the table raised",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["06:00","06:30"]}' },
        "runSchedule.startTimesUtc",
        "06:30",
        "at least 50 minutes apart",
      ],
      [
        "runs that overlap across midnight",
        { ...SCHEDULED, runSchedule: '{"startTimesUtc":["00:10","23:40"]}' },
        "runSchedule.startTimesUtc",
        "23:40",
        "at least 50 minutes apart",
      ],
      [
        "a run schedule without autoscaling",
        {
          writeCapacity: "500",
          expectedEventsPerRun: "10000000",
          targetRunMinutes: "30",
          runSchedule: '{"startTimesUtc":["06:00"]}',
        },
        "runSchedule",
        '{"startTimesUtc":["06:00"]}',
        "set autoscaling.maxWriteCapacity",
      ],
      [
        "a run schedule without the planning keys",
        {
          writeCapacity: "500",
          autoscaling: '{"maxWriteCapacity":6000}',
          runSchedule: '{"startTimesUtc":["06:00"]}',
        },
        "runSchedule",
        '{"startTimesUtc":["06:00"]}',
        "needs expectedEventsPerRun and targetRunMinutes",
      ],
      [
        "a ceiling below the rate a scheduled run needs",
        {
          ...SCHEDULED,
          autoscaling: '{"maxWriteCapacity":5000}',
          runSchedule: '{"startTimesUtc":["06:00"]}',
        },
        "autoscaling.maxWriteCapacity",
        "5000",
        "at least the write rate a run needs with runSchedule, 5556",
      ],
      [
        "a run schedule with a floor that already serves the run",
        { ...SCHEDULED, writeCapacity: "6000", runSchedule: '{"startTimesUtc":["06:00"]}' },
        "writeCapacity",
        "6000",
        "remove runSchedule or lower writeCapacity",
      ],
      [
        "runsPerDay that disagrees with the run schedule",
        { ...SCHEDULED, runsPerDay: "3", runSchedule: '{"startTimesUtc":["06:00"]}' },
        "runsPerDay",
        "3",
        "set runsPerDay to 1 or leave it unset",
      ],
      [
        "a run schedule on demand",
        {
          billingMode: "PAY_PER_REQUEST",
          expectedEventsPerRun: "10000000",
          targetRunMinutes: "30",
          runSchedule: '{"startTimesUtc":["06:00"]}',
        },
        "runSchedule",
        "PAY_PER_REQUEST",
        "use warmThroughput",
      ],
      [
        "a warm throughput below a new table's 4000",
        { billingMode: "PAY_PER_REQUEST", warmThroughput: "3000" },
        "warmThroughput",
        "3000",
        "whole number from 4000 to 40000",
      ],
      [
        "a warm throughput on a provisioned table",
        { warmThroughput: "5000" },
        "warmThroughput",
        "5000",
        "only allowed with billingMode PAY_PER_REQUEST",
      ],
      [
        "an encryption that is not one of the three",
        { encryption: "KMS" },
        "encryption",
        "KMS",
        "one of AWS_OWNED, AWS_MANAGED, CUSTOMER_MANAGED",
      ],
      [
        "encryption CUSTOMER_MANAGED without a key",
        { encryption: "CUSTOMER_MANAGED" },
        "kmsKeyArn",
        "CUSTOMER_MANAGED",
        "set encryption to AWS_MANAGED",
      ],
      [
        "a key with the AWS managed key",
        {
          encryption: "AWS_MANAGED",
          kmsKeyArn: `arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}`,
        },
        "kmsKeyArn",
        "AWS_MANAGED",
        "set encryption to CUSTOMER_MANAGED",
      ],
      [
        "retainOnDelete spelt yes",
        { retainOnDelete: "yes" },
        "retainOnDelete",
        "yes",
        "true or false",
      ],
      [
        "a table name whose default policy name is too long",
        { tableName: "t".repeat(120) },
        "policyName",
        `${"t".repeat(120)}-shredder`,
        "set policyName",
      ],
    ];
    for (const [what, values, key, value, allowed] of cases) {
      it(`rejects ${what}`, () => {
        const problems = problemsOf(values);
        assert.equal(problems.length, 1, problems.join("\n"));
        const [message] = problems;
        assert.ok(message.includes(key), `names ${key}: ${message}`);
        assert.ok(message.includes(`'${value}'`), `quotes '${value}': ${message}`);
        assert.ok(message.includes(allowed), `says what is allowed (${allowed}): ${message}`);
      });
    }

    it("refuses to adopt a table into a stack that would delete it, as dev would", () => {
      assert.deepEqual(
        problemsOf({
          importExistingTable: "true",
          tableName: "snowplow-deduplication",
          retainOnDelete: "false",
        }),
        [
          "importExistingTable adopts a table whose history this stack did not create, but " +
            "retainOnDelete is 'false', so pulumi destroy would delete it: set retainOnDelete to " +
            "true, or adopt the table in a stack that keeps its table (not dev)",
        ],
      );
      const dev = loadStackConfig("dev");
      assert.throws(
        () =>
          parseStackConfig(
            { ...dev, [`${NS}:importExistingTable`]: "true", [`${NS}:tableName`]: "t1" },
            NS,
            "dev",
          ),
        /importExistingTable adopts a table/,
      );
    });

    it("says 'a role name' and 'the role's name' for a role given by its ARN", () => {
      const arn = "arn:aws:iam::123456789012:role/EMR_EC2_DefaultRole";
      assert.deepEqual(problemsOf({ attachToRoles: JSON.stringify([arn]) }), [
        "attachToRoles[0] must be a role name of 1 to 64 characters of A-Z, a-z, 0-9 and " +
          `'+=,.@_-', got '${arn}' (give the role's name, not its ARN)`,
      ]);
    });

    it("rejects tag keys that differ only in case, which IAM refuses at apply time", () => {
      const problems = problemsOf({ tags: '{"Team":"data","team":"data"}' });
      assert.deepEqual(problems, [
        "tags key 'team' repeats 'Team': IAM tag keys ignore case, keep one",
      ]);
    });

    it("rejects more than 50 tags", () => {
      const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
      const [message] = problemsOf({ tags: JSON.stringify(tags) });
      assert.match(message, /tags must hold at most 50 tags, got 51/);
    });

    it("names an unknown key and suggests the closest known one", () => {
      const [message] = problemsOf({ writeCapcity: "100" });
      assert.match(message, /unknown config key 'writeCapcity'/);
      assert.match(message, /did you mean 'writeCapacity'\?/);
    });

    it("suggests nothing for an unknown key that resembles no known key", () => {
      const [message] = problemsOf({ zzzzzzzzzz: "1" });
      assert.match(message, /unknown config key 'zzzzzzzzzz'/);
      assert.doesNotMatch(message, /did you mean/);
    });

    it("reports every problem at once, one message each", () => {
      const problems = problemsOf({ writeCapacity: "0", tableName: "x", billingMode: "FREE" });
      assert.equal(problems.length, 3, problems.join("\n"));
      for (const key of ["writeCapacity", "tableName", "billingMode"]) {
        assert.equal(problems.filter((p) => p.startsWith(key)).length, 1, key);
      }
    });

    it("refuses a key set with --secret, whose value would show in plain outputs", () => {
      const config = { [`${NS}:tableName`]: "dedup", "aws:region": "eu-west-1" };
      for (const secretKey of [`${NS}:tableName`, `${NS}:config:tableName`]) {
        assert.throws(
          () => parseStackConfig(config, NS, "dev", [secretKey, "aws:region"]),
          (e: unknown) =>
            e instanceof ConfigError &&
            e.problems.length === 1 &&
            e.problems[0].startsWith("tableName was set with --secret, but none of this program"),
        );
      }
    });

    it("leaves secret keys of other namespaces to their owners", () => {
      const config = { [`${NS}:tableName`]: "dedup", "aws:secretKey": "x" };
      assert.equal(parseStackConfig(config, NS, "dev", ["aws:secretKey"]).tableName, "dedup");
    });

    it("throws a RunError, which the CLI prints without a stack trace", () => {
      assert.throws(
        () => parse({ writeCapacity: "0" }),
        (e: unknown) => pulumi.RunError.isInstance(e) && /nothing was created/.test(String(e)),
      );
    });
  });

  describe("properties", () => {
    const tableNameChar = fc.constantFrom(
      ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-",
    );

    it("accepts any valid table name unchanged", () => {
      fc.assert(
        fc.property(fc.string({ unit: tableNameChar, minLength: 3, maxLength: 255 }), (name) => {
          assert.equal(parse({ tableName: name, policyName: "p" }).tableName, name);
        }),
      );
    });

    it("rejects any table name with a character outside A-Z a-z 0-9 _ . -, naming tableName", () => {
      const bad = fc
        .string({ minLength: 1, maxLength: 3 })
        .filter((s) => /[^A-Za-z0-9_.-]/.test(s));
      fc.assert(
        fc.property(fc.string({ unit: tableNameChar, maxLength: 20 }), bad, (ok, b) => {
          const problems = problemsOf({ tableName: `abc${ok}${b}`, policyName: "p" });
          assert.ok(
            problems.some((p) => p.startsWith("tableName must be")),
            problems.join("\n"),
          );
        }),
      );
    });

    it("accepts any whole capacity from 1 to 40000 unchanged", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40000 }),
          fc.integer({ min: 1, max: 40000 }),
          (w, r) => {
            const s = parse({ writeCapacity: String(w), readCapacity: String(r) });
            assert.equal(s.writeCapacity, w);
            assert.equal(s.readCapacity, r);
          },
        ),
      );
    });

    it("rejects any capacity outside 1 to 40000 or not whole, naming its key", () => {
      const bad = fc.oneof(
        fc.integer({ max: 0 }),
        fc.integer({ min: 40001 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
      );
      fc.assert(
        fc.property(bad, fc.constantFrom("writeCapacity", "readCapacity"), (value, key) => {
          const [message] = problemsOf({ [key]: String(value) });
          assert.ok(message.startsWith(`${key} must be`), message);
        }),
      );
    });
  });
});

describe("the table-level write quota", () => {
  it("is AWS's default of 40,000, and the account-level quota 80,000", () => {
    const s = parse({});
    assert.equal(s.tableWriteQuota, 40000);
    assert.equal(s.accountWriteQuota, 80000);
  });

  it("bounds every write capacity, and the refusal names the quota key", () => {
    const cases: [Record<string, string>, string][] = [
      [{ writeCapacity: "40001" }, "writeCapacity"],
      [{ autoscaling: '{"maxWriteCapacity":50000}' }, "autoscaling.maxWriteCapacity"],
      [{ billingMode: "PAY_PER_REQUEST", warmThroughput: "40001" }, "warmThroughput"],
      [
        { billingMode: "PAY_PER_REQUEST", onDemandThroughput: '{"maxWriteRequestUnits":40001}' },
        "onDemandThroughput.maxWriteRequestUnits",
      ],
    ];
    for (const [values, key] of cases) {
      const [message] = problemsOf(values);
      assert.match(
        message,
        new RegExp(`^${key.replace(".", "\\.")} must be .*to 40000 \\(tableWriteQuota\\)`),
        message,
      );
    }
  });

  it("raised, lets each write capacity reach it, and no further", () => {
    const raised = { tableWriteQuota: "150000" };
    assert.equal(parse({ ...raised, writeCapacity: "150000" }).writeCapacity, 150000);
    const s = parse({ ...raised, billingMode: "PAY_PER_REQUEST", warmThroughput: "138889" });
    assert.equal(s.warmThroughput, 138889);
    const [message] = problemsOf({ ...raised, writeCapacity: "150001" });
    assert.equal(
      message,
      "writeCapacity must be a whole number from 1 to 150000 (tableWriteQuota), got '150001'",
    );
  });

  it("gives an on-demand table for a run above it a warm throughput of the quota", () => {
    // 250,000,000 events in 30 minutes need 138,889 writes a second (above 40,000).
    const run = { expectedEventsPerRun: "250000000", targetRunMinutes: "30" };
    const onDemand = { ...run, billingMode: "PAY_PER_REQUEST" };
    assert.equal(parse(onDemand).warmThroughput, 40000);
    assert.equal(parse({ ...onDemand, tableWriteQuota: "150000" }).warmThroughput, 138889);
  });

  it("refuses a quota that is not a whole number of at least 1, and reads the rest by the default", () => {
    const problems = problemsOf({ tableWriteQuota: "0", writeCapacity: "40001" });
    assert.deepEqual(problems.sort(), [
      "tableWriteQuota must be a whole number of at least 1, got '0'",
      "writeCapacity must be a whole number from 1 to 40000 (tableWriteQuota), got '40001'",
    ]);
    assert.deepEqual(problemsOf({ accountWriteQuota: "1.5" }), [
      "accountWriteQuota must be a whole number of at least 1, got '1.5'",
    ]);
  });
});

describe("read autoscaling", () => {
  it("takes a ceiling of read units, with the write target, and refuses one below the floor", () => {
    const s = parse({
      readCapacity: "5",
      autoscaling: '{"maxWriteCapacity":600,"maxReadCapacity":50}',
    });
    assert.equal(s.autoscaling?.maxReadCapacity, 50);
    assert.equal(s.autoscaling?.targetUtilization, 70);
    assert.deepEqual(
      problemsOf({
        readCapacity: "10",
        autoscaling: '{"maxWriteCapacity":600,"maxReadCapacity":5}',
      }),
      ["autoscaling.maxReadCapacity must not be smaller than readCapacity (10), got '5'"],
    );
    const [tooMany] = problemsOf({
      autoscaling: '{"maxWriteCapacity":600,"maxReadCapacity":40001}',
    });
    assert.match(
      tooMany,
      /^autoscaling\.maxReadCapacity must be a whole number from 1 to 40000, got '40001'/,
    );
  });
});

describe("the placement of a KMS key and an alarm topic", () => {
  const KEY = `arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}`;

  function problemsAt(values: Record<string, string>, region?: string): string[] {
    const config = Object.fromEntries(Object.entries(values).map(([k, v]) => [`${NS}:${k}`, v]));
    try {
      parseStackConfig(region ? { ...config, "aws:region": region } : config, NS, "dev");
    } catch (e) {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
      return [...e.problems];
    }
    return [];
  }

  it("rejects a key and a topic outside the stack's region", () => {
    assert.deepEqual(
      problemsAt({ kmsKeyArn: KEY, alarms: `{"snsTopicArn":"${TOPIC}"}` }, "us-east-1"),
      [
        `kmsKeyArn must be in the stack's region aws:region 'us-east-1', got '${KEY}' in 'eu-west-1'`,
        `alarms.snsTopicArn must be in the stack's region aws:region 'us-east-1', got '${TOPIC}' ` +
          "in 'eu-west-1'",
      ],
    );
  });

  it("rejects a key of another partition, whose region name looks right", () => {
    const key = `arn:aws:kms:cn-north-1:123456789012:key/${KEY_ID}`;
    assert.deepEqual(problemsAt({ kmsKeyArn: key }, "cn-north-1"), [
      `kmsKeyArn must be in the partition of aws:region 'cn-north-1' ('aws-cn'), got '${key}' in 'aws'`,
    ]);
  });

  it("asks for aws:region with a key, since the provider's own region cannot be checked", () => {
    assert.deepEqual(problemsAt({ kmsKeyArn: KEY }), [
      `kmsKeyArn needs aws:region, so that '${KEY}' can be checked against the table's region: ` +
        "set aws:region to 'eu-west-1'",
    ]);
  });

  it("rejects a region that AWS's partition data does not know, saying how to allow a newer one", () => {
    assert.deepEqual(problemsAt({}, "eu-west-99"), [
      "aws:region must be a region that AWS's partition data knows, such as 'eu-west-1', got " +
        "'eu-west-99': check its spelling, or set aws:skipRegionValidation to true for a region " +
        "newer than this program's AWS SDK",
    ]);
    assert.deepEqual(problemsAt({}, "aws-global"), [
      "aws:region must be a region that AWS's partition data knows, such as 'eu-west-1', got " +
        "'aws-global': check its spelling, or set aws:skipRegionValidation to true for a region " +
        "newer than this program's AWS SDK",
    ]);
  });

  it("leaves a region to the provider when aws:skipRegionValidation is set, as the provider does", () => {
    const config = { "aws:region": "eu-west-99", "aws:skipRegionValidation": "true" };
    assert.equal(parseStackConfig(config, NS, "dev").tableName, "snowplow-deduplication-dev");
  });

  it("reports the region's problems together with every other", () => {
    // A stack that lacks targetRunMinutes and has a KMS key but no aws:region.
    assert.deepEqual(problemsAt({ kmsKeyArn: KEY, expectedEventsPerRun: "1000" }), [
      "targetRunMinutes is missing: capacity planning needs both expectedEventsPerRun and " +
        "targetRunMinutes, got only expectedEventsPerRun '1000'",
      `kmsKeyArn needs aws:region, so that '${KEY}' can be checked against the table's region: ` +
        "set aws:region to 'eu-west-1'",
    ]);
  });

  it("accepts a key and a topic in the stack's region and partition", () => {
    const key = `arn:aws-cn:kms:cn-north-1:123456789012:key/${KEY_ID}`;
    const topic = "arn:aws-cn:sns:cn-north-1:123456789012:alerts";
    assert.deepEqual(
      problemsAt({ kmsKeyArn: key, alarms: `{"snsTopicArn":"${topic}"}` }, "cn-north-1"),
      [],
    );
    assert.deepEqual(problemsAt({ kmsKeyArn: KEY }, "eu-west-1"), []);
  });
});

describe("Pulumi.yaml", () => {
  const rawProject = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
  const project = parseYaml(rawProject);
  const declared: Record<string, { type: string; description?: string; default?: unknown }> =
    project.config;

  it("is the snowplow-dedup project on the nodejs runtime with TypeScript", () => {
    assert.equal(project.name, NS);
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.runtime.options.typescript, true);
  });

  it("declares no key without a default, which the CLI would make every stack set", () => {
    for (const [key, decl] of Object.entries(declared)) {
      assert.notEqual(decl.default, undefined, key);
    }
  });

  it("declares each key that has a default of its own, and names the others in a comment", () => {
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(DEFAULTS).sort());
    const comment = rawProject
      .split("\n")
      .filter((l) => l.startsWith("#"))
      .join(" ");
    for (const key of Object.keys(KEYS).filter((k) => !(k in DEFAULTS))) {
      assert.match(comment, new RegExp(`\\b${key}\\b`), key);
    }
  });

  it("gives each declared key the type of the program's key", () => {
    const pulumiType = { boolean: "boolean", integer: "integer", list: "array", map: "object" };
    for (const [key, decl] of Object.entries(declared)) {
      const { kind } = KEYS[key as keyof typeof KEYS];
      assert.equal(decl.type, pulumiType[kind as keyof typeof pulumiType] ?? kind, key);
    }
  });

  it("gives every declared key a description and a type Pulumi's project schema allows", () => {
    for (const [key, decl] of Object.entries(declared)) {
      assert.ok((decl.description ?? "").length > 10, `${key} has a description`);
      assert.ok(
        ["string", "integer", "boolean", "array", "object"].includes(decl.type),
        `${key}: ${decl.type}`,
      );
    }
  });

  it("declares only defaults the program applies itself", () => {
    const withoutKeys = parse({});
    for (const [key, decl] of Object.entries(declared)) {
      if (decl.default === undefined) continue;
      const raw = typeof decl.default === "string" ? decl.default : JSON.stringify(decl.default);
      assert.deepEqual(parse({ [key]: raw }), withoutKeys, key);
    }
  });
});

describe("the README's configuration table", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("\n## Configuration\n"),
    readme.indexOf("\n## What to hand the shredder\n"),
  );
  const rows = new Map(
    [...section.matchAll(/^\| `(\w+)` +\| ([^|]+?) +\|/gm)].map((m) => [m[1], m[2]] as const),
  );

  it("lists every config key the program reads, and no other", () => {
    assert.deepEqual([...rows.keys()].sort(), Object.keys(KEYS).sort());
  });

  it("states each numeric key's bounds and each choice of a key with a fixed set", () => {
    const cells = new Map(
      [...section.matchAll(/^\| `(\w+)` +\| [^|]+ +\| ([^|]+?) +\|/gm)].map(
        (m) => [m[1], m[2]] as const,
      ),
    );
    for (const [key, { allowed }] of Object.entries(KEYS)) {
      // A bound may name the key that sets it: "from 1 to 40000 (tableWriteQuota)".
      const range = /from (\d+) to (\d+)( \(\w+\))?$/.exec(allowed);
      const least = /of at least (\d+)$/.exec(allowed);
      const choices = /^one of (.+)$/.exec(allowed);
      if (range) assert.match(cells.get(key)!, new RegExp(`\\b${range[1]}–${range[2]}\\b`), key);
      if (least) assert.match(cells.get(key)!, new RegExp(`at least ${least[1]}\\b`), key);
      for (const choice of choices ? choices[1].split(", ") : []) {
        assert.ok(cells.get(key)!.includes(`\`${choice}\``), `${key}: ${choice}`);
      }
    }
  });

  it("gives each key the default that the program applies", () => {
    const fixed: Record<string, unknown> = {
      ...DEFAULTS,
      writeCapacity: DEFAULT_WRITE_CAPACITY,
      readCapacity: DEFAULT_READ_CAPACITY,
      encryption: DEFAULT_ENCRYPTION,
    };
    for (const [key, value] of Object.entries(fixed)) {
      const shown = typeof value === "string" ? value : JSON.stringify(value);
      assert.equal(rows.get(key), `\`${shown}\``, key);
    }
    for (const key of Object.keys(KEYS).filter((k) => !(k in fixed))) {
      assert.ok(
        [
          "none",
          "one per stack (1)",
          "one per table (1)",
          // Where point-in-time recovery is on: AWS's default, DEFAULT_RECOVERY_PERIOD_DAYS.
          `\`${DEFAULT_RECOVERY_PERIOD_DAYS}\` (11)`,
        ].includes(rows.get(key)!),
        key,
      );
    }
  });
});

describe("the user documents", () => {
  const docs = USER_DOCUMENTS.map((f) => fs.readFileSync(path.join(ROOT, f), "utf8"))
    .join("\n")
    .replace(/\s+/g, " ");

  it("give each map member's default as the program applies it", () => {
    const defaults: [string, unknown][] = [
      ["alarms.consumedWritePercent", DEFAULT_CONSUMED_WRITE_PERCENT],
    ];
    for (const [name, k] of Object.entries(KEYS)) {
      const members = (k as { members?: Record<string, { default?: unknown }> }).members ?? {};
      for (const [member, m] of Object.entries(members)) {
        if ("default" in m) defaults.push([`${name}.${member}`, m.default]);
      }
    }
    assert.equal(defaults.length, 4);
    for (const [member, value] of defaults) {
      const name = member.split(".")[1];
      // Said in the same sentence: `leadMinutes` (default 10), `targetUtilization` percent
      // (20–90, default 70).
      assert.match(docs, new RegExp(`\`${name}\`[^.]{0,40}\\bdefault ${value}\\b`), member);
    }
  });
});
