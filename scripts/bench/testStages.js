// `npm run bench:test`: runs each stage of `npm test` once, in order, and prints its wall time.
// A figure of this machine and moment, not a test: it passes whatever the times.
const { spawnSync } = require("node:child_process");

const stages = ["typecheck", "lint", "test:unit", "test:cli"];
const rows = [];
for (const stage of stages) {
  const started = process.hrtime.bigint();
  const run = spawnSync("npm", ["run", "--silent", stage], { stdio: "ignore" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rows.push([stage, seconds.toFixed(1), run.status === 0 ? "passed" : `exit ${run.status}`]);
}
const total = rows.reduce((sum, [, s]) => sum + Number(s), 0);
console.log("stage        wall (s)   result");
for (const [stage, seconds, result] of rows) {
  console.log(`${stage.padEnd(12)} ${seconds.padStart(8)}   ${result}`);
}
console.log(`${"total".padEnd(12)} ${total.toFixed(1).padStart(8)}`);
