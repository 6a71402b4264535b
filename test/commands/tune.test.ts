/**
 * `npm run tune`'s analysis, in process, on the seeded history of `tune/history.ts`, and what it
 * refuses before it asks AWS anything. Its reading of CloudWatch, against moto, is in tune/.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch";
import { tableModelOf } from "snowplowdedup/args";
import { MinuteSample, findRuns, raisedFor, replay } from "snowplowdedup/capacity";
import * as fs from "node:fs";
import * as path from "node:path";
import { linesOf, wrap } from "../../commands/capacity";
import { reportLines } from "../../commands/tune/report";
import { TuneInput, analyze, applyAdvice } from "../../commands/tune/analysis";
import { readHistory } from "../../commands/tune/cloudwatch";
import { windowOf } from "../../commands/tune";
import { UsageError } from "../../commands/cli";
import { readStackConfig } from "../../stack/config";
import { PROJECT, loadStackConfig } from "../../stack/files";
import { ROOT, command } from "../harness";
import { DAYS, EXPECTED, samplesOf, seededHistory } from "./tune/history";

// 2026-11-20, in days since the epoch.
const D = Date.UTC(2026, 10, 20) / 86_400_000;
const input = (samples: readonly MinuteSample[], stack = "dev"): TuneInput => ({
  stack,
  stackConfig: loadStackConfig(stack),
  namespace: PROJECT,
  samples,
  fromMinute: D * 1440,
  toMinute: (D + DAYS) * 1440,
  table: {},
});

describe("npm run tune's analysis of the seeded history", () => {
  const report = analyze(input(samplesOf(seededHistory(D))));

  it("finds the runs, each with its writes, peak, throttling and duplicates", () => {
    assert.equal(report.runs.length, EXPECTED.runs);
    const { start: _, throttledMinutes: __, neededMinutes: ___, ...first } = report.runs[0];
    assert.deepEqual(first, { ...EXPECTED.plainRun, duplicates: EXPECTED.plainRun.duplicates });
    const throttled = report.runs.filter((r) => r.throttledMinutes > 0);
    assert.deepEqual(throttled, [{ start: "2026-11-23T18:00Z", ...EXPECTED.throttledRun }]);
    assert.equal(report.runs[0].start, "2026-11-20T06:00Z");
  });

  it("finds the schedule, and the run that it lacks", () => {
    assert.deepEqual(report.schedule, {
      runsPerDay: 2,
      startTimesUtc: EXPECTED.startTimesUtc,
      wanderMinutes: EXPECTED.wanderMinutes,
      missing: [{ date: "2026-11-29", startTimeUtc: "06:00" }],
    });
    assert.ok(
      report.findings.some((f) => f.startsWith("No run started on 2026-11-29 around 06:00")),
    );
  });

  it("measures the duplicate rate and the sizing keys", () => {
    assert.equal(report.duplicateRate, EXPECTED.duplicateRate);
    assert.deepEqual(report.sizing, EXPECTED.sizing);
  });

  it("recommends the cheapest setup with no throttled minute, as lines for the dev stack", () => {
    assert.equal(report.recommended?.id, EXPECTED.recommended.id);
    assert.equal(report.recommended?.monthlyUsd, EXPECTED.recommended.monthlyUsd);
    assert.deepEqual(linesOf(report.advice!), EXPECTED.devAdvice);
    // Every key the advice sets or removes, with the values of its lines.
    assert.equal(report.recommended?.config.readCapacity, null);
    assert.equal(report.recommended?.config.expectedEventsPerRun, 2_376_000);
  });

  it("prices storage from the table's size where DynamoDB reports one, which moto does not", () => {
    // 100 GiB on Standard: (100 - 25) × 0.25 = 18.75 of storage, with the 90.34 of on-demand
    // writes that history.ts works out: 109.09.
    const sized = analyze({
      ...input(samplesOf(seededHistory(D))),
      table: { sizeBytes: 100 * 2 ** 30 },
    });
    assert.equal(sized.recommended?.id, "onDemand-standard");
    assert.equal(sized.recommended?.monthlyUsd, 109.09);
  });

  it("says the history has something to act on: throttled minutes that CloudWatch saw", () => {
    assert.equal(report.actionable, true);
    assert.equal(report.current?.observedThrottledMinutes, 2);
    assert.ok(report.findings[0].startsWith("1 of 27 runs were throttled, in 2 minutes"));
  });

  it("replays the dev stack's 10 units as throttled in every minute, and says why it differs", () => {
    // 10 units and 3,000 writes of burst against 500 or more a second: each minute is short,
    // 20 in each of 26 runs, and 14 in the throttled run as it needed them: 534.
    assert.equal(report.current?.throttledMinutes, 534);
    assert.ok(
      report.findings.some((f) => f.startsWith("The replay of the current setup throttles in 534")),
    );
  });

  it("replays autoscaling alone as throttled at the start of every run, as AWS's evaluator would not", () => {
    // From 100 units with 30,000 writes of burst, minute 0 of a plain run (30,000 writes) is
    // served, but minute 1 asks 60,000 of the 6,000 + 6,000 left: target tracking has not yet
    // stepped. The throttled run asks 90,000 in minute 0. So every one of the 27 runs throttles.
    const autoscaling = report.candidates.find((c) => c.id === "autoscaling-standard");
    assert.ok(autoscaling, report.candidates.map((c) => c.id).join(", "));
    assert.ok(autoscaling.throttledMinutes >= 27, String(autoscaling.throttledMinutes));
  });

  it("gives advice that, pasted, plans with no warning and replays every run unthrottled", () => {
    assert.ok(
      report.findings.every((f) => !f.includes("would still warn")),
      report.findings.join("\n"),
    );
    const pasted = readStackConfig(
      applyAdvice(loadStackConfig("dev"), PROJECT, report.advice!),
      PROJECT,
      "dev",
    );
    const table = tableModelOf(pasted.settings, pasted.plan?.writeRate);
    const runs = findRuns(samplesOf(seededHistory(D)));
    assert.equal(replay(runs, () => table, 40_000).throttledMinutes, 0);
  });
});

describe("npm run tune's example in docs/production.md", () => {
  it("is what the command prints for the seeded history, abridged where it says so", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "production.md"), "utf8");
    const block = /```console\n\$ npm run -s tune -- dev\n([\s\S]*?)\n```/
      .exec(doc)![1]
      .split("\n");
    const printed = reportLines(
      "snowplow-deduplication-dev",
      analyze(input(samplesOf(seededHistory(D)))),
    )
      .flatMap((l) => wrap(l))
      // A chart's blank columns at the end of a line, which the guide's formatter drops.
      .map((l) => l.trimEnd());
    const shown = block.filter((l) => l !== "  ...");
    assert.ok(shown.length > 40);
    // Each shown line, in the printed order (lines may repeat, as a chart's rows do).
    let next = 0;
    for (const line of shown) {
      const at = printed.indexOf(line, next);
      assert.ok(at >= 0, `${line}\nis not printed after line ${next}`);
      next = at + 1;
    }
  });
});

describe("npm run tune's silent failures", () => {
  it("says that no writes is either no run or every write refused, and asks for action", () => {
    const report = analyze(input([]));
    assert.equal(report.actionable, true);
    assert.equal(report.runs.length, 0);
    assert.match(
      report.findings[0],
      /^No writes reached the table in 14 days: either nothing runs/,
    );
    assert.match(report.findings[0], /AccessDenied/);
    assert.match(report.findings[0], /npm run verify -- dev --write-canary/);
  });

  it("calls a history without one duplicate a sign of random fingerprints", () => {
    const runs = seededHistory(D).map((r) => ({
      ...r,
      perMinute: r.perMinute.map((m) => ({ ...m, duplicates: 0 })),
    }));
    const report = analyze(input(samplesOf(runs)));
    assert.ok(
      report.findings.some((f) =>
        f.startsWith("Not one duplicate in 27 runs: a sign, not a proof"),
      ),
    );
  });

  it("asks for action when the setup costs more than 10% over the cheapest that serves the runs", () => {
    // Prod is provisioned for 10 million events in 30 minutes, four times a day: far more than
    // the seeded runs need (USD 125.97 a month on demand, as history.ts works out for dev).
    const unthrottled = seededHistory(D).map((r) => ({
      ...r,
      perMinute: r.perMinute.map((m) => ({ ...m, throttled: 0 })),
    }));
    const report = analyze(input(samplesOf(unthrottled), "prod"));
    assert.equal(report.current?.observedThrottledMinutes, 0);
    assert.equal(report.actionable, true);
    assert.ok(report.findings.some((f) => f.startsWith("The current setup costs about USD")));
    // Prod's alarm threshold goes with its ceiling: an on-demand table refuses it. A member of a
    // map goes with --path, or the CLI would remove a key of that dotted name, which no stack has.
    assert.equal(report.recommended?.config["alarms.consumedWritePercent"], null);
    assert.ok(
      linesOf(report.advice!).includes("pulumi config rm --path 'alarms.consumedWritePercent'"),
    );
    assert.ok(
      report.findings.every((f) => !/would (still warn|be refused)/.test(f)),
      report.findings.join("\n"),
    );
  });
});

describe("npm run tune's properties", () => {
  // Unthrottled histories of two days, two runs a day of 2 to 20 minutes at 2 to 8,000 writes a
  // second a minute (above 4,000, what a new on-demand table serves at once, the sizing decides);
  // then more served writes in one minute of one run.
  const history = fc.array(
    fc.record({
      minutes: fc.integer({ min: 2, max: 20 }),
      rate: fc.integer({ min: 2, max: 8000 }),
    }),
    { minLength: 4, maxLength: 4 },
  );
  const samplesFor = (runs: { minutes: number; rate: number }[]): MinuteSample[] =>
    runs.flatMap((r, i) =>
      Array.from({ length: r.minutes }, (_, m) => ({
        minute: (D + Math.floor(i / 2)) * 1440 + (i % 2 === 0 ? 360 : 1080) + m,
        consumed: r.rate * 60,
        throttled: 0,
        duplicates: 0,
      })),
    );
  const twoDays = (samples: MinuteSample[]) => ({
    ...input(samples),
    toMinute: (D + 2) * 1440,
  });

  it("adding demand to any minute of a run never lowers the recommended capacity or cost", () => {
    fc.assert(
      fc.property(history, fc.nat(), fc.integer({ min: 1, max: 100_000 }), (runs, pick, more) => {
        const samples = samplesFor(runs);
        const before = analyze(twoDays(samples));
        const i = pick % samples.length;
        const added = samples.map((s, j) => (j === i ? { ...s, consumed: s.consumed + more } : s));
        const after = analyze(twoDays(added));
        assert.ok(after.sizing!.writesPerSecond >= before.sizing!.writesPerSecond);
        assert.ok(after.recommended!.monthlyUsd >= before.recommended!.monthlyUsd);
      }),
      { numRuns: 25 },
    );
  });

  it("the recommended setup, as its stack config declares it, replays with no throttled minute", () => {
    fc.assert(
      fc.property(history, (runs) => {
        const samples = samplesFor(runs);
        const report = analyze(twoDays(samples));
        const pasted = readStackConfig(
          applyAdvice(loadStackConfig("dev"), PROJECT, report.advice!),
          PROJECT,
          "dev",
        );
        const table = tableModelOf(pasted.settings, pasted.plan?.writeRate);
        const schedule = pasted.settings.runSchedule;
        const observed = findRuns(samples);
        const replayed = replay(
          observed,
          (run) =>
            schedule &&
            table.billingMode === "PROVISIONED" &&
            !raisedFor(
              run,
              schedule.startTimesUtc,
              schedule.leadMinutes,
              pasted.settings.targetRunMinutes!,
            )
              ? { ...table, scheduledWriteCapacity: undefined }
              : table,
          40_000,
        );
        assert.equal(replayed.throttledMinutes, 0, JSON.stringify(report.recommended));
      }),
      { numRuns: 25 },
    );
  });
});

describe("npm run tune's window", () => {
  const NOW = Date.UTC(2026, 11, 4, 12, 0);
  const refused = (values: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => windowOf(values, NOW),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );

  it("is the 14 days before now by default", () => {
    const { fromMinute, toMinute } = windowOf({}, NOW);
    assert.equal(toMinute, NOW / 60_000);
    assert.equal(toMinute - fromMinute, 14 * 1440);
  });

  it("refuses days out of 1 to 15, what CloudWatch keeps at one minute, naming the flag", () => {
    refused(
      { days: "16" },
      /^--days must be a whole number from 1 to 15, got '16': CloudWatch keeps/,
    );
    refused({ days: "0" }, /^--days must be a whole number from 1 to 15, got '0'/);
    refused({ days: "1.5" }, /got '1\.5'/);
  });

  it("refuses an end that is not a UTC time, in the future, or too long ago for its days", () => {
    refused(
      { end: "yesterday" },
      /^--end must be an ISO 8601 time in UTC, such as .*, got 'yesterday'/,
    );
    refused({ end: "2026-12-05T00:00Z" }, /^--end must not be in the future/);
    refused({ end: "2026-11-25T00:00Z" }, /starts more than 15 days ago/);
    assert.deepEqual(windowOf({ end: "2026-12-04T00:00Z", days: "14" }, NOW), {
      fromMinute: (D + 0) * 1440,
      toMinute: (D + 14) * 1440,
    });
  });

  it("exits 2, before it asks AWS anything, for days out of range", () => {
    const r = command("tune", ["dev", "--days", "30"], { env: { AWS_ACCESS_KEY_ID: undefined } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--days must be a whole number from 1 to 15, got '30'/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

describe("npm run tune's reading of CloudWatch", () => {
  it("follows NextToken, which moto never sends, and reads one day a request", async () => {
    // Two pages for the first day: consumed at 00:00, then throttled at 00:00 and consumed at
    // 00:01; one page for the second day. A datapoint outside its request's day is not taken.
    const day0 = D * 1440;
    const pages: GetMetricDataCommandOutput[] = [
      {
        $metadata: {},
        NextToken: "page-2",
        MetricDataResults: [
          { Id: "consumed", Timestamps: [new Date(day0 * 60_000)], Values: [600] },
        ],
      },
      {
        $metadata: {},
        MetricDataResults: [
          { Id: "throttled", Timestamps: [new Date(day0 * 60_000)], Values: [60] },
          { Id: "consumed", Timestamps: [new Date((day0 + 1) * 60_000)], Values: [120] },
        ],
      },
      {
        $metadata: {},
        MetricDataResults: [
          { Id: "duplicates", Timestamps: [new Date((day0 + 1440) * 60_000)], Values: [6] },
        ],
      },
    ];
    const requests: { start: Date; token?: string }[] = [];
    const client = {
      send: async (c: { input: { StartTime: Date; NextToken?: string } }) => {
        requests.push({ start: c.input.StartTime, token: c.input.NextToken });
        return pages[requests.length - 1];
      },
    };
    const samples = await readHistory(client as never, "t", day0, day0 + 2 * 1440);
    assert.deepEqual(
      requests.map((r) => [r.start.toISOString(), r.token]),
      [
        ["2026-11-20T00:00:00.000Z", undefined],
        ["2026-11-20T00:00:00.000Z", "page-2"],
        ["2026-11-21T00:00:00.000Z", undefined],
      ],
    );
    assert.deepEqual(samples, [
      { minute: day0, consumed: 600, throttled: 60, duplicates: 0 },
      { minute: day0 + 1, consumed: 120, throttled: 0, duplicates: 0 },
      { minute: day0 + 1440, consumed: 0, throttled: 0, duplicates: 6 },
    ]);
  });
});
