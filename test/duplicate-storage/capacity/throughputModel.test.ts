import assert from "node:assert/strict";
import fc from "fast-check";
import { TableModel, neededWriteRate, simulateDemand, simulateRun } from "snowplowdedup/capacity";

const capacities = (table: TableModel, events: number, minutes: number) =>
  simulateRun(table, { events, minutes }).minutes.map((m) => m.capacity);

describe("throughput model", () => {
  it("needs 5,556 writes a second for 10 million events in 30 minutes", () => {
    // 10,000,000 / 1,800 s = 5,555.6, rounded up.
    assert.equal(neededWriteRate({ events: 10_000_000, minutes: 30 }), 5556);
  });

  describe("burst capacity", () => {
    const table: TableModel = { billingMode: "PROVISIONED", writeCapacity: 100 };

    it("serves 50 writes a second above 100 units for 10 minutes from 300 seconds saved", () => {
      // Bucket 300 s × 100 = 30,000 writes; 50 extra a second × 600 s = 30,000: just enough.
      const r = simulateRun(table, { events: 150 * 600, minutes: 10 });
      assert.equal(r.throttledMinutes, 0);
    });

    it("runs dry after 5 minutes at 100 writes a second above 100 units", () => {
      // 100 extra a second is 6,000 a minute: the 30,000 in the bucket last minutes 0 to 4, and
      // minutes 5 to 9 get the 100 provisioned units only.
      const r = simulateRun(table, { events: 200 * 600, minutes: 10 });
      assert.equal(r.throttledMinutes, 5);
      assert.equal(r.lastThrottledMinute, 9);
      assert.deepEqual(
        r.minutes.map((m) => m.served),
        [200, 200, 200, 200, 200, 100, 100, 100, 100, 100],
      );
      // Half the writes of minutes 5 to 9: 5 × 100 of 10 × 200 = 25%.
      assert.equal(r.throttledPercent, 25);
    });
  });

  describe("target tracking", () => {
    it("steps to the consumed rate over the target after 2 minutes above it", () => {
      // 150 a second, served from the bucket, is 150% of 100 units against a 50% target in
      // minutes 0 and 1; the step is 150 / 0.5 = 300 units, in effect from minute 2.
      const table: TableModel = {
        billingMode: "PROVISIONED",
        writeCapacity: 100,
        autoscaling: { maxWriteCapacity: 1000, targetUtilization: 50 },
      };
      assert.deepEqual(
        capacities(table, 150 * 600, 10),
        [100, 100, 300, 300, 300, 300, 300, 300, 300, 300],
      );
    });

    it("climbs one step each 2 minutes while throttled, as consumption is capped", () => {
      // 1,000 a second against 100 units, target 50%. Minute 0 spends the bucket (36,000 writes,
      // 600 a second), minute 1 gets 100 a second: step to 100 / 0.5 = 200 from minute 2. Then
      // 200 → 400 → 800 → 1,600, each served at its capacity for 2 minutes; at 1,600 the 1,000
      // a second are served. Throttled: minutes 0 to 7.
      const table: TableModel = {
        billingMode: "PROVISIONED",
        writeCapacity: 100,
        autoscaling: { maxWriteCapacity: 10_000, targetUtilization: 50 },
      };
      const r = simulateRun(table, { events: 1000 * 600, minutes: 10 });
      assert.deepEqual(
        r.minutes.map((m) => m.capacity),
        [100, 100, 200, 200, 400, 400, 800, 800, 1600, 1600],
      );
      assert.equal(r.throttledMinutes, 8);
      assert.equal(r.lastThrottledMinute, 7);
    });

    it("stops at the ceiling", () => {
      const table: TableModel = {
        billingMode: "PROVISIONED",
        writeCapacity: 100,
        autoscaling: { maxWriteCapacity: 250, targetUtilization: 50 },
      };
      // The first step would be 300 (as above); the ceiling is 250.
      assert.equal(simulateRun(table, { events: 150 * 600, minutes: 10 }).peakCapacity, 250);
    });

    it("throttles the old production example for 14 of its 30 minutes", () => {
      // 500 units, ceiling 6,000, target 70%, 5,555.6 writes a second. Minute 0: 30,000 + the
      // 150,000 bucket; minute 1: 500 a second. Steps of ×1/0.7 every 2 minutes: 715 (m2),
      // 1,022 (m4), 1,460 (m6), 2,086 (m8), 2,980 (m10), 4,258 (m12), then 6,083 capped at
      // 6,000 (m14), which serves the run. Throttled: minutes 0 to 13.
      const r = simulateRun(
        {
          billingMode: "PROVISIONED",
          writeCapacity: 500,
          autoscaling: { maxWriteCapacity: 6000, targetUtilization: 70 },
        },
        { events: 10_000_000, minutes: 30 },
      );
      assert.deepEqual(
        r.minutes.slice(0, 15).map((m) => m.capacity),
        [500, 500, 715, 715, 1022, 1022, 1460, 1460, 2086, 2086, 2980, 2980, 4258, 4258, 6000],
      );
      assert.equal(r.throttledMinutes, 14);
      assert.equal(r.lastThrottledMinute, 13);
      // Unserved a second: 2,555.6 + 5,055.6 + 2 × (4,840.6 + 4,533.6 + 4,095.6 + 3,469.6 +
      // 2,575.6 + 1,297.6) = 49,235.8, of 30 × 5,555.6 = 166,666.7: 29.5%.
      assert.equal(r.throttledPercent, 29.5);
    });
  });

  describe("scheduled scaling", () => {
    it("serves the production run from its first second when the floor is raised before it", () => {
      const r = simulateRun(
        {
          billingMode: "PROVISIONED",
          writeCapacity: 500,
          autoscaling: { maxWriteCapacity: 6000, targetUtilization: 70 },
          scheduledWriteCapacity: 5556,
        },
        { events: 10_000_000, minutes: 30 },
      );
      assert.equal(r.throttledMinutes, 0);
      assert.equal(r.minutes[0].capacity, 5556);
      // Target tracking still steps up (5,555.6 / 0.7 = 7,937), within the ceiling of 6,000.
      assert.equal(r.peakCapacity, 6000);
    });
  });

  describe("on demand", () => {
    const run = { events: 10_000_000, minutes: 30 };

    it("throttles 5,556 writes a second on a new table, which serves 4,000 at once", () => {
      // 2 × the previous peak of 2,000: 4,000 a second for the first 30 minutes; 1,555.6 of
      // 5,555.6 unserved is 28%.
      const r = simulateRun({ billingMode: "PAY_PER_REQUEST" }, run);
      assert.equal(r.throttledMinutes, 30);
      assert.equal(r.throttledPercent, 28);
    });

    it("serves it with a warm throughput of at least that rate, and not with one below", () => {
      const warm = (w: number) =>
        simulateRun({ billingMode: "PAY_PER_REQUEST", warmThroughput: w }, run).throttledMinutes;
      assert.equal(warm(5556), 0);
      assert.equal(warm(5555), 30);
    });

    it("serves double the previous peak of a table that has served 3,000 a second", () => {
      const r = simulateRun({ billingMode: "PAY_PER_REQUEST", previousPeak: 3000 }, run);
      assert.equal(r.throttledMinutes, 0);
    });

    it("doubles its peak after 30 minutes of throttling", () => {
      // 6,000 a second for 40 minutes: 4,000 served in minutes 0 to 29, then 2 × 4,000 = 8,000.
      const r = simulateRun(
        { billingMode: "PAY_PER_REQUEST" },
        { events: 6000 * 2400, minutes: 40 },
      );
      assert.equal(r.throttledMinutes, 30);
      assert.equal(r.lastThrottledMinute, 29);
    });
  });

  describe("properties", () => {
    const run = fc.record({
      events: fc.integer({ min: 1, max: 100_000_000 }),
      minutes: fc.integer({ min: 1, max: 240 }),
    });

    it("never throttles more with more provisioned units, a higher ceiling or a schedule", () => {
      fc.assert(
        fc.property(
          run,
          fc.integer({ min: 1, max: 40_000 }),
          fc.integer({ min: 0, max: 40_000 }),
          fc.integer({ min: 0, max: 40_000 }),
          fc.integer({ min: 20, max: 90 }),
          (r, floor, more, moreMax, target) => {
            const max = floor + moreMax;
            const table: TableModel = {
              billingMode: "PROVISIONED",
              writeCapacity: floor,
              autoscaling: { maxWriteCapacity: max, targetUtilization: target },
            };
            const bigger: TableModel = {
              ...table,
              writeCapacity: floor + more,
              autoscaling: { maxWriteCapacity: max + more, targetUtilization: target },
            };
            const t = (x: TableModel) => simulateRun(x, r).throttledMinutes;
            assert.ok(t(bigger) <= t(table));
            assert.ok(t({ ...table, scheduledWriteCapacity: floor + more }) <= t(table));
          },
        ),
      );
    });

    it("never throttles more with more warm throughput on demand", () => {
      fc.assert(
        fc.property(
          run,
          fc.integer({ min: 4000, max: 40_000 }),
          fc.integer({ min: 0, max: 40_000 }),
          (r, warm, more) => {
            const t = (w: number) =>
              simulateRun({ billingMode: "PAY_PER_REQUEST", warmThroughput: w }, r)
                .throttledMinutes;
            assert.ok(t(warm + more) <= t(warm));
          },
        ),
      );
    });
  });
});

