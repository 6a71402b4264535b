import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** What every current shredder calls on the table: it checks the table, then writes one item per event. */
export const SHREDDER_ACTIONS = ["dynamodb:DescribeTable", "dynamodb:PutItem"] as const;

/**
 * What a shredder up to 0.13 calls when it creates its own missing table. The setup guide's
 * policy lists the first two; `UpdateTimeToLive` is the TTL call that follows the create.
 */
export const TABLE_MANAGEMENT_ACTIONS = [
  "dynamodb:CreateTable",
  "dynamodb:DeleteTable",
  "dynamodb:UpdateTimeToLive",
] as const;

/** The actions the shredder's policy allows on the table. */
export function shredderActions(allowTableManagement: boolean): string[] {
  return [...SHREDDER_ACTIONS, ...(allowTableManagement ? TABLE_MANAGEMENT_ACTIONS : [])];
}

/** A policy document whose statements are plain values, as this module builds them. */
export interface ShredderPolicyDocument extends aws.iam.PolicyDocument {
  Statement: aws.iam.PolicyStatement[];
}

/**
 * The shredder's least-privilege policy: its actions on exactly one table ARN, which must be the
 * table's own output so that the policy can never point at a table other than the one declared.
 */
export function shredderPolicyDocument(
  tableArn: pulumi.Input<string>,
  allowTableManagement: boolean,
): ShredderPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SnowplowShredderDeduplication",
        Effect: "Allow",
        Action: shredderActions(allowTableManagement),
        Resource: [tableArn],
      },
    ],
  };
}
