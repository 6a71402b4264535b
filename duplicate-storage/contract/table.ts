/**
 * The table as the shredder uses it, from its source (`DynamoDbManifest.scala` in
 * snowplow-events-manifest, used by every shredder since RDB Shredder 0.15): the key schema, the
 * item it writes for each event and the condition of that write. Pure values.
 */

/** Attribute names and types of the table's key, fixed by the shredder's item format. */
export const TABLE_KEY = {
  hashKey: "eventId",
  rangeKey: "fingerprint",
  attributes: [
    { name: "eventId", type: "S" },
    { name: "fingerprint", type: "S" },
  ],
} as const;

/** The attribute that holds the shredder's expiry time, which TTL must be enabled on. */
export const TTL_ATTRIBUTE = "ttl";

/** The attribute that holds the run's ETL time, in whole epoch seconds. */
export const ETL_TIME_ATTRIBUTE = "etlTime";

/** How long the shredder keeps an event: `ttl` is `etlTime` plus 180 days. */
export const RETENTION_SECONDS = 180 * 24 * 60 * 60;
/** The same in days. */
export const RETENTION_DAYS = RETENTION_SECONDS / 86400;

/**
 * The condition of the shredder's `PutItem`: a new pair is stored, the same pair from the same run
 * is overwritten (a retried run), and the same pair from a later run fails the condition, which
 * marks the event as a duplicate.
 */
export const WRITE_CONDITION =
  `(attribute_not_exists(${TABLE_KEY.hashKey}) AND attribute_not_exists(${TABLE_KEY.rangeKey})) ` +
  `OR ${ETL_TIME_ATTRIBUTE} = :tst`;

/** A DynamoDB attribute value of the two kinds the item uses. */
export type AttributeValue = { readonly S: string } | { readonly N: string };

/**
 * The shredder's conditional write of one event, as `PutItem`'s input without the table name.
 * `expiresAt` is the `ttl` to store; the shredder's own is `etlTime + RETENTION_SECONDS`.
 */
export function shredderWrite(
  eventId: string,
  fingerprint: string,
  etlTime: number,
  expiresAt: number = etlTime + RETENTION_SECONDS,
) {
  return {
    Item: {
      [TABLE_KEY.hashKey]: { S: eventId },
      [TABLE_KEY.rangeKey]: { S: fingerprint },
      [ETL_TIME_ATTRIBUTE]: { N: String(etlTime) },
      [TTL_ATTRIBUTE]: { N: String(expiresAt) },
    } satisfies Record<string, AttributeValue>,
    ConditionExpression: WRITE_CONDITION,
    ExpressionAttributeValues: { ":tst": { N: String(etlTime) } },
  };
}
