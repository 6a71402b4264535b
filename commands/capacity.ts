/**
 * `npm run capacity -- --events <n> --minutes <n> [table flags]`
 *
 * Plans a table before deploying it: how the described table serves one run, minute by minute,
 * with a chart, what each setup that serves the run from its first second costs, and the
 * cheapest one as `pulumi config set` lines. Needs no stack, no Pulumi CLI and no credentials.
 * Each flag sets the stack config key of its description, and the flags go through the stack
 * adapter itself, so they meet exactly the rules, messages and defaults of stack config; the
 * advice is a setup that those rules accept.
 */
import { DedupSettings, writeQuotaNeeds } from "snowplowdedup/args";
import {
  CLASS_WORDS,
  CapacityOption,
  CapacityPlan,
  DEFAULT_ACCOUNT_WRITE_QUOTA,
  DEFAULT_TABLE_WRITE_QUOTA,
  PRICES,
  PlanInput,
  accountQuotaWarning,
  RunMinute,
  TTL_DELETION_LAG_DAYS,
  planCapacity,
  recommend,
  simulateRun,
} from "snowplowdedup/capacity";
import { ConfigError, readStackConfig } from "../stack/config";
import { PROJECT } from "../stack/files";
import { CommandSpec, EXIT, Flag, UsageError, parse, run } from "./cli";

/** Each flag, with the stack config key it sets (a member with `--path`). */
const KEYED: Record<string, Flag & { readonly key: string }> = {
  events: { type: "string", value: "<n>", key: "expectedEventsPerRun", description: "" },
  minutes: { type: "string", value: "<n>", key: "targetRunMinutes", description: "" },
  "runs-per-day": { type: "string", value: "<n>", key: "runsPerDay", description: "" },
  schedule: {
    type: "string",
    value: "<HH:MM,...>",
    key: "runSchedule.startTimesUtc",
    description: "",
  },
  "lead-minutes": { type: "string", value: "<n>", key: "runSchedule.leadMinutes", description: "" },
  "write-capacity": { type: "string", value: "<n>", key: "writeCapacity", description: "" },
  "read-capacity": { type: "string", value: "<n>", key: "readCapacity", description: "" },
  "max-write-capacity": {
    type: "string",
    value: "<n>",
    key: "autoscaling.maxWriteCapacity",
    description: "",
  },
  "target-utilization": {
    type: "string",
    value: "<percent>",
    key: "autoscaling.targetUtilization",
    description: "",
  },
  "on-demand": { type: "boolean", key: "billingMode PAY_PER_REQUEST", description: "" },
  "warm-throughput": { type: "string", value: "<n>", key: "warmThroughput", description: "" },
  "table-class": { type: "string", value: "<class>", key: "tableClass", description: "" },
  pitr: { type: "boolean", key: "pointInTimeRecovery true", description: "" },
  fingerprint: {
    type: "string",
    value: "<algorithm>",
    key: "fingerprintAlgorithm",
    description: "",
  },
  quota: { type: "string", value: "<n>", key: "tableWriteQuota", description: "" },
  "account-quota": { type: "string", value: "<n>", key: "accountWriteQuota", description: "" },
};

const WHAT: Record<keyof typeof KEYED, string> = {
  events: "events in one run (required)",
  minutes: "minutes a run may take to write them (required)",
  "runs-per-day": "runs a day, for the costs (default 1, or the schedule's count)",
  schedule: "start times of the runs in UTC, for scheduled scaling",
  "lead-minutes": "minutes before each run that the floor is raised (default 10)",
  "write-capacity": "provisioned write units, the floor with autoscaling (default 100)",
  "read-capacity": "provisioned read units (default 5)",
  "max-write-capacity": "autoscaling's ceiling of write units",
  "target-utilization": "autoscaling's target, in percent (default 70)",
  "on-demand": "an on-demand table instead of a provisioned one",
  "warm-throughput": "an on-demand table's warm throughput, writes a second",
  "table-class": "STANDARD (default) or STANDARD_INFREQUENT_ACCESS",
  pitr: "point-in-time recovery on, which is billed by the table's size",
  fingerprint: "the fingerprint enrichment's hash, which sizes the items (default MD5)",
  quota: "the account's table-level write quota, where AWS raised it (default 40000)",
  "account-quota": "the account-level write quota of provisioned tables (default 80000)",
};

