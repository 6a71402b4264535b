import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assertServesShredder } from "../duplicate-storage/component/dynamodb";
import { ConfigError, readStackConfig } from "../../stack/config";
import { PROJECT, committedStacks, editStackFile, loadStackConfig, output, ROOT } from "../harness";
import { runComponent } from "../duplicate-storage/component/harness";

/** The component with the arguments that a stack's config decodes to, as index.ts creates it. */
async function runStack(config: Record<string, string>, stack: string) {
  const { args } = readStackConfig(config, PROJECT, stack);
  return runComponent(args, { stack, region: config["aws:region"] });
}
import { assertLeastPrivilege } from "../duplicate-storage/component/iamSimulator";

describe("every committed stack file", () => {
  const stacks = committedStacks();

  it("is found", () => {
    assert.ok(stacks.length >= 2, stacks.join(", "));
  });

  for (const stack of stacks) {
    describe(`Pulumi.${stack}.yaml`, () => {
      const config = loadStackConfig(stack);

      it("declares a table that serves the shredder in dynalite", async () => {
        const r = await runStack(config, stack);
        await assertServesShredder(r.one("aws:dynamodb/table:Table").inputs);
      });

      it("declares a least-privilege policy in the IAM simulator", async () => {
        const r = await runStack(config, stack);
        const policy = JSON.parse(r.one("aws:iam/policy:Policy").inputs.policy);
        const tableArn = output<string>(r, "tableArn").value!;
        const management = config["snowplow-dedup:allowTableManagement"] === "true";
        await assertLeastPrivilege(policy, tableArn, management);
      });

      it("plans a table that the capacity model says never throttles, without a warning", async () => {
        const r = await runStack(config, stack);
        assert.deepEqual(
          r.logs.filter((l) => l.severity === "warning").map((l) => l.message),
          [],
        );
        const plan = output<{ run: { throttledMinutes: number } }>(r, "capacityPlan").value;
        if (plan !== undefined) assert.equal(plan.run.throttledMinutes, 0);
      });
    });
  }

  it("run the production example with scheduled scaling, 4 runs of 5,556 writes a second", async () => {
    const r = await runStack(loadStackConfig("prod"), "prod");
    const plan = output<{ requiredWriteCapacity: number; run: { throttledMinutes: number } }>(
      r,
      "capacityPlan",
    ).value!;
    assert.equal(plan.requiredWriteCapacity, 5556);
    assert.equal(plan.run.throttledMinutes, 0);
    const actions = r.ofType("aws:appautoscaling/scheduledAction:ScheduledAction");
    assert.equal(actions.length, 8);
    // Runs at 00:00, 06:00, 12:00 and 18:00 start 360 minutes apart, 6 hours: the table has
    // taken no writes for 6 + 1 = 7 whole hours only when a run was missed or its writes fail.
    const noWrites = r
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .find((a) => a.name === "snowplow-dedup-no-writes")!;
    assert.equal(noWrites.inputs.evaluationPeriods, 7);
    assert.equal(noWrites.inputs.period, 3600);
  });

  it("fails here when broken, before anyone runs pulumi preview", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
    try {
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
      editStackFile(path.join(dir, "Pulumi.prod.yaml"), { writeCapacity: 1.5 });
      await assert.rejects(
        runStack(loadStackConfig("prod", dir), "prod"),
        (e: unknown) =>
          e instanceof ConfigError && /writeCapacity must be a whole number/.test(String(e)),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
