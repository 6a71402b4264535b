import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CapacityOption,
  PlanInput,
  capacityOptions,
  onDemandMonthlyUsd,
  planCapacity,
  provisionedMonthlyUsd,
  recommend,
  scheduledMonthlyUsd,
  TableModel,
  simulateRun,
} from "snowplowdedup/capacity";
import { FALLBACK, OLD_PRODUCTION, QUOTAS, STORAGE } from "./fixtures";

/** The table that a recommended option's config declares, as the model sees it. */
function tableOf(config: Readonly<Record<string, unknown>>, peak: number): TableModel {
  if (config.billingMode === "PAY_PER_REQUEST") {
    return { billingMode: "PAY_PER_REQUEST", warmThroughput: config.warmThroughput as number };
  }
  const autoscaling = config.autoscaling as { maxWriteCapacity: number } | undefined;
  return {
    billingMode: "PROVISIONED",
    writeCapacity: config.writeCapacity as number,
    ...(autoscaling
      ? {
          autoscaling: { maxWriteCapacity: autoscaling.maxWriteCapacity, targetUtilization: 70 },
          scheduledWriteCapacity: config.runSchedule ? peak : undefined,
        }
      : {}),
  };
}

/** An option's figures by setup and class, for a compact comparison. */
const byOption = (plan: { options: readonly CapacityOption[] }, field: keyof CapacityOption) =>
  Object.fromEntries(plan.options.map((o) => [`${o.name} ${o.tableClass}`, o[field]]));

