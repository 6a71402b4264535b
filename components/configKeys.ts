/**
 * Every config key of the program, each declared once in `KEYS`: its TSDoc, how the engine's string
 * is read, what it allows in words, its rule and its default. The argument and settings types,
 * the schema, the defaults and the "did you mean" list are derived from `KEYS`; `Pulumi.yaml`, the
 * README's table and the `@default` tags are checked against it by test/config.test.ts.
 */
import { parse as parseArn, validate as isArn } from "@aws-sdk/util-arn-parser";
import { z } from "zod";
import { DEFAULT_LEAD_MINUTES } from "./capacityPlanning";
import { MIN_LEAD_MINUTES, ON_DEMAND_DEFAULT_WARM_WRITES } from "./throughputModel";

/** How the table is billed. */
export const BILLING_MODES = ["PROVISIONED", "PAY_PER_REQUEST"] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

/**
 * Versions of `iglu:com.snowplowanalytics.snowplow.storage/amazon_dynamodb_config` that the
 * program can emit. `1-0-1` carries static keys only, so it needs `createShredderUser`.
 */
export const SHREDDER_CONFIG_FORMATS = ["2-0-0", "1-0-1"] as const;
export type ShredderConfigFormat = (typeof SHREDDER_CONFIG_FORMATS)[number];

/** Highest per-table capacity AWS allows without a quota increase. */
export const MAX_CAPACITY = 40000;
/** Longest lead time of a run schedule. */
export const MAX_LEAD_MINUTES = 120;
/** Autoscaling's default target: the share of provisioned writes it keeps in use. */
export const DEFAULT_TARGET_UTILIZATION = 70;
/** Throttled writes in five minutes that raise the throttle alarm: any, since they fail the job. */
export const DEFAULT_THROTTLED_WRITES_THRESHOLD = 1;
/** A run schedule's start time of day. */
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Quotes a value for an error message the way a user would have written it. */
export function quote(value: unknown): string {
  return `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
}

/** The one message of a key whose value breaks its rule, or that is missing. */
export function mustBe(key: string, allowed: string, value: unknown): string {
  return value === undefined
    ? `${key} is missing: it must be ${allowed}`
    : `${key} must be ${allowed}, got ${quote(value)}`;
}

/** A zod error map that gives a key's one message, whatever check failed. */
function messages(key: string, allowed: string) {
  return { error: (issue: { input?: unknown }) => mustBe(key, allowed, issue.input) };
}
type Messages = ReturnType<typeof messages>;

/** How the engine's string of a key is read: a plain string, a number, or JSON. */
export type Kind = "string" | "integer" | "number" | "boolean" | "list" | "map" | "object";

/** A config key, or a member of a map-valued key. */
export interface Key<S extends z.ZodType = z.ZodType> {
  readonly kind: Kind;
  /** What the key allows, in the words of its error messages. */
  readonly allowed: string;
  /** Shorter words for `allowed`, where a map lists its members. */
  readonly brief?: string;
  /** Whether the key may be left unset (it may still get a default). */
  readonly optional: boolean;
  /** The key's rule; `path` is the key's name, or `map.member`, that its messages name. */
  readonly rule: (path: string) => S;
}

function key<S extends z.ZodType>(
  kind: Kind,
  allowed: string,
  rule: (m: Messages, path: string) => S,
): Key<S> {
  return { kind, allowed, optional: false, rule: (path) => rule(messages(path, allowed), path) };
}

function optional<S extends z.ZodType>(k: Key<S>): Key<z.ZodOptional<S>> {
  return { ...k, optional: true, rule: (path) => k.rule(path).optional() };
}

/** A key with a default of its own, which the schema applies when the key is unset. */
function withDefault<S extends z.ZodType, const D extends z.output<S>>(
  k: Key<S>,
  value: D & z.util.NoUndefined<z.output<S>>,
): Key<z.ZodDefault<S>> & { readonly default: D } {
  return { ...k, optional: true, default: value, rule: (path) => k.rule(path).default(value) };
}

/** How a numeric rule reads in a message: "a whole number from 1 to 40000". */
function numberText(min: number, max: number | undefined, whole: boolean): string {
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return `${whole ? "a whole number" : "a number"} ${range}`;
}

function numeric(min: number, max: number | undefined, whole: boolean): Key<z.ZodNumber> {
  return key(whole ? "integer" : "number", numberText(min, max, whole), (m) => {
    const bounded = z.number(m).min(min, m);
    const capped = max === undefined ? bounded : bounded.max(max, m);
    return whole ? capped.int(m) : capped;
  });
}

const BOOLEAN = "true or false";
const flag = () => key("boolean", BOOLEAN, (m) => z.boolean(m));

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return key("string", `one of ${values.join(", ")}`, (m) => z.enum(values, m));
}

/** The rules of keys, by name, as messages name them below `prefix`. */
type Rules<T extends Record<string, Key>> = { [K in keyof T]: ReturnType<T[K]["rule"]> };
function rulesOf<T extends Record<string, Key>>(keys: T, prefix: string): Rules<T> {
  // Object.fromEntries loses the per-key types that the mapped type states.
  return Object.fromEntries(
    Object.entries(keys).map(([name, k]) => [name, k.rule(prefix + name)]),
  ) as Rules<T>;
}

/** A map of members, each with its own rule; no other member is allowed. */
function mapOf<T extends Record<string, Key>>(members: T) {
  const listed = (optionalOnes: boolean) =>
    Object.entries(members)
      .filter(([, m]) => m.optional === optionalOnes)
      .map(([name, m]) => `${name} (${m.brief ?? m.allowed})`)
      .join(" and ");
  const more = listed(true);
  const allowed = `a map with ${listed(false)}${more ? ` and optionally ${more}` : ""}`;
  return {
    ...key("object", allowed, (_, path) =>
      z.object(rulesOf(members, `${path}.`), messages(path, "a map")).strict(),
    ),
    members,
  };
}

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

function arn(service: "kms" | "sns", allowed: string) {
  return key("string", allowed, (m) =>
    z.string(m).refine((value) => arnPlacement(value, service) !== undefined, m),
  );
}

const IAM_CHARS = "A-Z, a-z, 0-9 and '+=,.@_-'";

/** A list of IAM names, each valid and none repeated, as IAM compares them (ignoring case). */
function iamNames(what: string, max: number) {
  const allowedEach = `${what} of 1 to ${max} characters of ${IAM_CHARS}`;
  return key("list", `a list of IAM ${what}s`, (m, path) =>
    z.array(z.string(m), m).superRefine((names, ctx) => {
      const seen = new Map<string, number>();
      names.forEach((name, i) => {
        const where = `${path}[${i}]`;
        if (!new RegExp(`^[\\w+=,.@-]{1,${max}}$`).test(name)) {
          const hint = name.startsWith("arn:") ? ` (give the ${what}'s name, not its ARN)` : "";
          ctx.addIssue({ code: "custom", message: mustBe(where, allowedEach, name) + hint });
        }
        const first = seen.get(name.toLowerCase());
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            message: `${where} repeats ${path}[${first}] (IAM names ignore case), got ${quote(name)}`,
          });
        } else {
          seen.set(name.toLowerCase(), i);
        }
      });
    }),
  );
}

