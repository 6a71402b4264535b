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

/**
 * What a caller of a table encrypted with a customer managed key needs on the key, per "How Amazon
 * DynamoDB uses AWS KMS" in the AWS KMS Developer Guide, which lists kms:Encrypt, kms:Decrypt,
 * kms:ReEncrypt* (ReEncryptFrom and ReEncryptTo), kms:GenerateDataKey* (GenerateDataKey and
 * GenerateDataKeyWithoutPlaintext), kms:DescribeKey and kms:CreateGrant. The wildcards are spelt
 * out so that the policy holds none.
 *
 * Issue #10 asked for less (CreateGrant as the creator's permission only). No AWS page found on
 * 2026-11-25 says which of these a caller of PutItem and DescribeTable can do without, and the
 * key policy that AWS itself gives the AWS managed key for DynamoDB (policy id
 * "auto-dynamodb-1") grants exactly this list, CreateGrant included, to "all principals in the
 * account that are authorized to use Amazon DynamoDB", through kms:ViaService. Granting less on a
 * guess would risk the silent failure (every event a bad row), so the list stays until AWS
 * documents a smaller one; `npm run verify` checks it per principal.
 */
export const TABLE_KEY_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
  "kms:CreateGrant",
] as const;

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
