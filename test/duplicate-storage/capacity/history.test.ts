import assert from "node:assert/strict";
import {
  MinuteSample,
  ObservedRun,
  Schedule,
  findRuns,
  findSchedule,
  measuredSizing,
  raisedFor,
  replay,
} from "snowplowdedup/capacity";

/** A sample with the figures given; the rest zero. */
const at = (minute: number, consumed: number, throttled = 0, duplicates = 0): MinuteSample => ({
  minute,
  consumed,
  throttled,
  duplicates,
});

describe("the runs in a table's history", () => {
  const runs = findRuns([
    // A: three minutes, unthrottled.
    at(1000, 6000, 0, 60),
    at(1001, 6000, 0, 60),
    at(1002, 3000),
    // B: ten quiet minutes later, so a run of its own: two throttled minutes.
    at(1013, 120_000, 60_000),
    at(1014, 120_000, 60_000),
    // C: three quiet minutes within it, which is within RUN_GAP_MINUTES (5): one run.
    at(3000, 600),
    at(3004, 600),
    // A stray write, fewer than MIN_RUN_EVENTS (100): left out.
    at(5000, 50),
  ]);

  it("splits them at more than five quiet minutes and leaves out stray writes", () => {
    assert.deepEqual(
      runs.map((r) => [r.startMinute, r.minutes]),
      [
        [1000, 3],
        [1013, 2],
        [3000, 5],
      ],
    );
  });

  it("counts a run's writes, duplicates, peak and throttled minutes", () => {
    const [a, b] = runs;
    // A: 6,000 + 6,000 + 3,000 writes; 60 + 60 duplicates; its busiest minute 6,000 / 60 s.
    assert.deepEqual(
      [a.events, a.duplicates, a.peakWritesPerSecond, a.throttledMinutes],
      [15_000, 120, 100, 0],
    );
    // B: the shredder asked for 120,000 served + 60,000 refused a minute: 3,000 a second.
    assert.deepEqual(
      [b.events, b.duplicates, b.peakWritesPerSecond, b.throttledMinutes],
      [240_000, 0, 3000, 2],
    );
  });

  it("takes an unthrottled run's demand as it was, quiet minutes included", () => {
    // A: 100, 100 and 50 a second; C: 10, nothing for three minutes, 10.
    assert.deepEqual(runs[0].demand, [100, 100, 50]);
    assert.deepEqual(runs[2].demand, [10, 0, 0, 0, 10]);
    assert.equal(runs[2].neededMinutes, 5);
  });

  it("takes a throttled run's demand at its peak until its writes are written", () => {
    // 240,000 writes at 3,000 a second: 180,000 in the first minute, the other 60,000 after.
    assert.deepEqual(runs[1].demand, [3000, 1000]);
    assert.equal(runs[1].neededMinutes, 2);
  });
});

describe("the schedule of the runs", () => {
  // 2026-11-20, in days since the epoch; three whole days from its midnight.
  const D = Date.UTC(2026, 10, 20) / 86_400_000;
  const start = (day: number, hhmm: string) => {
    const [h, m] = hhmm.split(":").map(Number);
    return (D + day) * 1440 + h * 60 + m;
  };
  const run = (startMinute: number): ObservedRun => ({
    startMinute,
    minutes: 20,
    events: 1000,
    duplicates: 0,
    peakWritesPerSecond: 1,
    throttledMinutes: 0,
    neededMinutes: 20,
    demand: [],
  });
  const schedule = findSchedule(
    [
      // 06:00, seven minutes late the next day, and missing on the third.
      run(start(0, "06:00")),
      run(start(1, "06:07")),
      // 23:58, and the next day's five minutes late, after midnight; missing on the third.
      run(start(0, "23:58")),
      run(start(2, "00:03")),
      // Once at noon: not on half the days, so no slot.
      run(start(1, "12:00")),
    ],
    D * 1440,
    (D + 3) * 1440,
  );

  it("finds a start time for each time of day that has a run on half the days or more", () => {
    assert.equal(schedule.runsPerDay, 2);
    assert.deepEqual(
      schedule.slots.map((s) => [s.startTimeUtc, s.wanderMinutes, s.runs.length]),
      [
        ["06:00", 7, 2],
        ["23:58", 5, 2],
      ],
    );
  });

  it("names the days on which a start time had no run", () => {
    assert.deepEqual(schedule.missing, [
      { date: "2026-11-22", startTimeUtc: "06:00" },
      { date: "2026-11-22", startTimeUtc: "23:58" },
    ]);
  });
});

