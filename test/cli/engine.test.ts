/**
 * What Pulumi's real engine does with the program's resources and options, through the real CLI
 * and the stand-in AWS provider (see pulumiCli.ts). These prove the engine's handling of the
 * program's declarations, never AWS's behaviour.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../harness";
import { StateResource, Workspace, urnName } from "./pulumiCli";

const TABLE = "aws:dynamodb/table:Table";
const TABLE_NAME = "snowplow-deduplication";

function byName(state: StateResource[], name: string): StateResource {
  const found = state.find((r) => urnName(r.urn) === name);
  assert.ok(found, `${name} is in state`);
  return found;
}

describe("the real engine, with the stand-in AWS provider", function () {
  this.timeout(300_000);

  describe("on existing stacks of the previous release, upgraded to this one", () => {
    // The last release before the library became a package of its own: the program in
    // index.ts and components/, with the component taking resolved settings.
    const PREVIOUS = "a81005617cb0394f49d00ae0b7305b4ac6553007";
    const RELEASE_FILES = [
      "Pulumi.yaml",
      "index.ts",
      "components",
      "package.json",
      "tsconfig.json",
    ];
    // A user's stack files stay as they were: the stacks keep that release's Pulumi.dev.yaml and
    // Pulumi.prod.yaml, and only the program moves.
    const STACK_FILES = ["Pulumi.dev.yaml", "Pulumi.prod.yaml"];
    let ws: Workspace;
    const steps = new Map<string, { op: string; urn: string }[]>();
    const before010 = new Map<string, StateResource[]>();
    let cloudBefore: string[];
    before(() => {
      ws = new Workspace();
      ws.useRelease(PREVIOUS, [...RELEASE_FILES, ...STACK_FILES]);
      for (const stack of ["dev", "prod"]) {
        ws.ok("stack", "init", stack);
        ws.ok("up", "--yes", "--stack", stack);
        before010.set(stack, ws.state(stack));
      }
      cloudBefore = Object.keys(ws.cloud());
      ws.useCurrent();
      for (const stack of ["dev", "prod"]) steps.set(stack, ws.preview(stack));
    });
    after(() => ws.dispose());

    // What this release adds to a stack: prod has alarms, so it gets the "no writes" alarm.
    const added: Record<string, string[]> = { dev: [], prod: ["snowplow-dedup-no-writes"] };
    for (const stack of ["dev", "prod"]) {
      it(`plans no update, delete or replace for ${stack}, and creates only what is new`, () => {
        const all = steps.get(stack)!;
        assert.equal(all.find((s) => urnName(s.urn) === "snowplow-dedup-table")?.op, "same");
        assert.equal(
          all.find((s) => urnName(s.urn) === "snowplow-dedup-role-EMR_EC2_DefaultRole")?.op,
          "same",
        );
        assert.deepEqual(
          all.filter((s) => s.op !== "same").map((s) => `${s.op} ${urnName(s.urn)}`),
          added[stack].map((name) => `create ${name}`),
        );
      });
    }

    // The component's type changed (snowplow:dedup:DuplicateStorage is now
    // snowplowdedup:index:DuplicateStorage), and with it every child's URN; the alias carries
    // each resource of 0.1.0 over to its new URN, as `pulumi up` shows.
    it("applies the upgrade with pulumi up: every resource keeps its id under its new URN", () => {
      for (const stack of ["dev", "prod"]) {
        const summary = ws.ok("up", "--yes", "--stack", stack).split("Resources:").pop()!;
        assert.doesNotMatch(summary, /replaced|deleted|updated/, summary);
        assert.match(summary, stack === "prod" ? /\+ 1 created/ : /^\s+\d+ unchanged/, summary);
        const after = ws.state(stack);
        const old = before010.get(stack)!.filter((r) => r.type.startsWith("aws:"));
        assert.ok(old.length >= 3, stack);
        for (const r of old) {
          const now = after.find((n) => n.type === r.type && urnName(n.urn) === urnName(r.urn));
          assert.ok(now, `${r.urn} is still in ${stack}'s state`);
          assert.equal(now.id, r.id, r.urn);
          assert.match(r.urn, /::snowplow:dedup:DuplicateStorage\$/);
          assert.match(now.urn, /::snowplowdedup:index:DuplicateStorage\$/);
        }
      }
      // Nothing was deleted from the (stand-in) cloud; only prod's new alarm was added.
      const cloudAfter = Object.keys(ws.cloud());
      assert.deepEqual(
        cloudBefore.filter((k) => !cloudAfter.includes(k)),
        [],
      );
      assert.equal(cloudAfter.length, cloudBefore.length + 1);
    });

    // This release's examples encrypt with the AWS managed key (README, "Policy as code"). A user
    // who follows them gets an update of the table in place, and nothing replaced.
    it("updates the table in place, and replaces nothing, when a stack takes the new encryption", () => {
      for (const stack of ["dev", "prod"]) {
        ws.ok("config", "set", "encryption", "AWS_MANAGED", "--stack", stack);
        const all = ws.preview(stack);
        assert.deepEqual(
          all.filter((s) => s.op !== "same").map((s) => `${s.op} ${urnName(s.urn)}`),
          ["update snowplow-dedup-table"],
          stack,
        );
      }
    });
  });

  describe("on a stack of release 0.2.0 with a customer managed key, upgraded to this one", () => {
    // 0.2.0 granted AWS's whole example list on the key; this release grants kms:Decrypt alone
    // (docs/production.md, "Encryption with your own key"). The policy's document changes, and
    // must be updated in place: a replaced attachment would detach the policy. The stand-in
    // provider updates a policy's `policy` in place, as terraform-provider-aws's aws_iam_policy
    // does (a new default version); only a run against AWS shows the real provider doing it.
    const RELEASE_020 = "1c1e35d5451ed25496c80d9c06da47742caa01f6";
    const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const POLICY = "aws:iam/policy:Policy";
    const keyActions = (ws: Workspace) => {
      const policy = Object.values(ws.cloud()).find((e) => e.type === POLICY);
      const doc = JSON.parse(policy?.state.policy as string);
      return doc.Statement.find((st: { Sid: string }) => st.Sid === "SnowplowShredderTableKey")
        .Action;
    };
    let ws: Workspace;
    let before020: StateResource[];
    let planned: { op: string; urn: string }[];
    before(() => {
      ws = new Workspace();
      // 0.2.0's program files, which had no tsconfig.swc.json, and its dev stack file.
      ws.useRelease(RELEASE_020, [
        "Pulumi.yaml",
        "index.ts",
        "stack",
        "duplicate-storage",
        "package.json",
        "tsconfig.json",
        "Pulumi.dev.yaml",
      ]);
      ws.ok("stack", "init", "dev");
      ws.ok("config", "set", "encryption", "CUSTOMER_MANAGED", "--stack", "dev");
      ws.ok("config", "set", "kmsKeyArn", KEY, "--stack", "dev");
      ws.ok("up", "--yes", "--stack", "dev");
      before020 = ws.state("dev");
      ws.useCurrent();
      planned = ws.preview("dev");
    });
    after(() => ws.dispose());

    it("ran 0.2.0's program, which granted the key's whole example list", () => {
      assert.equal(keyActions(ws).length, 8, JSON.stringify(keyActions(ws)));
      assert.ok(keyActions(ws).includes("kms:CreateGrant"));
    });

    it("plans an update of the policy alone, and nothing replaced or deleted", () => {
      assert.deepEqual(
        planned.filter((s) => s.op !== "same").map((s) => `${s.op} ${urnName(s.urn)}`),
        ["update snowplow-dedup-policy"],
      );
      assert.equal(
        planned.find((s) => urnName(s.urn) === "snowplow-dedup-role-EMR_EC2_DefaultRole")?.op,
        "same",
      );
    });

    it("applies it with pulumi up: the policy and its attachment keep their ids", () => {
      const summary = ws.ok("up", "--yes", "--stack", "dev").split("Resources:").pop()!;
      assert.match(summary, /~ 1 updated/, summary);
      assert.doesNotMatch(summary, /replaced|deleted|created/, summary);
      const after = ws.state("dev");
      for (const r of before020.filter((r) => r.type.startsWith("aws:"))) {
        const now = after.find((n) => n.urn === r.urn);
        assert.equal(now?.id, r.id, r.urn);
      }
      assert.deepEqual(keyActions(ws), ["kms:Decrypt"]);
    });
  });

  describe("on the prod stack", () => {
    let ws: Workspace;
    before(() => {
      ws = new Workspace(["Pulumi.prod.yaml"]);
      ws.ok("stack", "init", "prod");
      ws.ok("up", "--yes", "--stack", "prod");
    });
    after(() => ws.dispose());

    it("exports the outputs a user hands the shredder, and no undefined ones", () => {
      const out = JSON.parse(ws.ok("stack", "output", "--json", "--stack", "prod"));
      assert.equal(out.tableName, TABLE_NAME);
      assert.equal(out.tableArn, `arn:aws:dynamodb:eu-west-1:123456789012:table/${TABLE_NAME}`);
      assert.equal(out.policyName, `${TABLE_NAME}-shredder`);
      assert.equal(out.duplicateStorageConfig.data.dynamodbTable, TABLE_NAME);
      assert.equal(out.duplicateStorageConfig.data.awsRegion, "eu-west-1");
      // 10,000,000 events in 30 minutes: 10,000,000 / 1,800 s = 5,555.6, rounded up.
      assert.equal(out.requiredWriteCapacity, 5556);
      assert.ok(!("shredderUserName" in out));
    });

    it("records protect and retainOnDelete on the table, and on nothing else", () => {
      const state = ws.state("prod");
      const table = byName(state, "snowplow-dedup-table");
      assert.equal(table.protect, true);
      assert.equal(table.retainOnDelete, true);
      const others = state.filter((r) => r !== table && r.type.startsWith("aws:"));
      assert.ok(others.length > 0);
      assert.ok(others.every((r) => !r.protect && !r.retainOnDelete));
    });

    it("ignores a changed writeCapacity on the autoscaled table, and moves the scaling floor", () => {
      ws.ok("config", "set", "writeCapacity", "600", "--stack", "prod");
      const steps = ws.preview("prod");
      const op = (name: string) => steps.find((s) => urnName(s.urn) === name)?.op;
      assert.equal(op("snowplow-dedup-table"), "same");
      assert.equal(op("snowplow-dedup-write-scaling"), "update");
    });

    it("refuses to destroy the protected table", () => {
      const r = ws.pulumi("destroy", "--yes", "--stack", "prod");
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /protected/);
      assert.ok(`${TABLE}::${TABLE_NAME}` in ws.cloud());
    });

    it("leaves the table in AWS when it is removed with retainOnDelete", () => {
      ws.ok("config", "set", "protect", "false", "--stack", "prod");
      ws.ok("up", "--yes", "--stack", "prod");
      ws.ok("destroy", "--yes", "--stack", "prod");
      assert.deepEqual(Object.keys(ws.cloud()), [`${TABLE}::${TABLE_NAME}`]);
      assert.deepEqual(ws.state("prod"), []);
    });
  });

  describe("switching the table's encryption", () => {
    // terraform-provider-aws's aws_dynamodb_table has no ForceNew on server_side_encryption, and
    // DynamoDB switches between the keys at any time ("Encryption at rest: usage notes").
    const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let ws: Workspace;
    before(() => {
      ws = new Workspace(["Pulumi.dev.yaml"]);
      ws.ok("stack", "init", "dev");
      // From the default, as a table of an earlier release has it.
      ws.ok("config", "rm", "encryption", "--stack", "dev");
      ws.ok("up", "--yes", "--stack", "dev");
    });
    after(() => ws.dispose());

    const steps: [string, string[][]][] = [
      ["the AWS managed key", [["set", "encryption", "AWS_MANAGED"]]],
      [
        "a customer managed key",
        [
          ["set", "encryption", "CUSTOMER_MANAGED"],
          ["set", "kmsKeyArn", KEY],
        ],
      ],
      [
        "an AWS owned key again",
        [
          ["rm", "encryption"],
          ["rm", "kmsKeyArn"],
        ],
      ],
    ];
    for (const [what, changes] of steps) {
      it(`updates the table in place to ${what}, and replaces nothing`, () => {
        for (const change of changes) ws.ok("config", ...change, "--stack", "dev");
        const planned = ws.preview("dev");
        const table = planned.find((s) => urnName(s.urn) === "snowplow-dedup-table");
        assert.equal(table?.op, "update");
        assert.deepEqual(
          planned.filter((s) => /replace|delete/.test(s.op)).map((s) => `${s.op} ${s.urn}`),
          [],
        );
        ws.ok("up", "--yes", "--stack", "dev");
      });
    }
  });

  describe("changing the table class and the recovery period", () => {
    // terraform-provider-aws's aws_dynamodb_table: table_class is not ForceNew, and
    // point_in_time_recovery is an in-place update (the stand-in's comparableTable cites it).
    let ws: Workspace;
    before(() => {
      ws = new Workspace(["Pulumi.dev.yaml"]);
      ws.ok("stack", "init", "dev");
      ws.ok("up", "--yes", "--stack", "dev");
    });
    after(() => ws.dispose());

    const steps: [string, string[][]][] = [
      ["to Standard-IA", [["set", "tableClass", "STANDARD_INFREQUENT_ACCESS"]]],
      ["back to Standard", [["rm", "tableClass"]]],
      ["to point-in-time recovery", [["set", "pointInTimeRecovery", "true"]]],
      ["to a 7-day recovery period", [["set", "pointInTimeRecoveryDays", "7"]]],
    ];
    for (const [what, changes] of steps) {
      it(`updates the table in place ${what}, and replaces nothing`, () => {
        for (const change of changes) ws.ok("config", ...change, "--stack", "dev");
        const planned = ws.preview("dev");
        assert.deepEqual(
          planned.filter((s) => s.op !== "same").map((s) => `${s.op} ${urnName(s.urn)}`),
          ["update snowplow-dedup-table"],
        );
        ws.ok("up", "--yes", "--stack", "dev");
      });
    }
  });

  describe("with a dedicated shredder user", () => {
    let ws: Workspace;
    before(() => {
      ws = new Workspace(["Pulumi.dev.yaml"]);
      ws.ok("stack", "init", "dev");
      ws.ok("config", "set", "createShredderUser", "true", "--stack", "dev");
      ws.ok("up", "--yes", "--stack", "dev");
    });
    after(() => ws.dispose());

    it("hides the duplicate-storage config, which carries the key, in stack outputs", () => {
      const out = JSON.parse(ws.ok("stack", "output", "--json", "--stack", "dev"));
      assert.equal(out.duplicateStorageConfig, "[secret]");
      assert.equal(out.duplicateStorageConfigBase64, "[secret]");
      const shown = JSON.parse(
        ws.ok("stack", "output", "--json", "--show-secrets", "--stack", "dev"),
      );
      assert.match(shown.duplicateStorageConfig.data.auth.accessKeyId, /^AKIASTANDIN/);
    });

    it("keeps the secret access key out of the state file in plain text", () => {
      const secret = Object.values(ws.cloud()).find((e) => e.type === "aws:iam/accessKey:AccessKey")
        ?.state.secret as string;
      assert.match(secret, /^stand-in-secret-/);
      const exported = ws.ok("stack", "export", "--stack", "dev");
      assert.ok(!exported.includes(secret));
      const stateFiles = fs
        .readdirSync(ws.dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".json") && f.includes("stacks"));
      assert.ok(stateFiles.length > 0);
      for (const f of stateFiles) {
        assert.ok(!fs.readFileSync(`${ws.dir}/${f}`, "utf8").includes(secret), f);
      }
    });
  });

  describe("npm run preview:check, after pulumi stack rename", () => {
    let ws: Workspace;
    before(() => {
      ws = new Workspace();
      ws.ok("stack", "init", "blue");
      ws.ok("config", "set", "aws:region", "eu-west-1", "--stack", "blue");
      ws.ok("up", "--yes", "--stack", "blue");
    });
    after(() => ws.dispose());

    /** The check, as `npm run preview:check -- <stack>` runs it, in the user's checkout. */
    function check(stack: string) {
      const r = spawnSync(
        process.execPath,
        [
          "-r",
          path.join(ROOT, "commands", "register.js"),
          path.join(ROOT, "commands", "previewCheck.ts"),
          stack,
          "--fail",
        ],
        { cwd: ws.project, env: ws.environment, encoding: "utf8" },
      );
      return { code: r.status, out: r.stdout, err: r.stderr };
    }

    it("says in one line that the table stays", () => {
      ws.ok("config", "set", "writeCapacity", "20", "--stack", "blue");
      const r = check("blue");
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.out,
        "OK: the preview of blue keeps the de-duplication table snowplow-deduplication-blue " +
          "(update); nothing replaces or deletes it.\n",
      );
    });

    it("warns in one line that the renamed stack would replace the table, and fails with --fail", () => {
      ws.ok("stack", "rename", "green", "--stack", "blue");
      const r = check("green");
      assert.equal(r.code, 1, r.err);
      const lines = r.out.trim().split("\n");
      assert.equal(lines.length, 1, r.out);
      assert.match(
        lines[0],
        /^WARNING: pulumi up would REPLACE the de-duplication table snowplow-deduplication-blue with snowplow-deduplication-green \(changed: name\)/,
      );
      // The stack keeps its table on delete by default, as its state records.
      assert.match(lines[0], /so the old table stays in AWS, with its history/);
    });

    it("exits 2, not 1, when the preview itself fails", () => {
      const r = check("no-such-stack");
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /^error: pulumi preview of no-such-stack failed, so nothing was checked/);
    });
  });
});
