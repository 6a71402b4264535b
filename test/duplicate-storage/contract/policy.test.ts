import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  SHREDDER_ACTIONS,
  SHREDDER_KEY_ACTIONS,
  TABLE_KEY_ACTIONS,
  TABLE_MANAGEMENT_ACTIONS,
  shredderPolicyDocument,
} from "snowplowdedup/contract";
import { ROOT } from "../../harness";

const ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/snowplow-deduplication";

describe("shredderPolicyDocument", () => {
  it("allows exactly DescribeTable and PutItem by default", () => {
    const doc = shredderPolicyDocument(ARN, false);
    assert.equal(doc.Version, "2012-10-17");
    assert.equal(doc.Statement.length, 1);
    const [statement] = doc.Statement;
    assert.equal(statement.Effect, "Allow");
    assert.deepEqual(statement.Action, ["dynamodb:DescribeTable", "dynamodb:PutItem"]);
  });

  it("adds CreateTable and UpdateTimeToLive to the same statement with table management", () => {
    const doc = shredderPolicyDocument(ARN, true);
    assert.equal(doc.Statement.length, 1);
    assert.deepEqual(doc.Statement[0].Action, [
      "dynamodb:DescribeTable",
      "dynamodb:PutItem",
      "dynamodb:CreateTable",
      "dynamodb:UpdateTimeToLive",
    ]);
  });

  it("never grants DeleteTable, which the setup guide lists but no shredder calls", () => {
    for (const management of [false, true]) {
      const text = JSON.stringify(shredderPolicyDocument(ARN, management));
      assert.ok(!text.includes("dynamodb:DeleteTable"), text);
    }
  });

  it("applies to exactly the given table ARN", () => {
    for (const management of [false, true]) {
      assert.deepEqual(shredderPolicyDocument(ARN, management).Statement[0].Resource, [ARN]);
    }
  });

  it("has no wildcard anywhere", () => {
    for (const management of [false, true]) {
      const text = JSON.stringify(shredderPolicyDocument(ARN, management));
      assert.ok(!text.includes("*"), text);
      assert.ok(!text.includes("NotAction") && !text.includes("NotResource"), text);
    }
  });

  it("keeps the two action lists apart", () => {
    const overlap = SHREDDER_ACTIONS.filter((a) =>
      (TABLE_MANAGEMENT_ACTIONS as readonly string[]).includes(a),
    );
    assert.deepEqual(overlap, []);
  });
});

describe("what the shredder's calls need of a customer managed key", () => {
  const KEY = {
    keyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    viaService: "dynamodb.eu-west-1.amazonaws.com",
  };

  it("is kms:Decrypt for PutItem and nothing for DescribeTable", () => {
    // AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS": the Decrypt of the table key
    // is the one request to KMS made as "the principal ... who is accessing the table".
    assert.deepEqual(SHREDDER_KEY_ACTIONS, {
      "dynamodb:DescribeTable": [],
      "dynamodb:PutItem": ["kms:Decrypt"],
    });
    assert.deepEqual(TABLE_KEY_ACTIONS, ["kms:Decrypt"]);
  });

  it("is the key statement, with or without table management, through DynamoDB only", () => {
    for (const management of [false, true]) {
      const [, key] = shredderPolicyDocument(ARN, management, KEY).Statement;
      assert.deepEqual(key.Action, ["kms:Decrypt"]);
      assert.deepEqual(key.Resource, [KEY.keyArn]);
      assert.deepEqual(key.Condition, {
        StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" },
      });
    }
  });

  it("is the table that docs/production.md gives users", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "production.md"), "utf8");
    const rows = [...doc.matchAll(/^\| (`kms:\w+`|none) +\| `(\w+)` +\|/gm)].map(
      ([, action, call]) => [`dynamodb:${call}`, action === "none" ? [] : [action.slice(1, -1)]],
    );
    assert.deepEqual(Object.fromEntries(rows), SHREDDER_KEY_ACTIONS);
  });
});
