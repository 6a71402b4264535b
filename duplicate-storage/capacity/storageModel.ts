/**
 * What the de-duplication history takes to store: the size of an item by DynamoDB's rules, the
 * items alive at once, the table's size and what it costs a month by table class, with
 * point-in-time recovery. Pure functions; the caller gives the shredder's item (contract/).
 *
 * DynamoDB's rules, from the Developer Guide's "Item sizes and formats"
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html,
 * read 2026-11-25): an item's size is the sum of its attribute names' and values' lengths; a
 * string is its UTF-8 bytes; a number is "approximately" one byte per two significant digits, plus
 * one byte; storage is billed with 100 bytes of overhead per item, in binary GB (1024³ bytes).
 */
import { PRICES, TableClass, round2 } from "./prices";

/** An attribute value of the kinds that the shredder's item has. */
export type ItemValue = { readonly S: string } | { readonly N: string };

/** Bytes of overhead that DynamoDB bills with each item's storage. */
export const STORAGE_OVERHEAD_BYTES = 100;

/**
 * Days that an expired item may stay, and be billed, before TTL deletes it. AWS says "within a few
 * days" of expiry, with no bound. OUR ASSUMPTION, not AWS's figure: 2 days.
 */
export const TTL_DELETION_LAG_DAYS = 2;

/** Bytes of a number: one per two significant digits, plus one (AWS: "approximately"). */
export function numberBytes(value: string): number {
  const digits = value.replace(/^[-+]/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

const utf8 = new TextEncoder();

/** An item's size in bytes by DynamoDB's rules, without the storage overhead. */
export function itemSizeBytes(item: Readonly<Record<string, ItemValue>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += utf8.encode(name).length;
    bytes += "S" in value ? utf8.encode(value.S).length : numberBytes(value.N);
  }
  return bytes;
}

/** What the history of a stream of events takes to store. */
export interface TableSize {
  /** Bytes billed per item: its size and the storage overhead. */
  readonly billedItemBytes: number;
  /** Items alive at once: a day's events for the retention and the TTL lag. */
  readonly itemsAlive: number;
  /** The table's billed size, in GiB. */
  readonly gib: number;
}

/** The table's size for `eventsPerDay` items a day kept `retentionDays` days. */
export function tableSize(input: {
  readonly eventsPerDay: number;
  readonly retentionDays: number;
  readonly itemBytes: number;
}): TableSize {
  const billedItemBytes = input.itemBytes + STORAGE_OVERHEAD_BYTES;
  const itemsAlive = input.eventsPerDay * (input.retentionDays + TTL_DELETION_LAG_DAYS);
  return { billedItemBytes, itemsAlive, gib: (itemsAlive * billedItemBytes) / 1024 ** 3 };
}

/** Monthly storage cost of a table of `gib` in a table class, after the free tier. */
export function storageMonthlyUsd(gib: number, tableClass: TableClass): number {
  const prices = PRICES[tableClass];
  return round2(Math.max(0, gib - prices.freeStorageGib) * prices.storageGibMonth);
}

/** Monthly cost of point-in-time recovery of a table of `gib`: by size, not by period. */
export function pointInTimeRecoveryMonthlyUsd(gib: number): number {
  return round2(gib * PRICES.pointInTimeRecoveryGibMonth);
}