export const SPEC: CommandSpec = {
  usage: "npm run capacity --",
  description:
    "Plans the table for the shredder's runs, offline: how the described table serves a run,\n" +
    "minute by minute, the setups that serve it from its first second in both table classes\n" +
    "with their monthly cost (capacity, storage and point-in-time recovery),\n" +
    "and the cheapest as `pulumi config set` lines. Each flag sets the stack config key named in\n" +
    "brackets and meets the same rules. Exits 1 when no setup within the quota serves the run.",
  flags: Object.fromEntries(
    Object.entries(KEYED).map(([flag, f]) => [
      flag,
      { ...f, description: `${WHAT[flag]} [${f.key}]` },
    ]),
  ),
  examples: [
    "npm run capacity -- --events 10000000 --minutes 30",
    "npm run capacity -- --events 10000000 --minutes 30 --write-capacity 500 \\\n" +
      "      --max-write-capacity 6000 --schedule 00:00,06:00,12:00,18:00",
    "npm run capacity -- --events 10000000 --minutes 30 --on-demand --pitr --fingerprint SHA256",
    "npm run capacity -- --events 250000000 --minutes 30 --quota 150000",
  ],
};

/** The stack config that the flags set, as the engine hands it to the program. */
export function stackConfigOf(values: Record<string, unknown>): Record<string, string> {
  const config: Record<string, string> = {};
  const maps: Record<string, Record<string, unknown>> = {};
  const number = (v: string) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  for (const [flag, { key }] of Object.entries(KEYED)) {
    const value = values[flag];
    if (value === undefined || value === false) continue;
    if (flag === "on-demand") config.billingMode = "PAY_PER_REQUEST";
    else if (flag === "pitr") config.pointInTimeRecovery = "true";
    else if (key.includes(".")) {
      const [map, member] = key.split(".");
      maps[map] ??= {};
      maps[map][member] =
        flag === "schedule"
          ? String(value)
              .split(",")
              .map((t) => t.trim())
          : number(String(value));
    } else config[key] = String(value);
  }
  for (const [map, members] of Object.entries(maps)) config[map] = JSON.stringify(members);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v]));
}

/** The stack config keys of capacity that a setup sets, or that must go for it. */
const CAPACITY_KEYS = ["writeCapacity", "autoscaling", "runSchedule", "warmThroughput"];

/** The most write units (on demand: writes a second) that a setup's config may reach. */
function peakOf(option: CapacityOption): number {
  return Math.max(
    ...["writeCapacity", "warmThroughput"].map((k) => Number(option.config[k] ?? 0)),
    Number(option.config.autoscaling?.maxWriteCapacity ?? 0),
  );
}

/** Stack config keys and their values, in order; `null` for a key to remove. */
export type ConfigEntries = readonly (readonly [string, unknown])[];

/** A setup's stack config, with the run's keys and the quotas it needs. */
export function adviceConfig(option: CapacityOption, plan: PlanInput): ConfigEntries {
  // A setup above AWS's default quotas serves the run only where the stack says they were raised.
  const peak = peakOf(option);
  const provisioned = option.config.billingMode === "PROVISIONED";
  const onDemand = option.config.billingMode === "PAY_PER_REQUEST";
  const gone = [
    ...CAPACITY_KEYS.filter((k) => !(k in option.config)),
    ...(onDemand ? ["readCapacity"] : []),
    // A schedule counts its runs, and a runsPerDay of another count would be refused.
    ...("runSchedule" in option.config ? ["runsPerDay"] : []),
  ];
  return [
    ...gone.map((k) => [k, null] as const),
    ...(peak > DEFAULT_TABLE_WRITE_QUOTA ? [["tableWriteQuota", plan.writeQuota] as const] : []),
    ...(provisioned && peak > DEFAULT_ACCOUNT_WRITE_QUOTA
      ? [["accountWriteQuota", plan.accountWriteQuota] as const]
      : []),
    ["expectedEventsPerRun", plan.expectedEventsPerRun],
    ["targetRunMinutes", plan.targetRunMinutes],
    // A schedule's start times count the runs; a setup without one needs runsPerDay for its costs.
    ...(!("runSchedule" in option.config) && plan.runsPerDay !== 1
      ? [["runsPerDay", plan.runsPerDay] as const]
      : []),
    ...Object.entries(option.config),
  ];
}

