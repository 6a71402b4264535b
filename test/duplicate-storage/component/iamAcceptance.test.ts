import assert from "node:assert/strict";
import { Run, output } from "../../harness";
import { runComponent } from "./harness";
import { assertLeastPrivilege, evaluate } from "./iamSimulator";

async function declaredPolicy(r: Run) {
  return {
    policy: JSON.parse(r.one("aws:iam/policy:Policy").inputs.policy),
    tableArn: output<string>(r, "tableArn").value!,
  };
}

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab";
/**
 * What the shredder's calls need on a customer managed key: PutItem makes DynamoDB decrypt the
 * table key as the caller (AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS", read
 * 2026-12-04); DescribeTable needs nothing of the key.
 */
const KEY_ACTIONS = ["kms:Decrypt"];
/**
 * The rest of the key policy that AWS gives its managed key for DynamoDB ("auto-dynamodb-1"):
 * requests that DynamoDB makes as itself or as the table's creator, never as the shredder.
 */
const NOT_THE_SHREDDERS = [
  "kms:Encrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:DescribeKey",
  "kms:CreateGrant",
];
const VIA_DYNAMODB = { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" };

async function allowed(policy: object, action: string, resource: string, context = {}) {
  const decision = await evaluate(policy, action, resource, context);
  assert.equal(decision.errors, undefined, `${action} on ${resource} is a valid request`);
  return decision.result === "Allowed";
}

describe("the declared policy in an IAM policy simulator", () => {
  for (const management of [false, true]) {
    for (const kms of [false, true]) {
      it(`allows the shredder and nothing else, with allowTableManagement ${management} and ${kms ? "a" : "no"} KMS key`, async () => {
        const r = await runComponent({
          allowTableManagement: management,
          ...(kms ? { kmsKeyArn: KEY } : {}),
        });
        const { policy, tableArn } = await declaredPolicy(r);
        assert.match(tableArn, /^arn:aws:dynamodb:eu-west-1:123456789012:table\//);
        await assertLeastPrivilege(policy, tableArn, management);
        for (const action of KEY_ACTIONS) {
          assert.equal(
            await allowed(policy, action, KEY, VIA_DYNAMODB),
            kms,
            `${action} via DynamoDB`,
          );
          assert.equal(await allowed(policy, action, KEY), false, `${action} called directly`);
          assert.equal(
            await allowed(policy, action, OTHER_KEY, VIA_DYNAMODB),
            false,
            `${action} on another key`,
          );
        }
        for (const action of NOT_THE_SHREDDERS) {
          assert.equal(await allowed(policy, action, KEY, VIA_DYNAMODB), false, action);
        }
      });
    }
  }

  it("denies the key through DynamoDB in another region, or through another service", async () => {
    const { policy } = await declaredPolicy(await runComponent({ kmsKeyArn: KEY }));
    const elsewhere = { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" };
    const s3 = { "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
    assert.equal(await allowed(policy, "kms:Decrypt", KEY, elsewhere), false);
    assert.equal(await allowed(policy, "kms:Decrypt", KEY, s3), false);
    assert.equal(await allowed(policy, "kms:ScheduleKeyDeletion", KEY, VIA_DYNAMODB), false);
  });

  it("refuses the key to a principal of another account that holds the same policy", async () => {
    // The key's default policy lets IAM policies of its own account decide, and no other's.
    const { policy } = await declaredPolicy(await runComponent({ kmsKeyArn: KEY }));
    const stranger = "arn:aws:iam::210987654321:role/EMR_EC2_DefaultRole";
    for (const action of KEY_ACTIONS) {
      const decision = await evaluate(policy, action, KEY, VIA_DYNAMODB, undefined, stranger);
      assert.notEqual(decision.result, "Allowed", action);
    }
  });

  describe("with the AWS managed key", () => {
    const MANAGED_KEY =
      "arn:aws:kms:eu-west-1:123456789012:key/aaaabbbb-1111-2222-3333-444455556666";
    /**
     * The key policy that AWS gives the account's AWS managed key for DynamoDB (policy id
     * "auto-dynamodb-1"), as the AWS KMS Developer Guide shows it: every principal of the account
     * may use the key through DynamoDB in the key's region, and the account may read its metadata.
     */
    const AUTO_DYNAMODB_1 = {
      Version: "2012-10-17",
      Id: "auto-dynamodb-1",
      Statement: [
        {
          Sid: "Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:CreateGrant",
            "kms:DescribeKey",
          ],
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:CallerAccount": "123456789012",
              "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
            },
          },
        },
        {
          Sid: "Allow direct access to key metadata to the account",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
          Resource: "*",
        },
      ],
    };
    const managed = (action: string, context: Record<string, string>) =>
      evaluate(policyOfManaged, action, MANAGED_KEY, context, AUTO_DYNAMODB_1);
    let policyOfManaged: object;
    before(async () => {
      policyOfManaged = (await declaredPolicy(await runComponent({ encryption: "AWS_MANAGED" })))
        .policy;
    });

    it("lets the shredder use the key through DynamoDB by the key's own policy, with no KMS statement", async () => {
      assert.doesNotMatch(JSON.stringify(policyOfManaged), /kms:/);
      const through = {
        "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
        "kms:CallerAccount": "123456789012",
      };
      for (const action of [...KEY_ACTIONS, ...NOT_THE_SHREDDERS]) {
        assert.equal((await managed(action, through)).result, "Allowed", action);
      }
    });

    it("still denies the key directly, and to another account", async () => {
      const direct = { "kms:CallerAccount": "123456789012" };
      assert.notEqual((await managed("kms:Decrypt", direct)).result, "Allowed");
      const other = {
        "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com",
        "kms:CallerAccount": "210987654321",
      };
      assert.notEqual((await managed("kms:Decrypt", other)).result, "Allowed");
    });
  });

  it("would fail the check with a wildcard action", async () => {
    const { policy, tableArn } = await declaredPolicy(await runComponent({}));
    policy.Statement[0].Action = ["dynamodb:*"];
    await assert.rejects(assertLeastPrivilege(policy, tableArn, false), /CreateTable .*: Allowed/);
  });

  it("would fail the check with a wildcard resource", async () => {
    const { policy, tableArn } = await declaredPolicy(await runComponent({}));
    policy.Statement[0].Resource = ["arn:aws:dynamodb:*:*:table/*"];
    await assert.rejects(assertLeastPrivilege(policy, tableArn, false), /-other: Allowed/);
  });

  it("reports a misspelt action as a validation error rather than a denial", async () => {
    const { policy, tableArn } = await declaredPolicy(await runComponent({}));
    assert.notEqual((await evaluate(policy, "dynamodb:PutItems", tableArn)).errors, undefined);
  });
});
