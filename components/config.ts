import * as pulumi from "@pulumi/pulumi";
import { parse as parseArn, validate as isArn } from "@aws-sdk/util-arn-parser";
import { partition as awsPartition } from "@aws-sdk/util-endpoints";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { DEFAULT_LEAD_MINUTES, DEFAULT_WRITE_CAPACITY, PlanInput } from "./capacityPlanning";

export { DEFAULT_WRITE_CAPACITY };
import {
  MIN_LEAD_MINUTES,
  ON_DEMAND_DEFAULT_WARM_WRITES,
  TableModel,
  neededWriteRate,
} from "./throughputModel";

/** How the table is billed. */
export const BILLING_MODES = ["PROVISIONED", "PAY_PER_REQUEST"] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

/**
 * Versions of `iglu:com.snowplowanalytics.snowplow.storage/amazon_dynamodb_config` that the
 * program can emit. `1-0-1` carries static keys only, so it needs `createShredderUser`.
 */
export const SHREDDER_CONFIG_FORMATS = ["2-0-0", "1-0-1"] as const;
export type ShredderConfigFormat = (typeof SHREDDER_CONFIG_FORMATS)[number];

/** Write autoscaling of a provisioned table. */
export interface AutoscalingArgs {
  /** Ceiling of the write units, 1 to 40000; not below `writeCapacity`, which is the floor. */
  readonly maxWriteCapacity: number;
  /**
   * Share of provisioned writes, in percent (20 to 90), that target tracking keeps in use.
   * @default 70
   */
  readonly targetUtilization?: number;
}

/** When the shredder's runs start, so that scheduled scaling raises the table before each. */
export interface RunScheduleArgs {
  /**
   * Start times of the runs, "HH:MM" in UTC, at least a run's raised time apart (twice
   * `leadMinutes` plus `targetRunMinutes`).
   */
  readonly startTimesUtc: readonly string[];
  /**
   * Minutes before each start at which the autoscaling floor is raised to the write rate a run
   * needs, and after each run's target end at which it is lowered again (5 to 120).
   * @default 10
   */
  readonly leadMinutes?: number;
}

/** CloudWatch alarms on the table's writes. */
export interface AlarmArgs {
  /** ARN of the SNS topic the alarms notify, in the table's region. */
  readonly snsTopicArn: string;
  /**
   * Throttled writes within five minutes that raise the throttle alarm.
   * @default 1
   */
  readonly throttledWritesThreshold?: number;
  /**
   * Consumed writes, in percent of the write ceiling (`writeCapacity`, or
   * `autoscaling.maxWriteCapacity`), sustained for ten minutes, that raise the capacity alarm.
   * Not allowed with `billingMode: PAY_PER_REQUEST`, which has no ceiling.
   * @default 80
   */
  readonly consumedWritePercent?: number;
}

/**
 * The settings of the table and the policy as a user gives them: each one is a stack config key
 * of the same name, and `resolveSettings` applies the defaults and checks them.
 */
