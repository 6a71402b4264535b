/**
 * What `npm run tune` makes of a table's history: the runs and their schedule, every setup that
 * the capacity model knows replayed over the demand the runs really made, the cheapest that would
 * have served every run with no throttled minute as stack config, and the silent failures that
 * the same history shows. It takes the history as samples, so that it needs no AWS of its own.
 */
import { DEFAULT_LEAD_MINUTES, DedupSettings, tableModelOf } from "snowplowdedup/args";
import {
  COST_WARNING_MARGIN,
  CLASS_IDS,
  CLASS_WORDS,
  COST_WARNING_MIN_USD,
  CapacityCandidate,
  MinuteSample,
  ObservedRun,
  PlanInput,
  Replay,
  RunMinute,
  Schedule,
  TableModel,
  capacityCandidates,
  findRuns,
  findSchedule,
  measuredSizing,
  neededWriteRate,
  planCapacity,
  raisedFor,
  replay,
  replayedProvisionedUsd,
  round2,
} from "snowplowdedup/capacity";
import { ConfigError, readStackConfig } from "../../stack/config";
import { ConfigEntries, adviceConfig } from "../capacity";

/** What DynamoDB says of the table: its size, updated about every six hours. */
export interface TableFacts {
  readonly sizeBytes?: number;
  readonly itemCount?: number;
  /** `ProvisionedThroughput.NumberOfDecreasesToday`, for a provisioned table. */
  readonly decreasesToday?: number;
}

/** What the analysis starts from. */
export interface TuneInput {
  readonly stack: string;
  /** The stack's engine config, as `loadStackConfig` reads it. */
  readonly stackConfig: Record<string, string>;
  readonly namespace: string;
  readonly samples: readonly MinuteSample[];
  /** The window, `[fromMinute, toMinute)` in minutes since the epoch. */
  readonly fromMinute: number;
  readonly toMinute: number;
  readonly table: TableFacts;
}

/** A setup, replayed over the history. */
export interface ReplayedSetup {
  readonly id: string;
  readonly description: string;
  /** Minutes with throttled writes, replayed over every run of the window. */
  readonly throttledMinutes: number;
  readonly monthlyUsd: number;
}

/** The analysis, as `--json` prints it, with what the text needs besides. */
export interface TuneReport {
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly runs: readonly {
    readonly start: string;
    readonly minutes: number;
    readonly events: number;
    readonly peakWritesPerSecond: number;
    readonly throttledMinutes: number;
    readonly duplicates: number;
    readonly neededMinutes: number;
  }[];
  readonly schedule: {
    readonly runsPerDay: number;
    readonly startTimesUtc: readonly string[];
    readonly wanderMinutes: readonly number[];
    readonly missing: Schedule["missing"];
  };
  readonly duplicateRate?: number;
  /** The sizing keys that the runs measure, with the margin; `writesPerSecond` is their rate. */
  readonly sizing?: {
    readonly expectedEventsPerRun: number;
    readonly targetRunMinutes: number;
    readonly runsPerDay: number;
    readonly writesPerSecond: number;
  };
  readonly current?: ReplayedSetup & {
    /** Minutes in which CloudWatch saw throttled writes. */
    readonly observedThrottledMinutes: number;
  };
  readonly recommended?: ReplayedSetup & {
    /** Stack config keys and values to set; `null` for a key to remove. */
    readonly config: Record<string, unknown>;
  };
  readonly candidates: readonly ReplayedSetup[];
  /** What to act on, or to know, in one line each. */
  readonly findings: readonly string[];
  /** Whether anything here asks for action: throttling, no writes, or a setup that costs more. */
  readonly actionable: boolean;
  /** The advice as ordered entries, for the text's lines. */
  readonly advice?: ConfigEntries;
  /** The busiest run, as the current setup served it in the replay, for the text's chart. */
  readonly busiest?: { readonly start: string; readonly minutes: readonly RunMinute[] };
}

/** AWS's limit of decreases of a provisioned table's capacity a UTC day: 4, and one an hour more
 * after an hour without one, so 27 at most ("Quotas in Amazon DynamoDB", provisioned capacity
 * decreases). */
export const MAX_DECREASES_PER_DAY = 27;

/** Runs without a single duplicate that make a random fingerprint worth a word. */
export const NO_DUPLICATES_RUNS = 5;

const iso = (minute: number) => new Date(minute * 60_000).toISOString().replace(":00.000Z", "Z");

/** The capacity keys that describe a setup, which the advice replaces with its own. */
const CAPACITY_KEYS = [
  "billingMode",
  "writeCapacity",
  "autoscaling",
  "runSchedule",
  "warmThroughput",
  "onDemandThroughput",
];

