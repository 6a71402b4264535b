/**
 * The table's own history, read back: the shredder's runs found in CloudWatch's per-minute
 * metrics, their schedule, what the stack config should say of them, and a replay of any setup
 * over the demand they really made. Pure functions.
 *
 * Facts this rests on, read on 2026-12-04:
 * - DynamoDB sends ConsumedWriteCapacityUnits, WriteThrottleEvents and
 *   ConditionalCheckFailedRequests to CloudWatch per minute ("DynamoDB metrics and dimensions");
 *   a minute with no request has no datapoint, so a gap counts as zero here.
 * - A minute's Sum over 60 is the average rate in that minute (AWS's own advice for a per-second
 *   figure), which hides bursts inside it; the advice's margin (`SIZING_MARGIN`) covers them.
 * - A failed conditional write consumes a write unit like any other, so the duplicates that the
 *   shredder catches are in ConsumedWriteCapacityUnits too, and ConditionalCheckFailedRequests
 *   counts them ("Condition expressions": a failed condition still consumes write capacity).
 * - CloudWatch keeps 1-minute data for 15 days (`MAX_DAYS_AT_ONE_MINUTE`), 5-minute data for 63
 *   and hourly data for 455 (GetMetricData, API reference).
 */
import { DAYS_PER_MONTH, HOURS_PER_MONTH, PRICES, TableClass, round2 } from "./prices";
import { RunReport, SCALE_IN_MINUTES, TableModel, simulateDemand } from "./throughputModel";

/** Days of 1-minute datapoints that CloudWatch keeps. */
export const MAX_DAYS_AT_ONE_MINUTE = 15;

/** One minute of the table's metrics; absent minutes had no requests. */
export interface MinuteSample {
  /** The minute's start, in whole minutes since the epoch. */
  readonly minute: number;
  /** ConsumedWriteCapacityUnits, Sum: writes served, duplicates included. */
  readonly consumed: number;
  /** WriteThrottleEvents, Sum: write requests refused for want of capacity. */
  readonly throttled: number;
  /** ConditionalCheckFailedRequests, Sum: the cross-batch duplicates caught. */
  readonly duplicates: number;
}

/** A shredder run as the metrics show it. */
export interface ObservedRun {
  /** Its first minute, in minutes since the epoch. */
  readonly startMinute: number;
  /** Minutes from its first write to its last. */
  readonly minutes: number;
  /** Writes served: the events it wrote, duplicates included. */
  readonly events: number;
  readonly duplicates: number;
  /** The highest minute's writes a second, served and refused together. */
  readonly peakWritesPerSecond: number;
  /** Minutes in which writes were throttled. */
  readonly throttledMinutes: number;
  /**
   * Minutes the run needed: as observed, or for a throttled run, which the refusals drew out,
   * its events at its peak rate.
   */
  readonly neededMinutes: number;
  /**
   * What the shredder asked for, writes a second, for each of `neededMinutes`: the minutes' writes
   * as observed, or for a throttled run its peak rate until its events are written.
   */
  readonly demand: readonly number[];
}

/**
 * Quiet minutes that a run may hold and still be one run, as a shredder's job between two of its
 * stages; a longer gap starts another run. Our assumption.
 */
export const RUN_GAP_MINUTES = 5;
/** Writes below which an active stretch is not a run: a canary or a write by hand. */
export const MIN_RUN_EVENTS = 100;

/**
 * The runs in the samples: stretches of minutes with writes, split by more than
 * `RUN_GAP_MINUTES` quiet minutes; stretches of fewer than `MIN_RUN_EVENTS` writes are left out.
 * A throttled write is retried, and each refused try counts in WriteThrottleEvents, so served
 * plus refused overstates what the shredder needed: an upper bound, which keeps the advice safe.
 */
export function findRuns(samples: readonly MinuteSample[]): ObservedRun[] {
  const active = [...samples]
    .filter((s) => s.consumed + s.throttled > 0)
    .sort((a, b) => a.minute - b.minute);
  const stretches: MinuteSample[][] = [];
  for (const s of active) {
    const last = stretches.at(-1);
    if (last && s.minute - last.at(-1)!.minute <= RUN_GAP_MINUTES + 1) last.push(s);
    else stretches.push([s]);
  }
  return stretches
    .map((stretch) => {
      const startMinute = stretch[0].minute;
      const minutes = stretch.at(-1)!.minute - startMinute + 1;
      const events = stretch.reduce((n, s) => n + s.consumed, 0);
      const throttledMinutes = stretch.filter((s) => s.throttled > 0).length;
      const peak = Math.max(...stretch.map((s) => (s.consumed + s.throttled) / 60));
      let demand: number[];
      if (throttledMinutes === 0) {
        const byMinute = new Map(stretch.map((s) => [s.minute - startMinute, s.consumed / 60]));
        demand = Array.from({ length: minutes }, (_, m) => byMinute.get(m) ?? 0);
      } else {
        // At the peak rate until the events are written: the last minute has the rest.
        const needed = Math.max(1, Math.ceil(events / (peak * 60)));
        demand = Array.from({ length: needed }, (_, m) =>
          m < needed - 1 ? peak : events / 60 - peak * (needed - 1),
        );
      }
      return {
        startMinute,
        minutes,
        events,
        duplicates: stretch.reduce((n, s) => n + s.duplicates, 0),
        peakWritesPerSecond: Math.ceil(peak),
        throttledMinutes,
        neededMinutes: demand.length,
        demand,
      };
    })
    .filter((r) => r.events >= MIN_RUN_EVENTS);
}

