/**
 * `npm run capacity`'s advice, pasted into a stack as a user would, through the real Pulumi CLI
 * and the stand-in AWS provider (see pulumiCli.ts): the CLI takes every line, and the program
 * takes the config they set and plans a table that serves the run.
 */
import assert from "node:assert/strict";
import { report } from "../../commands/capacity";
import { Workspace } from "./pulumiCli";

/** The advice's lines to paste. */
function pasted(argv: string): { code: number; lines: string[] } {
  const { code, lines } = report(argv.split(" "));
  return {
    code,
    lines: lines.filter((l) => /^ {2}pulumi config (set|rm) /.test(l)).map((l) => l.trim()),
  };
}

describe("npm run capacity's advice, pasted into a stack", function () {
  this.timeout(300_000);
  let ws: Workspace;
  before(() => (ws = new Workspace()));
  after(() => ws.dispose());

  const cases: [string, string, number][] = [
    // Above the quota: the advice is for runs long enough to fit within it, and says so.
    ["a run of 100 million events in 10 minutes", "--events 100000000 --minutes 10", 1],
    // 138,889 writes a second, within a raised table-level quota of 150,000: on demand, warm.
    [
      "a run of 250 million events in 30 minutes with a raised quota",
      "--events 250000000 --minutes 30 --quota 150000",
      0,
    ],
    [
      "the production example with its schedule",
      "--events 10000000 --minutes 30 --write-capacity 500 --max-write-capacity 6000 --schedule 00:00,06:00,12:00,18:00",
      0,
    ],
  ];
  cases.forEach(([what, argv, exit], i) => {
    it(`is taken by the CLI and the program for ${what}, which then serves the run`, () => {
      const stack = `sized${i}`;
      ws.ok("stack", "init", stack);
      ws.ok("config", "set", "aws:region", "eu-west-1", "--stack", stack);
      // A stack that had a provisioned table before: the advice removes what does not fit.
      ws.ok("config", "set", "writeCapacity", "50", "--stack", stack);
      const { code, lines } = pasted(argv);
      assert.equal(code, exit);
      assert.ok(lines.length > 3, lines.join("\n"));
      for (const line of lines) ws.readmeLine(line);
      const { steps, warnings } = ws.previewWarnings(stack);
      assert.deepEqual(warnings, []);
      const table = steps.find((s) => s.newState?.type === "aws:dynamodb/table:Table");
      assert.equal(table?.op, "create");
    });
  });
});

describe("a stack sized for 250 million events in 30 minutes, with and without the quota key", function () {
  this.timeout(300_000);
  let ws: Workspace;
  before(() => {
    ws = new Workspace();
    ws.ok("stack", "init", "large");
    ws.ok("config", "set", "aws:region", "eu-west-1", "--stack", "large");
    for (const line of pasted("--events 250000000 --minutes 30 --quota 150000").lines) {
      ws.readmeLine(line);
    }
  });
  after(() => ws.dispose());

  it("is refused without tableWriteQuota, by a message that names it, and nothing is created", () => {
    ws.ok("config", "rm", "tableWriteQuota", "--stack", "large");
    const r = ws.pulumi("up", "--yes", "--stack", "large");
    assert.notEqual(r.code, 0);
    assert.match(
      r.stdout + r.stderr,
      /warmThroughput must be a whole number from 4000 to 40000 \(tableWriteQuota\), got '138889'/,
    );
    assert.deepEqual(Object.keys(ws.cloud()), []);
  });
});
