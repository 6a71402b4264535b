import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { parseStackConfig } from "../../../stack/config";
import { CANARY_PREFIX, Verdict, verify } from "../../../commands/verify/checks";
import {
  PROJECT,
  ROOT,
  Run,
  loadStackConfig,
  output,
  projectConfig,
  runProgram,
} from "../../harness";
import { CREDENTIALS, REGION, Server, startMoto, startSimulator } from "./servers";

const TABLE = "aws:dynamodb/table:Table";
const POLICY = "aws:iam/policy:Policy";
const ROLE = "EMR_EC2_DefaultRole";
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

describe("npm run verify, against moto and a stand-in for SimulatePrincipalPolicy", function () {
  this.timeout(120_000);
  let moto: Server;
  let simulator: Server;
  let db: DynamoDBClient;
  let iam: IAMClient;

  before(async () => {
    moto = await startMoto();
    simulator = await startSimulator(moto);
    const opts = { region: REGION, credentials: CREDENTIALS, maxAttempts: 1 };
    db = new DynamoDBClient({ ...opts, endpoint: moto.endpoint });
    iam = new IAMClient({ ...opts, endpoint: simulator.endpoint });
  });

  after(async () => {
    db?.destroy();
    iam?.destroy();
    await simulator?.stop();
    await moto?.stop();
  });

  beforeEach(async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
  });

  interface Deploy {
    /** Leave TTL off, as a table made from the setup guide has it. */
    readonly noTtl?: boolean;
    /** Key the table by eventId alone. */
    readonly hashOnly?: boolean;
    /** Create the role but leave the policy unattached. */
    readonly unattached?: boolean;
    /** Drop the policy's KMS statement. */
    readonly noKms?: boolean;
    /** An inline policy on the role that denies PutItem. */
    readonly denyPutItem?: boolean;
  }

  /**
   * Creates in moto, through AWS's API, what the program declares for `values`: the table with
   * TTL, point-in-time recovery, deletion protection and encryption, the policy, the role and the
   * attachment, optionally broken in one way.
   */
  async function deploy(
    values: Record<string, string>,
    broken: Deploy = {},
    config = projectConfig(values),
  ) {
    const run: Run = await runProgram(config);
    const settings = parseStackConfig(config, PROJECT, "dev");
    const t = run.one(TABLE).inputs;
    const { TableDescription } = await db.send(
      new CreateTableCommand({
        TableName: t.name,
        KeySchema: [
          { AttributeName: t.hashKey, KeyType: "HASH" },
          ...(broken.hashOnly ? [] : [{ AttributeName: t.rangeKey, KeyType: "RANGE" as const }]),
        ],
        AttributeDefinitions: t.attributes
          .filter((a: { name: string }) => !broken.hashOnly || a.name === t.hashKey)
          .map((a: { name: string; type: string }) => ({
            AttributeName: a.name,
            AttributeType: a.type,
          })),
        BillingMode: t.billingMode,
        ProvisionedThroughput:
          t.billingMode === "PROVISIONED"
            ? { ReadCapacityUnits: t.readCapacity, WriteCapacityUnits: t.writeCapacity }
            : undefined,
        DeletionProtectionEnabled: t.deletionProtectionEnabled,
        SSESpecification: t.serverSideEncryption.enabled
          ? { Enabled: true, SSEType: "KMS", KMSMasterKeyId: t.serverSideEncryption.kmsKeyArn }
          : undefined,
      }),
    );
    if (!broken.noTtl) {
      await db.send(
        new UpdateTimeToLiveCommand({
          TableName: t.name,
          TimeToLiveSpecification: { AttributeName: t.ttl.attributeName, Enabled: true },
        }),
      );
    }
    if (t.pointInTimeRecovery.enabled) {
      await db.send(
        new UpdateContinuousBackupsCommand({
          TableName: t.name,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
    }
    // The declared policy document, with the table's real ARN in place of the recorded one.
    const declared = run.one(POLICY).inputs;
    const recordedArn = output<string>(run, "tableArn").value!;
    const document = JSON.parse(
      declared.policy.replaceAll(recordedArn, TableDescription!.TableArn!),
    );
    if (broken.noKms) document.Statement = document.Statement.slice(0, 1);
    const { Policy } = await iam.send(
      new CreatePolicyCommand({
        PolicyName: declared.name,
        PolicyDocument: JSON.stringify(document),
      }),
    );
    for (const role of settings.attachToRoles) {
      await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: TRUST }));
      if (!broken.unattached) {
        await iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: Policy!.Arn }));
      }
      if (broken.denyPutItem) {
        await iam.send(
          new PutRolePolicyCommand({
            RoleName: role,
            PolicyName: "deny-dynamodb-writes",
            PolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Deny", Action: "dynamodb:PutItem", Resource: "*" }],
            }),
          }),
        );
      }
    }
    return { settings, tableName: t.name as string, tableArn: TableDescription!.TableArn! };
  }

  async function check(
    deployed: Awaited<ReturnType<typeof deploy>>,
    extra: { extraRoles?: string[]; writeCanary?: boolean } = {},
  ): Promise<Verdict[]> {
    return verify(
      {
        ...deployed,
        extraRoles: extra.extraRoles ?? [],
        writeCanary: extra.writeCanary ?? false,
        now: 1_764_000_000,
      },
      { dynamodb: db, iam },
    );
  }

  const failed = (verdicts: Verdict[]) => verdicts.filter((v) => !v.ok);
  const attached = { attachToRoles: `["${ROLE}"]` };

  it("passes a correct setup, and writes one marked canary item that TTL removes", async () => {
    const deployed = await deploy({
      ...attached,
      pointInTimeRecovery: "true",
      deletionProtection: "true",
    });
    const verdicts = await check(deployed, { writeCanary: true });
    assert.deepEqual(failed(verdicts), []);
    // Table: active, keys, TTL, capacity, PITR, deletion protection, encryption; the quotas; the
    // role; the write.
    assert.equal(verdicts.length, 10);
    const { Item } = await db.send(
      new GetItemCommand({
        TableName: deployed.tableName,
        Key: { eventId: { S: `${CANARY_PREFIX}1764000000` }, fingerprint: { S: "canary" } },
      }),
    );
    assert.equal(Item?.ttl?.N, String(1_764_000_000 + 3600));
  });

  it("catches a policy that is not attached to the role", async () => {
    const verdicts = await check(await deploy(attached, { unattached: true }));
    const [denied] = failed(verdicts);
    assert.equal(failed(verdicts).length, 1);
    assert.match(denied.check, new RegExp(`^role ${ROLE} \\(attachToRoles\\)`));
    assert.match(
      denied.reason,
      /^dynamodb:DescribeTable, dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table\/snowplow-deduplication-dev: no policy of the principal allows it/,
    );
  });

  it("catches an explicit deny, naming the action and the deciding policy", async () => {
    const verdicts = await check(await deploy(attached, { denyPutItem: true }));
    assert.equal(failed(verdicts).length, 1);
    const [denied] = failed(verdicts);
    assert.match(
      denied.reason,
      /^dynamodb:PutItem on .*: explicitly denied by deny-dynamodb-writes$/,
    );
  });

  // moto's DescribeLimits answers fixed quotas, not AWS's defaults: 10,000 write units for a
  // table and 20,000 for the account (moto/dynamodb/responses.py, describe_limits). So a table of
  // 20,000 write units, within AWS's default of 40,000, is beyond what this "account" has.
  describe("the account's write quotas, as moto's DescribeLimits gives them", () => {
    const QUOTAS = "the account's write quotas allow the stack's table";

    it("pass a table within them, naming what it needs", async () => {
      const verdicts = await check(await deploy(attached));
      const quota = verdicts.find((v) => v.check === QUOTAS)!;
      assert.equal(quota.ok, true, quota.reason);
      // The dev stack's 100 write units, provisioned: both quotas count them.
      assert.equal(
        quota.reason,
        "the table needs 100 write units of the table-level quota of 10000 and of the " +
          "account-level quota of 20000",
      );
    });

    it("fail a table that needs more than the table-level quota, naming both figures", async () => {
      const verdicts = await check(await deploy({ ...attached, writeCapacity: "20000" }));
      assert.deepEqual(
        failed(verdicts).map((v) => v.check),
        [QUOTAS],
      );
      // 20,000 is beyond the table-level 10,000 but not beyond the account-level 20,000.
      assert.equal(
        failed(verdicts)[0].reason,
        "the table needs 20000 write units, and the account's table-level write quota is 10000 " +
          "(DescribeLimits): ask AWS to raise the quota (Service Quotas, Amazon DynamoDB), or " +
          "lower the stack's write capacity",
      );
    });

    it("fail a stack whose tableWriteQuota is more than the account's", async () => {
      const verdicts = await check(await deploy({ ...attached, tableWriteQuota: "150000" }));
      assert.match(
        failed(verdicts)[0].reason,
        /^the stack's tableWriteQuota is 150000, and AWS's is 10000 \(DescribeLimits\)/,
      );
    });
  });

  it("catches a table without TTL", async () => {
    const verdicts = await check(await deploy(attached, { noTtl: true }));
    assert.deepEqual(
      failed(verdicts).map((v) => [v.check, v.reason]),
      [
        [
          "TTL is enabled on ttl",
          "TTL is DISABLED; without it the table keeps every event for ever",
        ],
      ],
    );
  });

  it("catches a wrong key schema", async () => {
    const verdicts = await check(await deploy(attached, { hashOnly: true }));
    assert.deepEqual(
      failed(verdicts).map((v) => v.check),
      ["the key schema is eventId and fingerprint, both strings"],
    );
    assert.match(failed(verdicts)[0].reason, /^its keys are eventId \(S, HASH\);/);
  });

  it("catches a principal that lacks the KMS permissions of an encrypted table", async () => {
    const deployed = await deploy({ ...attached, kmsKeyArn: KEY_ARN }, { noKms: true });
    const verdicts = await check(deployed);
    assert.equal(failed(verdicts).length, 1, JSON.stringify(failed(verdicts)));
    assert.match(
      failed(verdicts)[0].reason,
      // PutItem makes DynamoDB decrypt the table key as the caller; nothing else is asked of it.
      new RegExp(
        `^kms:Decrypt \\(which dynamodb:PutItem needs through DynamoDB\\) on ${KEY_ARN}: no policy`,
      ),
    );
    // With the declared policy, its KMS statement and ViaService condition included, it passes.
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
    assert.deepEqual(failed(await check(await deploy({ ...attached, kmsKeyArn: KEY_ARN }))), []);
  });

  it("checks a role the user names, by name or ARN, and says when IAM cannot find it", async () => {
    const deployed = await deploy(attached);
    const verdicts = await check(deployed, {
      extraRoles: [`arn:aws:iam::123456789012:role/${ROLE}`, "NoSuchRole"],
    });
    assert.deepEqual(
      verdicts.filter((v) => v.check.includes("--role")).map((v) => [v.check, v.ok]),
      [
        [`role ${ROLE} (--role) may call what the shredder calls`, true],
        ["role NoSuchRole (--role) may call what the shredder calls", false],
      ],
    );
  });

  it("fails when the stack attaches the policy to nobody and no role is named", async () => {
    const verdicts = await check(await deploy({}));
    assert.match(failed(verdicts)[0].reason, /pass --role/);
  });

  it("catches capacity and protection that differ from the stack", async () => {
    const deployed = await deploy(attached);
    const verdicts = await check({
      ...deployed,
      settings: parseStackConfig(
        projectConfig({ ...attached, writeCapacity: "200", deletionProtection: "true" }),
        PROJECT,
        "dev",
      ),
    });
    assert.deepEqual(
      failed(verdicts).map((v) => v.check),
      ["billing and capacity are as declared", "deletion protection is as declared"],
    );
  });

  describe("from the command line", () => {
    /**
     * `npm run verify -- dev ...` with AWS's endpoints pointed at the local servers. Asynchronous,
     * since the stand-in answers from this process.
     */
    async function cli(args: string[], outputs: object) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
      try {
        const file = path.join(dir, "outputs.json");
        fs.writeFileSync(file, JSON.stringify(outputs));
        const child = spawn(
          process.execPath,
          ["-r", "./commands/register.js", "commands/verify.ts", ...args, "--outputs", file],
          {
            cwd: ROOT,
            env: {
              ...process.env,
              AWS_ENDPOINT_URL: simulator.endpoint,
              AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
              AWS_SECRET_ACCESS_KEY: "do-not-print-this-secret",
              AWS_REGION: REGION,
              AWS_MAX_ATTEMPTS: "1",
              AWS_EC2_METADATA_DISABLED: "true",
            },
          },
        );
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        return { code, out };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    it("passes the committed dev stack as deployed, and prints one verdict a line", async () => {
      const deployed = await deploy({}, {}, loadStackConfig("dev"));
      const r = await cli(["dev", "--write-canary"], {
        tableName: deployed.tableName,
        tableArn: deployed.tableArn,
      });
      assert.equal(r.code, 0, r.out);
      const lines = r.out.trim().split("\n");
      assert.ok(
        lines.slice(0, -1).every((l) => l.startsWith("PASS  ")),
        r.out,
      );
      assert.equal(lines.at(-1), "All checks passed.");
      assert.ok(lines.some((l) => l.startsWith("PASS  role EMR_EC2_DefaultRole (attachToRoles)")));
      assert.doesNotMatch(r.out, /do-not-print-this-secret/);
    });

    it("exits 1 and says what failed when the table has no TTL", async () => {
      const deployed = await deploy({}, { noTtl: true }, loadStackConfig("dev"));
      const r = await cli(["dev"], { tableName: deployed.tableName, tableArn: deployed.tableArn });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /^FAIL {2}TTL is enabled on ttl: TTL is DISABLED/m);
      assert.match(r.out, /^1 check\(s\) failed\.$/m);
    });
  });
});
