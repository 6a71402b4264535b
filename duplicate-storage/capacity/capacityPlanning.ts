/**
 * Sizing the table for the shredder, which writes one item per event (each well under 1 KB, so
 * one write unit each, and a failed condition still consumes the write): what a run needs, how
 * the configured table serves it (`throughputModel.ts`), and what the setups that would serve it
 * from the first second cost. Pure functions.
 */
import {
  MAX_CAPACITY,
  ON_DEMAND_DEFAULT_WARM_WRITES,
  Run,
  RunSummary,
  SCALE_IN_MINUTES,
  TableModel,
  simulateRun,
} from "./throughputModel";

/**
 * DynamoDB prices used for estimates: Standard table class, region us-east-1, in USD, as listed on
 * the DynamoDB pricing pages (aws.amazon.com/dynamodb/pricing/provisioned/ and .../on-demand/)
 * in November 2026; on-demand reflects the 50% cut of November 2024. Other regions cost more or
 * less, and storage, backups and data transfer are not included: the outputs call these figures
 * estimates.
 */
export const PRICES = {
  region: "us-east-1",
  asOf: "2026-11",
  /** Per provisioned write capacity unit and hour. */
  writeCapacityUnitHour: 0.00065,
  /** Per provisioned read capacity unit and hour. */
  readCapacityUnitHour: 0.00013,
  /** Per million on-demand write request units. */
  millionWriteRequestUnits: 0.625,
} as const;

/** Hours in an average month, as AWS prices them. */
export const HOURS_PER_MONTH = 730;
/** Days in an average month. */
export const DAYS_PER_MONTH = 365 / 12;

/** Estimated monthly cost of provisioned capacity running around the clock. */
export function provisionedMonthlyUsd(writeCapacity: number, readCapacity: number): number {
  const hourly =
    writeCapacity * PRICES.writeCapacityUnitHour + readCapacity * PRICES.readCapacityUnitHour;
  return round2(hourly * HOURS_PER_MONTH);
}

