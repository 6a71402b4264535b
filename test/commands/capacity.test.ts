import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { report } from "../../commands/capacity";
import { ROOT } from "../harness";

const GUIDE = fs.readFileSync(path.join(ROOT, "docs", "production.md"), "utf8");

describe("npm run capacity", () => {
  it("prints what the production guide shows for the production example", () => {
    const block = /```console\n\$ npm run -s capacity -- (.*) \\\n {4}(.*)\n([\s\S]*?)\n```/.exec(
      GUIDE,
    );
    assert.ok(block, "docs/production.md shows a capacity run");
    const argv = `${block[1]} ${block[2]}`.split(/\s+/);
    const { ok, lines } = report(argv);
    assert.ok(ok);
    assert.equal(lines.join("\n"), block[3]);
  });

  it("charts the throttled minutes of the old production example", () => {
    const { lines } = report(
      "--events 10000000 --minutes 30 --write-capacity 500 --max-write-capacity 6000".split(" "),
    );
    // Minutes 0 to 13 are throttled (throughputModel.test.ts): 14 columns with an x at the top.
    const top = lines.find((l) => l.startsWith("  5556 |"))!;
    assert.equal(top, `  5556 |${"x".repeat(14)}${"#".repeat(16)}`);
    assert.ok(lines.includes("  Throttled in 14 of 30 minutes (29.5% of the writes):"));
  });

  it("shows a table that serves the run as served throughout", () => {
    const { lines } = report(
      "--events 10000000 --minutes 30 --write-capacity 500 --max-write-capacity 6000 --schedule 00:00,06:00".split(
        " ",
      ),
    );
    assert.ok(lines.includes("  Serves every minute of the run."));
    assert.ok(lines.every((l) => !/\|.*x/.test(l)));
  });

  it("describes an on-demand table by what it serves at once: its warm throughput", () => {
    // 10 million events in 30 minutes on demand: warm throughput defaults to the 5,556 needed.
    const { lines } = report("--events 10000000 --minutes 30 --on-demand".split(" "));
    assert.ok(
      lines.includes("The table: on-demand, a new table serving 5556 writes a second at once."),
      lines.join("\n"),
    );
    const bare = report("--events 1000 --minutes 1".split(" ")).lines;
    assert.ok(bare.includes("        0  minute of the run"), bare.join("\n"));
  });

  it("refuses bad flags with the config key's message, and needs --events and --minutes", () => {
    const bad = report(["--events", "10000000", "--minutes", "30", "--warm-throughput", "3000"]);
    assert.equal(bad.ok, false);
    assert.ok(
      bad.lines.some((l) =>
        l.includes("warmThroughput must be a whole number from 4000 to 40000, got '3000'"),
      ),
    );
    assert.deepEqual(report(["--minutes", "30"]), { ok: false, lines: ["Give --events."] });
    assert.equal(report(["--events", "1", "--minutes", "1", "--bogus", "1"]).ok, false);
  });
});
