/**
 * `npm run capacity -- --events 10000000 --minutes 30 [--runs-per-day 4] [--schedule 00:00,06:00]
 * [--lead-minutes 10] [--write-capacity 500] [--max-write-capacity 6000] [--target-utilization 70]
 * [--on-demand] [--warm-throughput 6000] [--read-capacity 5]`
 *
 * Plans a table before deploying it: how the described table serves one run, minute by minute,
 * with a chart, and what each setup that serves the run from its first second costs. Needs no
 * stack, no Pulumi CLI and no credentials. The flags are the stack's config keys and go through the
 * same checks; without table flags the table is the program's default (100 write units).
 */
import { parseArgs } from "node:util";
import { CapacityPlan, PRICES, planCapacity } from "snowplow-duplicate-storage/capacity";
import { ArgValues, DedupSettings, resolveSettings } from "snowplow-duplicate-storage/args";
import { RunMinute, simulateRun } from "snowplow-duplicate-storage/capacity";

const FLAGS = {
  events: "expectedEventsPerRun",
  minutes: "targetRunMinutes",
  "runs-per-day": "runsPerDay",
  schedule: "runSchedule.startTimesUtc",
  "lead-minutes": "runSchedule.leadMinutes",
  "write-capacity": "writeCapacity",
  "max-write-capacity": "autoscaling.maxWriteCapacity",
  "target-utilization": "autoscaling.targetUtilization",
  "on-demand": "billingMode PAY_PER_REQUEST",
  "warm-throughput": "warmThroughput",
  "read-capacity": "readCapacity",
} as const;

