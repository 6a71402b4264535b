/**
 * Checking the arguments: `resolveSettings` applies the defaults that depend on other arguments or
 * the stack, checks every rule, those of one argument (`rules.ts`) and those that involve several,
 * and reports every problem at once. Pure: nothing here knows Pulumi.
 */
import { PlanInput, runGaps } from "../capacity/capacityPlanning";
import { itemSizeBytes } from "../capacity/storageModel";
import { sampleShredderItem } from "../contract/fingerprint";
import { RETENTION_DAYS } from "../contract/table";
import {
  ON_DEMAND_DEFAULT_WARM_WRITES,
  TableModel,
  neededWriteRate,
} from "../capacity/throughputModel";
import {
  ArgValues,
  DEFAULTS,
  DEFAULT_CONSUMED_WRITE_PERCENT,
  DEFAULT_ENCRYPTION,
  DEFAULT_LEAD_MINUTES,
  DEFAULT_READ_CAPACITY,
  DEFAULT_TARGET_UTILIZATION,
  DEFAULT_WRITE_CAPACITY,
  DedupSettings,
  KEYS,
  Quotas,
  TIME_OF_DAY_PATTERN,
  TableEncryption,
  quote,
  settingsSchemaFor,
} from "./rules";

/** The default table name for a stack. */
export function defaultTableName(stack: string): string {
  return `snowplow-deduplication-${stack}`;
}

/** The default policy name for a table. */
export function defaultPolicyName(tableName: string): string {
  return `${tableName}-shredder`;
}

/** Settings that passed every rule, and what their capacity plan starts from. */
export interface Resolved {
  readonly settings: DedupSettings;
  /** The inputs of the capacity plan, with the planning keys only. */
  readonly plan: PlanInput | undefined;
  readonly problems: [];
}

/**
 * Applies defaults to the arguments and checks them. The same input always gives the same
 * answer.
 *
 * @returns the complete settings, or every problem found, one message each.
 */