describe("capacity planning", () => {
  it("prices 100 write and 5 read units near Snowplow's USD 50 a month", () => {
    // (100 × 0.00065 + 5 × 0.00013) USD an hour × 730 hours = 0.06565 × 730 = 47.9245.
    assert.equal(provisionedMonthlyUsd(100, 5), 47.92);
  });

  it("prices on-demand writes per million events", () => {
    // 1 million events once a day, 365 / 12 = 30.4167 days, at USD 0.625 a million: 19.0104.
    assert.equal(onDemandMonthlyUsd(1_000_000, 1), 19.01);
  });

  it("prices scheduled scaling by the hours a table is raised", () => {
    // Raised 10 + 30 + 10 + 15 (scale-in) = 65 minutes a run, 4 runs: 4.3333 h at 5,556 units,
    // 19.6667 h at 500: 24,076 + 9,833.3 = 33,909.3 unit-hours a day × 30.4167 days × 0.00065
    // = 670.42, plus 5 read units × 0.00013 × 730 = 0.4745: 670.89.
    assert.equal(
      scheduledMonthlyUsd({
        floor: 500,
        raisedCapacity: 5556,
        readCapacity: 5,
        runsPerDay: 4,
        runMinutes: 30,
        leadMinutes: 10,
      }),
      670.89,
    );
  });

  const oldProd = OLD_PRODUCTION;

  describe("the old production example", () => {
    const plan = planCapacity(oldProd);

    it("is reported as throttling for 14 of 30 minutes", () => {
      assert.equal(plan.run.throttledMinutes, 14);
      assert.match(
        plan.warning ?? "",
        /^Writes would be throttled in 14 of the 30 minutes of each run/,
      );
    });

    it("lists each setup that serves it in both table classes, with its capacity cost", () => {
      // Standard: provisioned at 5,556: (5,556 × 0.00065 + 5 × 0.00013) × 730 = 2,636.80.
      // Scheduled: 670.89, as above. On demand: 40 million events a day × 30.4167 days ×
      // 0.625 a million = 760.42, with or without warm throughput.
      // Standard-IA: provisioned (5,556 × 0.00081 + 5 × 0.00016) × 730 = 3,285.85; scheduled
      // 33,909.33 unit-hours a day × 30.4167 × 0.00081 = 835.44, plus 5 × 0.00016 × 730 = 0.58:
      // 836.03; on demand 1,216.67 million writes × 0.78 = 949.00.
      assert.deepEqual(byOption(plan, "capacityUsd"), {
        "provisioned STANDARD": 2636.8,
        "provisioned STANDARD_INFREQUENT_ACCESS": 3285.85,
        "scheduled STANDARD": 670.89,
        "scheduled STANDARD_INFREQUENT_ACCESS": 836.03,
        "onDemandWarm STANDARD": 760.42,
        "onDemandWarm STANDARD_INFREQUENT_ACCESS": 949,
        "onDemand STANDARD": 760.42,
        "onDemand STANDARD_INFREQUENT_ACCESS": 949,
      });
      const throttled = Object.fromEntries(plan.options.map((o) => [o.name, o.throttledMinutes]));
      assert.deepEqual(throttled, { provisioned: 0, scheduled: 0, onDemandWarm: 0, onDemand: 30 });
    });

    it("adds the storage of each class, and totals each setup", () => {
      // 40 million items a day kept 180 days and 2 of TTL lag: 7,280,000,000 items of 108 + 100
      // bytes = 1,514,240,000,000 bytes = 1,410.25 GiB. Standard: (1,410.25 - 25 free) × 0.25 =
      // 346.31; Standard-IA: 1,410.25 × 0.10 = 141.02. No point-in-time recovery here.
      assert.deepEqual(plan.storage, {
        billedItemBytes: 208,
        itemsAlive: 7_280_000_000,
        tableGib: 1410.2,
      });
      const scheduled = plan.options.filter((o) => o.name === "scheduled");
      assert.deepEqual(
        scheduled.map((o) => [o.tableClass, o.storageUsd, o.pointInTimeRecoveryUsd, o.monthlyUsd]),
        [
          // 670.89 + 346.31 = 1,017.20; 836.03 + 141.02 = 977.05.
          ["STANDARD", 346.31, 0, 1017.2],
          ["STANDARD_INFREQUENT_ACCESS", 141.02, 0, 977.05],
        ],
      );
    });

    it("recommends the cheapest setup that does not throttle, in the warning's one line", () => {
      assert.equal(plan.recommended, "scheduled-standard-ia");
      assert.equal(plan.recommendedTableClass, "STANDARD_INFREQUENT_ACCESS");
      // Each option in each class has an id of its own, which `recommended` names.
      assert.deepEqual(
        plan.options.map((o) => o.id),
        [
          "provisioned-standard",
          "provisioned-standard-ia",
          "scheduled-standard",
          "scheduled-standard-ia",
          "onDemandWarm-standard",
          "onDemandWarm-standard-ia",
          "onDemand-standard",
          "onDemand-standard-ia",
        ],
      );
      assert.match(
        plan.warning ?? "",
        /Cheapest setup that would not: provisioned at 500 write units, raised to 5556/,
      );
      assert.match(plan.warning ?? "", /table class Standard-IA, about USD 977\.05 a month/);
      assert.doesNotMatch(plan.warning ?? "", /\n/);
    });
  });

  it("does not throttle the production example, which raises the floor before each run", () => {
    const plan = planCapacity({
      ...oldProd,
      table: { ...oldProd.table, scheduledWriteCapacity: 5556 } as TableModel,
      runSchedule: { startTimesUtc: ["00:00", "06:00", "12:00", "18:00"], leadMinutes: 10 },
    });
    assert.equal(plan.run.throttledMinutes, 0);
    assert.equal(plan.warning, undefined);
  });

  it("warns for the first run of a new on-demand table above 4,000 writes a second", () => {
    const plan = planCapacity({ ...oldProd, table: { billingMode: "PAY_PER_REQUEST" } });
    assert.match(plan.warning ?? "", /30 of the 30 minutes of the first run on a new table/);
    const warm = planCapacity({
      ...oldProd,
      table: { billingMode: "PAY_PER_REQUEST", warmThroughput: 5556 },
    });
    assert.equal(warm.warning, undefined);
  });

  it("prices scheduled scaling for an on-demand stack from a provisioned table's 100 units", () => {
    // Raised 65 minutes a run, 4 runs: 4.3333 h at 5,556 and 19.6667 h at 100: 24,076 + 1,966.7
    // = 26,042.7 unit-hours a day × 30.4167 × 0.00065 = 514.89, plus 0.47 for reads: 515.36.
    const plan = planCapacity({
      ...oldProd,
      table: { billingMode: "PAY_PER_REQUEST", warmThroughput: 5556 },
    });
    assert.equal(plan.options.find((o) => o.name === "scheduled")?.capacityUsd, 515.36);
    assert.equal(plan.recommended, "scheduled-standard-ia");
    assert.equal(plan.warning, undefined);
  });

  it("recommends Standard on demand for a throughput-heavy run within a new table's 4,000", () => {
    // 1 million events in 10 minutes once a day: 1,667 a second. Provisioned: (1,667 × 0.00065
    // + 5 × 0.00013) × 730 = 791.47. Scheduled: raised 10 + 10 + 10 + 15 = 45 minutes a day at
    // 1,667 and 23.25 h at 100: 1,250.25 + 2,325 = 3,575.25 unit-hours × 30.4167 × 0.00065 =
    // 70.69, plus 0.47 for reads = 71.16. On demand: 1 million × 30.4167 × 0.625 a million =
    // 19.01. Standard-IA at 0.00081, 0.00016 and 0.78: 986.28, 88.67 and 23.73.
    // Storage: 182 million items × 208 bytes = 35.26 GiB: Standard (35.26 - 25) × 0.25 = 2.56,
    // Standard-IA 35.26 × 0.10 = 3.53. On demand: 19.01 + 2.56 = 21.57 against 23.73 + 3.53.
    const plan = planCapacity({
      expectedEventsPerRun: 1_000_000,
      targetRunMinutes: 10,
      // 1,000,000 / 600 s = 1,666.7, rounded up.
      writeRate: 1667,
      fallback: FALLBACK,
      ...QUOTAS,
      runsPerDay: 1,
      readCapacity: 5,
      table: { billingMode: "PROVISIONED", writeCapacity: 100 },
      tableClass: "STANDARD",
      storage: STORAGE,
    });
    assert.equal(plan.recommended, "onDemand-standard");
    assert.equal(plan.recommendedTableClass, "STANDARD");
    assert.deepEqual(byOption(plan, "monthlyUsd"), {
      "provisioned STANDARD": 794.03,
      "provisioned STANDARD_INFREQUENT_ACCESS": 989.81,
      "scheduled STANDARD": 73.72,
      "scheduled STANDARD_INFREQUENT_ACCESS": 92.2,
      "onDemand STANDARD": 21.57,
      "onDemand STANDARD_INFREQUENT_ACCESS": 27.26,
    });
  });

  it("recommends Standard-IA for a storage-heavy run", () => {
    // 10 million events in 240 minutes, 4 runs a day: 10,000,000 / 14,400 s = 694.4, so 695 a
    // second. Scheduled: raised 10 + 240 + 10 + 15 = 275 minutes a run, 18.333 h a day at 695 and
    // 5.667 h at 100: 13,308.33 unit-hours × 30.4167 × 0.00065 + 0.47 = 263.59 on Standard, ×
    // 0.00081 + 0.58 = 328.47 on Standard-IA. Storage as the old production example's (40
    // million items a day): 346.31 and 141.02. Totals 609.90 against 469.49.
    const plan = planCapacity({
      ...oldProd,
      targetRunMinutes: 240,
      writeRate: 695,
      table: { billingMode: "PROVISIONED", writeCapacity: 100 },
    });
    assert.equal(plan.recommended, "scheduled-standard-ia");
    assert.equal(plan.recommendedTableClass, "STANDARD_INFREQUENT_ACCESS");
    const scheduled = plan.options.filter((o) => o.name === "scheduled").map((o) => o.monthlyUsd);
    assert.deepEqual(scheduled, [609.9, 469.49]);
  });

  it("recommends a setup that never throttles under the model", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 40_000 }),
        (events, minutes, runsPerDay, writeCapacity) => {
          fc.pre(events / (minutes * 60) <= 40_000);
          const peak = Math.ceil(events / (minutes * 60));
          const input: PlanInput = {
            expectedEventsPerRun: events,
            targetRunMinutes: minutes,
            writeRate: peak,
            fallback: FALLBACK,
            ...QUOTAS,
            runsPerDay,
            readCapacity: 5,
            table: { billingMode: "PROVISIONED", writeCapacity },
            tableClass: "STANDARD",
            storage: STORAGE,
          };
          const best = recommend(capacityOptions(input));
          assert.ok(best, "a run within the quota always has a setup that serves it");
          const r = simulateRun(tableOf(best.config, peak), { events, minutes });
          assert.equal(r.throttledMinutes, 0, JSON.stringify(best));
        },
      ),
    );
  });

  describe("a run above AWS's default table quota of 40,000 writes a second", () => {
    // 100,000,000 events in 10 minutes: 100,000,000 / 600 s = 166,666.7, rounded up to 166,667.
    const input: PlanInput = {
      expectedEventsPerRun: 100_000_000,
      targetRunMinutes: 10,
      writeRate: 166_667,
      fallback: FALLBACK,
      ...QUOTAS,
      runsPerDay: 1,
      readCapacity: 5,
      table: { billingMode: "PAY_PER_REQUEST", warmThroughput: 40_000 },
      tableClass: "STANDARD",
      storage: STORAGE,
    };
    const plan = planCapacity(input);

    it("recommends nothing, since every setup within the quota throttles it", () => {
      assert.equal(plan.recommended, undefined);
      assert.ok(plan.options.every((o) => o.throttledMinutes > 0));
    });

    it("offers no setup above the quota", () => {
      const numbers = (v: unknown): number[] =>
        typeof v === "number"
          ? [v]
          : v && typeof v === "object"
            ? Object.values(v).flatMap(numbers)
            : [];
      for (const o of plan.options) {
        assert.ok(Math.max(...numbers(o.config)) <= 40_000, JSON.stringify(o.config));
      }
    });

    it("says what would serve it: more time, smaller runs, or a raised quota", () => {
      // At 40,000 a second: 100,000,000 / (40,000 × 60) = 41.7, so 42 minutes; 166,667 /
      // 40,000 = 4.2, so 5 runs of 100,000,000 / 5 = 20,000,000 events.
      assert.equal(
        plan.quotaAdvice,
        "A run of 100000000 events in 10 minutes needs 166667 writes a second, more than the " +
          "40000 a table may have within the account's table-level write quota (tableWriteQuota), " +
          "so every setup throttles it. Give each run at least 42 minutes (targetRunMinutes 42), " +
          "or split it into 5 runs of at most 20000000 events; or ask AWS to raise the quota " +
          "(Service Quotas, Amazon DynamoDB, table-level write throughput) to at least 166667 and " +
          "set it: pulumi config set tableWriteQuota <the raised quota>.",
      );
      assert.match(plan.warning!, /^Writes would be throttled in 10 of the 10 minutes/);
      assert.ok(plan.warning!.includes(plan.quotaAdvice!));
    });
  });
});