describe("the sizing keys that the runs measure", () => {
  const runs = findRuns([
    at(1000, 6000),
    at(1001, 6000),
    at(1002, 3000),
    at(1013, 120_000, 60_000),
    at(1014, 120_000, 60_000),
  ]);
  const schedule: Schedule = {
    runsPerDay: 2,
    slots: [
      { startTimeUtc: "06:00", wanderMinutes: 7, runs: [] },
      { startTimeUtc: "18:00", wanderMinutes: 4, runs: [] },
    ],
    missing: [],
  };

  it("plans the busiest minute with the margin, for the longest run and the wander", () => {
    // Peak 3,000 a second × 1.2 = 3,600; the longest run 3 minutes, and 7 of wander: 10
    // minutes; 3,600 × 60 × 10 = 2,160,000 events, which the plan reads as 3,600 a second.
    assert.deepEqual(measuredSizing(runs, schedule, 14), {
      expectedEventsPerRun: 2_160_000,
      targetRunMinutes: 10,
      runsPerDay: 2,
      writeRate: 3600,
      startTimesUtc: ["06:00", "18:00"],
    });
  });

  it("counts the runs a day without a schedule", () => {
    // 2 runs in 1 day.
    const none: Schedule = { runsPerDay: 0, slots: [], missing: [] };
    const sizing = measuredSizing(runs, none, 1);
    assert.equal(sizing.runsPerDay, 2);
    assert.equal(sizing.startTimesUtc, undefined);
    assert.equal(sizing.targetRunMinutes, 3);
  });
});

describe("a scheduled raise", () => {
  // Raised at 05:50 for the 06:00 start, lowered at 06:00 + 30 + 10 = 06:40.
  const run = (hhmm: string, neededMinutes: number): ObservedRun => {
    const [h, m] = hhmm.split(":").map(Number);
    return {
      startMinute: 30_000 * 1440 + h * 60 + m,
      minutes: neededMinutes,
      events: 1,
      duplicates: 0,
      peakWritesPerSecond: 1,
      throttledMinutes: 0,
      neededMinutes,
      demand: [],
    };
  };
  const raised = (r: ObservedRun) => raisedFor(r, ["06:00"], 10, 30);

  it("covers a run that starts after the raise and ends before the lowering", () => {
    assert.equal(raised(run("06:05", 20)), true); // 06:05 to 06:25
    assert.equal(raised(run("06:20", 20)), true); // 06:20 to 06:40, just in time
  });

  it("misses a run that starts before the raise or ends after the lowering", () => {
    assert.equal(raised(run("05:45", 20)), false);
    assert.equal(raised(run("06:21", 20)), false); // to 06:41
  });
});

describe("the replay of a setup over the runs", () => {
  const runs = findRuns([at(1000, 6000), at(1001, 6000), at(1002, 3000)]);

  it("throttles where the table serves less than a minute asks", () => {
    // 50 units: 3,000 a minute and 15,000 of burst (300 s × 50). Minute 0 asks 6,000: served
    // with 3,000 of burst, 12,000 left; minute 1 the same, 9,000 left; minute 2 asks 3,000,
    // which 50 units serve. A table of 10 units has 3,000 of burst: minute 0 is short.
    assert.equal(
      replay(runs, () => ({ billingMode: "PROVISIONED", writeCapacity: 50 }), 40_000)
        .throttledMinutes,
      0,
    );
    assert.equal(
      replay(runs, () => ({ billingMode: "PROVISIONED", writeCapacity: 10 }), 40_000)
        .throttledMinutes,
      3,
    );
  });
});