/** Minutes of the day, 0 to 1439, of a minute since the epoch. */
function minuteOfDay(minute: number): number {
  return ((minute % 1440) + 1440) % 1440;
}

/** "HH:MM" of a minute of the day. */
export function timeOfDay(minuteOfDayValue: number): string {
  const h = Math.floor(minuteOfDayValue / 60);
  const m = minuteOfDayValue % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** Runs further apart than this in the day start different slots of the schedule. */
export const SLOT_SPREAD_MINUTES = 60;

/** One start time of the schedule. */
export interface ScheduleSlot {
  /** The earliest start of its runs, "HH:MM" UTC: a scheduled raise must come before it. */
  readonly startTimeUtc: string;
  /** Minutes between its earliest and its latest start. */
  readonly wanderMinutes: number;
  /** Its runs, in order. */
  readonly runs: readonly ObservedRun[];
}

/** The schedule the runs keep, and the runs it expected and did not see. */
export interface Schedule {
  readonly runsPerDay: number;
  readonly slots: readonly ScheduleSlot[];
  /** Days (YYYY-MM-DD) and start times with no run, within the days the window covers whole. */
  readonly missing: readonly { readonly date: string; readonly startTimeUtc: string }[];
}

/**
 * The schedule of the runs within the window `[fromMinute, toMinute)`: their starts grouped by
 * time of day (starts within `SLOT_SPREAD_MINUTES` of each other, across midnight too, are one
 * slot), keeping a slot that has a run on at least half the window's whole days.
 */
export function findSchedule(
  runs: readonly ObservedRun[],
  fromMinute: number,
  toMinute: number,
): Schedule {
  const days = Math.max(1, Math.floor((toMinute - fromMinute) / 1440));
  const byTime = [...runs].sort((a, b) => minuteOfDay(a.startMinute) - minuteOfDay(b.startMinute));
  // Group by time of day; then join the last group to the first across midnight.
  const groups: ObservedRun[][] = [];
  for (const r of byTime) {
    const last = groups.at(-1);
    const gap = last ? minuteOfDay(r.startMinute) - minuteOfDay(last.at(-1)!.startMinute) : 0;
    if (last && gap <= SLOT_SPREAD_MINUTES) last.push(r);
    else groups.push([r]);
  }
  if (groups.length > 1) {
    const first = groups[0][0].startMinute;
    const last = groups.at(-1)!.at(-1)!.startMinute;
    if (minuteOfDay(first) + 1440 - minuteOfDay(last) <= SLOT_SPREAD_MINUTES) {
      groups[0] = [...groups.pop()!, ...groups[0]];
    }
  }
  const kept = groups.filter((g) => g.length * 2 >= days);
  const slots = kept
    .map((g) => {
      // Offsets from the group's first start in the day, which may be before midnight.
      const base = minuteOfDay(g[0].startMinute);
      const offsets = g.map((r) => (minuteOfDay(r.startMinute) - base + 1440) % 1440);
      return {
        startTimeUtc: timeOfDay(base),
        wanderMinutes: Math.max(...offsets),
        runs: [...g].sort((a, b) => a.startMinute - b.startMinute),
      };
    })
    .sort((a, b) => a.startTimeUtc.localeCompare(b.startTimeUtc));

  // A slot expects a run each whole day of the window; a day without one is missing.
  const firstDay = Math.ceil(fromMinute / 1440);
  const lastDay = Math.floor(toMinute / 1440);
  const missing: { date: string; startTimeUtc: string }[] = [];
  for (const slot of slots) {
    const [h, m] = slot.startTimeUtc.split(":").map(Number);
    const at = h * 60 + m;
    for (let day = firstDay; day < lastDay; day++) {
      const expected = day * 1440 + at;
      const seen = slot.runs.some(
        (r) =>
          r.startMinute >= expected - SLOT_SPREAD_MINUTES &&
          r.startMinute <= expected + slot.wanderMinutes + SLOT_SPREAD_MINUTES,
      );
      if (!seen) {
        missing.push({
          date: new Date(day * 86_400_000).toISOString().slice(0, 10),
          startTimeUtc: slot.startTimeUtc,
        });
      }
    }
  }
  return { runsPerDay: slots.length, slots, missing };
}

/**
 * The margin over the highest rate and the longest run that the advice plans for: bursts inside
 * a minute, which a minute's average hides, and growth until the next tune. Our choice: at 20%
 * above its peak minute a run throttles only if a second of it asks for more than 1.2 times that
 * minute's average, and the table has its burst capacity (300 seconds of unused writes) besides.
 */
export const SIZING_MARGIN = 0.2;

/** The capacity planning keys that describe the runs, with the margin. */
export interface MeasuredSizing {
  readonly expectedEventsPerRun: number;
  readonly targetRunMinutes: number;
  readonly runsPerDay: number;
  /** The write rate the keys plan for: the highest peak with the margin, rounded up. */
  readonly writeRate: number;
  /** The schedule's start times, where the runs keep one. */
  readonly startTimesUtc?: readonly string[];
}

/**
 * The sizing keys of the runs: the longest run as observed, plus the schedule's wander (a late
 * start must still end within the raised time), at the highest peak rate with the margin, so
 * that the plan's even run asks at least what the busiest minute did. A throttled run counts as
 * long as the refusals drew it out, and the events are that rate for that time, which overstates
 * a run that was not even: both err towards a larger table and higher costs, never a throttled
 * one, and both grow, never shrink, with the demand in any minute of a run.
 */
export function measuredSizing(
  runs: readonly ObservedRun[],
  schedule: Schedule,
  days: number,
): MeasuredSizing {
  const peak = Math.max(...runs.map((r) => r.peakWritesPerSecond));
  const wander = Math.max(0, ...schedule.slots.map((s) => s.wanderMinutes));
  const minutes = Math.max(...runs.map((r) => r.minutes)) + wander;
  const writeRate = Math.ceil(peak * (1 + SIZING_MARGIN));
  const scheduled = schedule.slots.length > 0;
  return {
    expectedEventsPerRun: writeRate * 60 * minutes,
    targetRunMinutes: minutes,
    runsPerDay: scheduled ? schedule.runsPerDay : Math.max(1, Math.round(runs.length / days)),
    writeRate,
    ...(scheduled ? { startTimesUtc: schedule.slots.map((s) => s.startTimeUtc) } : {}),
  };
}

/** How a setup would have served every run. */
export interface Replay {
  /** Minutes with throttled writes, over every run. */
  readonly throttledMinutes: number;
  /** Each run's report, in the runs' order. */
  readonly runs: readonly RunReport[];
}

/**
 * Replays each run's demand, minute by minute, through the model of a table (`tableFor` may give
 * each run its own: a scheduled table is raised only for runs within its raised time).
 */
export function replay(
  runs: readonly ObservedRun[],
  tableFor: (run: ObservedRun) => TableModel,
  writeQuota: number,
): Replay {
  const reports = runs.map((r) => simulateDemand(tableFor(r), r.demand, writeQuota));
  return {
    throttledMinutes: reports.reduce((n, r) => n + r.throttledMinutes, 0),
    runs: reports,
  };
}

/**
 * Whether a scheduled raise covers a run: the floor is raised `leadMinutes` before a start time
 * and lowered `leadMinutes` after that start plus `targetRunMinutes`.
 */
export function raisedFor(
  run: ObservedRun,
  startTimesUtc: readonly string[],
  leadMinutes: number,
  targetRunMinutes: number,
): boolean {
  const start = minuteOfDay(run.startMinute);
  return startTimesUtc.some((t) => {
    const [h, m] = t.split(":").map(Number);
    const at = h * 60 + m;
    // Minutes from the raise to the run's start, across midnight.
    const after = (start - (at - leadMinutes) + 1440) % 1440;
    return after <= leadMinutes + targetRunMinutes + leadMinutes - run.neededMinutes;
  });
}

/**
 * The monthly capacity cost of a provisioned table that autoscaling raises above `floor` during
 * the runs, from their replay: the floor and the reads around the clock, and each replayed
 * minute's units above the floor, with the `SCALE_IN_MINUTES` that target tracking waits after
 * a run before it scales in, at the run's highest units; spread over the window's `days`.
 */
export function replayedProvisionedUsd(
  replayed: Replay,
  floor: number,
  readCapacity: number,
  days: number,
  tableClass: TableClass,
): number {
  const above = replayed.runs.reduce(
    (n, r) =>
      n +
      r.minutes.reduce((m, minute) => m + (minute.capacity - floor), 0) +
      SCALE_IN_MINUTES * (r.peakCapacity - floor),
    0,
  );
  const prices = PRICES[tableClass];
  const writeUnitHours = floor * HOURS_PER_MONTH + (above / 60 / days) * DAYS_PER_MONTH;
  return round2(
    writeUnitHours * prices.writeCapacityUnitHour +
      readCapacity * HOURS_PER_MONTH * prices.readCapacityUnitHour,
  );
}
