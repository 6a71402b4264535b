/**
 * `npm run preview:check -- <stack> [--fail] [--from <file>]`: runs `pulumi preview --json` on a
 * stack and warns, one line each, when the update would replace or delete the de-duplication
 * table. A new table starts empty, so the shredder loses its history and lets earlier duplicates
 * through; a program cannot see that from inside, since only the engine knows the diff. Typical
 * causes: `pulumi stack rename` or a changed `tableName`. Says in one line when the table stays.
 * In GitHub Actions each warning is also an annotation on the run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { CommandSpec, EXIT, UsageError, run } from "./cli";

const TABLE = "aws:dynamodb/table:Table";

export const SPEC: CommandSpec = {
  usage: "npm run preview:check --",
  description:
    "Runs `pulumi preview --json` on a stack and warns when the update would replace or delete\n" +
    "the de-duplication table, which would lose the shredder's history. Run it before pulumi up.",
  flags: {
    fail: { type: "boolean", description: "exit 1 when the table would be replaced or deleted" },
    from: {
      type: "string",
      value: "<file>",
      description: "read a saved `pulumi preview --json` instead of running one",
    },
  },
  positionals: { name: "stack", min: 0, max: 1 },
  examples: [
    "npm run preview:check -- prod --fail",
    "pulumi preview --json --stack prod > preview.json && npm run preview:check -- --from preview.json",
  ],
};

/** One step of `pulumi preview --json`, as far as this check reads it. */
export interface Step {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: {
    type: string;
    inputs?: Record<string, unknown>;
    retainOnDelete?: boolean;
  };
  readonly newState?: { type: string; inputs?: Record<string, unknown> };
  readonly replaceReasons?: string[];
  readonly diffReasons?: string[];
}

/** What becomes of the old table, as the stack's state records its retainOnDelete. */
function fateOfOld(step: Step): string {
  return step.oldState?.retainOnDelete === true
    ? "The stack keeps its table on delete (retainOnDelete), so the old table stays in AWS, " +
        "with its history, to be deleted by hand."
    : "This stack does not keep its table on delete (retainOnDelete is off), so the old table " +
        "is DELETED with its history.";
}

/** The warnings for the steps that would replace or delete a table. */
export function tableWarnings(steps: readonly Step[]): string[] {
  const warnings: string[] = [];
  for (const step of steps) {
    const type = step.newState?.type ?? step.oldState?.type;
    if (type !== TABLE) continue;
    const oldName = String(step.oldState?.inputs?.name ?? "?");
    const newName = String(step.newState?.inputs?.name ?? "?");
    const loses =
      "the new table starts empty, so the shredder loses its de-duplication history and lets " +
      "earlier duplicates through";
    if (step.op === "replace") {
      const why = (step.replaceReasons ?? step.diffReasons ?? []).join(", ") || "unknown";
      warnings.push(
        `pulumi up would REPLACE the de-duplication table ${oldName} with ${newName} (changed: ` +
          `${why}): ${loses}. ${fateOfOld(step)} A renamed stack or a changed tableName does ` +
          "this; set tableName to the old name to keep it.",
      );
    } else if (step.op === "delete") {
      warnings.push(
        `pulumi up would DELETE the de-duplication table ${oldName} from the stack, and with it ` +
          `the shredder's history. ${fateOfOld(step)}`,
      );
    }
  }
  return warnings;
}

/** The one line that says the table stays, or that there is none to keep. */
export function passLine(steps: readonly Step[], stack: string | undefined): string {
  const table = steps.find((s) => (s.newState?.type ?? s.oldState?.type) === TABLE);
  const name = table?.newState?.inputs?.name ?? table?.oldState?.inputs?.name;
  const which = stack ? `of ${stack} ` : "";
  return table
    ? `OK: the preview ${which}keeps the de-duplication table ${String(name)} (${table.op}); ` +
        "nothing replaces or deletes it."
    : `OK: the preview ${which}has no de-duplication table to replace or delete.`;
}

/** The preview's JSON, saved or from the Pulumi CLI. */
function previewJson(stack: string | undefined, from: string | undefined): string {
  if (from !== undefined) {
    try {
      return fs.readFileSync(from, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read --from ${from}: ${(e as Error).message}`);
    }
  }
  if (stack === undefined) throw new UsageError("give a stack, or --from <file> (--help)");
  const r = spawnSync("pulumi", ["preview", "--json", "--stack", stack], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new UsageError("the Pulumi CLI is not on your PATH: install it (README, First run)");
  }
  if (r.status !== 0) {
    // The preview itself failed, so there is nothing to check: its own diagnostics say why.
    const diagnostics = (() => {
      try {
        return (JSON.parse(r.stdout).diagnostics ?? [])
          .map((d: { message?: string }) => (d.message ?? "").trim())
          .filter((m: string) => m !== "")
          .join(" | ");
      } catch {
        return "";
      }
    })();
    throw new UsageError(
      `pulumi preview of ${stack} failed, so nothing was checked: ` +
        (diagnostics || (r.stderr || r.stdout).trim().split("\n").pop()),
    );
  }
  return r.stdout;
}

function main(values: Record<string, unknown>, positionals: string[]): number {
  const [stack] = positionals;
  const from = values.from as string | undefined;
  let steps: Step[];
  try {
    steps = (JSON.parse(previewJson(stack, from)).steps ?? []) as Step[];
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`the preview${from ? ` in ${from}` : ""} is not pulumi preview's JSON`);
  }
  const warnings = tableWarnings(steps);
  for (const w of warnings) {
    console.log(`WARNING: ${w}`);
    if (process.env.GITHUB_ACTIONS === "true") console.log(`::warning title=Table replaced::${w}`);
  }
  if (warnings.length === 0) console.log(passLine(steps, stack));
  return warnings.length > 0 && values.fail === true ? EXIT.checkFailed : EXIT.ok;
}

if (require.main === module) {
  run(SPEC, ({ values, positionals }) => main(values, positionals));
}