export interface DuplicateStorageArgs {
  /**
   * Name of the DynamoDB table, 3 to 255 characters of `A-Z a-z 0-9 _ . -`. Changing it replaces
   * the table, and the shredder's de-duplication history with it.
   * @default "snowplow-deduplication-<stack>"
   */
  readonly tableName?: string;
  /**
   * How the table is billed.
   * @default "PROVISIONED"
   */
  readonly billingMode?: BillingMode;
  /**
   * Provisioned write capacity units, 1 to 40000: one unit absorbs one event a second.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default 100
   */
  readonly writeCapacity?: number;
  /**
   * Provisioned read capacity units, 1 to 40000. The shredder reads no items.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default 5
   */
  readonly readCapacity?: number;
  /**
   * Also allow CreateTable and UpdateTimeToLive, which only a shredder up to 0.13 calls, to
   * create a missing table. Never DeleteTable, which no shredder calls.
   * @default false
   */
  readonly allowTableManagement?: boolean;
  /**
   * Name of the shredder's managed IAM policy, 1 to 128 characters of `A-Z a-z 0-9 + = , . @ _ -`.
   * @default "<tableName>-shredder"
   */
  readonly policyName?: string;
  /**
   * IAM roles, by name, that get the policy: usually the EMR cluster's `EMR_EC2_DefaultRole`.
   * @default []
   */
  readonly attachToRoles?: readonly string[];
  /**
   * IAM users, by name, that get the policy.
   * @default []
   */
  readonly attachToUsers?: readonly string[];
  /**
   * IAM groups, by name, that get the policy.
   * @default []
   */
  readonly attachToGroups?: readonly string[];
  /**
   * Create an IAM user that holds only this policy, with an access key whose secret goes into the
   * (then secret) duplicate-storage config.
   * @default false
   */
  readonly createShredderUser?: boolean;
  /**
   * Schema version of the duplicate-storage config: `2-0-0` for current shredders, `1-0-1` for
   * the legacy EmrEtlRunner. `1-0-1` requires `createShredderUser: true`.
   * @default "2-0-0"
   */
  readonly shredderConfigFormat?: ShredderConfigFormat;
  /**
   * Enable point-in-time recovery on the table.
   * @default false
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Set the table's `deletionProtectionEnabled`, so that AWS refuses to delete it.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Set Pulumi's `protect` on the table, so that `pulumi destroy` cannot delete it.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Tags for the table, the policy and the shredder user.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Scale the write capacity between `writeCapacity` and a ceiling by target tracking; the table
   * then ignores changes to its write capacity. Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default none
   */
  readonly autoscaling?: AutoscalingArgs;
  /**
   * Events in one shredder run, for capacity planning; requires `targetRunMinutes`.
   * @default none
   */
  readonly expectedEventsPerRun?: number;
  /**
   * How long a run may take to write its events, in minutes; requires `expectedEventsPerRun`.
   * @default none
   */
  readonly targetRunMinutes?: number;
  /**
   * Shredder runs a day, for the cost estimates; with `runSchedule`, its count of start times.
   * @default 1
   */
  readonly runsPerDay?: number;
  /**
   * Raise the autoscaling floor to the write rate a run needs before each run, and lower it
   * after, by scheduled scaling. Needs `autoscaling` and the capacity planning keys.
   * @default none
   */
  readonly runSchedule?: RunScheduleArgs;
  /**
   * Writes a second that an on-demand table serves from its creation (4000 to 40000). Applied
   * when the table is created; DynamoDB raises it by itself later and never lowers it.
   * Only with `billingMode: PAY_PER_REQUEST`.
   * @default the write rate a run needs, with the capacity planning keys, when above 4000
   */
  readonly warmThroughput?: number;
  /**
   * ARN of a customer managed KMS key that encrypts the table; the shredder's policy then may use
   * the key through DynamoDB only.
   * @default none (an AWS owned key)
   */
  readonly kmsKeyArn?: string;
  /**
   * CloudWatch alarms on throttled and consumed writes, notifying an SNS topic.
   * @default none
   */
  readonly alarms?: AlarmArgs;
  /**
   * Adopt an existing table of name `tableName` (for example one made by hand from the setup
   * guide) instead of creating one. Turn it off once `pulumi up` has imported the table.
   * @default false
   */
  readonly importExistingTable?: boolean;
  /**
   * Set Pulumi's `retainOnDelete` on the table: a replaced or removed table stays in AWS, with
   * the de-duplication history in it, to be deleted by hand.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/**
 * The settings with every default applied and every rule checked: what `settingsSchema` puts
 * out, so that the compiler holds the type and the schema together.
 */
export type DedupSettings = z.output<typeof settingsSchema>;

/** Longest lead time of a run schedule. */
export const MAX_LEAD_MINUTES = 120;

/** The console's default read capacity, which the setup guide leaves as it is. */
export const DEFAULT_READ_CAPACITY = 5;
/** Highest per-table capacity AWS allows without a quota increase. */
export const MAX_CAPACITY = 40000;
/** Autoscaling's default target: the share of provisioned writes it keeps in use. */
export const DEFAULT_TARGET_UTILIZATION = 70;
/** Throttled writes in five minutes that raise the throttle alarm: any, since they fail the job. */
export const DEFAULT_THROTTLED_WRITES_THRESHOLD = 1;
/** Share of the write ceiling, in percent, at which the consumed-writes alarm fires. */
export const DEFAULT_CONSUMED_WRITE_PERCENT = 80;

/** Defaults of every key whose default does not depend on other keys or on the stack. */
export const DEFAULTS = {
  billingMode: "PROVISIONED",
  allowTableManagement: false,
  attachToRoles: [],
  attachToUsers: [],
  attachToGroups: [],
  createShredderUser: false,
  shredderConfigFormat: "2-0-0",
  pointInTimeRecovery: false,
  deletionProtection: false,
  protect: false,
  tags: {},
  runsPerDay: 1,
  importExistingTable: false,
  retainOnDelete: true,
} as const satisfies Partial<DedupSettings>;

/** The default table name for a stack. */
export function defaultTableName(stack: string): string {
  return `snowplow-deduplication-${stack}`;
}

/** The default policy name for a table. */
export function defaultPolicyName(tableName: string): string {
  return `${tableName}-shredder`;
}

type Kind = "string" | "integer" | "boolean" | "list" | "map" | "object";

const TABLE_NAME = "3 to 255 characters of A-Z, a-z, 0-9, '_', '.' and '-'";
const IAM_CHARS = "A-Z, a-z, 0-9 and '+=,.@_-'";
/** How a numeric rule reads in a message: "a whole number from 1 to 40000". */
function numberText(min: number, max: number | undefined, whole: boolean): string {
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return `${whole ? "a whole number" : "a number"} ${range}`;
}
/**
 * The bounds of every numeric key, declared once: [least, most (or none), whole numbers only].
 * Both the schema's checks and the "allowed" texts of messages and docs come from here.
 */
const BOUNDS = {
  writeCapacity: [1, MAX_CAPACITY, true],
  readCapacity: [1, MAX_CAPACITY, true],
  "autoscaling.maxWriteCapacity": [1, MAX_CAPACITY, true],
  "autoscaling.targetUtilization": [20, 90, false],
  expectedEventsPerRun: [1, undefined, true],
  targetRunMinutes: [1, 10080, true],
  runsPerDay: [1, 1440, true],
  "runSchedule.leadMinutes": [MIN_LEAD_MINUTES, MAX_LEAD_MINUTES, true],
  warmThroughput: [ON_DEMAND_DEFAULT_WARM_WRITES, MAX_CAPACITY, true],
  "alarms.throttledWritesThreshold": [1, undefined, true],
  "alarms.consumedWritePercent": [1, 100, false],
} as const satisfies Record<string, readonly [number, number | undefined, boolean]>;
type NumericKey = keyof typeof BOUNDS;

/** What a numeric key allows, in words. */
function allowedNumber(key: NumericKey): string {
  const [min, max, whole] = BOUNDS[key];
  return numberText(min, max, whole);
}
const CAPACITY = allowedNumber("writeCapacity");
const BOOLEAN = "true or false";
const KMS_KEY_ARN =
  "a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)";
const SNS_TOPIC_ARN = "an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic>";

/** Where a KMS key ARN or SNS topic ARN of the expected shape points, else undefined. */
export function arnPlacement(
  arn: string,
  service: "kms" | "sns",
): { partition: string; region: string } | undefined {
  if (!isArn(arn)) return undefined;
  const { partition, service: s, region, accountId, resource } = parseArn(arn);
  const resourceOk =
    service === "kms"
      ? /^key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(
          resource,
        )
      : /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(resource);
  return s === service &&
    /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) &&
    /^\d{12}$/.test(accountId) &&
    resourceOk
    ? { partition, region }
    : undefined;
}

