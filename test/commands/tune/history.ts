/**
 * The seeded history that `npm run tune`'s tests share, and its figures worked out by hand.
 *
 * Fourteen whole days from day `D` (in days since the epoch), two runs a day of 20 minutes: at
 * 06:00 UTC, starting `day % 3` minutes late, and at 18:00. A run writes 500 a second in its first
 * minute and 1,000 a second after, 1% of them duplicates. Day 3's 18:00 run is throttled in its
 * first two minutes (60,000 served and 30,000 refused in each), and day 9 has no 06:00 run.
 */
import type { MinuteSample } from "snowplowdedup/capacity";
import type { SeededRun } from "../../../tools/cloudwatch/seedHistory";

export const DAYS = 14;

/** The seeded runs of a window that starts at day `D`. */
export function seededHistory(D: number): SeededRun[] {
  const runs: SeededRun[] = [];
  for (let day = 0; day < DAYS; day++) {
    for (const [hour, late] of [
      [6, day % 3],
      [18, 0],
    ]) {
      if (day === 9 && hour === 6) continue;
      const throttled = day === 3 && hour === 18;
      runs.push({
        startMinute: (D + day) * 1440 + hour * 60 + late,
        perMinute: Array.from({ length: 20 }, (_, m) =>
          throttled
            ? { consumed: 60_000, throttled: m < 2 ? 30_000 : 0, duplicates: 600 }
            : m === 0
              ? { consumed: 30_000, duplicates: 300 }
              : { consumed: 60_000, duplicates: 600 },
        ),
      });
    }
  }
  return runs;
}

/** The seeded runs as the minute samples that CloudWatch gives back. */
export function samplesOf(runs: readonly SeededRun[]): MinuteSample[] {
  return runs.flatMap((r) =>
    r.perMinute.map((m, i) => ({
      minute: r.startMinute + i,
      consumed: m.consumed,
      throttled: m.throttled ?? 0,
      duplicates: m.duplicates ?? 0,
    })),
  );
}

/**
 * What tune must find, by hand:
 * - 27 runs (28 less day 9's 06:00). A plain run: 30,000 + 19 × 60,000 = 1,170,000 writes,
 *   300 + 19 × 600 = 11,700 duplicates, peak 60,000 / 60 s = 1,000 a second. The throttled run:
 *   20 × 60,000 = 1,200,000 writes, 12,000 duplicates, peak (60,000 + 30,000) / 60 = 1,500 a
 *   second, 2 throttled minutes, and needed 1,200,000 / (1,500 × 60) = 13.3, so 14 minutes.
 * - 2 runs a day, at 06:00 (up to 2 minutes late: days 2, 5, 8, 11) and 18:00 (on time).
 * - Duplicates: (26 × 11,700 + 12,000) / (26 × 1,170,000 + 1,200,000) = 316,200 / 31,620,000 = 1%.
 * - Sizing: 1,500 × 1.2 = 1,800 a second; the longest run 20 minutes and 2 of wander: 22; so
 *   1,800 × 60 × 22 = 2,376,000 events a run, 2 runs a day.
 * - The cheapest setup that serves every run, for the dev stack (readCapacity 1, Standard, no
 *   recovery): on demand, Standard. On demand: 2,376,000 × 2 × 30.4167 days = 144.54 million
 *   writes × USD 0.625 a million = 90.34. Storage: 4,752,000 items a day × 182 days × 208 bytes =
 *   167.54 GiB: (167.54 - 25) × 0.25 = 35.63. Together 125.97. Scheduled on Standard: raised for
 *   10 + 22 + 10 + 15 = 57 minutes a run, 1.9 hours a day at 1,800 units and 22.1 at 100: 5,630
 *   unit-hours a day × 30.4167 × 0.00065 = 111.31, more than on demand's 90.34 before storage.
 *   On demand on Standard-IA: 144.54 × 0.78 = 112.74 + 167.54 × 0.10 = 129.49, more than 125.97.
 */
export const EXPECTED = {
  runs: 27,
  plainRun: { minutes: 20, events: 1_170_000, duplicates: 11_700, peakWritesPerSecond: 1000 },
  throttledRun: {
    minutes: 20,
    events: 1_200_000,
    duplicates: 12_000,
    peakWritesPerSecond: 1500,
    throttledMinutes: 2,
    neededMinutes: 14,
  },
  startTimesUtc: ["06:00", "18:00"],
  wanderMinutes: [2, 0],
  duplicateRate: 0.01,
  sizing: {
    expectedEventsPerRun: 2_376_000,
    targetRunMinutes: 22,
    runsPerDay: 2,
    writesPerSecond: 1800,
  },
  recommended: { id: "onDemand-standard", monthlyUsd: 125.97 },
  /** The advice for the committed dev stack, as it prints it. */
  devAdvice: [
    "pulumi config rm writeCapacity",
    "pulumi config rm autoscaling",
    "pulumi config rm runSchedule",
    "pulumi config rm warmThroughput",
    "pulumi config rm readCapacity",
    "pulumi config set expectedEventsPerRun 2376000",
    "pulumi config set targetRunMinutes 22",
    "pulumi config set runsPerDay 2",
    "pulumi config set billingMode PAY_PER_REQUEST",
    "pulumi config set tableClass STANDARD",
  ],
};
