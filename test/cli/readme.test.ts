/**
 * The commands of the README and the user guides in docs/, as written, run with the real Pulumi
 * CLI and the stand-in AWS provider (see pulumiCli.ts): the first run, every other
 * `pulumi config set` line, and the adoption of a table made by hand.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { planPath } from "../../commands/plan";
import { USER_DOCUMENTS, editStackFile, loadStackConfig } from "../harness";
import { PreviewStep, ROOT, Workspace, urnName } from "./pulumiCli";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
/** The README and the user guides, which give `pulumi config set` lines too. */
const USER_DOCS = USER_DOCUMENTS.map((f) => fs.readFileSync(path.join(ROOT, f), "utf8")).join("\n");

/** The text of the README section under `heading`, up to the next heading of its level. */
function section(heading: string): string {
  const level = heading.match(/^#+/)![0];
  const start = README.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has ${heading}`);
  const rest = README.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n${level} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The command lines of a text's `sh` code blocks, in order. */
function shLines(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split("\n"))
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** The inputs that a preview gives the resource of a name. */
function inputsOf(steps: PreviewStep[], name: string): Record<string, any> {
  const step = steps.find((s) => urnName(s.urn) === name);
  assert.ok(step?.newState, `${name} is in the preview`);
  return step.newState.inputs;
}

/** Runs one README line in the workspace, as a user's shell would. */
function runLine(ws: Workspace, line: string): void {
  const exported = /^export (\w+)='([^']*)'$/.exec(line);
  if (exported) {
    ws.setEnv(exported[1], exported[2]);
  } else if (line === "pulumi login --local") {
    // `--local` means the state folder in the home directory of the OS user (which the CLI
    // looks up in the user database, not $HOME): the one line run elsewhere, in the workspace.
    ws.ok("login", `file://${path.join(ws.dir, "state")}`);
  } else if (line.startsWith("pulumi ")) {
    ws.readmeLine(line);
  } else if (line === "npm run plan -- dev") {
    const r = spawnSync("npm", ["run", "plan", "--", "dev"], {
      cwd: ws.project,
      env: ws.environment,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\+ aws:dynamodb\/table:Table {2}snowplow-dedup-table/);
  } else if (line === "npm ci") {
    // The workspace shares this checkout's node_modules, which `npm ci` installed.
  } else if (line === "curl -fsSL https://get.pulumi.com | sh") {
    // The installer downloads a binary; the tier uses the CLI built from Go modules instead.
  } else {
    assert.fail(`the test does not know how to run this README line: ${line}`);
  }
}

describe("the README, run with the real Pulumi CLI", function () {
  this.timeout(300_000);

  it("gets a new user from nothing to a created dev stack with the first-run steps", () => {
    const ws = new Workspace(["Pulumi.dev.yaml", "commands", "plans"], {
      backend: "login",
    });
    try {
      const lines = shLines(section("## First run"));
      assert.deepEqual(
        lines.filter((l) => /^pulumi (preview|up)$/.test(l)),
        ["pulumi preview", "pulumi up"],
      );
      for (const line of lines) runLine(ws, line);

      const [version] = ws.ok("version").trim().replace(/^v/, "").split(".").map(Number);
      assert.ok(version >= 3);
      const state = ws.state("dev");
      const table = state.find((r) => r.type === "aws:dynamodb/table:Table");
      assert.equal(
        table?.outputs?.arn,
        "arn:aws:dynamodb:eu-west-1:123456789012:table/snowplow-deduplication-dev",
      );
      assert.equal(table?.inputs?.writeCapacity, 10);
      const attachment = state.find(
        (r) => urnName(r.urn) === "snowplow-dedup-role-EMR_EC2_DefaultRole",
      );
      assert.equal(attachment?.inputs?.role, "EMR_EC2_DefaultRole");
      const stateDir = path.join(ws.dir, "state", ".pulumi", "stacks", "snowplow-dedup");
      assert.ok(
        fs.readdirSync(stateDir).some((f) => f.startsWith("dev.json")),
        stateDir,
      );

      // The stack file as the first run leaves it, which the README says to commit: with the
      // encryptionsalt line, and as the CLI rewrites it. Committed, it keeps npm test green: it
      // gives the program the same config and so the same plan, and the tests edit it as YAML.
      const written = fs.readFileSync(path.join(ws.project, "Pulumi.dev.yaml"), "utf8");
      assert.match(written, /^encryptionsalt: /m);
      assert.deepEqual(loadStackConfig("dev", ws.project), loadStackConfig("dev", ROOT));
      const committed = fs.readFileSync(planPath("dev"), "utf8");
      const plan = spawnSync("npm", ["run", "-s", "plan", "--", "dev", "--json"], {
        cwd: ws.project,
        env: ws.environment,
        encoding: "utf8",
      });
      assert.equal(plan.status, 0, plan.stderr);
      assert.equal(plan.stdout.trim(), committed.trim());
      editStackFile(path.join(ws.project, "Pulumi.dev.yaml"), { tableName: "edited" });
      const edited = fs.readFileSync(path.join(ws.project, "Pulumi.dev.yaml"), "utf8");
      assert.match(edited, /^encryptionsalt: /m);
      assert.equal(loadStackConfig("dev", ws.project)["snowplow-dedup:tableName"], "edited");
    } finally {
      ws.dispose();
    }
  });

  it("sets what every other `pulumi config set` line says, and the program reads it", () => {
    const firstRun = section("## First run");
    const adopting = section("## Adopting a table made by hand");
    const lines = [
      ...new Set(
        // The commands of the documents' `sh` blocks: a `console` block shows a command's output.
        shLines(USER_DOCS)
          .filter((l) => l.startsWith("pulumi config set "))
          .filter((l) => !firstRun.includes(l) && !adopting.includes(l)),
      ),
    ];
    // What each line must do to the program's declarations; a new line needs a new entry here.
    type Seen = { steps: PreviewStep[]; outputs: Record<string, any> };
    const expected: Record<string, (seen: Seen) => void> = {
      "pulumi config set --path 'tags.team' data": ({ steps }) =>
        assert.deepEqual(inputsOf(steps, "snowplow-dedup-table").tags, { team: "data" }),
      "pulumi config set --path 'autoscaling.maxWriteCapacity' 6000": ({ steps }) =>
        assert.equal(inputsOf(steps, "snowplow-dedup-write-scaling").maxCapacity, 6000),
      "pulumi config set expectedEventsPerRun 10000000": ({ outputs }) =>
        // 10,000,000 events in 30 minutes need 10,000,000 / 1,800 s = 5,555.6 units, rounded up.
        assert.equal(outputs.requiredWriteCapacity, 5556),
      "pulumi config set targetRunMinutes 30": () => {},
      // 06:00 less the 10-minute lead is 05:50; its run ends 06:30, lowered at 06:40.
      "pulumi config set --path 'runSchedule.startTimesUtc[0]' 06:00": ({ steps }) => {
        assert.equal(
          inputsOf(steps, "snowplow-dedup-run-0600-raise").schedule,
          "cron(50 5 * * ? *)",
        );
        assert.equal(
          inputsOf(steps, "snowplow-dedup-run-0600-lower").schedule,
          "cron(40 6 * * ? *)",
        );
      },
      "pulumi config set --path 'runSchedule.startTimesUtc[1]' 18:00": ({ steps, outputs }) => {
        assert.equal(
          inputsOf(steps, "snowplow-dedup-run-1800-raise").schedule,
          "cron(50 17 * * ? *)",
        );
        // Two start times make two runs a day, and the raised table serves each run.
        assert.match(String(outputs.estimatedMonthlyCostUsd.basis), /2 run\(s\) a day/);
        assert.equal(outputs.capacityPlan.run.throttledMinutes, 0);
      },
    };
    assert.deepEqual([...lines].sort(), Object.keys(expected).sort());

    const ws = new Workspace();
    try {
      ws.ok("stack", "init", "readme");
      ws.ok("config", "set", "aws:region", "eu-west-1");
      for (const line of lines) ws.readmeLine(line);
      const steps = ws.preview("readme");
      ws.ok("up", "--stack", "readme");
      const outputs = JSON.parse(ws.ok("stack", "output", "--json", "--stack", "readme"));
      for (const line of lines) expected[line]({ steps, outputs });
    } finally {
      ws.dispose();
    }
  });

  it("adopts a table made from the setup guide with the adoption steps, keeping it", () => {
    const ws = new Workspace(["Pulumi.dev.yaml"]);
    try {
      // The guide's table, as the console makes it: 100 write and 100 read units, no TTL.
      const guideTable = {
        name: "snowplow-deduplication",
        hashKey: "eventId",
        rangeKey: "fingerprint",
        attributes: [
          { name: "eventId", type: "S" },
          { name: "fingerprint", type: "S" },
        ],
        billingMode: "PROVISIONED",
        writeCapacity: 100,
        readCapacity: 100,
        pointInTimeRecovery: { enabled: false },
        deletionProtectionEnabled: false,
      };
      ws.seedCloud("aws:dynamodb/table:Table", "snowplow-deduplication", {
        ...guideTable,
        arn: "arn:aws:dynamodb:eu-west-1:123456789012:table/snowplow-deduplication",
      });
      const [first, second] = [
        ...section("## Adopting a table made by hand").matchAll(/```sh\n([\s\S]*?)```/g),
      ].map((m) => shLines(m[0]));
      // Not in dev, which deletes its table on destroy: the program refuses it there.
      ws.ok("stack", "init", "dev");
      for (const line of first.filter((l) => !l.startsWith("pulumi stack select"))) {
        ws.readmeLine(`${line} --stack dev`);
      }
      const refused = ws.pulumi("preview", "--stack", "dev");
      assert.notEqual(refused.code, 0);
      assert.match(refused.stdout + refused.stderr, /importExistingTable adopts a table/);
      assert.deepEqual(Object.keys(ws.cloud()), [
        "aws:dynamodb/table:Table::snowplow-deduplication",
      ]);

      // In the README's own stack, which keeps its table.
      assert.equal(first[0], "pulumi stack select --create adopted");
      for (const line of first) runLine(ws, line);
      const steps = ws.preview("adopted");
      const tableStep = steps.find((s) => urnName(s.urn) === "snowplow-dedup-table");
      assert.equal(tableStep?.op, "import");
      assert.ok(!steps.some((s) => s.op === "replace" || s.op === "create-replacement"));
      ws.ok("up", "--stack", "adopted");

      for (const line of second) runLine(ws, line);
      const tables = Object.values(ws.cloud()).filter((e) => e.type === "aws:dynamodb/table:Table");
      assert.equal(tables.length, 1);
      assert.deepEqual(tables[0].state.ttl, { attributeName: "ttl", enabled: true });
      assert.equal(tables[0].state.readCapacity, 100);
    } finally {
      ws.dispose();
    }
  });
});
