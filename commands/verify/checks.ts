/**
 * The checks of `npm run verify`: the live table against the stack's settings, IAM's own
 * evaluation (`iam:SimulatePrincipalPolicy`) for every principal that should reach it, and
 * optionally the shredder's own write. The AWS clients come from the caller, so that tests can
 * point them at local servers.
 */
import {
  ConditionalCheckFailedException,
  DescribeContinuousBackupsCommand,
  DescribeLimitsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  TableDescription,
} from "@aws-sdk/client-dynamodb";
import {
  EvaluationResult,
  GetGroupCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import { partition as awsPartition } from "@aws-sdk/util-endpoints";
import { DedupSettings, writeQuotaNeeds } from "snowplowdedup/args";
import { DEFAULT_TABLE_WRITE_QUOTA } from "snowplowdedup/capacity";
import {
  SHREDDER_ACTIONS,
  TABLE_KEY,
  SHREDDER_KEY_ACTIONS,
  TTL_ATTRIBUTE,
  dynamodbViaService,
  shredderWrite,
} from "snowplowdedup/contract";

/** One check's verdict and why. */
export interface Verdict {
  readonly check: string;
  readonly ok: boolean;
  readonly reason: string;
}

/** What `verify` checks: the stack's settings and outputs, and what the user adds. */
export interface Target {
  readonly settings: DedupSettings;
  readonly tableName: string;
  readonly tableArn: string;
  /** The dedicated user, when the stack creates one. */
  readonly shredderUserName?: string;
  /** Roles the user names with --role: names or ARNs. */
  readonly extraRoles: readonly string[];
  /** Write one marked canary item, as the shredder writes. */
  readonly writeCanary: boolean;
  /** Seconds since the epoch, for the canary's etlTime and ttl. */
  readonly now: number;
}

export interface Clients {
  readonly dynamodb: DynamoDBClient;
  readonly iam: IAMClient;
}

/** Seconds the canary item lives: an hour, then TTL removes it. */
export const CANARY_TTL_SECONDS = 3600;
/** The canary's eventId prefix, so that it is told apart from events. */
export const CANARY_PREFIX = "snowplow-dedup-verify-canary-";

function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err.name ?? "Error"}: ${err.message ?? String(e)}`;
}

/** The table's checks. */
async function tableVerdicts(target: Target, db: DynamoDBClient): Promise<Verdict[]> {
  const s = target.settings;
  let table: TableDescription | undefined;
  try {
    table = (await db.send(new DescribeTableCommand({ TableName: target.tableName }))).Table;
  } catch (e) {
    return [{ check: "the table exists", ok: false, reason: errorText(e) }];
  }
  if (table === undefined) {
    return [{ check: "the table exists", ok: false, reason: "DescribeTable returned no table" }];
  }
  const verdicts: Verdict[] = [];
  const add = (check: string, ok: boolean, reason: string) => verdicts.push({ check, ok, reason });

  add("the table is ACTIVE", table.TableStatus === "ACTIVE", `its status is ${table.TableStatus}`);

  const keys = (table.KeySchema ?? []).map((k) => {
    const type = table.AttributeDefinitions?.find((a) => a.AttributeName === k.AttributeName);
    return `${k.AttributeName} (${type?.AttributeType}, ${k.KeyType})`;
  });
  const wanted = [`${TABLE_KEY.hashKey} (S, HASH)`, `${TABLE_KEY.rangeKey} (S, RANGE)`];
  add(
    "the key schema is eventId and fingerprint, both strings",
    keys.join(", ") === wanted.join(", "),
    `its keys are ${keys.join(", ") || "none"}; the shredder needs ${wanted.join(", ")}`,
  );

  try {
    const ttl = (await db.send(new DescribeTimeToLiveCommand({ TableName: target.tableName })))
      .TimeToLiveDescription;
    add(
      `TTL is enabled on ${TTL_ATTRIBUTE}`,
      ttl?.TimeToLiveStatus === "ENABLED" && ttl.AttributeName === TTL_ATTRIBUTE,
      `TTL is ${ttl?.TimeToLiveStatus ?? "unknown"}${
        ttl?.AttributeName ? ` on ${ttl.AttributeName}` : ""
      }; without it the table keeps every event for ever`,
    );
  } catch (e) {
    add(`TTL is enabled on ${TTL_ATTRIBUTE}`, false, errorText(e));
  }

  const mode = table.BillingModeSummary?.BillingMode ?? "PROVISIONED";
  const write = table.ProvisionedThroughput?.WriteCapacityUnits;
  const read = table.ProvisionedThroughput?.ReadCapacityUnits;
  let capacityOk = mode === s.billingMode;
  let expected = `billingMode ${s.billingMode}`;
  if (s.billingMode === "PROVISIONED") {
    const max = s.autoscaling?.maxWriteCapacity ?? s.writeCapacity;
    capacityOk &&=
      read === s.readCapacity &&
      write !== undefined &&
      write >= (s.writeCapacity ?? 0) &&
      write <= (max ?? 0);
    expected +=
      `, ${s.readCapacity} read units and ` +
      (max === s.writeCapacity ? `${s.writeCapacity}` : `${s.writeCapacity} to ${max}`) +
      " write units";
  }
  add(
    "billing and capacity are as declared",
    capacityOk,
    `the table has billingMode ${mode}` +
      (mode === "PROVISIONED" ? `, ${read} read and ${write} write units` : "") +
      `; the stack declares ${expected}`,
  );

  try {
    const backups = (
      await db.send(new DescribeContinuousBackupsCommand({ TableName: target.tableName }))
    ).ContinuousBackupsDescription;
    const pitr = backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === "ENABLED";
    add(
      "point-in-time recovery is as declared",
      pitr === s.pointInTimeRecovery,
      `it is ${pitr ? "on" : "off"}; the stack declares pointInTimeRecovery ${s.pointInTimeRecovery}`,
    );
  } catch (e) {
    add("point-in-time recovery is as declared", false, errorText(e));
  }

  const protectedTable = table.DeletionProtectionEnabled === true;
  add(
    "deletion protection is as declared",
    protectedTable === s.deletionProtection,
    `it is ${protectedTable ? "on" : "off"}; the stack declares deletionProtection ${s.deletionProtection}`,
  );

  verdicts.push(encryptionVerdict(table.SSEDescription, s));
  return verdicts;
}

/**
 * Whether the table's key is the one of the stack's `encryption`: DynamoDB reports KMS encryption,
 * with the key's ARN, for the AWS managed key and for a customer managed one, and none for an AWS
 * owned key. Which KMS key is the account's `aws/dynamodb` only KMS can say, so for AWS_MANAGED
 * the verdict names the key that the table reports.
 */
export function encryptionVerdict(
  sse: TableDescription["SSEDescription"],
  settings: Pick<DedupSettings, "encryption" | "kmsKeyArn">,
): Verdict {
  const check = `encryption is ${settings.encryption} as declared`;
  const key = sse?.SSEType === "KMS" && sse.Status !== "DISABLED" ? sse.KMSMasterKeyArn : undefined;
  const found = key ? `the KMS key ${key}` : "an AWS owned key";
  switch (settings.encryption) {
    case "AWS_OWNED":
      return { check, ok: key === undefined, reason: `the table is encrypted with ${found}` };
    case "AWS_MANAGED":
      return {
        check,
        ok: key !== undefined,
        reason: key
          ? `the table is encrypted with ${found}, which should be the account's aws/dynamodb key`
          : `the table is encrypted with ${found}, not the AWS managed key`,
      };
    default:
      return {
        check,
        ok: key !== undefined && key === settings.kmsKeyArn,
        reason: `the table is encrypted with ${found}; the stack declares ${settings.kmsKeyArn}`,
      };
  }
}