/** What each config key holds, as the engine hands it over (a string) and as allowed text. */
export const CONFIG_KEYS: Readonly<
  Record<keyof DuplicateStorageArgs, { kind: Kind; allowed: string }>
> = {
  tableName: { kind: "string", allowed: TABLE_NAME },
  billingMode: { kind: "string", allowed: `one of ${BILLING_MODES.join(", ")}` },
  writeCapacity: { kind: "integer", allowed: CAPACITY },
  readCapacity: { kind: "integer", allowed: CAPACITY },
  allowTableManagement: { kind: "boolean", allowed: BOOLEAN },
  policyName: { kind: "string", allowed: `1 to 128 characters of ${IAM_CHARS}` },
  attachToRoles: { kind: "list", allowed: "a list of IAM role names" },
  attachToUsers: { kind: "list", allowed: "a list of IAM user names" },
  attachToGroups: { kind: "list", allowed: "a list of IAM group names" },
  createShredderUser: { kind: "boolean", allowed: BOOLEAN },
  shredderConfigFormat: {
    kind: "string",
    allowed: `one of ${SHREDDER_CONFIG_FORMATS.join(", ")}`,
  },
  pointInTimeRecovery: { kind: "boolean", allowed: BOOLEAN },
  deletionProtection: { kind: "boolean", allowed: BOOLEAN },
  protect: { kind: "boolean", allowed: BOOLEAN },
  tags: { kind: "map", allowed: "a map of tag keys to string values" },
  autoscaling: {
    kind: "object",
    allowed:
      `a map with maxWriteCapacity (${CAPACITY}) and optionally ` +
      `targetUtilization (${allowedNumber("autoscaling.targetUtilization")})`,
  },
  expectedEventsPerRun: { kind: "integer", allowed: allowedNumber("expectedEventsPerRun") },
  targetRunMinutes: { kind: "integer", allowed: allowedNumber("targetRunMinutes") },
  runsPerDay: { kind: "integer", allowed: allowedNumber("runsPerDay") },
  runSchedule: {
    kind: "object",
    allowed:
      'a map with startTimesUtc (a list of times of day "HH:MM" in UTC) and optionally ' +
      `leadMinutes (${allowedNumber("runSchedule.leadMinutes")})`,
  },
  warmThroughput: {
    kind: "integer",
    allowed: allowedNumber("warmThroughput"),
  },
  kmsKeyArn: { kind: "string", allowed: KMS_KEY_ARN },
  alarms: {
    kind: "object",
    allowed:
      "a map with snsTopicArn (an SNS topic ARN) and optionally throttledWritesThreshold " +
      `(${allowedNumber("alarms.throttledWritesThreshold")}) and consumedWritePercent ` +
      `(${allowedNumber("alarms.consumedWritePercent")})`,
  },
  importExistingTable: { kind: "boolean", allowed: BOOLEAN },
  retainOnDelete: { kind: "boolean", allowed: BOOLEAN },
};

