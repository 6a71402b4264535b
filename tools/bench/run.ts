/**
 * `npm run bench`: how long one evaluation of the program takes, and how much memory, as the
 * Pulumi runtime would load it at each `pulumi preview` and `pulumi up`. Prints figures; it is
 * not a test.
 *
 * Usage: npm run bench [-- <runs>]   (default 5 runs of each row, interleaved)
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { loadStackConfig } from "../../stack/files";

const ROOT = path.resolve(__dirname, "..", "..");
const runs = Number(process.argv[2] ?? 5);

const rows = [
  { label: "project configuration", program: "index.ts", mode: "project" },
  { label: "type-checked", program: "index.ts", mode: "checked" },
  {
    label: "bare baseline (transpile-only)",
    program: "tools/bench/baseline.ts",
    mode: "transpile-only",
  },
] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const env: NodeJS.ProcessEnv = {
  ...process.env,
  BENCH_CONFIG: JSON.stringify(loadStackConfig("dev", ROOT)),
};
delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
delete env.TS_NODE_TRANSPILE_ONLY;

const samples = rows.map(() => ({ wall: [] as number[], rss: [] as number[] }));
for (let i = 0; i < runs; i++) {
  rows.forEach((row, r) => {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ["tools/bench/evaluate.js", row.program, row.mode], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) {
      throw new Error(`${row.label} failed:\n${child.stderr}`);
    }
    samples[r].wall.push(wallMs);
    samples[r].rss.push(JSON.parse(child.stdout.trim().split("\n").pop()!).maxRssKiB / 1024);
  });
}

const base = { wall: median(samples[2].wall), rss: median(samples[2].rss) };
console.log(
  `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}; median of ${runs} fresh processes each\n`,
);
console.log(
  "mode                              wall (s)   peak RSS (MiB)   wall / baseline   RSS / baseline",
);
rows.forEach((row, r) => {
  const wall = median(samples[r].wall);
  const rss = median(samples[r].rss);
  console.log(
    `${row.label.padEnd(32)}  ${(wall / 1000).toFixed(2).padStart(8)}   ${rss.toFixed(0).padStart(14)}   ` +
      `${(wall / base.wall).toFixed(2).padStart(15)}   ${(rss / base.rss).toFixed(2).padStart(14)}`,
  );
});
