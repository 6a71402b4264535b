import assert from "node:assert/strict";
import {
  SHREDDER_ACTIONS,
  TABLE_MANAGEMENT_ACTIONS,
  shredderPolicyDocument,
} from "snowplowdedup/contract";

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