/** AWS tag rules shared by DynamoDB and IAM. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;
const TAG_TEXT = "letters, digits, spaces or '_.:/=+-@'";

const tagMap = key("map", "a map of tag keys to string values", (m, path) =>
  z.record(z.string(m), z.string(m), m).superRefine((tags, ctx) => {
    const entries = Object.entries(tags);
    // IAM refuses, at apply time, tags whose keys differ only in case, such as Team and team.
    const seen = new Map<string, string>();
    for (const [k] of entries) {
      const first = seen.get(k.toLowerCase());
      if (first === undefined) seen.set(k.toLowerCase(), k);
      else {
        ctx.addIssue({
          code: "custom",
          message: `${path} key ${quote(k)} repeats ${quote(first)}: IAM tag keys ignore case, keep one`,
        });
      }
    }
    if (entries.length > MAX_TAGS) {
      ctx.addIssue({
        code: "custom",
        message: `${path} must hold at most ${MAX_TAGS} tags, got ${entries.length}`,
      });
    }
    for (const [k, value] of entries) {
      if (k.length < 1 || k.length > 128 || !TAG_CHARS.test(k)) {
        ctx.addIssue({
          code: "custom",
          message: mustBe(`each ${path} key`, `1 to 128 ${TAG_TEXT}`, k),
        });
      } else if (k.toLowerCase().startsWith("aws:")) {
        ctx.addIssue({
          code: "custom",
          message: `${path} key ${quote(k)} is not allowed: the 'aws:' prefix is reserved for AWS`,
        });
      }
      if (value.length > 256 || !TAG_CHARS.test(value)) {
        ctx.addIssue({
          code: "custom",
          message: mustBe(`${path}.${k}`, `0 to 256 ${TAG_TEXT}`, value),
        });
      }
    }
  }),
);

const TIME_OF_DAY = 'a time of day "HH:MM" in UTC, from 00:00 to 23:59';
const CAPACITY = numeric(1, MAX_CAPACITY, true);

/**
 * The config keys. Each is a stack config key of the same name in the `snowplow-dedup` namespace
 * and a member of `DuplicateStorageArgs`; `resolveSettings` applies the defaults and checks them.
 */