/** Quotes a value for an error message the way a user would have written it. */
export function quote(value: unknown): string {
  return `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
}

function mustBe(key: string, allowed: string, value: unknown): string {
  return value === undefined
    ? `${key} is missing: it must be ${allowed}`
    : `${key} must be ${allowed}, got ${quote(value)}`;
}

/** A zod error map that produces our one message for a key, whatever check failed. */
function rule(key: string, allowed: string) {
  return { error: (issue: { input?: unknown }) => mustBe(key, allowed, issue.input) };
}

function iamName(key: string, what: string, max: number) {
  const allowed = `${what} of 1 to ${max} characters of ${IAM_CHARS}`;
  return z.array(z.string()).superRefine((names, ctx) => {
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      const where = `${key}[${i}]`;
      if (!new RegExp(`^[\\w+=,.@-]{1,${max}}$`).test(name)) {
        const hint = name.startsWith("arn:") ? ` (give the ${what}'s name, not its ARN)` : "";
        ctx.addIssue({ code: "custom", message: mustBe(where, allowed, name) + hint });
      }
      // IAM names are unique regardless of case, so two spellings are one principal.
      const first = seen.get(name.toLowerCase());
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `${where} repeats ${key}[${first}] (IAM names ignore case), got ${quote(name)}`,
        });
      } else {
        seen.set(name.toLowerCase(), i);
      }
    });
  });
}

/** AWS tag rules shared by DynamoDB and IAM. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;

const tagMap = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
  const entries = Object.entries(tags);
  // IAM refuses, at apply time, tags whose keys differ only in case, such as Team and team.
  const seen = new Map<string, string>();
  for (const [key] of entries) {
    const first = seen.get(key.toLowerCase());
    if (first === undefined) seen.set(key.toLowerCase(), key);
    else {
      ctx.addIssue({
        code: "custom",
        message: `tags key ${quote(key)} repeats ${quote(first)}: IAM tag keys ignore case, keep one`,
      });
    }
  }
  if (entries.length > MAX_TAGS) {
    ctx.addIssue({
      code: "custom",
      message: `tags must hold at most ${MAX_TAGS} tags, got ${entries.length}`,
    });
  }
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || !TAG_CHARS.test(key)) {
      ctx.addIssue({
        code: "custom",
        message: mustBe("each tags key", "1 to 128 letters, digits, spaces or '_.:/=+-@'", key),
      });
    } else if (key.toLowerCase().startsWith("aws:")) {
      ctx.addIssue({
        code: "custom",
        message: `tags key ${quote(key)} is not allowed: the 'aws:' prefix is reserved for AWS`,
      });
    }
    if (value.length > 256 || !TAG_CHARS.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: mustBe(`tags.${key}`, "0 to 256 letters, digits, spaces or '_.:/=+-@'", value),
      });
    }
  }
});

/** A number within bounds, with our one message for the key whatever check fails. */
function numberIn(key: NumericKey) {
  const [min, max, whole] = BOUNDS[key];
  const r = rule(key, allowedNumber(key));
  const bounded = z.number(r).min(min, r);
  const capped = max === undefined ? bounded : bounded.max(max, r);
  return whole ? capped.int(r) : capped;
}

const autoscalingSchema = z
  .object(
    {
      maxWriteCapacity: numberIn("autoscaling.maxWriteCapacity"),
      targetUtilization: numberIn("autoscaling.targetUtilization").default(
        DEFAULT_TARGET_UTILIZATION,
      ),
    },
    rule("autoscaling", "a map"),
  )
  .strict();

const TIME_OF_DAY = 'a time of day "HH:MM" in UTC, from 00:00 to 23:59';
const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

const runScheduleSchema = z
  .object(
    {
      startTimesUtc: z
        .array(
          z.string().regex(TIME_OF_DAY_PATTERN, {
            error: (issue) =>
              mustBe("each runSchedule.startTimesUtc entry", TIME_OF_DAY, issue.input),
          }),
          rule("runSchedule.startTimesUtc", 'a list of times of day "HH:MM" in UTC'),
        )
        .min(1, rule("runSchedule.startTimesUtc", "a list of at least one time of day")),
      leadMinutes: numberIn("runSchedule.leadMinutes").default(DEFAULT_LEAD_MINUTES),
    },
    rule("runSchedule", "a map"),
  )
  .strict();

const alarmsSchema = z
  .object(
    {
      snsTopicArn: z
        .string(rule("alarms.snsTopicArn", SNS_TOPIC_ARN))
        .refine(
          (arn) => arnPlacement(arn, "sns") !== undefined,
          rule("alarms.snsTopicArn", SNS_TOPIC_ARN),
        ),
      throttledWritesThreshold: numberIn("alarms.throttledWritesThreshold").default(
        DEFAULT_THROTTLED_WRITES_THRESHOLD,
      ),
      consumedWritePercent: numberIn("alarms.consumedWritePercent").optional(),
    },
    rule("alarms", "a map"),
  )
  .strict();

