/**
 * `npm run tune` from the command line against moto, which serves DynamoDB and CloudWatch
 * (`tools/moto/test-tier.sh`). DynamoDB in moto publishes no metrics of its own, so
 * `tools/cloudwatch/seedHistory.ts` seeds the history of `history.ts` with PutMetricData, and the
 * command reads it back with GetMetricData, as from AWS. Where moto differs from AWS:
 * - its DescribeTable reports a TableSizeBytes of 0, which tune reads as unknown, so the costs use
 *   the modelled size (tune.test.ts, in process, has no other figures either);
 * - it never pages GetMetricData, so NextToken is tested against a stand-in client in process
 *   (tune.test.ts);
 * - it has no DescribeScalingActivities, which tune does not call: the current setup is the stack's.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { seedHistory } from "../../../tools/cloudwatch/seedHistory";
import { command } from "../../harness";
import { CREDENTIALS, REGION, Server, startMoto } from "../verify/servers";
import { DAYS, EXPECTED, seededHistory } from "./history";

const TABLE = "snowplow-deduplication-dev";
const ARN = `arn:aws:dynamodb:${REGION}:123456789012:table/${TABLE}`;

describe("npm run tune, against moto's CloudWatch and DynamoDB", function () {
  this.timeout(120_000);
  let moto: Server;
  let dir: string;
  let outputs: string;
  // The window ends at today's midnight (UTC), which the command accepts: within 15 days.
  const end = Math.floor(Date.now() / 86_400_000);
  const D = end - DAYS;
  const endText = new Date(end * 86_400_000).toISOString().replace(":00.000Z", "Z");

  const env = () => ({
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_PROFILE: undefined,
  });
  const tune = (...args: string[]) =>
    command("tune", ["dev", "--outputs", outputs, "--end", endText, ...args], { env: env() });

  before(async () => {
    moto = await startMoto();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tune-"));
    outputs = path.join(dir, "outputs.json");
    fs.writeFileSync(outputs, JSON.stringify({ tableName: TABLE, tableArn: ARN }));
  });
  after(async () => {
    await moto?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
  });

  async function createTable(): Promise<void> {
    const db = new DynamoDBClient({
      region: REGION,
      credentials: CREDENTIALS,
      endpoint: moto.endpoint,
    });
    await db.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [
          { AttributeName: "eventId", KeyType: "HASH" },
          { AttributeName: "fingerprint", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "eventId", AttributeType: "S" },
          { AttributeName: "fingerprint", AttributeType: "S" },
        ],
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 10 },
      }),
    );
    db.destroy();
  }

  async function seed(): Promise<void> {
    const cloudwatch = new CloudWatchClient({
      region: REGION,
      credentials: CREDENTIALS,
      endpoint: moto.endpoint,
    });
    await seedHistory(cloudwatch, TABLE, seededHistory(D));
    cloudwatch.destroy();
  }

  describe("on a seeded 14-day history", () => {
    let json: any;
    let code: number | null;
    let text: ReturnType<typeof tune>;
    // Both runs here: the beforeEach above resets moto before each test.
    before(async () => {
      await fetch(`${moto.endpoint}/moto-api/reset`, { method: "POST" });
      await createTable();
      await seed();
      const r = tune("--json");
      code = r.status;
      json = JSON.parse(r.stdout);
      text = tune();
    });

    it("exits 1: a run was throttled", () => {
      assert.equal(code, 1);
    });

    it("recovers the runs, their throttled minutes and duplicates", () => {
      assert.equal(json.runs.length, EXPECTED.runs);
      const { start, ...first } = json.runs[0];
      assert.equal(
        start,
        new Date((D * 1440 + 360) * 60_000).toISOString().replace(":00.000Z", "Z"),
      );
      assert.deepEqual(first, { ...EXPECTED.plainRun, throttledMinutes: 0, neededMinutes: 20 });
      const throttled = json.runs.filter(
        (r: { throttledMinutes: number }) => r.throttledMinutes > 0,
      );
      assert.deepEqual(
        throttled.map(({ start: _, ...r }: { start: string }) => r),
        [EXPECTED.throttledRun],
      );
      assert.equal(json.duplicateRate, EXPECTED.duplicateRate);
    });

    it("recovers the schedule, and names the run it lacks", () => {
      assert.equal(json.schedule.runsPerDay, 2);
      assert.deepEqual(json.schedule.startTimesUtc, EXPECTED.startTimesUtc);
      assert.deepEqual(json.schedule.missing, [
        { date: new Date((D + 9) * 86_400_000).toISOString().slice(0, 10), startTimeUtc: "06:00" },
      ]);
    });

    it("gives the current and the recommended setup, with their replays and costs", () => {
      assert.equal(json.current.observedThrottledMinutes, 2);
      assert.equal(json.current.throttledMinutes, 534);
      assert.equal(json.recommended.id, EXPECTED.recommended.id);
      assert.equal(json.recommended.throttledMinutes, 0);
      assert.equal(json.recommended.monthlyUsd, EXPECTED.recommended.monthlyUsd);
      assert.equal(json.recommended.config.targetRunMinutes, 22);
      assert.equal(json.recommended.config.writeCapacity, null);
    });

    it("prints the same for people, with the advice as lines to paste", () => {
      const r = text;
      assert.equal(r.status, 1, r.stderr);
      for (const line of EXPECTED.devAdvice) assert.ok(r.stdout.includes(`  ${line}\n`), line);
      assert.match(
        r.stdout,
        /^Schedule: 2 run\(s\) a day, starting at 06:00 \(up to 2 minutes later\), 18:00/m,
      );
      assert.match(r.stdout, /# served {3}x throttled/);
      assert.ok(r.stdout.split("\n").every((l) => l.length <= 100));
    });
  });

  it("exits 1 and points at verify when the table took no writes", async () => {
    await createTable();
    const r = tune();
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /No writes reached the table in 14 days: either nothing runs/);
    assert.match(r.stdout, /npm run verify -- dev --write-canary/);
  });

  it("exits 2 when the table does not exist, naming it", async () => {
    const r = tune();
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`the table ${TABLE} does not exist in ${REGION}`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it("exits 2 without credentials, saying how to set them", () => {
    const r = command("tune", ["dev", "--outputs", outputs], {
      env: {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_PROFILE: undefined,
        AWS_CONFIG_FILE: "/nonexistent/aws-config",
        AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no AWS credentials were found, and tune runs with your own/);
  });
});