export const KEYS = {
  /**
   * Name of the DynamoDB table, 3 to 255 characters of `A-Z a-z 0-9 _ . -`. Changing it replaces
   * the table, and the shredder's de-duplication history with it.
   * @default "snowplow-deduplication-<stack>"
   */
  tableName: key("string", "3 to 255 characters of A-Z, a-z, 0-9, '_', '.' and '-'", (m) =>
    z.string(m).regex(/^[A-Za-z0-9_.-]{3,255}$/, m),
  ),
  /**
   * How the table is billed.
   * @default "PROVISIONED"
   */
  billingMode: withDefault(oneOf(BILLING_MODES), "PROVISIONED"),
  /**
   * Provisioned write capacity units, 1 to 40000: one unit absorbs one event a second.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default 100
   */
  writeCapacity: optional(CAPACITY),
  /**
   * Provisioned read capacity units, 1 to 40000. The shredder reads no items.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default 5
   */
  readCapacity: optional(CAPACITY),
  /**
   * Also allow CreateTable and UpdateTimeToLive, which only a shredder up to 0.13 calls, to
   * create a missing table. Never DeleteTable, which no shredder calls.
   * @default false
   */
  allowTableManagement: withDefault(flag(), false),
  /**
   * Name of the shredder's managed IAM policy, 1 to 128 characters of `A-Z a-z 0-9 + = , . @ _ -`.
   * @default "<tableName>-shredder"
   */
  policyName: key("string", `1 to 128 characters of ${IAM_CHARS}`, (m) =>
    z.string(m).regex(/^[\w+=,.@-]{1,128}$/, m),
  ),
  /**
   * IAM roles, by name, that get the policy: usually the EMR cluster's `EMR_EC2_DefaultRole`.
   * @default []
   */
  attachToRoles: withDefault(iamNames("role name", 64), []),
  /**
   * IAM users, by name, that get the policy.
   * @default []
   */
  attachToUsers: withDefault(iamNames("user name", 64), []),
  /**
   * IAM groups, by name, that get the policy.
   * @default []
   */
  attachToGroups: withDefault(iamNames("group name", 128), []),
  /**
   * Create an IAM user that holds only this policy, with an access key whose secret goes into the
   * (then secret) duplicate-storage config.
   * @default false
   */
  createShredderUser: withDefault(flag(), false),
  /**
   * Schema version of the duplicate-storage config: `2-0-0` for current shredders, `1-0-1` for
   * the legacy EmrEtlRunner. `1-0-1` requires `createShredderUser: true`.
   * @default "2-0-0"
   */
  shredderConfigFormat: withDefault(oneOf(SHREDDER_CONFIG_FORMATS), "2-0-0"),
  /**
   * Enable point-in-time recovery on the table.
   * @default false
   */
  pointInTimeRecovery: withDefault(flag(), false),
  /**
   * Set the table's `deletionProtectionEnabled`, so that AWS refuses to delete it.
   * @default false
   */
  deletionProtection: withDefault(flag(), false),
  /**
   * Set Pulumi's `protect` on the table, so that `pulumi destroy` cannot delete it.
   * @default false
   */
  protect: withDefault(flag(), false),
  /**
   * Tags for the table, the policy and the shredder user.
   * @default {}
   */
  tags: withDefault(tagMap, {}),
  /**
   * Scale the write capacity between `writeCapacity` and a ceiling by target tracking; the table
   * then ignores changes to its write capacity. Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default none
   */
  autoscaling: optional(
    mapOf({
      /** Ceiling of the write units, 1 to 40000; not below `writeCapacity`, which is the floor. */
      maxWriteCapacity: CAPACITY,
      /**
       * Share of provisioned writes, in percent (20 to 90), that target tracking keeps in use.
       * @default 70
       */
      targetUtilization: withDefault(numeric(20, 90, false), DEFAULT_TARGET_UTILIZATION),
    }),
  ),
  /**
   * Events in one shredder run, for capacity planning; requires `targetRunMinutes`.
   * @default none
   */
  expectedEventsPerRun: optional(numeric(1, undefined, true)),
  /**
   * How long a run may take to write its events, in minutes; requires `expectedEventsPerRun`.
   * @default none
   */
  targetRunMinutes: optional(numeric(1, 10080, true)),
  /**
   * Shredder runs a day, for the cost estimates; with `runSchedule`, its count of start times.
   * @default 1
   */
  runsPerDay: withDefault(numeric(1, 1440, true), 1),
  /**
   * Raise the autoscaling floor to the write rate a run needs before each run, and lower it
   * after, by scheduled scaling. Needs `autoscaling` and the capacity planning keys.
   * @default none
   */
  runSchedule: optional(
    mapOf({
      /**
       * Start times of the runs, "HH:MM" in UTC, at least a run's raised time apart (twice
       * `leadMinutes` plus `targetRunMinutes`).
       */
      startTimesUtc: key("list", 'a list of times of day "HH:MM" in UTC', (m, path) =>
        z
          .array(
            z.string().regex(TIME_OF_DAY_PATTERN, {
              error: (issue) => mustBe(`each ${path} entry`, TIME_OF_DAY, issue.input),
            }),
            m,
          )
          .min(1, messages(path, "a list of at least one time of day")),
      ),
      /**
       * Minutes before each start at which the autoscaling floor is raised to the write rate a run
       * needs, and after each run's target end at which it is lowered again (5 to 120).
       * @default 10
       */
      leadMinutes: withDefault(
        numeric(MIN_LEAD_MINUTES, MAX_LEAD_MINUTES, true),
        DEFAULT_LEAD_MINUTES,
      ),
    }),
  ),
  /**
   * Writes a second that an on-demand table serves from its creation (4000 to 40000). Applied
   * when the table is created; DynamoDB raises it by itself later and never lowers it.
   * Only with `billingMode: PAY_PER_REQUEST`.
   * @default the write rate a run needs, with the capacity planning keys, when above 4000
   */
  warmThroughput: optional(numeric(ON_DEMAND_DEFAULT_WARM_WRITES, MAX_CAPACITY, true)),
  /**
   * ARN of a customer managed KMS key that encrypts the table; the shredder's policy then may use
   * the key through DynamoDB only.
   * @default none (an AWS owned key)
   */
  kmsKeyArn: optional(
    arn("kms", "a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)"),
  ),
  /**
   * CloudWatch alarms on throttled and consumed writes, notifying an SNS topic.
   * @default none
   */
  alarms: optional(
    mapOf({
      /** ARN of the SNS topic the alarms notify, in the table's region. */
      snsTopicArn: {
        ...arn("sns", "an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic>"),
        brief: "an SNS topic ARN",
      },
      /**
       * Throttled writes within five minutes that raise the throttle alarm.
       * @default 1
       */
      throttledWritesThreshold: withDefault(
        numeric(1, undefined, true),
        DEFAULT_THROTTLED_WRITES_THRESHOLD,
      ),
      /**
       * Consumed writes, in percent of the write ceiling (`writeCapacity`, or
       * `autoscaling.maxWriteCapacity`), sustained for ten minutes, that raise the capacity alarm.
       * Not allowed with `billingMode: PAY_PER_REQUEST`, which has no ceiling.
       * @default 80
       */
      consumedWritePercent: optional(numeric(1, 100, false)),
    }),
  ),
  /**
   * Adopt an existing table of name `tableName` (for example one made by hand from the setup
   * guide) instead of creating one. Turn it off once `pulumi up` has imported the table.
   * @default false
   */
  importExistingTable: withDefault(flag(), false),
  /**
   * Set Pulumi's `retainOnDelete` on the table: a replaced or removed table stays in AWS, with
   * the de-duplication history in it, to be deleted by hand.
   * @default true
   */
  retainOnDelete: withDefault(flag(), true),
};

