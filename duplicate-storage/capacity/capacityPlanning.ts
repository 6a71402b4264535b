/**
 * Sizing the table for the shredder, which writes one item per event (each well under 1 KB, so
 * one write unit each, and a failed condition still consumes the write): what a run needs, how
 * the configured table serves it (`throughputModel.ts`), and what the setups that would serve it
 * from the first second cost. Pure functions.
 */
import {
  ON_DEMAND_DEFAULT_WARM_WRITES,
  Run,
  RunSummary,
  SCALE_IN_MINUTES,
  TableModel,
  simulateRun,
} from "./throughputModel";
import { DAYS_PER_MONTH, HOURS_PER_MONTH, PRICES, TableClass, round2 } from "./prices";
import {
  TTL_DELETION_LAG_DAYS,
  TableSize,
  pointInTimeRecoveryMonthlyUsd,
  storageMonthlyUsd,
  tableSize,
} from "./storageModel";

/** Estimated monthly cost of provisioned capacity running around the clock. */
export function provisionedMonthlyUsd(
  writeCapacity: number,
  readCapacity: number,
  tableClass: TableClass = TableClass.Standard,
): number {
  const prices = PRICES[tableClass];
  const hourly =
    writeCapacity * prices.writeCapacityUnitHour + readCapacity * prices.readCapacityUnitHour;
  return round2(hourly * HOURS_PER_MONTH);
}

/** Estimated monthly cost of on-demand writes for the shredder's events. */
export function onDemandMonthlyUsd(
  eventsPerRun: number,
  runsPerDay: number,
  tableClass: TableClass = TableClass.Standard,
): number {
  const writes = eventsPerRun * runsPerDay * DAYS_PER_MONTH;
  return round2((writes / 1e6) * PRICES[tableClass].millionWriteRequestUnits);
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
  readonly tableClass?: TableClass;
}): number {
  const prices = PRICES[input.tableClass ?? TableClass.Standard];
  const raisedHours =
    (input.runsPerDay * raisedMinutesPerRun(input.runMinutes, input.leadMinutes)) / 60;
  const writeUnitHoursPerDay =
    raisedHours * input.raisedCapacity + (24 - raisedHours) * input.floor;
  const monthly =
    writeUnitHoursPerDay * DAYS_PER_MONTH * prices.writeCapacityUnitHour +
    input.readCapacity * prices.readCapacityUnitHour * HOURS_PER_MONTH;
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
  /** The option's own name: its setup and its table class, as `scheduled-standard-ia`. */
  readonly id: string;
  /** The capacity setup; each comes in both table classes. */
  readonly name: CapacityOptionName;
  /** The table class, which prices capacity and storage. */
  readonly tableClass: TableClass;
  /** What to set, in words. */
  readonly description: string;
  /** The capacity setup in a few words, for a table with a column of its own for the class. */
  readonly label: string;
  /** The stack config keys that declare it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON values of several types
  readonly config: { readonly [key: string]: any };
  /** Estimated monthly cost of capacity in USD. */
  readonly capacityUsd: number;
  /** Estimated monthly cost of storage in USD, after the free tier. */
  readonly storageUsd: number;
  /** Estimated monthly cost of point-in-time recovery in USD; 0 where it is off. */
  readonly pointInTimeRecoveryUsd: number;
  /** The whole estimated monthly cost in USD: capacity, storage and point-in-time recovery. */
  readonly monthlyUsd: number;
  /** A one-time charge on top, when there is one. */
  readonly oneTimeCharge?: string;
  /** Minutes of a run (of the first run, on demand) with throttled writes. */
  readonly throttledMinutes: number;
  /** What the stack config still needs from the user, when `config` is not complete. */
  readonly needs?: string;
}

