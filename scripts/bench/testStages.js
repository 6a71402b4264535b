// `npm run bench:test`: runs each stage of `npm test` and `npm run test:tiers` once, in order, and prints its wall time.
// A figure of this machine and moment, not a test: it passes whatever the times.
const { spawnSync } = require("node:child_process");

// The first three are the fast loop that issue #11 bounds at 30 s; the two tiers that need
// outside tools (moto from PyPI, the CLI built with Go) are timed and reported apart.
const stages = ["typecheck", "lint", "test:unit", "test:verify", "test:cli"];
const FAST = 3;
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
    console.log(
      `${"checks".padEnd(12)} ${sum(rows.slice(0, FAST)).toFixed(1).padStart(8)}   (typecheck, lint, unit)`,
    );
  }
});
console.log(`${"total".padEnd(12)} ${sum(rows).toFixed(1).padStart(8)}`);