const settingsSchema = z
  .object({
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, rule("tableName", TABLE_NAME)),
    billingMode: z.enum(BILLING_MODES, rule("billingMode", CONFIG_KEYS.billingMode.allowed)),
    writeCapacity: numberIn("writeCapacity").optional(),
    readCapacity: numberIn("readCapacity").optional(),
    allowTableManagement: z.boolean(),
    policyName: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, rule("policyName", CONFIG_KEYS.policyName.allowed)),
    attachToRoles: iamName("attachToRoles", "role name", 64),
    attachToUsers: iamName("attachToUsers", "user name", 64),
    attachToGroups: iamName("attachToGroups", "group name", 128),
    createShredderUser: z.boolean(),
    shredderConfigFormat: z.enum(
      SHREDDER_CONFIG_FORMATS,
      rule("shredderConfigFormat", CONFIG_KEYS.shredderConfigFormat.allowed),
    ),
    pointInTimeRecovery: z.boolean(),
    deletionProtection: z.boolean(),
    protect: z.boolean(),
    tags: tagMap,
    autoscaling: autoscalingSchema.optional(),
    expectedEventsPerRun: numberIn("expectedEventsPerRun").optional(),
    targetRunMinutes: numberIn("targetRunMinutes").optional(),
    runsPerDay: numberIn("runsPerDay"),
    runSchedule: runScheduleSchema.optional(),
    warmThroughput: numberIn("warmThroughput").optional(),
    kmsKeyArn: z
      .string()
      .refine((arn) => arnPlacement(arn, "kms") !== undefined, rule("kmsKeyArn", KMS_KEY_ARN))
      .optional(),
    alarms: alarmsSchema.optional(),
    importExistingTable: z.boolean(),
    retainOnDelete: z.boolean(),
  })
  .strict();

// The compiler holds the schema to the argument interface: a key in one and not the other fails
// the type check here.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : false;
type Holds<T extends true> = T;
export type SchemaMatchesArgs = Holds<
  SameKeys<z.input<typeof settingsSchema>, DuplicateStorageArgs>
>;

/**
 * Applies defaults to settings and checks them. Pure: the same input always gives the same
 * answer, and nothing is declared.
 *
 * @returns the complete settings, or every problem found, one message each.
 */
