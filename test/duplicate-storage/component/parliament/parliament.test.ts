/**
 * Every policy document that the program can declare, linted by parliament (Duo Labs' IAM policy
 * linter, with its community auditors), an independent reading of the policy beside the IAM
 * evaluator of `iamAcceptance.test.ts`. `tools/parliament/test-tier.sh` installs parliament from
 * PyPI, pinned, and names its command in PARLIAMENT; `npm run test:tiers` runs this file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DuplicateStorageArgs } from "snowplowdedup";
import { ROOT } from "../../../harness";
import { runConsumer } from "../../consumer/run";
import { runComponent } from "../harness";

const POLICY = "aws:iam/policy:Policy";
/** The severities at which a finding fails the tier. */
const FAILING = ["MEDIUM", "HIGH", "CRITICAL"];

interface Finding {
  readonly issue: string;
  readonly severity: string;
  readonly title: string;
  readonly detail: unknown;
  readonly location: { readonly filepath?: string | null };
}

/**
 * Findings judged wrong, each with its reason and a cited source; CONTRIBUTING.md shows this list.
 * A finding is excused only where its issue and its policy's name both match: nothing is silenced
 * in bulk. It is empty: since the key statement grants `kms:Decrypt` alone, no policy of the
 * matrix has a finding at all.
 */
const EXCUSED: readonly { issue: string; policy: RegExp; reason: string; source: string }[] = [];

/** Lints the documents in one run of parliament; returns the failing findings, by name. */
function lint(documents: ReadonlyMap<string, object>): Map<string, Finding[]> {
  const command = process.env.PARLIAMENT;
  assert.ok(command, "PARLIAMENT names parliament's command (tools/parliament/test-tier.sh)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parliament-"));
  try {
    // A document that parliament must flag rides along, so that a run that read nothing fails.
    const all = new Map([...documents, [SENTINEL, WIDE]]);
    for (const [name, doc] of all) {
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(doc, null, 2));
    }
    const r = spawnSync(
      command,
      [
        "--directory",
        dir,
        "--include_policy_extension",
        ".json",
        "--include-community-auditors",
      ].concat(["--json"]),
      // Parliament reads a policy from standard input when it is not a terminal.
      { encoding: "utf8", input: "", cwd: ROOT },
    );
    assert.ok(r.status === 0 || r.status === 1, `parliament exited ${r.status}: ${r.stderr}`);
    const findings = new Map<string, Finding[]>();
    for (const line of r.stdout.split("\n").filter((l) => l.trim() !== "")) {
      const finding = JSON.parse(line) as Finding;
      const name = path.basename(finding.location.filepath ?? "?", ".json");
      const excused = EXCUSED.some((e) => e.issue === finding.issue && e.policy.test(name));
      if (!FAILING.includes(finding.severity) || excused) continue;
      findings.set(name, [...(findings.get(name) ?? []), finding]);
    }
    assert.ok(findings.has(SENTINEL), `parliament read the documents: ${r.stdout}${r.stderr}`);
    findings.delete(SENTINEL);
    return findings;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SENTINEL = "sentinel";
/** PutItem on an S3 bucket's ARN, which parliament reports at MEDIUM (RESOURCE_MISMATCH). */
const WIDE = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: ["arn:aws:s3:::x"] }],
};

/** Each policy document that a run of the component declared. */
async function documentsOf(
  name: string,
  args: DuplicateStorageArgs,
  region?: string,
): Promise<[string, object][]> {
  const r = await runComponent(args, region ? { region } : {});
  assert.equal(r.exitCode, 0, r.error);
  const policies = r.ofType(POLICY);
  assert.ok(policies.length > 0, name);
  return policies.map((p, i) => [`${name}-${i}`, JSON.parse(p.inputs.policy)]);
}

/** The partitions, each by a region of its own and the key ARN's form there. */
const PARTITIONS = [
  { partition: "aws", region: "eu-west-1" },
  { partition: "aws-cn", region: "cn-north-1" },
  { partition: "aws-us-gov", region: "us-gov-west-1" },
];
const ENCRYPTIONS = ["AWS_OWNED", "AWS_MANAGED", "CUSTOMER_MANAGED"] as const;

