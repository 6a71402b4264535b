/**
 * The plan command and the program in runs of their own, each of which starts the program through
 * the SDK's entry point and costs seconds of CPU: bad config from the command line, several stacks
 * in one command, and a changed copy of the project. `npm run test:slow` runs them, and CI with it;
 * the committed plans are checked in `npm test` (program.test.ts).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SPEC as PLAN_SPEC, main as planMain, planJson, planOf, planPath } from "../commands/plan";
import { Run, runProgram } from "../commands/plan/recordingEngine";
import {
  ACCOUNT,
  command,
  COMPONENT_OUTPUTS,
  DELIBERATE_TYPE_ERROR,
  editStackFile,
  inProcess,
  loadStackConfig,
  ROOT,
} from "./harness";

/**
 * A copy of the project in a temporary folder: its stack files, and with `program` also the
 * program with the installed packages, so that it runs from there.
 */
function scratchProject(edit: (dir: string) => void, program = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
  const files = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"];
  if (program)
    files.push("index.ts", "stack", "package.json", "tsconfig.json", "tsconfig.swc.json");
  for (const f of files) fs.cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
  if (program) fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  edit(dir);
  return dir;
}

describe("the plan command, on a copy of the project's stack files", () => {
  it("stops on bad config with the program's own messages, from the command line", () => {
    // index.ts through the SDK's own entry point, as `npm run plan` runs it: every bad key named,
    // the region read by the program itself, no stack trace, and no plan. (That nothing gets
    // created is shown with the real CLI in test/cli/stacks.test.ts.)
    const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const dir = scratchProject((d) =>
      editStackFile(path.join(d, "Pulumi.dev.yaml"), {
        "aws:region": undefined,
        writeCapcity: 100,
        kmsKeyArn: KEY,
      }),
    );
    try {
      const result = command("plan", ["dev", "--dir", dir]);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /^error: dev: Invalid stack config .* \(nothing was created\)/);
      assert.match(
        result.stderr,
        /unknown config key 'writeCapcity'.*did you mean 'writeCapacity'/,
      );
      assert.match(result.stderr, /kmsKeyArn needs aws:region, .* set aws:region to 'us-east-1'/);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, "no stack trace");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("plans every stack it is given, and prints the program's warnings as pulumi preview would", async () => {
    // dev sized for 10 million events in 30 minutes on its 10 write units; prod as committed.
    const dir = scratchProject((d) =>
      editStackFile(path.join(d, "Pulumi.dev.yaml"), {
        expectedEventsPerRun: 10_000_000,
        targetRunMinutes: 30,
      }),
    );
    try {
      // In this process: the command's process is run by the test above.
      const result = await inProcess(
        PLAN_SPEC,
        ({ values, positionals }) => planMain(values, positionals),
        ["dev", "prod", "--dir", dir],
      );
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^\+ pulumi:pulumi:Stack {2}snowplow-dedup-dev$/m);
      assert.match(result.stdout, /^\+ pulumi:pulumi:Stack {2}snowplow-dedup-prod$/m);
      const warnings = result.stderr.split("\n").filter((l) => l.startsWith("warning"));
      assert.equal(warnings.length, 1, result.stderr);
      assert.match(
        warnings[0],
        /^warning \(dev\): Writes would be throttled in 30 of the 30 minutes of each run/,
      );
      assert.match(result.stderr, /^Planned dev: \d+ resources, 1 warning\.$/m);
      assert.match(result.stderr, /^Planned prod: \d+ resources, 0 warnings\.$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a changed copy of the project, through the program's own entry point", () => {
  // One run serves every test here, since each program run costs seconds: a copy whose index.ts
  // has a type error, and whose dev stack file asks for a user, every kind of attachment and the
  // capacity planning keys.
  const COMPONENT = "snowplowdedup:index:DuplicateStorage";
  let dir: string;
  let run: Promise<Run>;
  before(() => {
    dir = scratchProject((d) => {
      const index = path.join(d, "index.ts");
      fs.writeFileSync(index, DELIBERATE_TYPE_ERROR + fs.readFileSync(index, "utf8"));
      editStackFile(path.join(d, "Pulumi.dev.yaml"), {
        writeCapacity: 321,
        tableName: "dedup",
        createShredderUser: true,
        expectedEventsPerRun: 3600,
        targetRunMinutes: 60,
        attachToUsers: ["alice"],
        attachToGroups: ["data"],
      });
    }, true);
    run = runProgram(loadStackConfig("dev", dir), "dev", { dir });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs although index.ts has a type error: the Pulumi runtime reads the noCheck of Pulumi.yaml's tsconfig", async () => {
    const r = await run;
    assert.equal(r.exitCode, 0, r.error || r.stderr);
    assert.equal(r.ofType("aws:dynamodb/table:Table").length, 1);
  });

  it("gives a plan other than the committed one, with the secret outputs hidden", async () => {
    const json = planJson(planOf("dev", await run));
    assert.notEqual(json, fs.readFileSync(planPath("dev"), "utf8"));
    assert.match(json, /"writeCapacity": 321/);
    const plan = JSON.parse(json) as { outputs: Record<string, unknown> };
    assert.equal(plan.outputs.duplicateStorageConfig, "[secret]");
    assert.equal(plan.outputs.duplicateStorageConfigBase64, "[secret]");
    assert.ok(!json.includes("EXAMPLEKEY"));
  });

  it("registers the component's outputs key by key, with the values a user hands the shredder", async () => {
    const outputs = (await run).one(COMPONENT).outputs!;
    assert.deepEqual(Object.keys(outputs).sort(), COMPONENT_OUTPUTS);
    assert.equal(outputs.tableName, "dedup");
    assert.equal(outputs.tableArn, `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/dedup`);
    assert.equal(outputs.policyName, "dedup-shredder");
    assert.equal(outputs.policyArn, `arn:aws:iam::${ACCOUNT}:policy/dedup-shredder`);
    // 3,600 events in 60 minutes: 3,600 / 3,600 s = 1 write unit, which 321 units serve.
    assert.equal(outputs.requiredWriteCapacity, 1);
    assert.equal(outputs.capacityPlan.run.throttledMinutes, 0);
    assert.match(outputs.shredderUserName, /^snowplow-dedup-shredder-user-/);
    const config = outputs.duplicateStorageConfig.secret;
    assert.equal(config.data.dynamodbTable, "dedup");
    assert.deepEqual(
      JSON.parse(
        Buffer.from(outputs.duplicateStorageConfigBase64.secret, "base64").toString("utf8"),
      ),
      config,
    );
  });

  it("registers the user's key only as secrets", async () => {
    const outputs = (await run).one(COMPONENT).outputs!;
    assert.deepEqual(Object.keys(outputs.duplicateStorageConfig), ["secret"]);
    assert.deepEqual(Object.keys(outputs.duplicateStorageConfigBase64), ["secret"]);
    assert.match(outputs.duplicateStorageConfig.secret.data.auth.accessKeyId, /^AKIA/);
  });

  it("parents every child to one component, named <name>-<role>", async () => {
    const r = await run;
    const component = r.one(COMPONENT);
    const stack = r.one("pulumi:pulumi:Stack");
    assert.equal(component.parent, stack.urn);
    const children = r.resources.filter((res) => res !== component && res !== stack);
    // The table, the policy, 3 attachments, and the user with its attachment and key.
    assert.equal(children.length, 8);
    for (const child of children) {
      assert.equal(child.parent, component.urn, child.name);
      assert.ok(child.name.startsWith(`${component.name}-`), child.name);
    }
  });
});