export function resolveSettings(
  input: DuplicateStorageArgs,
  stack: string,
): { settings: DedupSettings; problems: [] } | { settings?: undefined; problems: string[] } {
  const tableName = input.tableName ?? defaultTableName(stack);
  const billingMode = input.billingMode ?? DEFAULTS.billingMode;
  const provisioned = billingMode === "PROVISIONED";
  const problems: string[] = [];

  if (!provisioned) {
    for (const key of ["writeCapacity", "readCapacity"] as const) {
      if (input[key] !== undefined) {
        problems.push(
          `${key} is only allowed with billingMode PROVISIONED, got ${quote(input[key])} ` +
            `with billingMode ${quote(billingMode)}: remove ${key} or set billingMode to PROVISIONED`,
        );
      }
    }
  }

  const candidate = {
    ...DEFAULTS,
    ...input,
    tableName,
    billingMode,
    writeCapacity: provisioned ? (input.writeCapacity ?? DEFAULT_WRITE_CAPACITY) : undefined,
    readCapacity: provisioned ? (input.readCapacity ?? DEFAULT_READ_CAPACITY) : undefined,
    policyName: input.policyName ?? defaultPolicyName(tableName),
    alarms: withCapacityAlarmDefault(input.alarms, provisioned),
    warmThroughput: input.warmThroughput ?? defaultWarmThroughput(input, provisioned),
    // The CLI hands over Pulumi.yaml's default of 1 as if the stack had set it, so 1 with a
    // schedule means "unset": the schedule's count of start times wins.
    runsPerDay:
      input.runsPerDay === undefined || input.runsPerDay === DEFAULTS.runsPerDay
        ? (runCount(input.runSchedule) ?? DEFAULTS.runsPerDay)
        : input.runsPerDay,
  };

  const parsed = settingsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const where = issue.path.length > 0 ? `${issue.path.join(".")} has ` : "";
        problems.push(`${where}unknown key(s) ${issue.keys.map((k) => quote(k)).join(", ")}`);
      } else if (issue.path[0] === "policyName" && input.policyName === undefined) {
        // A bad table name already has its own message; its derived policy name adds nothing.
        if (parsed.error.issues.some((i) => i.path[0] === "tableName")) continue;
        problems.push(
          `policyName defaults to ${quote(candidate.policyName)}, which IAM does not allow ` +
            `(${CONFIG_KEYS.policyName.allowed}): set policyName`,
        );
      } else if (issue.path.length > 1 && issue.message.includes(" is missing: ")) {
        // A missing member: quote the map it is missing from, which is what the user wrote.
        const parent = input[issue.path[0] as keyof DuplicateStorageArgs];
        problems.push(
          issue.message.replace(" is missing: ", ` is missing from ${quote(parent)}: `),
        );
      } else {
        problems.push(issue.message);
      }
    }
  }

  if (input.autoscaling !== undefined && !provisioned) {
    problems.push(
      `autoscaling is only allowed with billingMode PROVISIONED, got billingMode ${quote(billingMode)}: ` +
        "on-demand tables scale by themselves",
    );
  }
  const max = input.autoscaling?.maxWriteCapacity;
  if (provisioned && typeof max === "number" && max < (candidate.writeCapacity ?? 0)) {
    problems.push(
      `autoscaling.maxWriteCapacity must not be smaller than writeCapacity (${candidate.writeCapacity}), ` +
        `got ${quote(max)}`,
    );
  }
  if (!provisioned && input.alarms?.consumedWritePercent !== undefined) {
    problems.push(
      `alarms.consumedWritePercent is only allowed with billingMode PROVISIONED, got ` +
        `${quote(input.alarms.consumedWritePercent)} with billingMode ${quote(billingMode)}: ` +
        "an on-demand table has no provisioned ceiling to approach",
    );
  }
  const planning = ["expectedEventsPerRun", "targetRunMinutes"] as const;
  const givenPlanning = planning.filter((k) => input[k] !== undefined);
  if (givenPlanning.length === 1) {
    const [given] = givenPlanning;
    const missing = planning.find((k) => k !== given);
    problems.push(
      `${missing} is missing: capacity planning needs both expectedEventsPerRun and ` +
        `targetRunMinutes, got only ${given} ${quote(input[given])}`,
    );
  }
  problems.push(...runScheduleProblems(input, candidate.writeCapacity, provisioned, billingMode));
  if (input.warmThroughput !== undefined && provisioned) {
    problems.push(
      `warmThroughput is only allowed with billingMode PAY_PER_REQUEST, got ` +
        `${quote(input.warmThroughput)} with billingMode ${quote(billingMode)}: a provisioned ` +
        "table serves its writeCapacity, raised before runs by runSchedule",
    );
  }

  if (candidate.importExistingTable && input.tableName === undefined) {
    problems.push(
      "importExistingTable requires tableName: set it to the name of the table to adopt " +
        `(the default would be ${quote(tableName)})`,
    );
  }

  if (candidate.shredderConfigFormat === "1-0-1" && !candidate.createShredderUser) {
    problems.push(
      "shredderConfigFormat '1-0-1' requires createShredderUser: true, because that schema " +
        "carries static access keys only: set createShredderUser to true, or use '2-0-0'",
    );
  }

  return problems.length === 0 ? { settings: parsed.data, problems: [] } : { problems };
}

/** The write rate a run needs, when both planning keys are valid numbers. */
function plannedRate(input: DuplicateStorageArgs): number | undefined {
  const { expectedEventsPerRun: events, targetRunMinutes: minutes } = input;
  return typeof events === "number" && typeof minutes === "number" && events >= 1 && minutes >= 1
    ? neededWriteRate({ events, minutes })
    : undefined;
}

/** An on-demand table that must serve more than a new table does gets that rate warm. */
function defaultWarmThroughput(
  input: DuplicateStorageArgs,
  provisioned: boolean,
): number | undefined {
  const rate = plannedRate(input);
  return !provisioned && rate !== undefined && rate > ON_DEMAND_DEFAULT_WARM_WRITES
    ? Math.min(rate, MAX_CAPACITY)
    : undefined;
}

function runCount(schedule: RunScheduleArgs | undefined): number | undefined {
  const times = (schedule as { startTimesUtc?: unknown } | undefined)?.startTimesUtc;
  return Array.isArray(times) && times.length > 0 ? times.length : undefined;
}