/** Estimated monthly cost of on-demand writes for the shredder's events. */
export function onDemandMonthlyUsd(eventsPerRun: number, runsPerDay: number): number {
  const writes = eventsPerRun * runsPerDay * DAYS_PER_MONTH;
  return round2((writes / 1e6) * PRICES.millionWriteRequestUnits);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** When the shredder's runs start, for scheduled scaling. */
export interface RunSchedule {
  /** Start times of the day in UTC, "HH:MM". */
  readonly startTimesUtc: readonly string[];
  /** Minutes before each start at which the floor is raised, and after each run's target end
   * at which it is lowered again. */
  readonly leadMinutes: number;
}

/**
 * Minutes a day that scheduled scaling keeps a table raised for each run: the lead time, the run,
 * the lead time again, and target tracking's scale-in delay after the floor is lowered.
 */
export function raisedMinutesPerRun(runMinutes: number, leadMinutes: number): number {
  return leadMinutes + runMinutes + leadMinutes + SCALE_IN_MINUTES;
}

/**
 * Estimated monthly cost of a provisioned table that scheduled scaling raises to
 * `raisedCapacity` around each run and that sits at `floor` otherwise.
 */
export function scheduledMonthlyUsd(input: {
  readonly floor: number;
  readonly raisedCapacity: number;
  readonly readCapacity: number;
  readonly runsPerDay: number;
  readonly runMinutes: number;
  readonly leadMinutes: number;
}): number {
  const raisedHours =
    (input.runsPerDay * raisedMinutesPerRun(input.runMinutes, input.leadMinutes)) / 60;
  const writeUnitHoursPerDay =
    raisedHours * input.raisedCapacity + (24 - raisedHours) * input.floor;
  const monthly =
    writeUnitHoursPerDay * DAYS_PER_MONTH * PRICES.writeCapacityUnitHour +
    input.readCapacity * PRICES.readCapacityUnitHour * HOURS_PER_MONTH;
  return round2(monthly);
}

/** The setups that the plan compares. */
export const CapacityOptionName = {
  provisioned: "provisioned",
  scheduled: "scheduled",
  onDemandWarm: "onDemandWarm",
  onDemand: "onDemand",
} as const;
/** A setup that the plan compares. */
export type CapacityOptionName = (typeof CapacityOptionName)[keyof typeof CapacityOptionName];

/** The minutes from each run's start to the next one's, in the order of the day, across midnight. */
export function runGaps(
  startTimesUtc: readonly string[],
): { from: string; to: string; minutes: number }[] {
  const minutesOf = (t: string) => {
    const [h, m] = t.split(":").map(Number);
    return h * 60 + m;
  };
  const sorted = [...startTimesUtc].sort();
  return sorted.map((from, i) => {
    const to = sorted[(i + 1) % sorted.length];
    // A single run a day is a whole day from the next day's.
    const minutes =
      (minutesOf(to) - minutesOf(from) + 1440) % 1440 || (sorted.length > 1 ? 0 : 1440);
    return { from, to, minutes };
  });
}

/**
 * The longest time between the starts of two runs, in minutes: from the schedule's start times,
 * or a day over `runsPerDay` for runs spread evenly.
 */
export function longestGapMinutes(runsPerDay: number, startTimesUtc?: readonly string[]): number {
  if (startTimesUtc === undefined || startTimesUtc.length === 0) return 1440 / runsPerDay;
  return Math.max(...runGaps(startTimesUtc).map((g) => g.minutes));
}

/**
 * Whole hours without a write after which no run can have written: one more than the hours in
 * the longest gap between run starts, since an idle stretch is shorter than that gap and so
 * covers fewer whole hours. The hourly "no writes" alarm fires after that many empty hours.
 */
export function noWritesHours(runsPerDay: number, startTimesUtc?: readonly string[]): number {
  return Math.ceil(longestGapMinutes(runsPerDay, startTimesUtc) / 60) + 1;
}

/** A setup that serves the run, with its cost and the stack config that declares it. */
export interface CapacityOption {
  readonly name: CapacityOptionName;
  /** What to set, in words. */
  readonly description: string;
  /** The same in a few words, for a table. */
  readonly label: string;
  /** The stack config keys that declare it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON values of several types
  readonly config: { readonly [key: string]: any };
  /** Estimated monthly cost in USD. */
  readonly monthlyUsd: number;
  /** A one-time charge on top, when there is one. */
  readonly oneTimeCharge?: string;
  /** Minutes of a run (of the first run, on demand) with throttled writes. */
  readonly throttledMinutes: number;
  /** What the stack config still needs from the user, when `config` is not complete. */
  readonly needs?: string;
}

/** Estimated monthly costs in USD, for choosing a billing mode. */
export interface MonthlyCostEstimate {
  /** Provisioned at `requiredWriteCapacity` around the clock. */
  readonly provisionedAtRequiredCapacity: number;
  /** The configured provisioned table (with its schedule, if any); absent on demand. */
  readonly provisionedAtConfiguredCapacity?: number;
  /** On-demand, for `expectedEventsPerRun` × `runsPerDay` events a day. */
  readonly onDemand: number;
  /** What the figures assume. */
  readonly basis: string;
}

/** What the planning keys say about the configured table. */
export interface CapacityPlanSummary {
  /** Write units the shredder needs to finish a run in the target time. */
  readonly requiredWriteCapacity: number;
  /** Estimated monthly costs in USD, for choosing a billing mode. */
  readonly estimatedMonthlyCostUsd: MonthlyCostEstimate;
  /** How the configured table serves a run (on demand: the first run on a new table). */
  readonly run: RunSummary;
  /** Setups that would serve the run from its first second, and on-demand alone. */
  readonly options: CapacityOption[];
  /**
   * The cheapest option that does not throttle; none when the run needs more than a table may
   * have within AWS's default quota (`quotaAdvice` then says what to do).
   */
  readonly recommended?: CapacityOptionName;
  /** Why no option serves the run within the quota, and what would, when none does. */
  readonly quotaAdvice?: string;
}

/** The plan, and why the configured table fails the run, if it does. */
export interface CapacityPlan extends CapacityPlanSummary {
  /** Why the configured table fails the run, in one line, or undefined when it serves it. */
  readonly warning?: string;
}

/** The inputs of a capacity plan. */
export interface PlanInput {
  readonly expectedEventsPerRun: number;
  readonly targetRunMinutes: number;
  /** The write rate a run needs, `neededWriteRate` of the run, which the caller works out once. */
  readonly writeRate: number;
  /** Runs a day; the schedule's count of start times when there is one. */
  readonly runsPerDay: number;
  /** The configured table. */
  readonly table: TableModel;
  /** Read units of a provisioned table, for its cost. */
  readonly readCapacity: number;
  readonly runSchedule?: RunSchedule;
  /**
   * What a recommended setup takes where the configured table has nothing to offer: the floor of
   * a scheduled table that is on demand now, a schedule's lead time and autoscaling's target.
   */
  readonly fallback: {
    readonly writeCapacity: number;
    readonly leadMinutes: number;
    readonly targetUtilization: number;
  };
}

/** The setups that would serve `run` from its first second, and on-demand alone. */
export function capacityOptions(input: PlanInput): CapacityOption[] {
  const run: Run = { events: input.expectedEventsPerRun, minutes: input.targetRunMinutes };
  // A table may have at most the quota: above it, every option throttles, and says so.
  const peak = Math.min(input.writeRate, MAX_CAPACITY);
  const runs = input.runsPerDay;
  const read = input.readCapacity;
  const lead = input.runSchedule?.leadMinutes ?? input.fallback.leadMinutes;
  // Between runs: the stack's own write units, or a provisioned table's default.
  const floor = Math.min(
    input.table.billingMode === "PROVISIONED"
      ? input.table.writeCapacity
      : input.fallback.writeCapacity,
    peak,
  );
  const onDemandUsd = onDemandMonthlyUsd(run.events, runs);
  const options: CapacityOption[] = [
    {
      name: "provisioned",
      description: `provisioned at ${peak} write units around the clock`,
      label: `provisioned at ${peak}, around the clock`,
      config: { billingMode: "PROVISIONED", writeCapacity: peak },
      monthlyUsd: provisionedMonthlyUsd(peak, read),
      throttledMinutes: throttled({ billingMode: "PROVISIONED", writeCapacity: peak }, run),
    },
  ];
  if (runs * raisedMinutesPerRun(run.minutes, lead) < 24 * 60 && floor < peak) {
    const table: TableModel = {
      billingMode: "PROVISIONED",
      writeCapacity: floor,
      autoscaling: { maxWriteCapacity: peak, targetUtilization: input.fallback.targetUtilization },
      scheduledWriteCapacity: peak,
    };
    const starts = input.runSchedule?.startTimesUtc;
    options.push({
      name: "scheduled",
      description:
        `provisioned at ${floor} write units, raised to ${peak} from ${lead} minutes before ` +
        `each of ${runs} run(s) a day by scheduled scaling`,
      label: `provisioned at ${floor}, ${peak} around runs (scheduled)`,
      config: {
        billingMode: "PROVISIONED",
        writeCapacity: floor,
        autoscaling: { maxWriteCapacity: peak },
        runSchedule: { ...(starts ? { startTimesUtc: [...starts] } : {}), leadMinutes: lead },
      },
      monthlyUsd: scheduledMonthlyUsd({
        floor,
        raisedCapacity: peak,
        readCapacity: read,
        runsPerDay: runs,
        runMinutes: run.minutes,
        leadMinutes: lead,
      }),
      throttledMinutes: throttled(table, run),
      ...(starts
        ? {}
        : { needs: `the start times of the ${runs} run(s) a day, runSchedule.startTimesUtc` }),
    });
  }
  if (peak > ON_DEMAND_DEFAULT_WARM_WRITES) {
    options.push({
      name: "onDemandWarm",
      description: `on-demand with a warm throughput of ${peak} writes a second`,
      label: `on-demand, warm throughput ${peak} (+ one-time charge)`,
      config: { billingMode: "PAY_PER_REQUEST", warmThroughput: peak },
      monthlyUsd: onDemandUsd,
      oneTimeCharge: "a one-time charge for raising the warm throughput (DynamoDB pricing page)",
      throttledMinutes: throttled({ billingMode: "PAY_PER_REQUEST", warmThroughput: peak }, run),
    });
  }
  options.push({
    name: "onDemand",
    description: "on-demand",
    label: "on-demand",
    config: { billingMode: "PAY_PER_REQUEST" },
    monthlyUsd: onDemandUsd,
    throttledMinutes: throttled({ billingMode: "PAY_PER_REQUEST" }, run),
  });
  return options;
}

/**
 * What to do about a run that needs more writes a second than a table may have within AWS's
 * default quota: more time, smaller runs, or a raised quota.
 */
export function quotaAdvice(input: PlanInput): string | undefined {
  if (input.writeRate <= MAX_CAPACITY) return undefined;
  const events = input.expectedEventsPerRun;
  const minutes = Math.ceil(events / (MAX_CAPACITY * 60));
  const parts = Math.ceil(input.writeRate / MAX_CAPACITY);
  return (
    `A run of ${events} events in ${input.targetRunMinutes} minutes needs ` +
    `${input.writeRate} writes a second, more than the ${MAX_CAPACITY} a table may have within ` +
    "AWS's default quota, so every setup throttles it. Give each run at least " +
    `${minutes} minutes (targetRunMinutes ${minutes}), or split it into ${parts} runs of at ` +
    `most ${Math.floor(events / parts)} events; or ask AWS for a higher table-level write ` +
    "quota (Service Quotas, Amazon DynamoDB), which this program's capacity keys, bounded by the " +
    "default quota, cannot use yet."
  );
}

function throttled(table: TableModel, run: Run): number {
  return simulateRun(table, run).throttledMinutes;
}

/**
 * The cheapest option that does not throttle, the first listed winning a tie; none when every
 * option throttles, which happens only for a run above the quota.
 */
export function recommend(options: readonly CapacityOption[]): CapacityOption | undefined {
  const fit = options.filter((o) => o.throttledMinutes === 0);
  return fit.length === 0
    ? undefined
    : fit.reduce((best, o) => (o.monthlyUsd < best.monthlyUsd ? o : best));
}

/** Compares the configured table with what the expected runs need. */
export function planCapacity(input: PlanInput): CapacityPlan {
  const events = input.expectedEventsPerRun;
  const run: Run = { events, minutes: input.targetRunMinutes };
  const required = input.writeRate;
  const read = input.readCapacity;
  const table = input.table;
  const schedule = input.runSchedule;
  const { minutes: _minutes, ...report } = simulateRun(table, run);
  const configuredUsd =
    table.billingMode !== "PROVISIONED"
      ? undefined
      : schedule && table.scheduledWriteCapacity !== undefined
        ? scheduledMonthlyUsd({
            floor: table.writeCapacity,
            raisedCapacity: report.peakCapacity,
            readCapacity: read,
            runsPerDay: input.runsPerDay,
            runMinutes: run.minutes,
            leadMinutes: schedule.leadMinutes,
          })
        : provisionedMonthlyUsd(table.writeCapacity, read);
  const estimate = {
    provisionedAtRequiredCapacity: provisionedMonthlyUsd(required, read),
    ...(configuredUsd !== undefined ? { provisionedAtConfiguredCapacity: configuredUsd } : {}),
    onDemand: onDemandMonthlyUsd(events, input.runsPerDay),
    basis:
      `Estimates at ${PRICES.region} prices of ${PRICES.asOf} (Standard table class, capacity ` +
      `only: no storage, backups or transfer), ${HOURS_PER_MONTH} hours a month, ` +
      `${events} events a run and ${input.runsPerDay} run(s) a day.`,
  };
  const options = capacityOptions(input);
  const best = recommend(options);
  const advice = quotaAdvice(input);

  let warning: string | undefined;
  if (report.throttledMinutes > 0) {
    const which =
      table.billingMode === "PAY_PER_REQUEST" ? "the first run on a new table" : "each run";
    const fix = best
      ? `Cheapest setup that would not: ${best.description}, about USD ${best.monthlyUsd} a ` +
        "month (output capacityPlan; npm run capacity)."
      : `${advice} (npm run capacity)`;
    warning =
      `Writes would be throttled in ${report.throttledMinutes} of the ${run.minutes} minutes of ` +
      `${which} (${report.throttledPercent}% of its writes at ${required} a second), and the ` +
      `shredder's job fails once the AWS SDK's retries are spent. ${fix}`;
  }
  return {
    requiredWriteCapacity: required,
    estimatedMonthlyCostUsd: estimate,
    run: report,
    options,
    ...(best ? { recommended: best.name } : {}),
    ...(advice ? { quotaAdvice: advice } : {}),
    warning,
  };
}
