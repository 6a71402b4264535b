/**
 * Reading and checking the settings: `parseStackConfig` reads the engine's config map, and
 * `resolveSettings` applies the defaults that depend on other keys or the stack and checks the
 * rules that involve several keys. Each key itself is declared in `configKeys.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { partition as awsPartition } from "@aws-sdk/util-endpoints";
import { closest, distance } from "fastest-levenshtein";
import { DEFAULT_LEAD_MINUTES, DEFAULT_WRITE_CAPACITY, PlanInput } from "./capacityPlanning";
import {
  AlarmArgs,
  DEFAULTS,
  DedupSettings,
  DuplicateStorageArgs,
  KEYS,
  KeyName,
  MAX_CAPACITY,
  RunScheduleArgs,
  TIME_OF_DAY_PATTERN,
  arnPlacement,
  mustBe,
  quote,
  settingsSchema,
} from "./configKeys";
import { ON_DEMAND_DEFAULT_WARM_WRITES, TableModel, neededWriteRate } from "./throughputModel";

export type { DedupSettings, DuplicateStorageArgs } from "./configKeys";
export { DEFAULT_WRITE_CAPACITY };

/** The console's default read capacity, which the setup guide leaves as it is. */
export const DEFAULT_READ_CAPACITY = 5;
/** Share of the write ceiling, in percent, at which the consumed-writes alarm fires. */
export const DEFAULT_CONSUMED_WRITE_PERCENT = 80;

/** The default table name for a stack. */
export function defaultTableName(stack: string): string {
  return `snowplow-deduplication-${stack}`;
}

/** The default policy name for a table. */
export function defaultPolicyName(tableName: string): string {
  return `${tableName}-shredder`;
}

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
            `(${KEYS.policyName.allowed}): set policyName`,
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
function decode(key: KeyName, raw: string): { value?: unknown; problem?: string } {
  const { kind, allowed } = KEYS[key];
  const bad = { problem: mustBe(key, allowed, raw) };
  switch (kind) {
    case "string":
      return { value: raw };
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : bad;
    case "integer":
    case "number":
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
  const known = Object.keys(KEYS) as KeyName[];
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
    const { value, problem } = decode(key as KeyName, raw);
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