function minutesOfDay(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

/** The rules of runSchedule that involve other keys; its own shape is the schema's. */
function runScheduleProblems(
  input: DuplicateStorageArgs,
  writeCapacity: number | undefined,
  provisioned: boolean,
  billingMode: string,
): string[] {
  const schedule = input.runSchedule;
  if (schedule === undefined) return [];
  const problems: string[] = [];
  if (!provisioned) {
    problems.push(
      `runSchedule is only allowed with billingMode PROVISIONED, got billingMode ` +
        `${quote(billingMode)}: use warmThroughput for an on-demand table`,
    );
    return problems;
  }
  if (input.autoscaling === undefined) {
    problems.push(
      `runSchedule needs autoscaling, got runSchedule ${quote(schedule)} without it: its ` +
        "scheduled actions raise and lower the floor of the table's scaling target, so set " +
        "autoscaling.maxWriteCapacity",
    );
  }
  const rate = plannedRate(input);
  if (input.expectedEventsPerRun === undefined || input.targetRunMinutes === undefined) {
    problems.push(
      `runSchedule needs expectedEventsPerRun and targetRunMinutes, got runSchedule ` +
        `${quote(schedule)} without them: they give the write rate that the table is raised to ` +
        "before each run",
    );
  }
  const max = input.autoscaling?.maxWriteCapacity;
  if (rate !== undefined && typeof max === "number" && max < rate) {
    problems.push(
      `autoscaling.maxWriteCapacity must be at least the write rate a run needs with ` +
        `runSchedule, ${rate} (expectedEventsPerRun / targetRunMinutes / 60, rounded up), got ` +
        `${quote(max)}`,
    );
  }
  if (rate !== undefined && writeCapacity !== undefined && writeCapacity >= rate) {
    problems.push(
      `runSchedule has nothing to raise: writeCapacity ${quote(writeCapacity)} already serves the ` +
        `${rate} writes a second a run needs; remove runSchedule or lower writeCapacity`,
    );
  }
  const times = schedule.startTimesUtc;
  const lead = schedule.leadMinutes ?? DEFAULT_LEAD_MINUTES;
  const valid =
    Array.isArray(times) &&
    times.every((t) => typeof t === "string" && TIME_OF_DAY_PATTERN.test(t)) &&
    typeof lead === "number" &&
    typeof input.targetRunMinutes === "number";
  if (!valid) return problems;
  const runsPerDay = input.runsPerDay;
  if (
    runsPerDay !== undefined &&
    runsPerDay !== DEFAULTS.runsPerDay &&
    runsPerDay !== times.length
  ) {
    problems.push(
      `runsPerDay is ${quote(runsPerDay)} but runSchedule.startTimesUtc lists ${times.length} ` +
        `start time(s): set runsPerDay to ${times.length} or leave it unset`,
    );
  }
  // Each run keeps the floor raised from `lead` before its start to `lead` after its target end;
  // the next run's raise must come after that, or its lowering would cut into the next run.
  const held = 2 * lead + (input.targetRunMinutes as number);
  const sorted = [...times].sort();
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    const b = sorted[(i + 1) % sorted.length];
    const gap = (minutesOfDay(b) - minutesOfDay(a) + 1440) % 1440 || (sorted.length > 1 ? 0 : 1440);
    if (gap < held) {
      problems.push(
        `runSchedule.startTimesUtc ${quote(a)} and ${quote(b)} are ${gap} minutes apart, but each ` +
          `run holds the table raised for ${held} minutes (leadMinutes, targetRunMinutes, ` +
          `leadMinutes): start runs at least ${held} minutes apart`,
      );
    }
  }
  return problems;
}

/** What the capacity planner needs to know of the settings, or undefined without planning keys. */
export function planInputOf(settings: DedupSettings): PlanInput | undefined {
  const { expectedEventsPerRun, targetRunMinutes } = settings;
  if (expectedEventsPerRun === undefined || targetRunMinutes === undefined) return undefined;
  const table: TableModel =
    settings.writeCapacity === undefined
      ? { billingMode: "PAY_PER_REQUEST", warmThroughput: settings.warmThroughput }
      : {
          billingMode: "PROVISIONED",
          writeCapacity: settings.writeCapacity,
          autoscaling: settings.autoscaling && { ...settings.autoscaling },
          // runSchedule raises the floor to the run's rate before each run.
          scheduledWriteCapacity: settings.runSchedule
            ? neededWriteRate({ events: expectedEventsPerRun, minutes: targetRunMinutes })
            : undefined,
        };
  return {
    expectedEventsPerRun,
    targetRunMinutes,
    runsPerDay: settings.runsPerDay,
    table,
    readCapacity: settings.readCapacity ?? DEFAULT_READ_CAPACITY,
    runSchedule: settings.runSchedule,
  };
}

/** Only a provisioned table has a ceiling for the consumed-writes alarm to watch. */
function withCapacityAlarmDefault(alarms: AlarmArgs | undefined, provisioned: boolean) {
  const isMap = typeof alarms === "object" && alarms !== null && !Array.isArray(alarms);
  if (!isMap || !provisioned) return alarms;
  return {
    ...alarms,
    consumedWritePercent: alarms.consumedWritePercent ?? DEFAULT_CONSUMED_WRITE_PERCENT,
  };
}

