/** The shredder's policy evaluated by an IAM policy simulator, offline. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { runSimulation } from "@cloud-copilot/iam-simulate";

export const PRINCIPAL = "arn:aws:iam::123456789012:role/EMR_EC2_DefaultRole";

export interface Decision {
  /** "Allowed", "ImplicitlyDenied" or "ExplicitlyDenied"; undefined when the request is invalid. */
  readonly result?: string;
  /** The simulator's validation errors: unknown actions, ARNs of the wrong resource type, ... */
  readonly errors?: unknown;
}

/** The key policy KMS gives a key by default: IAM policies of the account decide. */
function defaultKeyPolicy(accountId: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/** Evaluates one request against the policy document as the principal's identity policy. */
export async function evaluate(
  policy: object,
  action: string,
  resource: string,
  contextVariables: Record<string, string | string[]> = {},
  keyPolicy?: object,
  principal = PRINCIPAL,
): Promise<Decision> {
  const accountId = resource.split(":")[4] || "123456789012";
  const response = await runSimulation(
    {
      identityPolicies: [{ name: "shredder", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // A KMS key is only usable where its key policy lets IAM policies decide; this is the
      // default key policy, which does so for the key's account.
      resourcePolicy: resource.startsWith("arn:aws:kms:")
        ? (keyPolicy ?? defaultKeyPolicy(accountId))
        : undefined,
      request: {
        action,
        principal,
        resource: { resource, accountId },
        contextVariables,
      },
    },
    {},
  );
  return response.resultType === "error"
    ? { errors: response.errors }
    : { result: response.overallResult };
}

/** What the shredder calls on its table, from ../shared/SNOWPLOW.md. */
export const NEEDED = ["dynamodb:DescribeTable", "dynamodb:PutItem"];
/** What a self-creating shredder (up to 0.13) also calls. */
export const MANAGEMENT = ["dynamodb:CreateTable", "dynamodb:UpdateTimeToLive"];
/** Table actions the shredder never needs; DeleteTable is in the guide's policy all the same. */
export const NEVER = [
  "dynamodb:DeleteTable",
  "dynamodb:Scan",
  "dynamodb:Query",
  "dynamodb:GetItem",
  "dynamodb:DeleteItem",
  "dynamodb:UpdateItem",
  "dynamodb:UpdateTable",
  "dynamodb:BatchWriteItem",
];

/**
 * Check 2: the policy allows the shredder's actions on `tableArn`, the management actions only
 * when `management`, and nothing else, with no validation error from the simulator.
 */
export async function assertLeastPrivilege(
  policy: object,
  tableArn: string,
  management: boolean,
): Promise<void> {
  const expect = async (action: string, resource: string, allowed: boolean) => {
    const decision = await evaluate(policy, action, resource);
    deepStrictEqual(decision.errors, undefined, `${action} on ${resource} is a valid request`);
    strictEqual(
      decision.result === "Allowed",
      allowed,
      `${action} on ${resource}: ${decision.result}`,
    );
  };
  for (const action of NEEDED) await expect(action, tableArn, true);
  for (const action of MANAGEMENT) await expect(action, tableArn, management);
  for (const action of NEVER) await expect(action, tableArn, false);
  await expect("dynamodb:ListTables", "*", false);

  const [arn, partition, service, region, account, resource] = tableArn.split(":");
  const elsewhere = [
    [arn, partition, service, region, account, `${resource}-other`],
    [
      arn,
      partition,
      service,
      region === "us-east-1" ? "eu-west-1" : "us-east-1",
      account,
      resource,
    ],
    [
      arn,
      partition,
      service,
      region,
      account === "210987654321" ? "123456789012" : "210987654321",
      resource,
    ],
  ].map((parts) => parts.join(":"));
  for (const other of elsewhere) await expect("dynamodb:PutItem", other, false);
}