interface Principal {
  readonly kind: "role" | "user" | "group";
  readonly name: string;
  readonly source: string;
}

/** The principals the stack attaches the policy to, its user, and the roles the user names. */
export function principalsOf(target: Target): Principal[] {
  const s = target.settings;
  return [
    ...s.attachToRoles.map((name) => ({ kind: "role" as const, name, source: "attachToRoles" })),
    ...s.attachToUsers.map((name) => ({ kind: "user" as const, name, source: "attachToUsers" })),
    ...s.attachToGroups.map((name) => ({ kind: "group" as const, name, source: "attachToGroups" })),
    ...(target.shredderUserName
      ? [{ kind: "user" as const, name: target.shredderUserName, source: "createShredderUser" }]
      : []),
    ...target.extraRoles.map((role) => ({
      kind: "role" as const,
      // A role's ARN ends in its path and name; IAM looks roles up by name.
      name: role.startsWith("arn:") ? role.slice(role.lastIndexOf("/") + 1) : role,
      source: "--role",
    })),
  ];
}

async function arnOf(iam: IAMClient, p: Principal): Promise<string | undefined> {
  switch (p.kind) {
    case "role":
      return (await iam.send(new GetRoleCommand({ RoleName: p.name }))).Role?.Arn;
    case "user":
      return (await iam.send(new GetUserCommand({ UserName: p.name }))).User?.Arn;
    case "group":
      return (await iam.send(new GetGroupCommand({ GroupName: p.name }))).Group?.Arn;
  }
}

