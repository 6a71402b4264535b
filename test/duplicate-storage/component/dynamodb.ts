/**
 * A DynamoDB implementation with AWS's validation rules (dynalite), in this process and in memory
 * on 127.0.0.1, and the shredder's access pattern replayed against it.
 */
import { strictEqual } from "node:assert/strict";
import type { AddressInfo } from "node:net";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
// The SDK's notice that its 2027 releases need Node 22 is noise in every test run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// dynalite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (opts: object) => import("node:http").Server;

export interface LocalDynamoDB {
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite on a random loopback port; tables become ACTIVE at once. */
export async function startDynamoDB(): Promise<LocalDynamoDB> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "eu-west-1",
    credentials: { accessKeyId: "offline", secretAccessKey: "offline" },
    maxAttempts: 1,
  });
  return {
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The CreateTable request that the AWS provider sends for `aws.dynamodb.Table` inputs: name, key
 * schema, attribute definitions, billing mode, throughput and tags. TTL, point-in-time recovery
 * and deletion protection are separate calls or flags that dynalite does not model.
 */
export function createTableRequest(inputs: Record<string, any>): CreateTableCommandInput {
  const provisioned = (inputs.billingMode ?? "PROVISIONED") === "PROVISIONED";
  const tags = Object.entries<string>(inputs.tags ?? {});
  return {
    TableName: inputs.name,
    KeySchema: [
      { AttributeName: inputs.hashKey, KeyType: "HASH" },
      ...(inputs.rangeKey ? [{ AttributeName: inputs.rangeKey, KeyType: "RANGE" as const }] : []),
    ],
    AttributeDefinitions: (inputs.attributes ?? []).map((a: { name: string; type: string }) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    BillingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
    ProvisionedThroughput: provisioned
      ? { ReadCapacityUnits: inputs.readCapacity, WriteCapacityUnits: inputs.writeCapacity }
      : undefined,
    Tags: tags.length > 0 ? tags.map(([Key, Value]) => ({ Key, Value })) : undefined,
  };
}

/** Creates the table the inputs describe. */
export async function createTable(db: LocalDynamoDB, inputs: Record<string, any>): Promise<void> {
  await db.client.send(new CreateTableCommand(createTableRequest(inputs)));
}

/**
 * What the shredder does, written from ../shared/SNOWPLOW.md rather than from our code: wait for
 * the table with DescribeTable, then one conditional PutItem per event.
 */
export class ReplayedShredder {
  constructor(
    private readonly db: LocalDynamoDB,
    private readonly table: string,
  ) {}

  /** Start-up: DescribeTable until the table is ACTIVE. */
  async start(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { Table } = await this.db.client.send(
        new DescribeTableCommand({ TableName: this.table }),
      );
      if (Table?.TableStatus === "ACTIVE") return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`table ${this.table} never became ACTIVE`);
  }

  /**
   * One event of a run whose etl time is `etlTime` (whole epoch seconds).
   * @returns "stored", or "duplicate" when the condition fails.
   */
  async put(
    eventId: string,
    fingerprint: string,
    etlTime: number,
  ): Promise<"stored" | "duplicate"> {
    try {
      await this.db.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            eventId: { S: eventId },
            fingerprint: { S: fingerprint },
            etlTime: { N: String(etlTime) },
            ttl: { N: String(etlTime + 15552000) },
          },
          ConditionExpression:
            "(attribute_not_exists(eventId) AND attribute_not_exists(fingerprint)) OR etlTime = :tst",
          ExpressionAttributeValues: { ":tst": { N: String(etlTime) } },
        }),
      );
      return "stored";
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return "duplicate";
      throw e;
    }
  }

  /** The stored item, read back for the test (the shredder itself reads nothing). */
  async stored(eventId: string, fingerprint: string) {
    const { Item } = await this.db.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { eventId: { S: eventId }, fingerprint: { S: fingerprint } },
        ConsistentRead: true,
      }),
    );
    return Item;
  }
}

/**
 * Check 1: creates the declared table in dynalite and replays the shredder against it, asserting
 * the outcomes that cross-batch de-duplication depends on.
 */
export async function assertServesShredder(inputs: Record<string, any>): Promise<void> {
  const db = await startDynamoDB();
  try {
    await createTable(db, inputs);
    const shredder = new ReplayedShredder(db, inputs.name);
    await shredder.start();
    const run1 = 1764000000;
    const run2 = run1 + 3600;
    const event = "c6ef3124-b53a-4b13-a233-0088f79dcbcb";

    strictEqual(await shredder.put(event, "fp-1", run1), "stored", "a first sighting is stored");
    const item = await shredder.stored(event, "fp-1");
    strictEqual(item?.etlTime?.N, String(run1));
    strictEqual(item?.ttl?.N, String(run1 + 180 * 24 * 3600));
    strictEqual(
      await shredder.put(event, "fp-1", run1),
      "stored",
      "a retry of the same run passes",
    );
    strictEqual(await shredder.put(event, "fp-1", run2), "duplicate", "a later run is a duplicate");
    strictEqual(
      await shredder.put(event, "fp-2", run2),
      "stored",
      "the same eventId with another fingerprint is a new event",
    );
  } finally {
    await db.close();
  }
}