/**
 * The stack config with the capacity keys gone and the measured sizing keys in their place: the
 * candidates' plan, from a default provisioned table, with the rest of the stack's settings.
 */
function sizedConfig(input: TuneInput, sizing: ReturnType<typeof measuredSizing>) {
  const ns = input.namespace;
  const config = Object.fromEntries(
    Object.entries(input.stackConfig).filter(
      ([k]) => !CAPACITY_KEYS.some((c) => k === `${ns}:${c}`),
    ),
  );
  config[`${ns}:expectedEventsPerRun`] = String(sizing.expectedEventsPerRun);
  config[`${ns}:targetRunMinutes`] = String(sizing.targetRunMinutes);
  config[`${ns}:runsPerDay`] = String(sizing.runsPerDay);
  return config;
}

/** The name of the setup that autoscaling alone raises, which the capacity plan leaves out. */
export const AUTOSCALING = "autoscaling";

/**
 * Autoscaling alone, from the default floor to the plan's rate, in both classes: the setup whose
 * lag at the start of a batch run the replay shows. Its capacity cost comes from its replay; its
 * storage and recovery are the provisioned option's of the same class.
 */
function autoscalingCandidates(
  plan: PlanInput,
  planned: readonly CapacityCandidate[],
): CapacityCandidate[] {
  const floor = plan.fallback.writeCapacity;
  const ceiling = plan.writeRate;
  return planned
    .filter((c) => c.option.name === "provisioned")
    .map(({ option }) => ({
      option: {
        ...option,
        id: `${AUTOSCALING}-${CLASS_IDS[option.tableClass]}`,
        description:
          `provisioned at ${floor} write units, autoscaling to ${ceiling} at ` +
          `${plan.fallback.targetUtilization}%, table class ${CLASS_WORDS[option.tableClass]}`,
        label: `autoscaling: ${floor} to ${ceiling}`,
        config: {
          billingMode: "PROVISIONED",
          writeCapacity: floor,
          autoscaling: { maxWriteCapacity: ceiling },
          tableClass: option.tableClass,
        },
      },
      table: {
        billingMode: "PROVISIONED",
        writeCapacity: floor,
        autoscaling: {
          maxWriteCapacity: ceiling,
          targetUtilization: plan.fallback.targetUtilization,
        },
      },
    }));
}

/**
 * The replay of a table over the runs: a table that a schedule raises is raised only for runs
 * within its times, and serves the others from its floor and autoscaling.
 */
function replayTable(
  table: TableModel,
  runs: readonly ObservedRun[],
  schedule: { readonly startTimesUtc: readonly string[]; readonly leadMinutes: number } | undefined,
  targetRunMinutes: number,
  writeQuota: number,
): Replay {
  return replay(
    runs,
    (run): TableModel =>
      schedule &&
      table.billingMode === "PROVISIONED" &&
      table.scheduledWriteCapacity !== undefined &&
      !raisedFor(run, schedule.startTimesUtc, schedule.leadMinutes, targetRunMinutes)
        ? { ...table, scheduledWriteCapacity: undefined }
        : table,
    writeQuota,
  );
}

/**
 * The stack's engine config with the advice applied, as `pulumi config set` and `rm` would leave
 * it: a dotted key sets a member of a map-valued key.
 */