/** Why IAM refused, from its evaluation result, naming the deciding policy. */
export function denialReason(r: EvaluationResult): string {
  const by = (r.MatchedStatements ?? [])
    .map((m) => m.SourcePolicyId)
    .filter((id): id is string => id !== undefined);
  const parts: string[] = [];
  if (r.EvalDecision === "explicitDeny") {
    parts.push(`explicitly denied${by.length > 0 ? ` by ${by.join(", ")}` : ""}`);
  } else {
    parts.push("no policy of the principal allows it (is the shredder's policy attached?)");
  }
  if (r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false) {
    parts.push("its permissions boundary does not allow it");
  }
  if (r.OrganizationsDecisionDetail?.AllowedByOrganizations === false) {
    parts.push("a service control policy of the organization does not allow it");
  }
  return parts.join("; ");
}

/** IAM's evaluation of the shredder's calls (and the key's, with kmsKeyArn) per principal. */
async function principalVerdicts(target: Target, iam: IAMClient): Promise<Verdict[]> {
  const principals = principalsOf(target);
  if (principals.length === 0) {
    return [
      {
        check: "a principal can use the table",
        ok: false,
        reason:
          "the stack attaches the policy to no principal: pass --role with the role of the " +
          "cluster's instance profile, so that IAM's evaluation can be checked",
      },
    ];
  }
  const region = parseArn(target.tableArn).region;
  const viaService = dynamodbViaService(region, awsPartition(region).dnsSuffix);
  const verdicts: Verdict[] = [];
  for (const p of principals) {
    const check = `${p.kind} ${p.name} (${p.source}) may call what the shredder calls`;
    let arn: string | undefined;
    try {
      arn = await arnOf(iam, p);
    } catch (e) {
      verdicts.push({ check, ok: false, reason: `IAM cannot find it: ${errorText(e)}` });
      continue;
    }
    // The table's actions, then what each call needs of the table's key, so that a refusal on
    // the key names the call that it would break.
    const key = target.settings.kmsKeyArn;
    const requests = [
      { actions: [...SHREDDER_ACTIONS], resource: target.tableArn, context: undefined },
      ...SHREDDER_ACTIONS.filter((call) => SHREDDER_KEY_ACTIONS[call].length > 0).flatMap((call) =>
        key === undefined
          ? []
          : [
              {
                actions: [...SHREDDER_KEY_ACTIONS[call]],
                resource: key,
                context: [
                  {
                    ContextKeyName: "kms:ViaService",
                    ContextKeyType: "string" as const,
                    ContextKeyValues: [viaService],
                  },
                ],
                forCall: call,
              },
            ],
      ),
    ];
    const denials: string[] = [];
    try {
      for (const req of requests) {
        const { EvaluationResults } = await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: arn,
            ActionNames: req.actions,
            ResourceArns: [req.resource],
            ContextEntries: req.context,
          }),
        );
        // One line per resource and reason, listing the actions it refuses.
        const grouped = new Map<string, string[]>();
        for (const r of EvaluationResults ?? []) {
          if (r.EvalDecision === "allowed") continue;
          const key = `on ${r.EvalResourceName}: ${denialReason(r)}`;
          grouped.set(key, [...(grouped.get(key) ?? []), r.EvalActionName ?? "?"]);
        }
        const needed = "forCall" in req ? ` (which ${req.forCall} needs through DynamoDB)` : "";
        for (const [key, actions] of grouped) {
          denials.push(`${actions.join(", ")}${needed} ${key}`);
        }
      }
    } catch (e) {
      verdicts.push({ check, ok: false, reason: `IAM's simulation failed: ${errorText(e)}` });
      continue;
    }
    verdicts.push({
      check,
      ok: denials.length === 0,
      reason:
        denials.length === 0
          ? `IAM allows ${requests.flatMap((r) => r.actions).join(", ")}`
          : denials.join(" | "),
    });
  }
  return verdicts;
}

