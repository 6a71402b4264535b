/**
 * Every argument of `DuplicateStorage`, each declared once in `KEYS`: how the engine's string of
 * its stack config key is read, what it allows in words, its rule and its default. The schema,
 * the plain values' type, the defaults and the "did you mean" list are derived from `KEYS`; the
 * TSDoc of each is on `DuplicateStorageArgs`, and `Pulumi.yaml`, the README's table and the
 * `@default` tags are checked against `KEYS` by the tests. Pure: nothing here knows Pulumi.
 */
import { parse as parseArn, validate as isArn } from "@aws-sdk/util-arn-parser";
import { z } from "zod";
import {
  DEFAULT_ACCOUNT_WRITE_QUOTA,
  DEFAULT_TABLE_READ_QUOTA,
  DEFAULT_TABLE_WRITE_QUOTA,
  MIN_LEAD_MINUTES,
  ON_DEMAND_DEFAULT_WARM_WRITES,
} from "../capacity/throughputModel";
import { TableClass } from "../capacity/prices";

export { TableClass };
import { FingerprintAlgorithm } from "../contract/fingerprint";
import { ShredderConfigFormat } from "../contract/storageConfig";

/** How the table is billed. */
export const BillingMode = {
  Provisioned: "PROVISIONED",
  PayPerRequest: "PAY_PER_REQUEST",
} as const;
/** A billing mode of the table. */
export type BillingMode = (typeof BillingMode)[keyof typeof BillingMode];

/**
 * What encrypts the table at rest: a key that AWS owns and DynamoDB uses for many accounts, the
 * account's AWS managed key `aws/dynamodb` in KMS, or a customer managed key of `kmsKeyArn`.
 */
export const TableEncryption = {
  AwsOwned: "AWS_OWNED",
  AwsManaged: "AWS_MANAGED",
  CustomerManaged: "CUSTOMER_MANAGED",
} as const;
/** How the table is encrypted at rest. */
export type TableEncryption = (typeof TableEncryption)[keyof typeof TableEncryption];

/** The encryption of a table that sets neither `encryption` nor `kmsKeyArn`. */
export const DEFAULT_ENCRYPTION: TableEncryption = TableEncryption.AwsOwned;

/** Write units of a provisioned table that does not set them. */
export const DEFAULT_WRITE_CAPACITY = 100;
/** Read units of a provisioned table that does not set them: the console's default. */
export const DEFAULT_READ_CAPACITY = 5;
/** Longest lead time of a run schedule. */
export const MAX_LEAD_MINUTES = 120;
/** Lead time of a run schedule that does not set it. */
export const DEFAULT_LEAD_MINUTES = 10;
/** Autoscaling's default target: the share of provisioned writes it keeps in use. */
export const DEFAULT_TARGET_UTILIZATION = 70;
/** Days of point-in-time recovery where it is on and the period is unset: AWS's default, and its
 * most. */
export const DEFAULT_RECOVERY_PERIOD_DAYS = 35;
/** Throttled writes in five minutes that raise the throttle alarm: any, since they fail the job. */
export const DEFAULT_THROTTLED_WRITES_THRESHOLD = 1;
/** Share of the write ceiling, in percent, at which the consumed-writes alarm fires. */
export const DEFAULT_CONSUMED_WRITE_PERCENT = 80;
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

function numeric(
  min: number,
  max: number | undefined,
  whole: boolean,
  bound = "",
): Key<z.ZodNumber> {
  return key(whole ? "integer" : "number", numberText(min, max, whole) + bound, (m) => {
    const bounded = z.number(m).min(min, m);
    const capped = max === undefined ? bounded : bounded.max(max, m);
    return whole ? capped.int(m) : capped;
  });
}

const BOOLEAN = "true or false";
const flag = () => key("boolean", BOOLEAN, (m) => z.boolean(m));