/** Every encryption mode, with and without table management and a user, in every partition. */
async function matrix(): Promise<Map<string, object>> {
  const documents = new Map<string, object>();
  for (const { partition, region } of PARTITIONS) {
    const key = `arn:${partition}:kms:${region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    for (const encryption of ENCRYPTIONS) {
      for (const allowTableManagement of [false, true]) {
        for (const createShredderUser of [false, true]) {
          const args: DuplicateStorageArgs = {
            encryption,
            ...(encryption === "CUSTOMER_MANAGED" ? { kmsKeyArn: key } : {}),
            allowTableManagement,
            createShredderUser,
            attachToRoles: ["EMR_EC2_DefaultRole"],
          };
          const name = [region, encryption, allowTableManagement ? "mgmt" : "nomgmt"]
            .concat(createShredderUser ? ["user"] : [])
            .join("-");
          for (const [n, doc] of await documentsOf(name, args, region)) documents.set(n, doc);
        }
      }
    }
  }
  return documents;
}

/** The committed stacks' policies, as `plans/` records them. */
function committed(): Map<string, object> {
  const documents = new Map<string, object>();
  for (const stack of ["dev", "prod"]) {
    const plan = JSON.parse(fs.readFileSync(path.join(ROOT, "plans", `${stack}.json`), "utf8"));
    const policies = plan.resources.filter((r: { type: string }) => r.type === POLICY);
    assert.equal(policies.length, 1, stack);
    documents.set(`stack-${stack}`, policies[0].inputs.policy);
  }
  return documents;
}

describe("parliament, on every policy the program can declare", function () {
  this.timeout(120_000);
  let documents: Map<string, object>;
  before(async () => {
    documents = new Map([
      ...committed(),
      ...(await matrix()),
      ["program-of-its-own", runConsumer().policy.document],
    ]);
  });

  it("lints the committed stacks, 36 configs and a program of its own", () => {
    // 2 stacks; 3 partitions x 3 encryption modes x 2 (table management) x 2 (user) = 36; 1.
    assert.equal(documents.size, 2 + 36 + 1);
    // The customer managed key's statement is among them, in each partition.
    const keyStatements = [...documents.values()].filter((d) => JSON.stringify(d).includes("kms:"));
    assert.equal(keyStatements.length, 3 * 2 * 2);
  });

  it("reports nothing at MEDIUM or above, but for the excused findings", () => {
    const findings = lint(documents);
    assert.deepEqual(Object.fromEntries(findings), {});
  });

  describe("fails a policy that is wider than the shredder needs", () => {
    const dev = () => structuredClone(documents.get("stack-dev")) as any;

    it("a wildcard action", () => {
      const wide = dev();
      wide.Statement[0].Action = ["dynamodb:*"];
      const findings = lint(new Map([["wide-action", wide]]));
      assert.deepEqual(
        findings.get("wide-action")?.map((f) => f.issue),
        ["RESOURCE_MISMATCH"],
      );
    });

    it("a resource in the wrong ARN format", () => {
      const wrong = dev();
      // A table's ARN is arn:...:dynamodb:<region>:<account>:table/<name>; this is an S3 bucket's.
      wrong.Statement[0].Resource = ["arn:aws:s3:::snowplow-deduplication-dev"];
      const findings = lint(new Map([["wrong-arn", wrong]]));
      assert.deepEqual(
        findings.get("wrong-arn")?.map((f) => f.issue),
        ["RESOURCE_MISMATCH"],
      );
    });

    it("the key statement of AWS's example, with CreateGrant", () => {
      const old = structuredClone(documents.get("eu-west-1-CUSTOMER_MANAGED-nomgmt-0")) as any;
      old.Statement[1].Action = ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"];
      const findings = lint(new Map([["with-create-grant", old]]));
      assert.deepEqual(
        findings.get("with-create-grant")?.map((f) => f.issue),
        ["PERMISSIONS_MANAGEMENT_ACTIONS"],
      );
    });
  });
});
