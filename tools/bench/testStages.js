// `npm run bench:test [-- --fast] [--cold]`: runs each stage of `npm test` and `npm run test:tiers`
// once, in order, and prints its wall time. `--fast` runs `npm test`'s stages only. `--cold` first
// empties the caches in node_modules/.cache (tsc, eslint, prettier, Node's compile cache), as after
// `npm ci`.
// A figure of this machine and moment, not a test: it passes whatever the times.
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

if (process.argv.includes("--cold")) {
  fs.rmSync(path.join(__dirname, "..", "..", "node_modules", ".cache"), {
    recursive: true,
    force: true,
  });
}

// The first two are `npm test`, the fast loop that issue #27 bounds at 20 s: `test:static` runs
// the type check and lint side by side. The rest are `npm run test:tiers`: the tests that run
// whole programs for seconds each (`*.slow.test.ts`), the unit tests again under c8 for the
// coverage thresholds, and the tiers that need outside tools (moto and parliament from PyPI, the
// CLI built with Go), timed and reported apart.
const FAST = 2;
const stages = [
  "test:static",
  "test:unit",
  "test:slow",
  "test:coverage",
  "test:verify",
  "test:lint-policies",
  "test:cli",
].slice(0, process.argv.includes("--fast") ? FAST : undefined);
const rows = [];
for (const stage of stages) {
  const started = process.hrtime.bigint();
  const run = spawnSync("npm", ["run", "--silent", stage], { stdio: "ignore" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rows.push([stage, seconds.toFixed(1), run.status === 0 ? "passed" : `exit ${run.status}`]);
}
const sum = (list) => list.reduce((total, [, s]) => total + Number(s), 0);
console.log("stage        wall (s)   result");
rows.forEach(([stage, seconds, result], i) => {
  console.log(`${stage.padEnd(12)} ${seconds.padStart(8)}   ${result}`);
  if (i === FAST - 1) {
    console.log(`${"npm test".padEnd(12)} ${sum(rows.slice(0, FAST)).toFixed(1).padStart(8)}`);
  }
});
console.log(`${"total".padEnd(12)} ${sum(rows).toFixed(1).padStart(8)}`);