describe("the table-level write quota", () => {
  // 250,000,000 events in 30 minutes: 138,888.9 writes a second.
  const run = { events: 250_000_000, minutes: 30 };
  const warm = { billingMode: "PAY_PER_REQUEST", warmThroughput: 138_889 } as const;

  it("caps what an on-demand table serves: 40,000 by default, more where raised", () => {
    assert.equal(simulateRun(warm, run).throttledMinutes, 30);
    assert.equal(simulateRun(warm, run).firstCapacity, 40_000);
    assert.equal(simulateRun(warm, run, 150_000).throttledMinutes, 0);
    assert.equal(simulateRun(warm, run, 150_000).firstCapacity, 138_889);
  });
});

describe("a demand that changes from minute to minute", () => {
  it("is the same run as a steady one when it is steady", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 6000 }),
        (events, minutes, writeCapacity) => {
          const table = { billingMode: "PROVISIONED", writeCapacity } as const;
          const steady = Array<number>(minutes).fill(events / (minutes * 60));
          assert.deepEqual(simulateDemand(table, steady), simulateRun(table, { events, minutes }));
        },
      ),
    );
  });

  it("spends the burst bucket on a short spike, and throttles a longer one", () => {
    // 100 units, idle before: 300 s × 100 = 30,000 writes of burst. A minute at 500 a second
    // asks 30,000 writes: 6,000 provisioned plus 24,000 of burst, served. A second such minute
    // has 6,000 of burst left, so 6,000 + 6,000 of 30,000: throttled. An idle minute between
    // them saves 6,000 more: 6,000 + 12,000 of 30,000, throttled still.
    const table = { billingMode: "PROVISIONED", writeCapacity: 100 } as const;
    assert.equal(simulateDemand(table, [500]).throttledMinutes, 0);
    assert.equal(simulateDemand(table, [500, 500]).throttledMinutes, 1);
    assert.equal(simulateDemand(table, [500, 0, 500]).throttledMinutes, 1);
    assert.equal(simulateDemand(table, []).throttledMinutes, 0);
  });
});