export function resolveSettings(
  input: ArgValues,
  stack: string,
): Resolved | { settings?: undefined; plan?: undefined; problems: string[] } {
  // The write rate a run needs, worked out here only: defaults, rules and the plan all use it.
  const rate = plannedRate(input);
  const quotas = quotasOf(input);
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

  if (input.pointInTimeRecoveryDays !== undefined && input.pointInTimeRecovery !== true) {
    problems.push(
      `pointInTimeRecoveryDays is only allowed with pointInTimeRecovery true, got ` +
        `${quote(input.pointInTimeRecoveryDays)} with pointInTimeRecovery ` +
        `${quote(input.pointInTimeRecovery ?? false)}: the period means nothing while recovery is ` +
        "off, so set pointInTimeRecovery to true or remove pointInTimeRecoveryDays",
    );
  }
  const ceiling = (input.onDemandThroughput as { maxWriteRequestUnits?: unknown } | undefined)
    ?.maxWriteRequestUnits;
  if (input.onDemandThroughput !== undefined && provisioned) {
    problems.push(
      `onDemandThroughput is only allowed with billingMode PAY_PER_REQUEST, got ` +
        `${quote(input.onDemandThroughput)} with billingMode ${quote(billingMode)}: the provider ` +
        "refuses it together with writeCapacity and readCapacity",
    );
  } else if (typeof ceiling === "number" && ceiling >= 1 && rate !== undefined && ceiling < rate) {
    problems.push(
      `onDemandThroughput.maxWriteRequestUnits ${quote(ceiling)} is below the ${rate} writes a ` +
        `second that a run of ${input.expectedEventsPerRun} events in ${input.targetRunMinutes} ` +
        "minutes needs: every run would be throttled and the shredder's job would fail; raise it " +
        `to at least ${rate}, or set it to -1 for no ceiling`,
    );
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
    warmThroughput:
      input.warmThroughput ?? defaultWarmThroughput(rate, provisioned, quotas.tableWriteQuota),
    // A key of the customer's own means that key; without one, the default.
    encryption:
      input.encryption ??
      (input.kmsKeyArn !== undefined ? TableEncryption.CustomerManaged : DEFAULT_ENCRYPTION),
    // The CLI hands over Pulumi.yaml's default of 1 as if the stack had set it, so 1 with a
    // schedule means "unset": the schedule's count of start times wins.
    runsPerDay:
      input.runsPerDay === undefined || input.runsPerDay === DEFAULTS.runsPerDay
        ? (runCount(input.runSchedule) ?? DEFAULTS.runsPerDay)
        : input.runsPerDay,
  };

  const parsed = settingsSchemaFor(quotas).safeParse(candidate);
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
        const parent = input[issue.path[0] as keyof ArgValues];
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
  const maxRead = input.autoscaling?.maxReadCapacity;
  if (provisioned && typeof maxRead === "number" && maxRead < (candidate.readCapacity ?? 0)) {
    problems.push(
      `autoscaling.maxReadCapacity must not be smaller than readCapacity (${candidate.readCapacity}), ` +
        `got ${quote(maxRead)}`,
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
  problems.push(
    ...runScheduleProblems(input, rate, candidate.writeCapacity, provisioned, billingMode),
  );
  if (input.warmThroughput !== undefined && provisioned) {
    problems.push(
      `warmThroughput is only allowed with billingMode PAY_PER_REQUEST, got ` +
        `${quote(input.warmThroughput)} with billingMode ${quote(billingMode)}: a provisioned ` +
        "table serves its writeCapacity, raised before runs by runSchedule",
    );
  }

  if (candidate.encryption === TableEncryption.CustomerManaged && input.kmsKeyArn === undefined) {
    problems.push(
      "encryption 'CUSTOMER_MANAGED' needs kmsKeyArn, the ARN of the key: set kmsKeyArn, or " +
        "set encryption to AWS_MANAGED for the account's aws/dynamodb key",
    );
  }
  if (
    input.kmsKeyArn !== undefined &&
    input.encryption !== undefined &&
    input.encryption !== TableEncryption.CustomerManaged
  ) {
    problems.push(
      `kmsKeyArn is only used with encryption CUSTOMER_MANAGED, got kmsKeyArn ` +
        `${quote(input.kmsKeyArn)} with encryption ${quote(input.encryption)}: remove kmsKeyArn, ` +
        "or set encryption to CUSTOMER_MANAGED",
    );
  }
  // An adopted table holds history that this stack did not create. Refused rather than
  // overridden: retainOnDelete false would let `pulumi destroy`, or a later replacement, delete
  // it, and quietly keeping the table only while importing would not outlast the import.
  if (candidate.importExistingTable && input.retainOnDelete === false) {
    problems.push(
      "importExistingTable adopts a table whose history this stack did not create, but " +
        "retainOnDelete is 'false', so pulumi destroy would delete it: set retainOnDelete to " +
        "true, or adopt the table in a stack that keeps its table (not dev)",
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

  if (problems.length > 0 || !parsed.success) return { problems };
  return { settings: parsed.data, plan: planInputOf(parsed.data, rate), problems: [] };
}

/** The write rate a run needs, when both planning keys are valid numbers. */
function plannedRate(input: ArgValues): number | undefined {
  const { expectedEventsPerRun: events, targetRunMinutes: minutes } = input;
  return typeof events === "number" && typeof minutes === "number" && events >= 1 && minutes >= 1
    ? neededWriteRate({ events, minutes })
    : undefined;
}

/**
 * The quotas that the arguments give, for the rules of the keys that they bound; a quota that
 * breaks its own rule counts as AWS's default here, and its own message reports it.
 */
function quotasOf(input: ArgValues): Quotas {
  const given = input.tableWriteQuota;
  const valid = typeof given === "number" && Number.isInteger(given) && given >= 1;
  return { tableWriteQuota: valid ? given : DEFAULTS.tableWriteQuota };
}

/** An on-demand table that must serve more than a new table does gets that rate warm. */
function defaultWarmThroughput(
  rate: number | undefined,
  provisioned: boolean,
  writeQuota: number,
): number | undefined {
  return !provisioned && rate !== undefined && rate > ON_DEMAND_DEFAULT_WARM_WRITES
    ? Math.min(rate, writeQuota)
    : undefined;
}

function runCount(schedule: ArgValues["runSchedule"]): number | undefined {
  const times = (schedule as { startTimesUtc?: unknown } | undefined)?.startTimesUtc;
  return Array.isArray(times) && times.length > 0 ? times.length : undefined;
}

/** The rules of runSchedule that involve other keys; its own shape is the schema's. */
function runScheduleProblems(
  input: ArgValues,
  rate: number | undefined,
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
  for (const { from, to, minutes: gap } of runGaps(times)) {
    if (gap < held) {
      problems.push(
        `runSchedule.startTimesUtc ${quote(from)} and ${quote(to)} are ${gap} minutes apart, but ` +
          `each run holds the table raised for ${held} minutes (leadMinutes, targetRunMinutes, ` +
          `leadMinutes): start runs at least ${held} minutes apart`,
      );
    }
  }
  return problems;
}

/**
 * The table of the settings as the capacity model sees it; `rate` is the write rate a run needs,
 * which a run schedule raises the floor to.
 */
export function tableModelOf(settings: DedupSettings, rate: number | undefined): TableModel {
  return settings.writeCapacity === undefined
    ? { billingMode: "PAY_PER_REQUEST", warmThroughput: settings.warmThroughput }
    : {
        billingMode: "PROVISIONED",
        writeCapacity: settings.writeCapacity,
        autoscaling: settings.autoscaling && {
          maxWriteCapacity: settings.autoscaling.maxWriteCapacity,
          targetUtilization: settings.autoscaling.targetUtilization,
        },
        // runSchedule raises the floor to the run's rate before each run.
        scheduledWriteCapacity: settings.runSchedule ? rate : undefined,
      };
}

/** What the capacity planner needs to know of the settings, or undefined without planning keys. */
function planInputOf(settings: DedupSettings, rate: number | undefined): PlanInput | undefined {
  const { expectedEventsPerRun, targetRunMinutes } = settings;
  if (expectedEventsPerRun === undefined || targetRunMinutes === undefined) return undefined;
  if (rate === undefined) return undefined;
  const table = tableModelOf(settings, rate);
  return {
    expectedEventsPerRun,
    targetRunMinutes,
    writeRate: rate,
    runsPerDay: settings.runsPerDay,
    table,
    tableClass: settings.tableClass,
    readCapacity: settings.readCapacity ?? DEFAULT_READ_CAPACITY,
    runSchedule: settings.runSchedule,
    writeQuota: settings.tableWriteQuota,
    accountWriteQuota: settings.accountWriteQuota,
    storage: {
      itemBytes: itemSizeBytes(sampleShredderItem(settings.fingerprintAlgorithm)),
      retentionDays: RETENTION_DAYS,
      pointInTimeRecovery: settings.pointInTimeRecovery,
    },
    fallback: {
      writeCapacity: DEFAULT_WRITE_CAPACITY,
      leadMinutes: DEFAULT_LEAD_MINUTES,
      targetUtilization: DEFAULT_TARGET_UTILIZATION,
    },
  };
}

/** What the stack's table needs of the account's write quotas. */
export interface WriteQuotaNeeds {
  /** Write units (on demand: writes a second) within the table-level write quota. */
  readonly table: number;
  /** Write units within the account-level write quota; none for an on-demand table. */
  readonly account?: number;
}

/**
 * What the table needs of the write quotas: a provisioned table's ceiling (its `writeCapacity`,
 * or autoscaling's ceiling) of both; an on-demand table's warm throughput or run's rate, the
 * higher, of the table-level quota alone, since the account-level one bounds provisioned tables
 * only.
 */
export function writeQuotaNeeds(settings: DedupSettings): WriteQuotaNeeds {
  if (settings.writeCapacity !== undefined) {
    const ceiling = Math.max(settings.writeCapacity, settings.autoscaling?.maxWriteCapacity ?? 0);
    return { table: ceiling, account: ceiling };
  }
  const { expectedEventsPerRun: events, targetRunMinutes: minutes } = settings;
  const rate = events && minutes ? neededWriteRate({ events, minutes }) : 0;
  return { table: Math.max(settings.warmThroughput ?? 0, rate) };
}

/** Only a provisioned table has a ceiling for the consumed-writes alarm to watch. */
function withCapacityAlarmDefault(alarms: ArgValues["alarms"], provisioned: boolean) {
  const isMap = typeof alarms === "object" && alarms !== null && !Array.isArray(alarms);
  if (!isMap || !provisioned) return alarms;
  return {
    ...alarms,
    consumedWritePercent: alarms.consumedWritePercent ?? DEFAULT_CONSUMED_WRITE_PERCENT,
  };
}