/** Turns one engine config string into the key's type, or says why it cannot. */
function decode(key: keyof DedupSettings, raw: string): { value?: unknown; problem?: string } {
  const { kind, allowed } = CONFIG_KEYS[key];
  const bad = { problem: mustBe(key, allowed, raw) };
  switch (kind) {
    case "string":
      return { value: raw };
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : bad;
    case "integer":
      // Number("") is 0 and Number(" 7") is 7, so only plain decimal numerals are read.
      return /^[+-]?\d+(\.\d+)?$/.test(raw.trim()) && raw.trim() === raw
        ? { value: Number(raw) }
        : bad;
    case "list":
    case "map":
    case "object": {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return kind === "list"
          ? { problem: `${bad.problem} (write a YAML list, for example [${raw}])` }
          : bad;
      }
      const isMap = typeof value === "object" && value !== null && !Array.isArray(value);
      if (kind === "list") {
        return Array.isArray(value) && value.every((v) => typeof v === "string") ? { value } : bad;
      }
      if (kind === "object") return isMap ? { value } : bad;
      return isMap && Object.values(value as object).every((v) => typeof v === "string")
        ? { value }
        : { problem: `${bad.problem} (quote values that YAML reads as numbers)` };
    }
  }
}

/** A stack config problem: the CLI prints a `RunError` without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly namespace: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid stack config in namespace '${namespace}' (nothing was created):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

/**
 * Reads this project's keys out of the engine's config map (`namespace:key` to string, as
 * `pulumi.runtime.allConfig()` returns it), decodes and checks them. `secretKeys` are the full
 * keys that were set with `--secret`, which this program refuses.
 *
 * @throws ConfigError listing every problem, before any resource is declared.
 */
export function parseStackConfig(
  allConfig: Readonly<Record<string, string>>,
  namespace: string,
  stack: string,
  secretKeys: readonly string[] = [],
): DedupSettings {
  const known = Object.keys(CONFIG_KEYS) as (keyof DedupSettings)[];
  const input: Record<string, unknown> = {};
  const problems: string[] = [];

  // No key of this program holds a secret, and each flows into plain outputs and state, where a
  // value set with --secret would lose its secrecy without a word.
  for (const fullKey of secretKeys) {
    const key = fullKey.replace(/^([^:]+):config:/, "$1:");
    if (!key.startsWith(`${namespace}:`)) continue;
    const name = key.slice(namespace.length + 1);
    problems.push(
      `${name} was set with --secret, but none of this program's keys is secret and its value ` +
        `would show in plain text in outputs and state: set it again without --secret ` +
        `(pulumi config set ${name} <value>)`,
    );
  }

  for (const [fullKey, raw] of Object.entries(allConfig)) {
    const prefix = `${namespace}:`;
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!(known as string[]).includes(key)) {
      problems.push(unknownKeyMessage(key, raw, known));
      continue;
    }
    const { value, problem } = decode(key as keyof DedupSettings, raw);
    if (problem !== undefined) problems.push(problem);
    else input[key] = value;
  }

  const resolved = resolveSettings(input as DuplicateStorageArgs, stack);
  const all = [
    ...problems,
    ...resolved.problems,
    ...(resolved.settings ? placementProblems(resolved.settings, allConfig) : []),
  ];
  if (all.length > 0 || resolved.settings === undefined) {
    throw new ConfigError(namespace, [...new Set(all)]);
  }
  return resolved.settings;
}

function unknownKeyMessage(key: string, raw: string, known: readonly string[]): string {
  const suggestion = closest(key, known as string[]);
  const near = distance(key, suggestion) <= Math.max(2, Math.floor(key.length / 3));
  return (
    `unknown config key ${quote(key)} (value ${quote(raw)})` +
    (near ? `: did you mean ${quote(suggestion)}?` : "") +
    ` Known keys: ${known.join(", ")}`
  );
}

/**
 * A KMS key and an SNS topic must be where the table is: in the stack's region, `aws:region`, and
 * in that region's partition (from AWS's own partition data in `@aws-sdk/util-endpoints`). Without
 * `aws:region` the provider takes the region of its environment, which the program cannot read
 * before it declares anything, so a key or topic then needs `aws:region`.
 */
function placementProblems(
  settings: DedupSettings,
  allConfig: Readonly<Record<string, string>>,
): string[] {
  const region = allConfig["aws:region"];
  const problems: string[] = [];
  const check = (key: string, arn: string | undefined, service: "kms" | "sns") => {
    const at = arn === undefined ? undefined : arnPlacement(arn, service);
    if (at === undefined) return;
    if (region === undefined) {
      problems.push(
        `${key} needs aws:region, so that ${quote(arn)} can be checked against the table's ` +
          `region: set aws:region to ${quote(at.region)}`,
      );
      return;
    }
    const partition = awsPartition(region).name;
    if (at.partition !== partition) {
      problems.push(
        `${key} must be in the partition of aws:region ${quote(region)} (${quote(partition)}), ` +
          `got ${quote(arn)} in ${quote(at.partition)}`,
      );
    } else if (at.region !== region) {
      problems.push(
        `${key} must be in the stack's region aws:region ${quote(region)}, got ${quote(arn)} ` +
          `in ${quote(at.region)}`,
      );
    }
  };
  check("kmsKeyArn", settings.kmsKeyArn, "kms");
  check("alarms.snsTopicArn", settings.alarms?.snsTopicArn, "sns");
  return problems;
}
