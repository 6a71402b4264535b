/**
 * Pulumi's own AWS policy pack, AWSGuard 0.3.1 with every rule mandatory (tools/awsguard), on the
 * committed stacks, through the real CLI. The pack and its runner, `@pulumi/pulumi/cmd/run-policy-pack`,
 * are the real ones; the CLI starts them through the stand-in Node.js host's RunPlugin, behind the
 * Go SDK's own PolicyProxy, as the real host does (see pulumiCli.ts). What this proves is what the
 * pack decides on the resources that the program declares. It proves nothing about AWS.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, Workspace, urnName } from "./pulumiCli";

const PACK = path.join(ROOT, "tools", "awsguard");

/** One event of `pulumi preview --json` with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1. */
interface EngineEvent {
  readonly policyEvent?: {
    readonly resourceUrn?: string;
    readonly policyName: string;
    readonly policyPackName: string;
    readonly enforcementLevel: string;
  };
  readonly policyAnalyzeSummaryEvent?: {
    readonly resourceUrn: string;
    readonly policyPackName: string;
    readonly passed?: string[];
    readonly failed?: string[];
  };
}

interface Checked {
  readonly code: number;
  readonly events: EngineEvent[];
  readonly output: string;
}

/** `pulumi <command> --policy-pack tools/awsguard`, with the engine's events as JSON lines. */
function withAwsGuard(ws: Workspace, command: "preview" | "up", stack: string): Checked {
  ws.setEnv("PULUMI_ENABLE_STREAMING_JSON_PREVIEW", "1");
  const extra = command === "up" ? ["--yes"] : [];
  const r = ws.pulumi(command, ...extra, "--stack", stack, "--policy-pack", PACK, "--json");
  const events = r.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as EngineEvent);
  return { code: r.code, events, output: `${r.stdout}\n${r.stderr}` };
}

/** The rules that fired, as `level rule resource`. */
function violations(checked: Checked): string[] {
  return checked.events.flatMap((e) =>
    e.policyEvent
      ? [
          `${e.policyEvent.enforcementLevel} ${e.policyEvent.policyName} ${urnName(e.policyEvent.resourceUrn ?? "")}`,
        ]
      : [],
  );
}

/** The rules that the pack checked on the table and found met. */
function passedOnTable(checked: Checked): string[] {
  return checked.events.flatMap((e) =>
    e.policyAnalyzeSummaryEvent &&
    urnName(e.policyAnalyzeSummaryEvent.resourceUrn) === "snowplow-dedup-table"
      ? (e.policyAnalyzeSummaryEvent.passed ?? [])
      : [],
  );
}

describe("AWSGuard, every rule mandatory, under the real CLI", function () {
  this.timeout(300_000);
  before(() => {
    assert.ok(
      fs.existsSync(path.join(PACK, "node_modules", "@pulumi", "awsguard")),
      "the pack's dependencies are installed: npm run awsguard:install",
    );
  });

  for (const stack of ["dev", "prod"]) {
    describe(`on the committed ${stack} stack`, () => {
      let ws: Workspace;
      before(() => {
        ws = new Workspace([`Pulumi.${stack}.yaml`]);
        ws.ok("stack", "init", stack);
      });
      after(() => ws.dispose());

      it("passes: no rule fires, and the pack checked the table's encryption", () => {
        const checked = withAwsGuard(ws, "preview", stack);
        assert.deepEqual(violations(checked), [], checked.output);
        assert.equal(checked.code, 0, checked.output);
        // AWSGuard's rule for DynamoDB tables; proof that the pack ran and judged the table.
        assert.ok(
          passedOnTable(checked).includes("dynamodb-table-encryption-enabled"),
          checked.output,
        );
      });

      it("lets pulumi up create the table, the policy and the attachment", () => {
        const checked = withAwsGuard(ws, "up", stack);
        assert.equal(checked.code, 0, checked.output);
        const types = ws.state(stack).map((r) => r.type);
        for (const type of [
          "aws:dynamodb/table:Table",
          "aws:iam/policy:Policy",
          "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        ]) {
          assert.ok(types.includes(type), `${type} in state`);
        }
      });
    });
  }

  describe("on a stack that keeps the AWS owned key", () => {
    let ws: Workspace;
    before(() => {
      ws = new Workspace(["Pulumi.dev.yaml"]);
      ws.ok("stack", "init", "dev");
      ws.ok("config", "set", "encryption", "AWS_OWNED", "--stack", "dev");
    });
    after(() => ws.dispose());

    // AWSGuard's dynamodb-table-encryption-enabled fires when serverSideEncryption is declared
    // with enabled: false, which is how the provider names the AWS owned key.
    it("fails the preview with the encryption rule, mandatory, on the table", () => {
      const checked = withAwsGuard(ws, "preview", "dev");
      assert.deepEqual(violations(checked), [
        "mandatory dynamodb-table-encryption-enabled snowplow-dedup-table",
      ]);
      assert.notEqual(checked.code, 0);
    });

    it("stops pulumi up before anything is created", () => {
      const checked = withAwsGuard(ws, "up", "dev");
      assert.notEqual(checked.code, 0);
      assert.deepEqual(ws.cloud(), {});
    });
  });
});
