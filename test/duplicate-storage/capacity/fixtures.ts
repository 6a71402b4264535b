/** Plan inputs that several capacity tests start from, with their figures worked out once. */
import { PlanInput } from "snowplowdedup/capacity";

/** AWS's default quotas, table-level and account-level, as the README gives them. */
export const QUOTAS = { writeQuota: 40_000, accountWriteQuota: 80_000 };

/** What a recommendation falls back on: the program's defaults, as the README gives them. */
export const FALLBACK = { writeCapacity: 100, leadMinutes: 10, targetUtilization: 70 };

/**
 * The shredder's item with an MD5 fingerprint, by DynamoDB's rules (storageModel.test.ts):
 * eventId 7 + 36, fingerprint 11 + 32, etlTime 7 + 6, ttl 3 + 6 = 108 bytes; kept 180 days.
 */
export const STORAGE = { itemBytes: 108, retentionDays: 180, pointInTimeRecovery: false };

/**
 * The old production example: 10 million events in 30 minutes, four runs a day, on a Standard
 * table of 500 write units that autoscales to 6,000, with no schedule and no recovery.
 */
export const OLD_PRODUCTION: PlanInput = {
  expectedEventsPerRun: 10_000_000,
  targetRunMinutes: 30,
  // 10,000,000 events / 1,800 s = 5,555.6 a second, rounded up.
  writeRate: 5556,
  fallback: FALLBACK,
  runsPerDay: 4,
  readCapacity: 5,
  table: {
    billingMode: "PROVISIONED",
    writeCapacity: 500,
    autoscaling: { maxWriteCapacity: 6000, targetUtilization: 70 },
  },
  tableClass: "STANDARD",
  storage: STORAGE,
  ...QUOTAS,
};