/** Estimated monthly costs in USD of the configured table class, for choosing a setup. */
export interface MonthlyCostEstimate {
  /** Capacity: provisioned at `requiredWriteCapacity` around the clock. */
  readonly provisionedAtRequiredCapacity: number;
  /** Capacity: the configured provisioned table (with its schedule, if any); absent on demand. */
  readonly provisionedAtConfiguredCapacity?: number;
  /** Capacity: on demand, for `expectedEventsPerRun` × `runsPerDay` events a day. */
  readonly onDemand: number;
  /** Storage of the history, after the free tier. */
  readonly storage: number;
  /** Point-in-time recovery; 0 where it is off. */
  readonly pointInTimeRecovery: number;
  /** The configured setup's whole cost: its capacity, storage and point-in-time recovery. */
  readonly total: number;
  /** What the figures assume. */
  readonly basis: string;
}

/** What the history takes to store. */
export interface StorageEstimate {
  /** Bytes billed per item: the shredder's item by DynamoDB's rules, and 100 of overhead. */
  readonly billedItemBytes: number;
  /** Items alive at once. */
  readonly itemsAlive: number;
  /** The table's billed size in GiB, to one decimal. */
  readonly tableGib: number;
}

/** What the planning keys say about the configured table. */
export interface CapacityPlanSummary {
  /** Write units the shredder needs to finish a run in the target time. */
  readonly requiredWriteCapacity: number;
  /** Estimated monthly costs in USD, for choosing a setup. */
  readonly estimatedMonthlyCostUsd: MonthlyCostEstimate;
  /** What the history takes to store. */
  readonly storage: StorageEstimate;
  /** How the configured table serves a run (on demand: the first run on a new table). */
  readonly run: RunSummary;
  /** Setups that would serve the run from its first second, and on-demand alone, in each class. */
  readonly options: CapacityOption[];
  /**
   * The `id` of the cheapest option that does not throttle, by whole cost; none when the run needs
   * more than a table may have within the table-level write quota (`quotaAdvice` then says what to
   * do).
   */
  readonly recommended?: string;
  /** The table class of the recommended option. */
  readonly recommendedTableClass?: TableClass;
  /** Why no option serves the run within the quota, and what would, when none does. */
  readonly quotaAdvice?: string;
}

/** The plan, and why the configured table fails the run or costs too much, if it does. */
export interface CapacityPlan extends CapacityPlanSummary {
  /** Why the configured table fails the run, in one line, or undefined when it serves it. */
  readonly warning?: string;
  /**
   * Which cheaper setup to take, of those the stack config can name as it is, when the configured
   * one costs more than `COST_WARNING_MARGIN` over it.
   */
  readonly costWarning?: string;
}

/**
 * How much more than the cheapest setup the configured one may cost before the preview warns: 10%.
 * The estimates rest on assumptions (the TTL lag, numbers' approximate size, runs spread evenly,
 * prices not all read at their source), each worth a percent or two; a gap above 10% is one that
 * they cannot explain. Below USD 10 a month, no warning is worth a reader's time.
 */
export const COST_WARNING_MARGIN = 0.1;
export const COST_WARNING_MIN_USD = 10;

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
  /** The configured table class. */
  readonly tableClass: TableClass;
  /** Read units of a provisioned table, for its cost. */
  readonly readCapacity: number;
  readonly runSchedule?: RunSchedule;
  /** The account's table-level write quota: the most write units or writes a second a table has. */
  readonly writeQuota: number;
  /** The account-level write quota, shared by every provisioned table of the region. */
  readonly accountWriteQuota: number;
  /** What the history takes: the shredder's item size, its retention, and backups. */
  readonly storage: {
    /** The shredder's item by DynamoDB's rules, without overhead (`itemSizeBytes`). */
    readonly itemBytes: number;
    /** Days the shredder keeps an item (its `ttl`). */
    readonly retentionDays: number;
    readonly pointInTimeRecovery: boolean;
    /** The table's size as DynamoDB reports it, where known: it replaces the modelled size. */
    readonly measuredBytes?: number;
  };
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

/** A capacity setup, before its table class is chosen. */
interface Setup {
  readonly name: CapacityOptionName;
  readonly description: string;
  readonly label: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON values of several types
  readonly config: { readonly [key: string]: any };
  readonly capacityUsd: (tableClass: TableClass) => number;
  readonly oneTimeCharge?: string;
  /** The setup as the model sees it, for the plan's run. */
  readonly table: TableModel;
  readonly needs?: string;
}