/** A config key's name. */
export type KeyName = keyof typeof KEYS;

/**
 * The schema of complete settings: every key's rule, with the defaults of its own applied. The
 * defaults that depend on other keys or the stack are `resolveSettings`'s.
 */
export const settingsSchema = z.object(rulesOf(KEYS, "")).strict();

/**
 * The settings of the table and the policy as a user gives them: each one is a stack config key
 * of the same name, and `resolveSettings` applies the defaults and checks them.
 */
export type DuplicateStorageArgs = Readonly<Partial<z.input<typeof settingsSchema>>>;
/** Write autoscaling of a provisioned table. */
export type AutoscalingArgs = NonNullable<DuplicateStorageArgs["autoscaling"]>;
/** When the shredder's runs start, so that scheduled scaling raises the table before each. */
export type RunScheduleArgs = NonNullable<DuplicateStorageArgs["runSchedule"]>;
/** CloudWatch alarms on the table's writes. */
export type AlarmArgs = NonNullable<DuplicateStorageArgs["alarms"]>;

/** The settings with every default applied and every rule checked, as the schema puts them out. */
export type DedupSettings = z.output<typeof settingsSchema>;

type DefaultsOf<T> = {
  [K in keyof T as T[K] extends { readonly default: unknown } ? K : never]: T[K] extends {
    readonly default: infer D;
  }
    ? D
    : never;
};

/** The defaults of every key whose default does not depend on other keys or on the stack. */
export const DEFAULTS = Object.fromEntries(
  Object.entries(KEYS).flatMap(([name, k]) => ("default" in k ? [[name, k.default]] : [])),
) as DefaultsOf<typeof KEYS>;
