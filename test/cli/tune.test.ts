/**
 * `npm run tune`'s advice for the seeded history (test/commands/tune/history.ts), pasted into the
 * committed stacks as a user would, through the real Pulumi CLI and the stand-in AWS provider
 * (see pulumiCli.ts): the CLI takes every line, and the preview warns of nothing.
 */
import assert from "node:assert/strict";
import { linesOf } from "../../commands/capacity";
import { analyze } from "../../commands/tune/analysis";
import { PROJECT, loadStackConfig } from "../../stack/files";
import { DAYS, samplesOf, seededHistory } from "../commands/tune/history";
import { Workspace } from "./pulumiCli";

const D = Date.UTC(2026, 10, 20) / 86_400_000;

describe("npm run tune's advice, pasted into a stack", function () {
  this.timeout(300_000);

  for (const stack of ["dev", "prod"]) {
    it(`is taken by the CLI, and ${stack}'s preview then warns of nothing`, () => {
      const report = analyze({
        stack,
        stackConfig: loadStackConfig(stack),
        namespace: PROJECT,
        samples: samplesOf(seededHistory(D)),
        fromMinute: D * 1440,
        toMinute: (D + DAYS) * 1440,
        table: {},
      });
      const lines = linesOf(report.advice!);
      assert.ok(lines.length > 5, lines.join("\n"));
      const ws = new Workspace([`Pulumi.${stack}.yaml`]);
      try {
        ws.ok("stack", "init", stack);
        for (const line of lines) ws.readmeLine(`${line} --stack ${stack}`);
        const { steps, warnings } = ws.previewWarnings(stack);
        assert.deepEqual(warnings, []);
        const table = steps.find((s) => s.newState?.type === "aws:dynamodb/table:Table");
        assert.equal(table?.newState?.inputs.billingMode, "PAY_PER_REQUEST");
      } finally {
        ws.dispose();
      }
    });
  }
});
