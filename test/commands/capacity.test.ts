import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SPEC, report } from "../../commands/capacity";
import { ROOT, command } from "../harness";

const GUIDE = fs.readFileSync(path.join(ROOT, "docs", "production.md"), "utf8");

/** The advice's lines to paste. */
function pasted(lines: readonly string[]): string[] {
  return lines.filter((l) => /^ {2}pulumi config (set|rm) /.test(l)).map((l) => l.trim());
}

describe("npm run capacity", () => {
  it("prints what the production guide shows for the production example", () => {
    const block = /```console\n\$ npm run -s capacity -- (.*) \\\n {4}(.*)\n([\s\S]*?)\n```/.exec(
      GUIDE,
    );
    assert.ok(block, "docs/production.md shows a capacity run");
    const argv = `${block[1]} ${block[2]}`.split(/\s+/);
    const { code, lines } = report(argv);
    assert.equal(code, 0);
    assert.equal(lines.join("\n"), block[3]);
  });

  it("documents every flag in the production guide, with the key it sets", () => {
    for (const [flag, { description }] of Object.entries(SPEC.flags)) {
      const key = /\[([^\]\s]+)/.exec(description)![1];
      assert.match(GUIDE, new RegExp(`^\\| \`--${flag}[^|]*\\| \`${key}`, "m"), flag);
    }
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

  it("shows a scheduled table that serves the run, and its lines with the start times", () => {
    const { code, lines } = report(
      "--events 10000000 --minutes 30 --write-capacity 500 --max-write-capacity 6000 --schedule 00:00,06:00,12:00,18:00".split(
        " ",
      ),
    );
    assert.equal(code, 0);
    assert.ok(lines.includes("  Serves every minute of the run."));
    assert.ok(lines.every((l) => !/\|.*x/.test(l)));
    // Four runs a day, with storage and no recovery: scheduled costs USD 1,017.20 a month on
    // Standard and 977.05 on Standard-IA, as worked out in capacityPlanning.test.ts.
    // A stack's own runsPerDay goes: the schedule counts the runs.
    assert.deepEqual(pasted(lines), [
      "pulumi config rm warmThroughput",
      "pulumi config rm runsPerDay",
      "pulumi config set expectedEventsPerRun 10000000",
      "pulumi config set targetRunMinutes 30",
      "pulumi config set billingMode PROVISIONED",
      "pulumi config set writeCapacity 500",
      "pulumi config set --path 'autoscaling.maxWriteCapacity' 5556",
      "pulumi config set --path 'runSchedule.startTimesUtc[0]' 00:00",
      "pulumi config set --path 'runSchedule.startTimesUtc[1]' 06:00",
      "pulumi config set --path 'runSchedule.startTimesUtc[2]' 12:00",
      "pulumi config set --path 'runSchedule.startTimesUtc[3]' 18:00",
      "pulumi config set --path 'runSchedule.leadMinutes' 10",
      "pulumi config set tableClass STANDARD_INFREQUENT_ACCESS",
    ]);
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

  it("says when no setup within the quota serves the run, and exits 1", () => {
    // 100,000,000 events in 10 minutes: 166,667 writes a second. At the 40,000 quota a run needs
    // 100,000,000 / (40,000 × 60) = 41.7, so 42 minutes; the advice is for such runs, at
    // 100,000,000 / 2,520 s = 39,682.5, so 39,683 writes a second.
    const { code, lines } = report("--events 100000000 --minutes 10".split(" "));
    assert.equal(code, 1);
    const text = lines.join(" ");
    assert.match(text, /No setup serves this run within the table-level write quota\./);
    assert.match(text, /ask AWS to raise the quota .* pulumi config set tableWriteQuota/);
    assert.match(text, /Give each run at least 42 minutes/);
    assert.ok(pasted(lines).includes("pulumi config set targetRunMinutes 42"));
    assert.ok(pasted(lines).includes("pulumi config set warmThroughput 39683"));
    assert.ok(!text.includes("166667 ("), "no setup at the run's own rate");
  });

  it("keeps the runs a day of a schedule on a setup without one, for its costs", () => {
    // On demand, for 4 runs at the schedule's times: the costs count 4 runs a day, as the stack
    // must say once the schedule's start times are gone.
    const { lines } = report(
      "--events 1000000 --minutes 10 --max-write-capacity 2000 --schedule 00:00,06:00,12:00,18:00".split(
        " ",
      ),
    );
    const paste = pasted(lines);
    assert.ok(paste.includes("pulumi config set billingMode PAY_PER_REQUEST"), paste.join("\n"));
    assert.ok(paste.includes("pulumi config set runsPerDay 4"), paste.join("\n"));
  });

  describe("with a raised table-level write quota", () => {
    // 250,000,000 events in 30 minutes: 250,000,000 / 1,800 s = 138,888.9, so 138,889 writes a
    // second, within a quota of 150,000 but above the account-level default of 80,000.
    const args = "--events 250000000 --minutes 30 --quota 150000";

    it("serves the run, on demand, with the quota key among the lines to paste", () => {
      const { code, lines } = report(args.split(" "));
      assert.equal(code, 0, lines.join("\n"));
      const paste = pasted(lines);
      assert.ok(paste.includes("pulumi config set tableWriteQuota 150000"), paste.join("\n"));
      assert.ok(paste.includes("pulumi config set billingMode PAY_PER_REQUEST"));
      assert.ok(paste.includes("pulumi config set warmThroughput 138889"));
      assert.ok(!paste.some((l) => l.includes("accountWriteQuota")));
    });

    it("keeps provisioned setups within the account-level quota, which on demand is not", () => {
      // Provisioned at most 80,000 of the 138,889 needed: throttled, so not recommended.
      const { lines } = report(args.split(" "));
      const row = lines.find((l) => l.includes("provisioned at 80000 always"))!;
      assert.match(row, /\d+ min$/, row);
    });

    it("names the account-level quota key where the stack raises it", () => {
      const { lines } = report(
        `${args} --account-quota 200000 --schedule 02:00 --max-write-capacity 138889`.split(" "),
      );
      const paste = pasted(lines);
      assert.ok(paste.includes("pulumi config set accountWriteQuota 200000"), paste.join("\n"));
      assert.ok(paste.includes("pulumi config set --path 'autoscaling.maxWriteCapacity' 138889"));
    });

    it("warns of a configured table above the account-level quota", () => {
      const { lines } = report(`${args} --schedule 02:00 --max-write-capacity 138889`.split(" "));
      assert.match(
        lines.join(" "),
        /This table alone may provision 138889 write units, more than the account-level write quota of 80000 \(accountWriteQuota\)/,
      );
    });

    it("is refused without the quota key, naming it", () => {
      const { code, lines } = report(
        "--events 250000000 --minutes 30 --warm-throughput 138889 --on-demand".split(" "),
      );
      assert.equal(code, 2);
      assert.match(
        lines.join(" "),
        /warmThroughput must be a whole number from 4000 to 40000 \(tableWriteQuota\), got '138889'/,
      );
      const raised = report(
        `--events 250000000 --minutes 30 --warm-throughput 138889 --on-demand --quota 150000`.split(
          " ",
        ),
      );
      assert.equal(raised.code, 0, raised.lines.join("\n"));
    });
  });

  describe("refuses what stack config refuses, with the same message", () => {
    const cases: [string, string, RegExp][] = [
      [
        "a warm throughput below 4000",
        "--warm-throughput 3000 --on-demand",
        /warmThroughput must be a whole number from 4000 to 40000 \(tableWriteQuota\), got '3000'/,
      ],
      [
        "a target utilization without a ceiling",
        "--target-utilization 50",
        /autoscaling\.maxWriteCapacity is missing from '\{"targetUtilization":50\}'/,
      ],
      [
        "a lead time without a schedule",
        "--lead-minutes 15",
        /runSchedule\.startTimesUtc is missing from '\{"leadMinutes":15\}'/,
      ],
      [
        "a write capacity on demand",
        "--on-demand --write-capacity 100",
        /writeCapacity is only allowed with billingMode PROVISIONED/,
      ],
    ];
    for (const [what, flags, message] of cases) {
      it(`refuses ${what}, exiting 2`, () => {
        const { code, lines } = report([
          "--events",
          "1000000",
          "--minutes",
          "30",
          ...flags.split(" "),
        ]);
        assert.equal(code, 2, lines.join("\n"));
        assert.match(lines[0], /^error: invalid flags; each problem names the stack config key/);
        assert.ok(
          lines.some((l) => message.test(l)),
          lines.join("\n"),
        );
      });
    }

    it("needs --events and --minutes", () => {
      assert.deepEqual(report(["--minutes", "30"]), {
        code: 2,
        lines: ["error: give --events: the run to plan for (--help)"],
      });
    });

    it("suggests the flag that was meant, from the command line, with no stack trace", () => {
      const r = command("capacity", ["--events", "1", "--minutes", "1", "--write-capcity", "5"]);
      assert.equal(r.status, 2);
      assert.equal(
        r.stderr,
        "error: unknown flag '--write-capcity': did you mean '--write-capacity'? (--help lists the flags)\n",
      );
    });
  });

  it("gives the production guide's costs as the production example's plan has them", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(ROOT, "plans", "prod.json"), "utf8")).outputs
      .capacityPlan;
    const section = GUIDE.split("## What the table costs")[1]
      .split("\n## ")[0]
      .replace(/\s+/g, " ");
    const usd = (x: number) =>
      `USD ${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const e = plan.estimatedMonthlyCostUsd;
    const option = (name: string, tableClass: string) =>
      plan.options.find((o: { name: string; tableClass: string }) => {
        return o.name === name && o.tableClass === tableClass;
      });
    const ia = option("scheduled", "STANDARD_INFREQUENT_ACCESS");
    const standard = option("scheduled", "STANDARD");
    for (const figure of [
      `${plan.storage.itemsAlive.toLocaleString("en-US")} items`,
      `${plan.storage.tableGib.toLocaleString("en-US")} GiB`,
      `${usd(e.storage)} a month on Standard`,
      `${usd(ia.storageUsd)} on Standard-IA`,
      `${usd(e.pointInTimeRecovery)} of recovery`,
      `${usd(e.total)} a month: ${e.provisionedAtConfiguredCapacity} of capacity, ` +
        `${e.storage} of storage and ${e.pointInTimeRecovery} of recovery`,
      `${usd(ia.monthlyUsd)}; on Standard, ${usd(standard.monthlyUsd)}`,
    ]) {
      assert.ok(section.includes(figure), figure);
    }
    assert.equal(plan.recommended, "scheduled-standard-ia");
    assert.equal(plan.recommendedTableClass, "STANDARD_INFREQUENT_ACCESS");
  });
});
