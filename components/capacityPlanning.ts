/**
 * Sizing the table for the shredder, which writes one item per event (each well under 1 KB, so
 * one write unit each, and a failed condition still consumes the write). Pure functions.
 */

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
const DAYS_PER_MONTH = 365 / 12;

/** Write units that absorb `events` within `minutes`: events divided by seconds, rounded up. */
export function requiredWriteCapacity(events: number, minutes: number): number {
  return Math.ceil(events / (minutes * 60));
}

/** Hours that `events` take at `writeCapacity` units, one event per unit and second. */
export function hoursAt(events: number, writeCapacity: number): number {
  return events / writeCapacity / 3600;
}

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

/** What the planning keys say about the configured capacity. */
export interface CapacityPlan {
  /** Write units the shredder needs to finish a run in the target time. */
  readonly requiredWriteCapacity: number;
  /** Estimated monthly costs in USD, for choosing a billing mode. */
  readonly estimatedMonthlyCostUsd: {
    /** Provisioned at `requiredWriteCapacity` around the clock (autoscaling costs less). */
    readonly provisionedAtRequiredCapacity: number;
    /** Provisioned at the configured capacity; absent with on-demand billing. */
    readonly provisionedAtConfiguredCapacity?: number;
    /** On-demand, for `expectedEventsPerRun` × `runsPerDay` events a day. */
    readonly onDemand: number;
    /** What the figures assume. */
    readonly basis: string;
  };
  /** Why the configured capacity is too small, or undefined when it suffices. */
  readonly warning?: string;
}

/** The inputs of a capacity plan. */
export interface PlanInput {
  readonly expectedEventsPerRun: number;
  readonly targetRunMinutes: number;
  readonly runsPerDay: number;
  /** Configured write units; undefined with on-demand billing. */
  readonly writeCapacity?: number;
  readonly readCapacity?: number;
  /** Autoscaling's ceiling, which then bounds the table's write units instead. */
  readonly maxWriteCapacity?: number;
}

/** Compares the configured capacity with what the expected runs need. */
export function planCapacity(input: PlanInput): CapacityPlan {
  const events = input.expectedEventsPerRun;
  const required = requiredWriteCapacity(events, input.targetRunMinutes);
  const read = input.readCapacity ?? 1;
  const estimate = {
    provisionedAtRequiredCapacity: provisionedMonthlyUsd(required, read),
    ...(input.writeCapacity !== undefined
      ? { provisionedAtConfiguredCapacity: provisionedMonthlyUsd(input.writeCapacity, read) }
      : {}),
    onDemand: onDemandMonthlyUsd(events, input.runsPerDay),
    basis:
      `Estimates at ${PRICES.region} prices of ${PRICES.asOf} (Standard table class, capacity ` +
      `only: no storage, backups or transfer), ${HOURS_PER_MONTH} hours a month, ` +
      `${events} events a run and ${input.runsPerDay} run(s) a day.`,
  };

  const ceiling = input.maxWriteCapacity ?? input.writeCapacity;
  let warning: string | undefined;
  if (ceiling !== undefined && ceiling < required) {
    const key =
      input.maxWriteCapacity !== undefined ? "autoscaling.maxWriteCapacity" : "writeCapacity";
    warning =
      `${key} is ${ceiling}, which absorbs about ${ceiling} events a second: a run of ${events} ` +
      `events would take about ${formatHours(hoursAt(events, ceiling))} instead of ` +
      `${input.targetRunMinutes} minutes, and throttled writes fail the shredder's job. ` +
      `Set ${key} to at least ${required}, or use billingMode PAY_PER_REQUEST.`;
  }
  return { requiredWriteCapacity: required, estimatedMonthlyCostUsd: estimate, warning };
}

function formatHours(hours: number): string {
  return hours < 1 ? `${Math.round(hours * 60)} minutes` : `${hours.toFixed(1)} hours`;
}