/** The table's size for the plan's events. */
export function planTableSize(input: PlanInput): TableSize {
  const modelled = tableSize({
    eventsPerDay: input.expectedEventsPerRun * input.runsPerDay,
    retentionDays: input.storage.retentionDays,
    itemBytes: input.storage.itemBytes,
  });
  const measured = input.storage.measuredBytes;
  return measured ? { ...modelled, gib: measured / 2 ** 30 } : modelled;
}

/** Storage and point-in-time recovery of a table of `gib` in a class. */
function storageCosts(input: PlanInput, gib: number, tableClass: TableClass) {
  return {
    storageUsd: storageMonthlyUsd(gib, tableClass),
    pointInTimeRecoveryUsd: input.storage.pointInTimeRecovery
      ? pointInTimeRecoveryMonthlyUsd(gib)
      : 0,
  };
}

/** The setups that would serve `run` from its first second, and on-demand alone. */
function capacitySetups(input: PlanInput): Setup[] {
  const run: Run = { events: input.expectedEventsPerRun, minutes: input.targetRunMinutes };
  // A table may have at most the quota: above it, every option throttles, and says so. A
  // provisioned table may also have at most the account-level quota, which on demand does not
  // bound (and the account's other provisioned tables may already use some of it).
  const peak = Math.min(input.writeRate, input.writeQuota);
  const provisionedPeak = Math.min(peak, input.accountWriteQuota);
  const runs = input.runsPerDay;
  const read = input.readCapacity;
  const lead = input.runSchedule?.leadMinutes ?? input.fallback.leadMinutes;
  // Between runs: the stack's own write units, or a provisioned table's default.
  const floor = Math.min(
    input.table.billingMode === "PROVISIONED"
      ? input.table.writeCapacity
      : input.fallback.writeCapacity,
    provisionedPeak,
  );
  const onDemandUsd = (c: TableClass) => onDemandMonthlyUsd(run.events, runs, c);
  const setups: Setup[] = [
    {
      name: "provisioned",
      description: `provisioned at ${provisionedPeak} write units around the clock`,
      label: `provisioned at ${provisionedPeak} always`,
      config: { billingMode: "PROVISIONED", writeCapacity: provisionedPeak },
      capacityUsd: (c) => provisionedMonthlyUsd(provisionedPeak, read, c),
      table: { billingMode: "PROVISIONED", writeCapacity: provisionedPeak },
    },
  ];
  if (runs * raisedMinutesPerRun(run.minutes, lead) < 24 * 60 && floor < provisionedPeak) {
    const table: TableModel = {
      billingMode: "PROVISIONED",
      writeCapacity: floor,
      autoscaling: {
        maxWriteCapacity: provisionedPeak,
        targetUtilization: input.fallback.targetUtilization,
      },
      scheduledWriteCapacity: provisionedPeak,
    };
    const starts = input.runSchedule?.startTimesUtc;
    setups.push({
      name: "scheduled",
      description:
        `provisioned at ${floor} write units, raised to ${provisionedPeak} from ${lead} minutes before ` +
        `each of ${runs} run(s) a day by scheduled scaling`,
      label: `scheduled: ${floor}, ${provisionedPeak} around runs`,
      config: {
        billingMode: "PROVISIONED",
        writeCapacity: floor,
        autoscaling: { maxWriteCapacity: provisionedPeak },
        runSchedule: { ...(starts ? { startTimesUtc: [...starts] } : {}), leadMinutes: lead },
      },
      capacityUsd: (c) =>
        scheduledMonthlyUsd({
          floor,
          raisedCapacity: provisionedPeak,
          readCapacity: read,
          runsPerDay: runs,
          runMinutes: run.minutes,
          leadMinutes: lead,
          tableClass: c,
        }),
      table,
      ...(starts
        ? {}
        : { needs: `the start times of the ${runs} run(s) a day, runSchedule.startTimesUtc` }),
    });
  }
  if (peak > ON_DEMAND_DEFAULT_WARM_WRITES) {
    setups.push({
      name: "onDemandWarm",
      description: `on-demand with a warm throughput of ${peak} writes a second`,
      label: `on-demand, warm ${peak} (+ one-time)`,
      config: { billingMode: "PAY_PER_REQUEST", warmThroughput: peak },
      capacityUsd: onDemandUsd,
      oneTimeCharge: "a one-time charge for raising the warm throughput (DynamoDB pricing page)",
      table: { billingMode: "PAY_PER_REQUEST", warmThroughput: peak },
    });
  }
  setups.push({
    name: "onDemand",
    description: "on-demand",
    label: "on-demand",
    config: { billingMode: "PAY_PER_REQUEST" },
    capacityUsd: onDemandUsd,
    table: { billingMode: "PAY_PER_REQUEST" },
  });
  return setups;
}

