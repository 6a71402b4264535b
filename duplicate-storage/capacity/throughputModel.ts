/**
 * A minute-by-minute model of how a DynamoDB table serves one shredder run. Pure functions.
 *
 * The shredder writes one item per event (well under 1 KB: one write unit each) as fast as Spark
 * can, and a write throttled for longer than the AWS SDK retries fails the job. So what matters is
 * the rate the table serves from the first second of a run. Each rule below is AWS's documented
 * behaviour, with the page it comes from, read on 2026-11-25. Where AWS gives no figure (how long
 * an `UpdateTable` takes, CloudWatch's metric delay), the model assumes the fastest case, so its
 * "throttled" verdicts are a lower bound: a real run throttles at least that long.
 */

/**
 * Burst capacity: a provisioned table keeps up to 300 seconds of unused write capacity and may
 * spend it above its provisioned rate ("best effort", not guaranteed).
 * https://repost.aws/knowledge-center/dynamodb-spiky-workloads-short-intervals
 */
export const BURST_SECONDS = 300;

/**
 * Target tracking scales out when consumed capacity stays above the target for at least 2
 * consecutive minutes; it scales in only after 15 consecutive minutes well below the target.
 * https://repost.aws/knowledge-center/dynamodb-auto-scaling
 */
export const SCALE_OUT_MINUTES = 2;
export const SCALE_IN_MINUTES = 15;

/**
 * On-demand: a new table serves at once up to 4,000 writes a second, double its previous peak of
 * 2,000; a table serves at once up to double its previous peak, and may throttle above that
 * within 30 minutes. Its warm throughput (4,000 writes a second for a new table, and never
 * lowered) is what it serves at once in any case.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html
 * https://repost.aws/knowledge-center/on-demand-table-throttling-dynamodb
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html
 */
export const NEW_TABLE_PREVIOUS_PEAK = 2000;
export const ON_DEMAND_DEFAULT_WARM_WRITES = 4000;
export const ON_DEMAND_DOUBLING_MINUTES = 30;

/**
 * Scheduled scaling: a scheduled action of Application Auto Scaling sets the scalable target's
 * minimum and maximum at a cron time in UTC; a raised minimum above the current capacity scales
 * the table out to it.
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 * AWS gives no time for the raise to take effect. The model assumes it has when the run starts,
 * given at least this lead time (our assumption, not AWS's figure).
 */
export const MIN_LEAD_MINUTES = 5;

/**
 * AWS's default quotas on throughput, per region; AWS raises them on request (Service Quotas,
 * Amazon DynamoDB), and documents no maximum. The table-level quotas cap what any one table may
 * provision, and what an on-demand table serves; the account-level quota caps the sum of what
 * all provisioned tables (and their indexes) of the account in the region provision, and does
 * not apply to on-demand tables. The table-level quota also caps warm throughput.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */
export const DEFAULT_TABLE_WRITE_QUOTA = 40000;
export const DEFAULT_TABLE_READ_QUOTA = 40000;
export const DEFAULT_ACCOUNT_WRITE_QUOTA = 80000;

/** One shredder run: its events, written evenly over its minutes. */
export interface Run {
  readonly events: number;
  readonly minutes: number;
}

/** The table as the model sees it. */
export type TableModel =
  | {
      readonly billingMode: "PROVISIONED";
      /** Write units between runs: the floor of autoscaling. */
      readonly writeCapacity: number;
      readonly autoscaling?: {
        readonly maxWriteCapacity: number;
        /** Percent. */
        readonly targetUtilization: number;
      };
      /** Write units that a scheduled action sets as the floor before each run. */
      readonly scheduledWriteCapacity?: number;
    }
  | {
      readonly billingMode: "PAY_PER_REQUEST";
      /** Warm throughput in writes a second; a new table's is 4,000. */
      readonly warmThroughput?: number;
      /** Peak writes a second the table has served; a new table's counts as 2,000. */
      readonly previousPeak?: number;
    };

/** One minute of a run, in writes a second. */
export interface RunMinute {
  readonly minute: number;
  /** The rate the shredder needs. */
  readonly needed: number;
  /** The rate the table serves. */
  readonly served: number;
  /** Provisioned write units, or the on-demand rate served at once. */
  readonly capacity: number;
}

/** How a table serves a run. */
export interface RunReport extends RunSummary {
  readonly minutes: readonly RunMinute[];
}

