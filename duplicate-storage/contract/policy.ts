/**
 * The shredder's least-privilege IAM policy: the actions it calls and the document that allows
 * them on one table. Pure: a value that is not known yet (a Pulumi Output) is carried through as
 * the type parameter `V`, so the component gets a typed document to serialise.
 */

/** What every current shredder calls on the table: it checks the table, then writes one item per event. */
export const SHREDDER_ACTIONS = ["dynamodb:DescribeTable", "dynamodb:PutItem"] as const;

/**
 * What a shredder up to 0.13 calls when it creates its own missing table: `CreateTable`, then
 * `UpdateTimeToLive` to enable TTL. The setup guide's policy also lists `DeleteTable`, which no
 * shredder calls (only its test specs do); it is left out, since it would let a leaked credential
 * erase the de-duplication history.
 */
export const TABLE_MANAGEMENT_ACTIONS = [
  "dynamodb:CreateTable",
  "dynamodb:UpdateTimeToLive",
] as const;

/** One of the calls that every current shredder makes on the table. */
export type ShredderAction = (typeof SHREDDER_ACTIONS)[number];

/**
 * What each of the shredder's calls needs on the table's customer managed key, through DynamoDB.
 * From the AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS" (read 2026-12-04; its
 * sections "Table key caching" and "Monitoring DynamoDB interaction with AWS KMS"):
 * - `PutItem` needs `kms:Decrypt`: DynamoDB decrypts the table key on the first access over a
 *   connection, and again after five minutes without one, and the principal of that `Decrypt` is
 *   "the principal in your AWS account who is accessing the table".
 * - `DescribeTable` reads the table's metadata, for which the guide lists no request to KMS.
 *
 * The rest of AWS's example list is not the caller's: `GenerateDataKey` is called by DynamoDB's
 * own service account when the table key is made; `CreateGrant` by "the user who created the
 * table"; `Encrypt`, `ReEncrypt*` and `DescribeKey` by DynamoDB under that grant, for its
 * maintenance and key changes. A shredder that creates its own table (up to 0.13) names no key in
 * its `CreateTable`, so that table gets the AWS owned key, and table management needs nothing of
 * a key either. `docs/production.md` ("Encryption") gives the same table for users.
 */
export const SHREDDER_KEY_ACTIONS: Readonly<Record<ShredderAction, readonly string[]>> = {
  "dynamodb:DescribeTable": [],
  "dynamodb:PutItem": ["kms:Decrypt"],
};

/** Every action that the shredder's calls need on the table's customer managed key. */
export const TABLE_KEY_ACTIONS: readonly string[] = [
  ...new Set(SHREDDER_ACTIONS.flatMap((call) => SHREDDER_KEY_ACTIONS[call])),
];

/** The customer managed key of the table, and DynamoDB's endpoint name in the table's region. */
export interface TableKey<V = string> {
  readonly keyArn: string | V;
  /** `dynamodb.<region>.<DNS suffix of the partition>`, the value of `kms:ViaService`. */
  readonly viaService: string | V;
}

/** The value of `kms:ViaService` for DynamoDB in a region of a partition with this DNS suffix. */
export function dynamodbViaService(region: string, dnsSuffix: string): string {
  return `dynamodb.${region}.${dnsSuffix}`;
}

/** The actions the shredder's policy allows on the table. */
export function shredderActions(allowTableManagement: boolean): string[] {
  return [...SHREDDER_ACTIONS, ...(allowTableManagement ? TABLE_MANAGEMENT_ACTIONS : [])];
}

/** One statement of the policy, in IAM's JSON grammar. */
export interface PolicyStatement<V = string> {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: (string | V)[];
  readonly Condition?: { readonly StringEquals: Record<string, string | V> };
}

/** The policy document, in IAM's JSON grammar. */
export interface ShredderPolicyDocument<V = string> {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement<V>[];
}

/**
 * The shredder's least-privilege policy: its actions on exactly one table ARN, which must be the
 * table's own output so that the policy can never point at a table other than the one declared;
 * and, for a table encrypted with a customer managed key, the key's actions through DynamoDB.
 */
export function shredderPolicyDocument<V = string>(
  tableArn: string | V,
  allowTableManagement: boolean,
  tableKey?: TableKey<V>,
): ShredderPolicyDocument<V> {
  const statements: PolicyStatement<V>[] = [
    {
      Sid: "SnowplowShredderDeduplication",
      Effect: "Allow",
      Action: shredderActions(allowTableManagement),
      Resource: [tableArn],
    },
  ];
  if (tableKey !== undefined) {
    statements.push({
      Sid: "SnowplowShredderTableKey",
      Effect: "Allow",
      Action: [...TABLE_KEY_ACTIONS],
      Resource: [tableKey.keyArn],
      // Only DynamoDB, on the shredder's behalf, may use the key; never the shredder directly.
      Condition: {
        StringEquals: {
          "kms:ViaService": tableKey.viaService,
        },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