/** Words for a table class in a description. */
export const CLASS_WORDS: Record<TableClass, string> = {
  STANDARD: "Standard",
  STANDARD_INFREQUENT_ACCESS: "Standard-IA",
};

/** An id's words for a table class. */
export const CLASS_IDS: Record<TableClass, string> = {
  STANDARD: "standard",
  STANDARD_INFREQUENT_ACCESS: "standard-ia",
};

/** A capacity option, with its setup as the model sees it, to replay other runs through. */
export interface CapacityCandidate {
  readonly option: CapacityOption;
  readonly table: TableModel;
}

/**
 * The setups that would serve `run` from its first second, and on-demand alone, each in both
 * table classes, with the whole monthly cost of each, and each setup's model.
 */
export function capacityCandidates(input: PlanInput): CapacityCandidate[] {
  const { gib } = planTableSize(input);
  const run: Run = { events: input.expectedEventsPerRun, minutes: input.targetRunMinutes };
  return capacitySetups(input).flatMap(({ capacityUsd, table, ...setup }) => {
    const throttledMinutes = simulateRun(table, run, input.writeQuota).throttledMinutes;
    return Object.values(TableClass).map((tableClass) => {
      const capacity = capacityUsd(tableClass);
      const { storageUsd, pointInTimeRecoveryUsd } = storageCosts(input, gib, tableClass);
      const option: CapacityOption = {
        id: `${setup.name}-${CLASS_IDS[tableClass]}`,
        ...setup,
        tableClass,
        description: `${setup.description}, table class ${CLASS_WORDS[tableClass]}`,
        config: { ...setup.config, tableClass },
        capacityUsd: capacity,
        storageUsd,
        pointInTimeRecoveryUsd,
        monthlyUsd: round2(capacity + storageUsd + pointInTimeRecoveryUsd),
        throttledMinutes,
      };
      return { option, table };
    });
  });
}

/**
 * The setups that would serve `run` from its first second, and on-demand alone, each in both
 * table classes, with the whole monthly cost of each.
 */
export function capacityOptions(input: PlanInput): CapacityOption[] {
  return capacityCandidates(input).map((c) => c.option);
}

/**
 * What to do about a run that needs more writes a second than a table may have within the
 * account's table-level write quota: more time, smaller runs, or a raised quota.
 */
export function quotaAdvice(input: PlanInput): string | undefined {
  const quota = input.writeQuota;
  if (input.writeRate <= quota) return undefined;
  const events = input.expectedEventsPerRun;
  const minutes = Math.ceil(events / (quota * 60));
  const parts = Math.ceil(input.writeRate / quota);
  return (
    `A run of ${events} events in ${input.targetRunMinutes} minutes needs ` +
    `${input.writeRate} writes a second, more than the ${quota} a table may have within the ` +
    "account's table-level write quota (tableWriteQuota), so every setup throttles it. Give each " +
    `run at least ${minutes} minutes (targetRunMinutes ${minutes}), or split it into ${parts} ` +
    `runs of at most ${Math.floor(events / parts)} events; or ask AWS to raise the quota ` +
    "(Service Quotas, Amazon DynamoDB, table-level write throughput) to at least " +
    `${input.writeRate} and set it: pulumi config set tableWriteQuota <the raised quota>.`
  );
}