/** A flag's number as the user typed it; anything else goes to the config check as text. */
function num(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** Turns the flags into stack config values, as a stack file would hold them. */
export function argsOf(argv: readonly string[]): ArgValues {
  const options = Object.fromEntries(
    Object.keys(FLAGS).map((k) => [k, { type: k === "on-demand" ? "boolean" : "string" }]),
  ) as Record<keyof typeof FLAGS, { type: "string" | "boolean" }>;
  const { values } = parseArgs({ args: [...argv], options, strict: true });
  const v = values as Record<string, string | boolean | undefined>;
  const s = (k: string) => v[k] as string | undefined;
  const autoscaling =
    s("max-write-capacity") !== undefined
      ? {
          maxWriteCapacity: num(s("max-write-capacity")),
          ...(s("target-utilization") !== undefined
            ? { targetUtilization: num(s("target-utilization")) }
            : {}),
        }
      : undefined;
  const args = {
    expectedEventsPerRun: num(s("events")),
    targetRunMinutes: num(s("minutes")),
    runsPerDay: num(s("runs-per-day")),
    billingMode: v["on-demand"] ? "PAY_PER_REQUEST" : undefined,
    writeCapacity: num(s("write-capacity")),
    readCapacity: num(s("read-capacity")),
    warmThroughput: num(s("warm-throughput")),
    autoscaling,
    runSchedule:
      s("schedule") !== undefined
        ? {
            startTimesUtc: s("schedule")!
              .split(",")
              .map((t) => t.trim()),
            ...(s("lead-minutes") !== undefined ? { leadMinutes: num(s("lead-minutes")) } : {}),
          }
        : undefined,
  };
  return Object.fromEntries(
    Object.entries(args).filter(([, value]) => value !== undefined),
  ) as ArgValues;
}

/** A chart of the rate a run needs (x where unserved) against the rate the table serves (#). */
export function chart(minutes: readonly RunMinute[], height = 8, width = 60): string[] {
  const columns = Math.min(width, minutes.length);
  const perColumn = minutes.length / columns;
  const cols = Array.from({ length: columns }, (_, c) => {
    const slice = minutes.slice(Math.floor(c * perColumn), Math.floor((c + 1) * perColumn));
    return {
      needed: Math.max(...slice.map((m) => m.needed)),
      served: Math.min(...slice.map((m) => m.served)),
    };
  });
  const top = Math.max(...cols.map((c) => c.needed));
  const label = (x: number) => String(Math.round(x)).padStart(6);
  const lines: string[] = [];
  for (let row = height; row >= 1; row--) {
    const level = (top * (row - 0.5)) / height;
    const cells = cols.map((c) => (c.served >= level ? "#" : c.needed >= level ? "x" : " "));
    const axis = row === height ? label(top) : row === 1 ? label(0) : " ".repeat(6);
    lines.push(`${axis} |${cells.join("")}`);
  }
  lines.push(`${" ".repeat(6)} +${"-".repeat(columns)}`);
  const last = minutes.length > 1 ? String(minutes.length - 1).padStart(columns - 1) : "";
  lines.push(`${" ".repeat(8)}0${last}  minute of the run`);
  lines.push(`${" ".repeat(8)}# served   x throttled   (writes a second)`);
  return lines;
}

function describeTable(plan: CapacityPlan, settings: DedupSettings): string {
  if (settings.billingMode === "PAY_PER_REQUEST") {
    // Its first minute: what a new table serves at once, its warm throughput or the default.
    const warm = plan.run.firstCapacity;
    return `on-demand, a new table serving ${warm} writes a second at once`;
  }
  const auto = settings.autoscaling
    ? `, autoscaling to ${settings.autoscaling.maxWriteCapacity} at ` +
      `${settings.autoscaling.targetUtilization}%`
    : "";
  const sched = settings.runSchedule
    ? `, raised before each run by scheduled scaling (${settings.runSchedule.startTimesUtc.join(", ")} UTC)`
    : "";
  return `provisioned at ${settings.writeCapacity} write units${auto}${sched}`;
}

/** The report, as lines; or the config problems, as lines, with `ok` false. */
export function report(argv: readonly string[]): { ok: boolean; lines: string[] } {
  let args: ArgValues;
  try {
    args = argsOf(argv);
  } catch (e) {
    return { ok: false, lines: [String((e as Error).message)] };
  }
  const missing = (["events", "minutes"] as const).filter((f) => args[FLAGS[f]] === undefined);
  if (missing.length > 0) {
    return { ok: false, lines: [`Give ${missing.map((f) => `--${f}`).join(" and ")}.`] };
  }
  const resolved = resolveSettings(args, "capacity");
  if (resolved.settings === undefined) {
    return {
      ok: false,
      lines: [
        "Invalid flags (named by the config key each one sets):",
        ...resolved.problems.map((p) => `  - ${p}`),
        `Flags and keys: ${Object.entries(FLAGS)
          .map(([f, k]) => `--${f} ${k}`)
          .join(", ")}.`,
      ],
    };
  }
  const input = resolved.plan!;
  const plan = planCapacity(input);
  const simulated = simulateRun(input.table, {
    events: input.expectedEventsPerRun,
    minutes: input.targetRunMinutes,
  });
  const run = plan.run;
  const best = plan.options.find((o) => o.name === plan.recommended)!;
  const lines = [
    `A run of ${input.expectedEventsPerRun} events in ${input.targetRunMinutes} minutes needs ` +
      `${plan.requiredWriteCapacity} writes a second; ${input.runsPerDay} run(s) a day.`,
    "",
    `The table: ${describeTable(plan, resolved.settings)}.`,
    run.throttledMinutes === 0
      ? "  Serves every minute of the run."
      : `  Throttled in ${run.throttledMinutes} of ${input.targetRunMinutes} minutes ` +
        `(${run.throttledPercent}% of the writes${
          input.table.billingMode === "PAY_PER_REQUEST" ? ", first run on a new table" : ""
        }):\n  the shredder's job fails once the AWS SDK's retries are spent.`,
    "",
    ...chart(simulated.minutes),
    "",
    `Setups (estimates at ${PRICES.region} prices of ${PRICES.asOf}, capacity only):`,
    ...table(plan),
    "",
    `Cheapest setup without throttling: ${best.label}.`,
    "Its stack config:",
    ...Object.entries(best.config).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
  ];
  return { ok: true, lines: lines.flatMap((l) => l.split("\n")) };
}

function table(plan: CapacityPlan): string[] {
  const rows = plan.options.map((o) => [
    o.label,
    o.monthlyUsd.toFixed(2),
    o.throttledMinutes === 0 ? "no" : `${o.throttledMinutes} min`,
  ]);
  const head = ["setup", "USD a month", "throttled"];
  const width = (i: number) => Math.max(head[i].length, ...rows.map((r) => r[i].length));
  const fmt = (r: string[]) =>
    `  ${r[0].padEnd(width(0))}  ${r[1].padStart(width(1))}  ${r[2].padStart(width(2))}`;
  return [fmt(head), ...rows.map(fmt)];
}

if (require.main === module) {
  const { ok, lines } = report(process.argv.slice(2));
  (ok ? console.log : console.error)(lines.join("\n"));
  process.exitCode = ok ? 0 : 2;
}
