/** `npm run tune`'s report for people: the runs, the schedule, a chart, the costs and the advice. */
import { chart, linesOf } from "../capacity";
import type { TuneReport } from "./analysis";

const n = (x: number) => Math.round(x).toLocaleString("en-US");
const usd = (x: number) => `USD ${x.toFixed(2)}`;

/** The report as lines. */
export function reportLines(tableName: string, r: TuneReport): string[] {
  const lines = [
    `The table ${tableName}, ${r.window.days} days from ${r.window.from} to ${r.window.to}: ` +
      `${r.runs.length} runs.`,
  ];
  if (r.runs.length > 0) {
    const s = r.schedule;
    lines.push(
      s.startTimesUtc.length > 0
        ? `Schedule: ${s.runsPerDay} run(s) a day, starting at ${s.startTimesUtc
            .map((t, i) => `${t} (up to ${s.wanderMinutes[i]} minutes later)`)
            .join(", ")} UTC.`
        : `No steady schedule: about ${s.runsPerDay} run(s) a day, at no fixed time.`,
      "",
      "  start (UTC)         minutes      events   peak/s  throttled  duplicates",
      ...r.runs.map(
        (run) =>
          `  ${run.start.replace("T", " ").replace("Z", "")}  ${String(run.minutes).padStart(7)}` +
          `  ${n(run.events).padStart(10)}  ${n(run.peakWritesPerSecond).padStart(7)}` +
          `  ${`${run.throttledMinutes} min`.padStart(9)}  ${n(run.duplicates).padStart(10)}`,
      ),
    );
    if (r.duplicateRate !== undefined) {
      lines.push(`Duplicates caught: ${(r.duplicateRate * 100).toFixed(2)}% of the writes.`);
    }
    if (r.busiest) {
      lines.push(
        "",
        `The busiest run (${r.busiest.start}) against the current setup, as the model replays it:`,
        ...chart(r.busiest.minutes),
      );
    }
    lines.push("", "Setups replayed over every run (capacityPlan's ids), a month:");
    const width = Math.max(...r.candidates.map((c) => c.id.length));
    lines.push(
      ...r.candidates.map(
        (c) =>
          `  ${c.id.padEnd(width)}  ${usd(c.monthlyUsd).padStart(13)}  ` +
          (c.throttledMinutes === 0
            ? "no throttled minute"
            : `${c.throttledMinutes} min throttled`),
      ),
    );
  }
  if (r.current) {
    lines.push(
      "",
      `Now: about ${usd(r.current.monthlyUsd)} a month; the replay throttles it in ` +
        `${r.current.throttledMinutes} minutes, CloudWatch saw ${r.current.observedThrottledMinutes}.`,
    );
  }
  if (r.recommended && r.advice) {
    lines.push(
      `Recommended: ${r.recommended.description}, about ${usd(r.recommended.monthlyUsd)} a month, ` +
        "with no throttled minute over the history. On your stack:",
      ...linesOf(r.advice).map((l) => `  ${l}`),
    );
  }
  if (r.findings.length > 0) lines.push("", ...r.findings.map((f) => `- ${f}`));
  return lines;
}
