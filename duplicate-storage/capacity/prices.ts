/**
 * DynamoDB list prices that the estimates use, in USD, region us-east-1, by table class. Pure
 * values. Where a figure could not be read in a primary source, its comment says so.
 */

/** The table classes: Standard, and Standard-Infrequent Access (cheaper storage, dearer I/O). */
export const TableClass = {
  Standard: "STANDARD",
  StandardInfrequentAccess: "STANDARD_INFREQUENT_ACCESS",
} as const;
/** A table class of DynamoDB. */
export type TableClass = (typeof TableClass)[keyof typeof TableClass];

/** What one table class costs. */
export interface ClassPrices {
  /** Per provisioned write capacity unit and hour. */
  readonly writeCapacityUnitHour: number;
  /** Per provisioned read capacity unit and hour. */
  readonly readCapacityUnitHour: number;
  /** Per million on-demand write request units. */
  readonly millionWriteRequestUnits: number;
  /** Per GiB (1024³ bytes) of table storage and month. */
  readonly storageGibMonth: number;
  /** GiB of storage a month that the AWS Free Tier leaves free, per account. */
  readonly freeStorageGib: number;
}

export const PRICES = {
  region: "us-east-1",
  asOf: "2026-11",
  /**
   * Capacity as listed on aws.amazon.com/dynamodb/pricing/provisioned/ and .../on-demand/ in
   * November 2026 (on demand after the 50% cut of November 2024). Storage $0.25 a GB-month, the
   * first 25 GB a month free, from the same pages (read 2026-11-25).
   */
  [TableClass.Standard]: {
    writeCapacityUnitHour: 0.00065,
    readCapacityUnitHour: 0.00013,
    millionWriteRequestUnits: 0.625,
    storageGibMonth: 0.25,
    freeStorageGib: 25,
  },
  /**
   * NOT READ IN A PRIMARY SOURCE: the us-east-1 tables of the pricing pages could not be read here
   * (they load by script). These are the figures that circulate for us-east-1. They agree with
   * what primary sources do say: AWS's China pricing page (amazonaws.cn/en/dynamodb/pricing/,
   * read 2026-11-30) lists Standard-IA capacity at 1.25 times Standard's (¥0.0725 against
   * ¥0.058 for 10 write units an hour), and 1.25 × $0.00065 = $0.0008125, 1.25 × $0.625 =
   * $0.78125; AWS's Standard-IA blog post says storage costs up to 60% less, and 0.4 × $0.25 =
   * $0.10. The Free Tier's storage is for Standard tables only (also not read in a primary
   * source).
   */
  [TableClass.StandardInfrequentAccess]: {
    writeCapacityUnitHour: 0.00081,
    readCapacityUnitHour: 0.00016,
    millionWriteRequestUnits: 0.78,
    storageGibMonth: 0.1,
    freeStorageGib: 0,
  },
  /**
   * Continuous backups (point-in-time recovery), per GiB of table size and month, whatever the
   * recovery period. NOT READ IN A PRIMARY SOURCE: the circulating us-east-1 figure.
   */
  pointInTimeRecoveryGibMonth: 0.2,
} as const satisfies Record<TableClass, ClassPrices> & Record<string, unknown>;

/** Hours in an average month, as AWS prices them. */
export const HOURS_PER_MONTH = 730;
/** Days in an average month. */
export const DAYS_PER_MONTH = 365 / 12;

/** Rounds to cents. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
