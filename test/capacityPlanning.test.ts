import assert from "node:assert/strict";
import fc from "fast-check";
import {
  hoursAt,
  onDemandMonthlyUsd,
  planCapacity,
  provisionedMonthlyUsd,
  requiredWriteCapacity,
} from "../components/capacityPlanning";

describe("capacity planning", () => {
  it("needs about 5,556 write units for 10 million events in a 30-minute run", () => {
    assert.equal(requiredWriteCapacity(10_000_000, 30), 5556);
  });

  it("takes about 28 hours for 10 million events at 100 write units", () => {
    assert.equal(hoursAt(10_000_000, 100).toFixed(1), "27.8");
  });

  it("prices 100 write and 5 read units near Snowplow's USD 50 a month", () => {
    // (100 × 0.00065 + 5 × 0.00013) USD an hour × 730 hours = 0.06565 × 730 = 47.9245.
    assert.equal(provisionedMonthlyUsd(100, 5), 47.92);
  });

  it("prices on-demand writes per million events", () => {
    // 1 million events once a day, 365 / 12 = 30.4167 days, at USD 0.625 a million: 19.0104.
    assert.equal(onDemandMonthlyUsd(1_000_000, 1), 19.01);
  });

  it("always provides enough capacity to finish within the target", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e10 }),
        fc.integer({ min: 1, max: 10080 }),
        (events, minutes) => {
          const required = requiredWriteCapacity(events, minutes);
          assert.ok(required * minutes * 60 >= events);
          assert.ok((required - 1) * minutes * 60 < events);
        },
      ),
    );
  });

  describe("planCapacity", () => {
    const base = { expectedEventsPerRun: 10_000_000, targetRunMinutes: 30, runsPerDay: 1 };

    it("warns that the guide's 100 units make a 10-million-event run last 27.8 hours", () => {
      const plan = planCapacity({ ...base, writeCapacity: 100, readCapacity: 5 });
      assert.equal(plan.requiredWriteCapacity, 5556);
      assert.match(plan.warning ?? "", /^writeCapacity is 100/);
      assert.match(plan.warning ?? "", /about 27\.8 hours instead of 30 minutes/);
      assert.match(plan.warning ?? "", /Set writeCapacity to at least 5556/);
    });

    it("measures an autoscaled table by its ceiling", () => {
      const short = planCapacity({ ...base, writeCapacity: 100, maxWriteCapacity: 4000 });
      assert.match(short.warning ?? "", /^autoscaling.maxWriteCapacity is 4000/);
      const enough = planCapacity({ ...base, writeCapacity: 100, maxWriteCapacity: 6000 });
      assert.equal(enough.warning, undefined);
    });

    it("does not warn when the capacity suffices, or with on-demand billing", () => {
      assert.equal(planCapacity({ ...base, writeCapacity: 5556 }).warning, undefined);
      assert.equal(planCapacity(base).warning, undefined);
    });

    it("estimates provisioned and on-demand costs, and says they are estimates", () => {
      const { estimatedMonthlyCostUsd: cost } = planCapacity({
        ...base,
        writeCapacity: 100,
        readCapacity: 5,
      });
      // 5,556 units: (5556 × 0.00065 + 5 × 0.00013) × 730 = 3.61205 × 730 = 2636.7965.
      assert.equal(cost.provisionedAtRequiredCapacity, 2636.8);
      // 100 units: 47.9245, as above.
      assert.equal(cost.provisionedAtConfiguredCapacity, 47.92);
      // 10 million events once a day: 10 × 30.4167 × 0.625 = 190.104.
      assert.equal(cost.onDemand, 190.1);
      assert.match(cost.basis, /^Estimates at us-east-1 prices/);
    });

    it("has no configured-capacity estimate with on-demand billing", () => {
      assert.equal(
        planCapacity(base).estimatedMonthlyCostUsd.provisionedAtConfiguredCapacity,
        undefined,
      );
    });
  });
});