/**
 * The account's real write quotas in the region (`DescribeLimits`) against what the stack's table
 * needs of them, and against what the stack says they are.
 */
export async function quotaVerdicts(target: Target, db: DynamoDBClient): Promise<Verdict[]> {
  const check = "the account's write quotas allow the stack's table";
  let limits;
  try {
    limits = await db.send(new DescribeLimitsCommand({}));
  } catch (e) {
    return [{ check, ok: false, reason: `DescribeLimits failed: ${errorText(e)}` }];
  }
  const needs = writeQuotaNeeds(target.settings);
  const problems: string[] = [];
  const table = limits.TableMaxWriteCapacityUnits;
  if (table !== undefined && needs.table > table) {
    problems.push(
      `the table needs ${needs.table} write units, and the account's table-level write quota ` +
        `is ${table}`,
    );
  }
  const account = limits.AccountMaxWriteCapacityUnits;
  if (account !== undefined && needs.account !== undefined && needs.account > account) {
    problems.push(
      `the table alone may provision ${needs.account} write units, and the account-level write ` +
        `quota is ${account}`,
    );
  }
  // A stack that says AWS raised the quota, where AWS has not: its bounds let it ask for more.
  const declared = target.settings.tableWriteQuota;
  if (table !== undefined && declared > DEFAULT_TABLE_WRITE_QUOTA && declared > table) {
    problems.push(`the stack's tableWriteQuota is ${declared}, and AWS's is ${table}`);
  }
  return [
    {
      check,
      ok: problems.length === 0,
      reason:
        problems.length === 0
          ? `the table needs ${needs.table} write units of the table-level quota of ${table}` +
            (needs.account !== undefined ? ` and of the account-level quota of ${account}` : "")
          : `${problems.join("; ")} (DescribeLimits): ask AWS to raise the quota (Service ` +
            "Quotas, Amazon DynamoDB), or lower the stack's write capacity",
    },
  ];
}

/** The shredder's conditional PutItem of a marked item that TTL removes within the hour. */
async function canaryVerdict(target: Target, db: DynamoDBClient): Promise<Verdict> {
  const check = "the shredder's write succeeds under these credentials";
  const eventId = `${CANARY_PREFIX}${target.now}`;
  try {
    await db.send(
      new PutItemCommand({
        TableName: target.tableName,
        ...shredderWrite(eventId, "canary", target.now, target.now + CANARY_TTL_SECONDS),
      }),
    );
    return { check, ok: true, reason: `wrote ${eventId}, which TTL removes after an hour` };
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) {
      return { check, ok: true, reason: `${eventId} was there already: the condition held` };
    }
    return { check, ok: false, reason: errorText(e) };
  }
}

/** Every check, in order: the table, the quotas, the principals, then the canary when asked. */
export async function verify(target: Target, clients: Clients): Promise<Verdict[]> {
  return [
    ...(await tableVerdicts(target, clients.dynamodb)),
    ...(await quotaVerdicts(target, clients.dynamodb)),
    ...(await principalVerdicts(target, clients.iam)),
    ...(target.writeCanary ? [await canaryVerdict(target, clients.dynamodb)] : []),
  ];
}

/** The report as lines, one per verdict. */
export function formatVerdicts(verdicts: readonly Verdict[]): string[] {
  return verdicts.map((v) => `${v.ok ? "PASS" : "FAIL"}  ${v.check}: ${v.reason}`);
}
