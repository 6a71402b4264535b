/**
 * Holds docs/production.md's table of Security Hub controls to what each committed stack declares
 * (plans/<stack>.json, which test/program.test.ts keeps equal to the program's output).
 *
 * This is OUR READING of the controls' pages, read on 2026-11-30, not Security Hub's evaluator,
 * which judges deployed resources in an AWS account and cannot run here:
 *   - DynamoDB.1, .2 and .6: https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html
 *     (.1 rests on AWS Config's dynamodb-autoscaling-enabled, "read/write capacity ... provisioned
 *     mode with auto scaling enabled", which we read as asking for read and write scaling both);
 *   - IAM.21: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html, and its
 *     Config rule iam-policy-no-statements-with-full-access: an allowed `<service>:*` fails it,
 *     `<service>:Describe*` does not;
 *   - AWS Config's dynamodb-table-encrypted-kms: the table is encrypted with a KMS key.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./harness";

interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

function planned(stack: string): PlannedResource[] {
  const file = path.join(ROOT, "plans", `${stack}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")).resources;
}

const TABLE = "aws:dynamodb/table:Table";
const SCALABLE_TARGET = "aws:appautoscaling/target:Target";

function table(resources: PlannedResource[]): Record<string, any> {
  const tables = resources.filter((r) => r.type === TABLE);
  assert.equal(tables.length, 1);
  return tables[0].inputs;
}

function scales(resources: PlannedResource[], dimension: "Read" | "Write"): boolean {
  return resources.some(
    (r) =>
      r.type === SCALABLE_TARGET &&
      r.inputs.scalableDimension === `dynamodb:table:${dimension}CapacityUnits`,
  );
}

function allowedActions(resources: PlannedResource[]): string[] {
  return resources
    .filter((r) => r.type === "aws:iam/policy:Policy")
    .flatMap((r) => r.inputs.policy.Statement as { Effect: string; Action: string | string[] }[])
    .filter((s) => s.Effect === "Allow")
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** Each control, as we read it: does the stack's plan meet it? */
const CONTROLS: Record<string, (resources: PlannedResource[]) => boolean> = {
  "DynamoDB.1": (rs) =>
    table(rs).billingMode === "PAY_PER_REQUEST" || (scales(rs, "Read") && scales(rs, "Write")),
  "DynamoDB.2": (rs) => table(rs).pointInTimeRecovery?.enabled === true,
  "DynamoDB.6": (rs) => table(rs).deletionProtectionEnabled === true,
  "IAM.21": (rs) => allowedActions(rs).every((a) => a !== "*" && !/^[^:]+:\*$/.test(a)),
  "KMS rule": (rs) => table(rs).serverSideEncryption?.enabled === true,
};

/** The table's rows: control, then the verdict per stack column. */
function documentedVerdicts(): { control: string; verdicts: Record<string, string> }[] {
  const text = fs.readFileSync(path.join(ROOT, "docs", "production.md"), "utf8");
  const section = text.split("## Security Hub controls")[1]?.split("\n## ")[0];
  assert.ok(section, "docs/production.md has a section 'Security Hub controls'");
  const rows = section
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .map((l) =>
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const [header, , ...body] = rows;
  const stacks = header.slice(2);
  assert.deepEqual(stacks, ["prod", "dev"]);
  return body.map((cells) => ({
    control: cells[0],
    verdicts: Object.fromEntries(stacks.map((s, i) => [s, cells[2 + i]])),
  }));
}

describe("docs/production.md's Security Hub controls, our reading, held to the plans", () => {
  const rows = documentedVerdicts();

  it("lists exactly the controls that this test reads", () => {
    assert.deepEqual(
      rows.map((r) => r.control),
      Object.keys(CONTROLS),
    );
  });

  for (const { control, verdicts } of rows) {
    for (const [stack, verdict] of Object.entries(verdicts)) {
      it(`says '${verdict}' for ${control} on ${stack}, as the plan has it`, () => {
        const check = CONTROLS[control];
        assert.ok(check, `no check for ${control}`);
        assert.equal(verdict, check(planned(stack)) ? "Met" : "Not met");
      });
    }
  }

  // Hand-worked from the committed stack files: prod sets pointInTimeRecovery and
  // deletionProtection and autoscales writes and reads (maxReadCapacity); dev sets none of them
  // and is provisioned without autoscaling; both set
  // encryption: AWS_MANAGED; the shredder's policy allows dynamodb:DescribeTable and
  // dynamodb:PutItem. So the table must read, row by row, as below.
  it("matches the verdicts worked out by hand from the stack files", () => {
    assert.deepEqual(
      rows.map((r) => `${r.control}: ${r.verdicts.prod} / ${r.verdicts.dev}`),
      [
        "DynamoDB.1: Met / Not met",
        "DynamoDB.2: Met / Not met",
        "DynamoDB.6: Met / Not met",
        "IAM.21: Met / Met",
        "KMS rule: Met / Met",
      ],
    );
  });

  it("reads a wildcard action as failing IAM.21, and a named prefix with * as not", () => {
    const policy = (Action: string[]) => [
      {
        type: "aws:iam/policy:Policy",
        name: "p",
        inputs: { policy: { Statement: [{ Effect: "Allow", Action }] } },
      },
    ];
    assert.equal(CONTROLS["IAM.21"](policy(["dynamodb:*"])), false);
    assert.equal(CONTROLS["IAM.21"](policy(["*"])), false);
    assert.equal(CONTROLS["IAM.21"](policy(["dynamodb:Describe*"])), true);
  });
});