export function applyAdvice(
  config: Record<string, string>,
  namespace: string,
  entries: ConfigEntries,
): Record<string, string> {
  const out = { ...config };
  for (const [key, value] of entries) {
    const [top, member] = key.split(".");
    const full = `${namespace}:${top}`;
    if (member !== undefined) {
      const map = out[full] ? JSON.parse(out[full]) : {};
      if (value === null) delete map[member];
      else map[member] = value;
      out[full] = JSON.stringify(map);
    } else if (value === null) delete out[full];
    else out[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** The analysis of the history. */
export function analyze(input: TuneInput): TuneReport {
  const days = (input.toMinute - input.fromMinute) / 1440;
  const window = { from: iso(input.fromMinute), to: iso(input.toMinute), days };
  const runs = findRuns(input.samples);
  const findings: string[] = [];
  const current = readStackConfig(input.stackConfig, input.namespace, input.stack);
  const settings: DedupSettings = current.settings;

  if (runs.length === 0) {
    findings.push(
      `No writes reached the table in ${days} days: either nothing runs the shredder, or every ` +
        "write fails before it reaches the table (AccessDenied from a policy on the wrong role, " +
        "an SCP or a key policy), which the shredder reports only as bad rows. Run npm run " +
        `verify -- ${input.stack} --write-canary as the cluster's role.`,
    );
    return {
      window,
      runs: [],
      schedule: { runsPerDay: 0, startTimesUtc: [], wanderMinutes: [], missing: [] },
      candidates: [],
      findings,
      actionable: true,
    };
  }

  const schedule = findSchedule(runs, input.fromMinute, input.toMinute);
  const sizing = measuredSizing(runs, schedule, days);
  const observedThrottled = runs.reduce((n, r) => n + r.throttledMinutes, 0);
  const events = runs.reduce((n, r) => n + r.events, 0);
  const duplicates = runs.reduce((n, r) => n + r.duplicates, 0);

  // The candidates: the model's setups for the measured runs, scheduled at the start times found.
  const sized = readStackConfig(sizedConfig(input, sizing), input.namespace, input.stack).plan!;
  const plan: PlanInput = {
    ...sized,
    runSchedule: sizing.startTimesUtc && {
      startTimesUtc: [...sizing.startTimesUtc],
      leadMinutes: settings.runSchedule?.leadMinutes ?? DEFAULT_LEAD_MINUTES,
    },
    storage: { ...sized.storage, measuredBytes: input.table.sizeBytes || undefined },
  };
  const planned = capacityCandidates(plan);
  const candidates = [...planned, ...autoscalingCandidates(plan, planned)].map((c) => ({
    candidate: c,
    replayed: replayTable(c.table, runs, plan.runSchedule, plan.targetRunMinutes, plan.writeQuota),
  }));
  // Autoscaling's cost depends on what it does in the runs: priced from its own replay.
  for (const c of candidates) {
    const option = c.candidate.option;
    if (!option.id.startsWith(`${AUTOSCALING}-`)) continue;
    const capacityUsd = replayedProvisionedUsd(
      c.replayed,
      plan.fallback.writeCapacity,
      plan.readCapacity,
      days,
      option.tableClass,
    );
    c.candidate = {
      ...c.candidate,
      option: {
        ...option,
        capacityUsd,
        monthlyUsd: round2(capacityUsd + option.storageUsd + option.pointInTimeRecoveryUsd),
      },
    };
  }
  const replayed = candidates.map(({ candidate, replayed: r }) => ({
    id: candidate.option.id,
    description: candidate.option.description,
    throttledMinutes: r.throttledMinutes,
    monthlyUsd: candidate.option.monthlyUsd,
  }));
  const fit = candidates.filter(
    (c) => c.replayed.throttledMinutes === 0 && c.candidate.option.needs === undefined,
  );
  const best = fit.reduce<(typeof fit)[number] | undefined>(
    (b, c) =>
      b === undefined || c.candidate.option.monthlyUsd < b.candidate.option.monthlyUsd ? c : b,
    undefined,
  );

  // The current setup, as the preview models it, over the same runs and at the same sizing.
  const currentRate =
    settings.expectedEventsPerRun && settings.targetRunMinutes
      ? neededWriteRate({
          events: settings.expectedEventsPerRun,
          minutes: settings.targetRunMinutes,
        })
      : undefined;
  const currentTable = tableModelOf(settings, currentRate);
  const currentSchedule = settings.runSchedule;
  const currentReplay = replayTable(
    currentTable,
    runs,
    currentSchedule,
    settings.targetRunMinutes ?? 0,
    plan.writeQuota,
  );
  const currentCost = planCapacity({
    ...plan,
    table: currentTable,
    tableClass: settings.tableClass,
    readCapacity: settings.readCapacity ?? plan.readCapacity,
    runSchedule: currentSchedule,
  }).estimatedMonthlyCostUsd.total;

  if (observedThrottled > 0) {
    const throttledRuns = runs.filter((r) => r.throttledMinutes > 0).length;
    findings.push(
      `${throttledRuns} of ${runs.length} runs were throttled, in ${observedThrottled} minutes ` +
        "in all: each throttled write that the AWS SDK's retries do not get through fails the " +
        "shredder's job.",
    );
  }
  if (currentReplay.throttledMinutes !== observedThrottled) {
    findings.push(
      `The replay of the current setup throttles in ${currentReplay.throttledMinutes} minutes ` +
        `where CloudWatch saw ${observedThrottled}: the model is a lower bound (an autoscaling ` +
        "step takes no time in it, several minutes in AWS), it replays a throttled run at its " +
        "peak rate for the minutes it needed rather than the minutes the refusals drew it out " +
        "to, and CloudWatch counts every refused retry.",
    );
  }
  for (const m of schedule.missing) {
    findings.push(
      `No run started on ${m.date} around ${m.startTimeUtc} UTC, where the schedule has one: ` +
        "a run that failed or was skipped, or a write that failed before it reached the table.",
    );
  }
  if (runs.length >= NO_DUPLICATES_RUNS && duplicates === 0) {
    findings.push(
      `Not one duplicate in ${runs.length} runs: a sign, not a proof, that every event has a ` +
        "random fingerprint, which is what happens without the Event Fingerprint Enrichment " +
        "(then no duplicate is ever caught).",
    );
  }
  let actionable = observedThrottled > 0;
  let recommended: TuneReport["recommended"];
  let advice: ConfigEntries | undefined;
  if (best) {
    const option = best.candidate.option;
    // With an alarm on consumed writes, a ceiling planned at the margin over the peak would
    // raise it in every run at any threshold below 100%; at 100% it fires when the runs outgrow
    // the plan.
    const provisioned = option.config.billingMode === "PROVISIONED";
    const alarms = input.stackConfig[`${input.namespace}:alarms`];
    // An on-demand table has no ceiling, and refuses a threshold that the stack sets for one.
    const ownThreshold = alarms !== undefined && "consumedWritePercent" in JSON.parse(alarms);
    advice = [
      ...adviceConfig(option, plan),
      ...(settings.alarms !== undefined && provisioned
        ? [["alarms.consumedWritePercent", 100] as const]
        : ownThreshold && !provisioned
          ? [["alarms.consumedWritePercent", null] as const]
          : []),
    ];
    // The advice, pasted into the stack, must plan with no warning of its own.
    try {
      const pasted = readStackConfig(
        applyAdvice(input.stackConfig, input.namespace, advice),
        input.namespace,
        input.stack,
      );
      const check = pasted.plan && planCapacity(pasted.plan);
      for (const warning of [check?.warning, check?.costWarning]) {
        if (warning) findings.push(`The advice would still warn in pulumi preview: ${warning}`);
      }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      findings.push(`The advice would be refused by the stack's rules: ${e.problems.join("; ")}`);
    }
    recommended = {
      id: option.id,
      description: option.description,
      throttledMinutes: 0,
      monthlyUsd: option.monthlyUsd,
      config: Object.fromEntries(advice),
    };
    if (
      currentCost > option.monthlyUsd * (1 + COST_WARNING_MARGIN) &&
      currentCost - option.monthlyUsd >= COST_WARNING_MIN_USD
    ) {
      actionable = true;
      findings.push(
        `The current setup costs about USD ${currentCost} a month; ${option.description} would ` +
          `cost about USD ${option.monthlyUsd} and would have served every run.`,
      );
    }
    if (option.name === "scheduled" && 2 * schedule.runsPerDay > MAX_DECREASES_PER_DAY) {
      findings.push(
        `Scheduled scaling lowers the table after each of ${schedule.runsPerDay} runs a day, and ` +
          `autoscaling scales in after each: ${2 * schedule.runsPerDay} decreases a day, more ` +
          `than the ${MAX_DECREASES_PER_DAY} that DynamoDB allows.`,
      );
    }
  } else {
    findings.push(
      "No setup that the model knows would have served every run without a throttled minute: " +
        "the runs need more than the table-level write quota allows (tableWriteQuota), or start " +
        "at no steady time. See npm run capacity for what would.",
    );
  }
  if (
    input.table.decreasesToday !== undefined &&
    input.table.decreasesToday > MAX_DECREASES_PER_DAY - 4
  ) {
    findings.push(
      `The table's capacity was decreased ${input.table.decreasesToday} times today ` +
        `(NumberOfDecreasesToday), near the ${MAX_DECREASES_PER_DAY} a day that DynamoDB allows.`,
    );
  }

  const busiestIndex = runs.reduce(
    (b, r, i) => (r.peakWritesPerSecond > runs[b].peakWritesPerSecond ? i : b),
    0,
  );
  return {
    window,
    runs: runs.map((r) => ({
      start: iso(r.startMinute),
      minutes: r.minutes,
      events: r.events,
      peakWritesPerSecond: r.peakWritesPerSecond,
      throttledMinutes: r.throttledMinutes,
      duplicates: r.duplicates,
      neededMinutes: r.neededMinutes,
    })),
    schedule: {
      runsPerDay: sizing.runsPerDay,
      startTimesUtc: schedule.slots.map((s) => s.startTimeUtc),
      wanderMinutes: schedule.slots.map((s) => s.wanderMinutes),
      missing: schedule.missing,
    },
    duplicateRate: events > 0 ? duplicates / events : undefined,
    sizing: {
      expectedEventsPerRun: sizing.expectedEventsPerRun,
      targetRunMinutes: sizing.targetRunMinutes,
      runsPerDay: sizing.runsPerDay,
      writesPerSecond: sizing.writeRate,
    },
    current: {
      id: "current",
      description: "the stack's setup",
      throttledMinutes: currentReplay.throttledMinutes,
      observedThrottledMinutes: observedThrottled,
      monthlyUsd: currentCost,
    },
    recommended,
    candidates: replayed,
    findings,
    actionable,
    advice,
    busiest: {
      start: iso(runs[busiestIndex].startMinute),
      minutes: currentReplay.runs[busiestIndex].minutes,
    },
  };
}