/** How a table serves a run, in figures. */
export interface RunSummary {
  /** Minutes in which some writes are throttled. */
  readonly throttledMinutes: number;
  /** The last minute (from 0) with throttled writes, or undefined. */
  readonly lastThrottledMinute?: number;
  /** Writes that the table does not serve when asked, in percent of the run's writes. */
  readonly throttledPercent: number;
  /** Highest write units the table reaches during the run. */
  readonly peakCapacity: number;
  /** Write units (on demand: writes a second served at once) in the run's first minute. */
  readonly firstCapacity: number;
}

/** The writes a second a run asks for: its events over its seconds. */
function askedRate(run: Run): number {
  return run.events / (run.minutes * 60);
}

/** The write rate a run needs, in whole writes a second: `askedRate` rounded up. */
export function neededWriteRate(run: Run): number {
  return Math.ceil(askedRate(run));
}

/**
 * Simulates one run, minute by minute, from a table that was idle before it, within the
 * table-level write quota.
 */
export function simulateRun(
  table: TableModel,
  run: Run,
  writeQuota = DEFAULT_TABLE_WRITE_QUOTA,
): RunReport {
  return simulateDemand(table, Array<number>(run.minutes).fill(askedRate(run)), writeQuota);
}

/**
 * Simulates a table serving a demand that may change from minute to minute (writes a second,
 * one entry per minute, as CloudWatch's per-minute sums over 60 give it), from a table that was
 * idle before the first minute, within the table-level write quota.
 */
export function simulateDemand(
  table: TableModel,
  demand: readonly number[],
  writeQuota = DEFAULT_TABLE_WRITE_QUOTA,
): RunReport {
  const minutes: RunMinute[] = [];

  if (table.billingMode === "PAY_PER_REQUEST") {
    const previousPeak = table.previousPeak ?? NEW_TABLE_PREVIOUS_PEAK;
    let instant = Math.max(2 * previousPeak, table.warmThroughput ?? ON_DEMAND_DEFAULT_WARM_WRITES);
    let peakServed = 0;
    for (let m = 0; m < demand.length; m++) {
      // After each 30 minutes the table has scaled to double the peak it served.
      if (m > 0 && m % ON_DEMAND_DOUBLING_MINUTES === 0) {
        instant = Math.max(instant, 2 * peakServed);
      }
      // No table serves more than the table-level quota, on demand too.
      const capacity = Math.min(instant, writeQuota);
      const needed = demand[m];
      const served = Math.min(needed, capacity);
      peakServed = Math.max(peakServed, served);
      minutes.push({ minute: m, needed, served, capacity });
    }
    return report(minutes);
  }

  const floor = Math.max(table.writeCapacity, table.scheduledWriteCapacity ?? 0);
  const max = Math.max(table.autoscaling?.maxWriteCapacity ?? floor, floor);
  let capacity = floor;
  // Idle for at least five minutes before the run: a full burst bucket.
  let burst = BURST_SECONDS * capacity;
  let above = 0;
  let raiseTo: number | undefined;
  for (let m = 0; m < demand.length; m++) {
    if (raiseTo !== undefined) {
      capacity = raiseTo;
      raiseTo = undefined;
    }
    const needed = demand[m];
    const asked = needed * 60;
    const provisioned = capacity * 60;
    const servedWrites = Math.min(asked, provisioned + burst);
    burst = Math.min(
      BURST_SECONDS * capacity,
      burst - Math.max(0, servedWrites - provisioned) + Math.max(0, provisioned - servedWrites),
    );
    const served = servedWrites / 60;
    minutes.push({ minute: m, needed, served, capacity });

    if (table.autoscaling) {
      const target = table.autoscaling.targetUtilization;
      above = served * 100 > target * capacity ? above + 1 : 0;
      if (above >= SCALE_OUT_MINUTES) {
        // One step: the consumed rate over the target, within the ceiling; in effect next minute.
        const next = Math.min(max, Math.ceil((served * 100) / target));
        if (next > capacity) raiseTo = next;
        above = 0;
      }
    }
  }
  return report(minutes);
}

function report(minutes: RunMinute[]): RunReport {
  const short = minutes.filter((m) => m.served < m.needed);
  const asked = minutes.reduce((s, m) => s + m.needed, 0);
  const missed = short.reduce((s, m) => s + (m.needed - m.served), 0);
  return {
    minutes,
    throttledMinutes: short.length,
    lastThrottledMinute: short.length > 0 ? short[short.length - 1].minute : undefined,
    throttledPercent: asked > 0 ? Math.round((missed / asked) * 1000) / 10 : 0,
    peakCapacity: Math.max(0, ...minutes.map((m) => m.capacity)),
    firstCapacity: minutes[0]?.capacity ?? 0,
  };
}