/**
 * Why a provisioned table whose write units may reach `ceiling` (its `writeCapacity`, or its
 * autoscaling's ceiling) alone would provision more than the account-level write quota, which
 * every provisioned table and index of the account in the region shares; undefined when it would
 * not. On-demand tables do not count against it.
 */
export function accountQuotaWarning(
  ceiling: number,
  accountWriteQuota: number,
): string | undefined {
  if (ceiling <= accountWriteQuota) return undefined;
  return (
    `This table alone may provision ${ceiling} write units, more than the account-level write ` +
    `quota of ${accountWriteQuota} (accountWriteQuota) that every provisioned table and index of ` +
    "the account in the region shares, so DynamoDB would refuse to provision them. Ask AWS to " +
    "raise that quota (Service Quotas, Amazon DynamoDB, account-level write throughput) and set " +
    "accountWriteQuota to it, or use billingMode PAY_PER_REQUEST, which it does not bound."
  );
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

/** Compares the configured table with what the expected runs need, and with the cheapest. */
export function planCapacity(input: PlanInput): CapacityPlan {
  const events = input.expectedEventsPerRun;
  const run: Run = { events, minutes: input.targetRunMinutes };
  const required = input.writeRate;
  const read = input.readCapacity;
  const table = input.table;
  const tableClass = input.tableClass;
  const schedule = input.runSchedule;
  const { minutes: _minutes, ...report } = simulateRun(table, run, input.writeQuota);
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
            tableClass,
          })
        : provisionedMonthlyUsd(table.writeCapacity, read, tableClass);
  const onDemand = onDemandMonthlyUsd(events, input.runsPerDay, tableClass);
  const size = planTableSize(input);
  const { storageUsd, pointInTimeRecoveryUsd } = storageCosts(input, size.gib, tableClass);
  const total = round2((configuredUsd ?? onDemand) + storageUsd + pointInTimeRecoveryUsd);
  const estimate: MonthlyCostEstimate = {
    provisionedAtRequiredCapacity: provisionedMonthlyUsd(required, read, tableClass),
    ...(configuredUsd !== undefined ? { provisionedAtConfiguredCapacity: configuredUsd } : {}),
    onDemand,
    storage: storageUsd,
    pointInTimeRecovery: pointInTimeRecoveryUsd,
    total,
    basis:
      `Estimates at ${PRICES.region} prices of ${PRICES.asOf}, table class ` +
      `${CLASS_WORDS[tableClass]}: capacity, storage of ${size.itemsAlive} items of ` +
      `${size.billedItemBytes} bytes (${input.storage.retentionDays} days of ${events} events ` +
      `a run and ${input.runsPerDay} run(s) a day, and ${TTL_DELETION_LAG_DAYS} days of TTL lag, ` +
      "our assumption), and point-in-time recovery where it is on; no transfer or other " +
      `backups; ${HOURS_PER_MONTH} hours a month.`,
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
  // Against a setup that the stack can take as it is: one that needs start times the stack has
  // not given is not one that its config names.
  const cheaper = recommend(options.filter((o) => o.needs === undefined));
  let costWarning: string | undefined;
  if (
    report.throttledMinutes === 0 &&
    cheaper !== undefined &&
    total > cheaper.monthlyUsd * (1 + COST_WARNING_MARGIN) &&
    total - cheaper.monthlyUsd >= COST_WARNING_MIN_USD
  ) {
    costWarning =
      `This setup costs about USD ${total} a month; ${cheaper.description} would cost about ` +
      `USD ${cheaper.monthlyUsd} and serve each run as well. Its stack config: ` +
      `${JSON.stringify(cheaper.config)} (output capacityPlan; npm run capacity).`;
  }
  return {
    requiredWriteCapacity: required,
    estimatedMonthlyCostUsd: estimate,
    storage: {
      billedItemBytes: size.billedItemBytes,
      itemsAlive: size.itemsAlive,
      tableGib: Math.round(size.gib * 10) / 10,
    },
    run: report,
    options,
    ...(best ? { recommended: best.id, recommendedTableClass: best.tableClass } : {}),
    ...(advice ? { quotaAdvice: advice } : {}),
    warning,
    costWarning,
  };
}