/** Config entries as `pulumi config set` and `pulumi config rm` lines; a dotted key is a path. */
export function linesOf(entries: ConfigEntries): string[] {
  const quote = (v: string) => (/^[\w.:-]+$/.test(v) ? v : `'${v}'`);
  const set = (path: string, value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap((v, i) => set(`${path}[${i}]`, v));
    if (value !== null && typeof value === "object") {
      return Object.entries(value).flatMap(([k, v]) => set(`${path}.${k}`, v));
    }
    return path.includes(".") || path.includes("[")
      ? [`pulumi config set --path '${path}' ${quote(String(value))}`]
      : [`pulumi config set ${path} ${quote(String(value))}`];
  };
  const rm = (key: string) =>
    key.includes(".") ? `pulumi config rm --path '${key}'` : `pulumi config rm ${key}`;
  return entries.flatMap(([key, value]) => (value === null ? [rm(key)] : set(key, value)));
}

/** A setup as `pulumi config set` and `pulumi config rm` lines, with the run's keys. */
export function configLines(option: CapacityOption, plan: PlanInput): string[] {
  return linesOf(adviceConfig(option, plan));
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

function table(plan: CapacityPlan): string[] {
  const usd = (x: number) => x.toFixed(2);
  const rows = plan.options.map((o) => [
    o.label,
    CLASS_WORDS[o.tableClass],
    usd(o.capacityUsd),
    usd(o.storageUsd),
    usd(o.pointInTimeRecoveryUsd),
    usd(o.monthlyUsd),
    o.throttledMinutes === 0 ? "no" : `${o.throttledMinutes} min`,
  ]);
  const head = ["setup", "class", "capacity", "storage", "recovery", "total", "throttled"];
  // Prices and sources: duplicate-storage/capacity/prices.ts; the guide explains the columns.
  const width = (i: number) => Math.max(head[i].length, ...rows.map((r) => r[i].length));
  const fmt = (r: string[]) =>
    "  " + r.map((cell, i) => (i < 2 ? cell.padEnd(width(i)) : cell.padStart(width(i)))).join("  ");
  return [fmt(head), ...rows.map(fmt)];
}

/** Prose wrapped at 100 columns, as the guides show it; indented lines stay as they are. */
export function wrap(line: string, width = 100): string[] {
  if (line.startsWith(" ") || line.length <= width) return [line];
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  return [...out, current];
}

/** The cheapest setup that serves the run, as lines to paste, and what it still needs. */
function cheapest(plan: CapacityPlan, input: PlanInput, intro: string): string[] {
  const best = recommend(plan.options)!;
  const paste = (o: CapacityOption) => configLines(o, input).map((l) => `  ${l}`);
  const named = (o: CapacityOption) => `${o.label}, ${CLASS_WORDS[o.tableClass]}`;
  if (best.needs === undefined) return [`${intro}: ${named(best)}. On your stack:`, ...paste(best)];
  const complete = recommend(plan.options.filter((o) => o.needs === undefined))!;
  return [
    `${intro}: ${named(best)}. It needs ${best.needs}: run this again with --schedule ` +
      "HH:MM,... (UTC) for its lines.",
    `The cheapest that needs nothing more: ${named(complete)}. On your stack:`,
    ...paste(complete),
  ];
}

/**
 * The advice: the cheapest setup that serves the run; or, for a run above the quota, why none
 * does, and the cheapest setup for runs long enough to fit within it.
 */
function advice(
  plan: CapacityPlan,
  input: PlanInput,
  config: Record<string, string>,
): { ok: boolean; lines: string[] } {
  if (plan.recommended !== undefined) {
    return { ok: true, lines: cheapest(plan, input, "Cheapest setup without throttling") };
  }
  // The same flags with runs long enough that the quota serves them: the rules and the plan of
  // that run, as for any other.
  const minutes = Math.ceil(input.expectedEventsPerRun / (input.writeQuota * 60));
  const longer = readStackConfig(
    { ...config, [`${PROJECT}:targetRunMinutes`]: String(minutes) },
    PROJECT,
    "capacity",
  ).plan!;
  return {
    ok: false,
    lines: [
      `No setup serves this run within the table-level write quota. ${plan.quotaAdvice}`,
      ...cheapest(
        planCapacity(longer),
        longer,
        `For runs of ${minutes} minutes, the cheapest setup without throttling`,
      ),
    ],
  };
}

/** The report as lines, and the exit code: 0, 1 when nothing serves the run, 2 for bad flags. */
export function report(argv: readonly string[]): { code: number; lines: string[] } {
  let config: Record<string, string>;
  try {
    const { values } = parse(SPEC, argv);
    const missing = ["events", "minutes"].filter((f) => values[f] === undefined);
    if (missing.length > 0) {
      throw new UsageError(
        `give ${missing.map((f) => `--${f}`).join(" and ")}: the run to plan for (--help)`,
      );
    }
    config = stackConfigOf(values);
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT.usage, lines: [`error: ${e.message}`] };
    throw e;
  }
  let resolved: ReturnType<typeof readStackConfig>;
  try {
    resolved = readStackConfig(config, PROJECT, "capacity");
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return {
      code: EXIT.usage,
      lines: [
        "error: invalid flags; each problem names the stack config key that its flag sets " +
          "(--help maps them):",
        ...e.problems.map((p) => `  - ${p}`),
      ],
    };
  }
  const input = resolved.plan!;
  const plan = planCapacity(input);
  const simulated = simulateRun(
    input.table,
    { events: input.expectedEventsPerRun, minutes: input.targetRunMinutes },
    input.writeQuota,
  );
  const served = plan.run;
  const { account } = writeQuotaNeeds(resolved.settings);
  const overAccount =
    account !== undefined && accountQuotaWarning(account, resolved.settings.accountWriteQuota);
  const { ok, lines: adviceLines } = advice(plan, input, config);
  const lines = [
    `A run of ${input.expectedEventsPerRun} events in ${input.targetRunMinutes} minutes needs ` +
      `${plan.requiredWriteCapacity} writes a second; ${input.runsPerDay} run(s) a day.`,
    "",
    `The table: ${describeTable(plan, resolved.settings)}.`,
    served.throttledMinutes === 0
      ? "  Serves every minute of the run."
      : `  Throttled in ${served.throttledMinutes} of ${input.targetRunMinutes} minutes ` +
        `(${served.throttledPercent}% of the writes${
          input.table.billingMode === "PAY_PER_REQUEST" ? ", first run on a new table" : ""
        }):\n  the shredder's job fails once the AWS SDK's retries are spent.`,
    ...(overAccount ? [overAccount] : []),
    "",
    ...chart(simulated.minutes),
    "",
    `The history: ${plan.storage.itemsAlive} items of ${plan.storage.billedItemBytes} bytes, ` +
      `${plan.storage.tableGib} GiB (${input.storage.retentionDays} days, and ` +
      `${TTL_DELETION_LAG_DAYS} of TTL lag: our assumption).`,
    "",
    `Setups, USD a month (estimates at ${PRICES.region} prices of ${PRICES.asOf}; recovery ` +
      `${input.storage.pointInTimeRecovery ? "on" : "off"}):`,
    ...table(plan),
    "",
    ...adviceLines,
  ];
  return {
    code: ok ? EXIT.ok : EXIT.checkFailed,
    lines: lines.flatMap((l) => l.split("\n")).flatMap((l) => wrap(l)),
  };
}

if (require.main === module) {
  run(SPEC, () => {
    const { code, lines } = report(process.argv.slice(2));
    (code === EXIT.usage ? console.error : console.log)(lines.join("\n"));
    return code;
  });
}
