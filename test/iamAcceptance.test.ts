import assert from "node:assert/strict";
import { Run, projectConfig, resolve, runProgram } from "./harness";
import { assertLeastPrivilege, evaluate } from "./iamSimulator";

async function declaredPolicy(r: Run) {
  return {
    policy: JSON.parse(r.one("aws:iam/policy:Policy").inputs.policy),
    tableArn: (await resolve<string>(r.outputs.tableArn as any)).value!,
  };
}

describe("the declared policy in an IAM policy simulator", () => {
  for (const management of [false, true]) {
    it(`allows the shredder and nothing else, with allowTableManagement ${management}`, async () => {
      const r = await runProgram(projectConfig({ allowTableManagement: String(management) }));
      const { policy, tableArn } = await declaredPolicy(r);
      assert.match(tableArn, /^arn:aws:dynamodb:eu-west-1:123456789012:table\//);
      await assertLeastPrivilege(policy, tableArn, management);
    });
  }

  it("would fail the check with a wildcard action", async () => {
    const { policy, tableArn } = await declaredPolicy(await runProgram({}));
    policy.Statement[0].Action = ["dynamodb:*"];
    await assert.rejects(assertLeastPrivilege(policy, tableArn, false), /CreateTable .*: Allowed/);
  });

  it("would fail the check with a wildcard resource", async () => {
    const { policy, tableArn } = await declaredPolicy(await runProgram({}));
    policy.Statement[0].Resource = ["arn:aws:dynamodb:*:*:table/*"];
    await assert.rejects(assertLeastPrivilege(policy, tableArn, false), /-other: Allowed/);
  });

  it("reports a misspelt action as a validation error rather than a denial", async () => {
    const { policy, tableArn } = await declaredPolicy(await runProgram({}));
    assert.notEqual((await evaluate(policy, "dynamodb:PutItems", tableArn)).errors, undefined);
  });
});
