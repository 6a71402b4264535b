/**
 * `npm run verify` when it cannot check at all: each of its own failures is told apart from a
 * failed check by exit code 2 and a message that names the cause. (Its checks, against moto, are
 * in test/commands/verify/.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DEFAULTS, DedupSettings } from "snowplowdedup/args";
import { Target, encryptionVerdict, quotaVerdicts } from "../../commands/verify/checks";
import { SPEC, main } from "../../commands/verify";
import { command, inProcess } from "../harness";

const OUTPUTS = {
  tableName: "snowplow-deduplication-dev",
  tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/snowplow-deduplication-dev",
};

/** A home and environment with no AWS credentials of any kind. */
const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
};

describe("npm run verify, when it cannot check", () => {
  let dir: string;
  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-cli-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 2 and names credentials when there are none, checking nothing", () => {
    const r = command("verify", ["dev", "--outputs", write("outputs.json", OUTPUTS)], {
      env: NO_CREDENTIALS,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: no AWS credentials were found, and verify runs with your own/);
    assert.equal(r.stdout, "");
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  });

  const verify = (...argv: string[]) =>
    inProcess(SPEC, ({ values, positionals }) => main(values, positionals[0]), argv);

  it("exits 2 when the outputs have no table", async () => {
    const r = await verify("dev", "--outputs", write("empty.json", {}));
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /have no tableName: has dev been deployed with pulumi up/);
  });

  it("exits 2 when the outputs file is missing or not JSON", async () => {
    const missing = await verify("dev", "--outputs", path.join(dir, "nothing.json"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error: cannot read --outputs .*nothing\.json/);
    const garbled = await verify("dev", "--outputs", write("bad.json", "{"));
    assert.equal(garbled.status, 2);
    assert.match(garbled.stderr, /are not JSON/);
  });

  it("exits 2 and says so when the Pulumi CLI is not installed", () => {
    const r = command("verify", ["dev"], { env: { PATH: path.dirname(process.execPath) } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: the Pulumi CLI is not on your PATH: install it/);
  });

  it("exits 2 for a stack it does not know, and suggests the nearest", async () => {
    const r = await verify("prd");
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "error: unknown stack 'prd'. Did you mean 'prod'? Known: dev, prod.\n");
  });
});

describe("npm run verify's encryption check, by the stack's encryption", () => {
  const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const kms = (arn: string) => ({
    SSEType: "KMS" as const,
    Status: "ENABLED" as const,
    KMSMasterKeyArn: arn,
  });
  const cases: [
    string,
    ReturnType<typeof kms> | undefined,
    "AWS_OWNED" | "AWS_MANAGED" | "CUSTOMER_MANAGED",
    boolean,
  ][] = [
    ["an AWS owned key, as declared", undefined, "AWS_OWNED", true],
    ["a KMS key where an AWS owned key is declared", kms(KEY), "AWS_OWNED", false],
    ["a KMS key where the AWS managed key is declared", kms(KEY), "AWS_MANAGED", true],
    ["an AWS owned key where the AWS managed key is declared", undefined, "AWS_MANAGED", false],
    ["the declared customer managed key", kms(KEY), "CUSTOMER_MANAGED", true],
    [
      "another key than the declared one",
      kms(KEY.replace("1234abcd", "9999abcd")),
      "CUSTOMER_MANAGED",
      false,
    ],
    [
      "an AWS owned key where a customer managed key is declared",
      undefined,
      "CUSTOMER_MANAGED",
      false,
    ],
  ];
  for (const [what, sse, encryption, ok] of cases) {
    it(`${ok ? "passes" : "fails"} ${what}`, () => {
      const verdict = encryptionVerdict(sse, {
        encryption,
        kmsKeyArn: encryption === "CUSTOMER_MANAGED" ? KEY : undefined,
      });
      assert.equal(verdict.ok, ok, verdict.reason);
      assert.equal(verdict.check, `encryption is ${encryption} as declared`);
      assert.match(verdict.reason, sse ? /the KMS key arn:aws:kms:/ : /an AWS owned key/);
    });
  }
});

describe("verify's quota check, against a stand-in for DescribeLimits", () => {
  // moto's DescribeLimits answers fixed figures (10,000 and 20,000) that cannot show a table
  // within its own quota but beyond the account's; this stand-in answers what a test gives.
  const limits = (table: number, account: number) =>
    ({
      send: async () => ({
        TableMaxWriteCapacityUnits: table,
        AccountMaxWriteCapacityUnits: account,
      }),
    }) as unknown as DynamoDBClient;
  const target = (settings: Partial<DedupSettings>): Target => ({
    settings: { ...DEFAULTS, ...settings } as DedupSettings,
    tableName: OUTPUTS.tableName,
    tableArn: OUTPUTS.tableArn,
    extraRoles: [],
    writeCanary: false,
    now: 0,
  });
  const raised = { tableWriteQuota: 150000, accountWriteQuota: 200000 };

  it("fails a provisioned table beyond the account-level quota, naming both figures", async () => {
    const [v] = await quotaVerdicts(
      target({
        ...raised,
        writeCapacity: 100,
        autoscaling: { maxWriteCapacity: 138889, targetUtilization: 70 },
      }),
      limits(150000, 80000),
    );
    assert.equal(v.ok, false);
    assert.match(
      v.reason,
      /^the table alone may provision 138889 write units, and the account-level write quota is 80000 \(DescribeLimits\)/,
    );
  });

  it("holds an on-demand table to the table-level quota alone", async () => {
    const onDemand = target({ ...raised, billingMode: "PAY_PER_REQUEST", warmThroughput: 138889 });
    const [within] = await quotaVerdicts(onDemand, limits(150000, 80000));
    assert.equal(within.ok, true, within.reason);
    assert.equal(
      within.reason,
      "the table needs 138889 write units of the table-level quota of 150000",
    );
    const [beyond] = await quotaVerdicts(onDemand, limits(40000, 80000));
    assert.match(
      beyond.reason,
      /^the table needs 138889 write units, and the account's table-level write quota is 40000; the stack's tableWriteQuota is 150000, and AWS's is 40000 \(DescribeLimits\)/,
    );
  });

  it("says why it could not check, when DescribeLimits fails", async () => {
    const refusing = {
      send: async () =>
        Promise.reject(Object.assign(new Error("no"), { name: "AccessDeniedException" })),
    };
    const [v] = await quotaVerdicts(
      target({ writeCapacity: 100 }),
      refusing as unknown as DynamoDBClient,
    );
    assert.equal(v.ok, false);
    assert.equal(v.reason, "DescribeLimits failed: AccessDeniedException: no");
  });
});