/** One of the values of a named choice, an `as const` object. */
function oneOf<const E extends Readonly<Record<string, string>>>(choices: E) {
  const values = Object.values(choices);
  return key("string", `one of ${values.join(", ")}`, (m) => z.enum(choices, m));
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
function iamNames(what: "role" | "user" | "group", max: number) {
  const allowedEach = `a ${what} name of 1 to ${max} characters of ${IAM_CHARS}`;
  return key("list", `a list of IAM ${what} names`, (m, path) =>
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

/**
 * The account's quotas that bound other keys: the table-level write quota bounds every write
 * capacity, and so every rule that names one depends on it. `KEYS` has AWS's defaults.
 */
export interface Quotas {
  readonly tableWriteQuota: number;
}
export const DEFAULT_QUOTAS: Quotas = { tableWriteQuota: DEFAULT_TABLE_WRITE_QUOTA };

/**
 * The arguments, by name, within `quotas`. Each is a member of `DuplicateStorageArgs`, where its
 * TSDoc is, and a stack config key of the same name; `resolveSettings` applies the defaults and
 * checks them within the quotas that the arguments themselves give.
 */
export function keysFor(quotas: Quotas) {
  const writes = quotas.tableWriteQuota;
  // Where a bound comes from, so that a refusal names the key that raises it.
  const QUOTA = " (tableWriteQuota)";
  const WRITE_CAPACITY = numeric(1, writes, true, QUOTA);
  const READ_CAPACITY = numeric(1, DEFAULT_TABLE_READ_QUOTA, true);
  return {
    tableName: key("string", "3 to 255 characters of A-Z, a-z, 0-9, '_', '.' and '-'", (m) =>
      z.string(m).regex(/^[A-Za-z0-9_.-]{3,255}$/, m),
    ),
    billingMode: withDefault(oneOf(BillingMode), "PROVISIONED"),
    writeCapacity: optional(WRITE_CAPACITY),
    readCapacity: optional(READ_CAPACITY),
    tableWriteQuota: withDefault(numeric(1, undefined, true), DEFAULT_TABLE_WRITE_QUOTA),
    accountWriteQuota: withDefault(numeric(1, undefined, true), DEFAULT_ACCOUNT_WRITE_QUOTA),
    allowTableManagement: withDefault(flag(), false),
    policyName: key("string", `1 to 128 characters of ${IAM_CHARS}`, (m) =>
      z.string(m).regex(/^[\w+=,.@-]{1,128}$/, m),
    ),
    attachToRoles: withDefault(iamNames("role", 64), []),
    attachToUsers: withDefault(iamNames("user", 64), []),
    attachToGroups: withDefault(iamNames("group", 128), []),
    createShredderUser: withDefault(flag(), false),
    shredderConfigFormat: withDefault(oneOf(ShredderConfigFormat), "2-0-0"),
    pointInTimeRecovery: withDefault(flag(), false),
    pointInTimeRecoveryDays: optional(numeric(1, DEFAULT_RECOVERY_PERIOD_DAYS, true)),
    tableClass: withDefault(oneOf(TableClass), "STANDARD"),
    fingerprintAlgorithm: withDefault(oneOf(FingerprintAlgorithm), "MD5"),
    deletionProtection: withDefault(flag(), false),
    protect: withDefault(flag(), false),
    tags: withDefault(tagMap, {}),
    autoscaling: optional(
      mapOf({
        maxWriteCapacity: WRITE_CAPACITY,
        maxReadCapacity: optional(READ_CAPACITY),
        targetUtilization: withDefault(numeric(20, 90, false), DEFAULT_TARGET_UTILIZATION),
      }),
    ),
    expectedEventsPerRun: optional(numeric(1, undefined, true)),
    targetRunMinutes: optional(numeric(1, 10080, true)),
    runsPerDay: withDefault(numeric(1, 1440, true), 1),
    runSchedule: optional(
      mapOf({
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
        leadMinutes: withDefault(
          numeric(MIN_LEAD_MINUTES, MAX_LEAD_MINUTES, true),
          DEFAULT_LEAD_MINUTES,
        ),
      }),
    ),
    warmThroughput: optional(numeric(ON_DEMAND_DEFAULT_WARM_WRITES, writes, true, QUOTA)),
    onDemandThroughput: optional(
      mapOf({
        maxWriteRequestUnits: key(
          "integer",
          `-1 (no ceiling) or a whole number from 1 to ${writes}${QUOTA}`,
          (m) =>
            z
              .number(m)
              .int(m)
              .refine((n) => n === -1 || (n >= 1 && n <= writes), m),
        ),
      }),
    ),
    encryption: optional(oneOf(TableEncryption)),
    kmsKeyArn: optional(
      arn(
        "kms",
        "a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias)",
      ),
    ),
    alarms: optional(
      mapOf({
        snsTopicArn: {
          ...arn("sns", "an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic>"),
          brief: "an SNS topic ARN",
        },
        throttledWritesThreshold: withDefault(
          numeric(1, undefined, true),
          DEFAULT_THROTTLED_WRITES_THRESHOLD,
        ),
        consumedWritePercent: optional(numeric(1, 100, false)),
      }),
    ),
    importExistingTable: withDefault(flag(), false),
    retainOnDelete: withDefault(flag(), true),
  };
}

/** The arguments within AWS's default quotas: their kinds, words, defaults and members. */
export const KEYS = keysFor(DEFAULT_QUOTAS);

/** An argument's name. */
export type KeyName = keyof typeof KEYS;

/**
 * The schema of complete settings: every key's rule, with the defaults of its own applied. The
 * defaults that depend on other keys or the stack are `resolveSettings`'s.
 */
export function settingsSchemaFor(quotas: Quotas) {
  return z.object(rulesOf(keysFor(quotas), "")).strict();
}
export const settingsSchema = settingsSchemaFor(DEFAULT_QUOTAS);

/**
 * The arguments as plain values, as a user gives them or the stack config decodes to: what
 * `DuplicateStorageArgs` holds once every value is known. `resolveSettings` applies the defaults
 * and checks them.
 */
export type ArgValues = Readonly<Partial<z.input<typeof settingsSchema>>>;

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
