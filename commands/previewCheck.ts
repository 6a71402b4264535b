/**
 * `npm run preview:check -- <stack>`: runs `pulumi preview --json` on a stack and warns, one line
 * each, when the update would replace or delete the de-duplication table. A new table starts
 * empty, so the shredder loses its history and lets earlier duplicates through; a program cannot
 * see that from inside, since only the engine knows the diff. Typical causes: `pulumi stack
 * rename` or a changed `tableName`. Prints nothing else and exits 0, or 1 with `--fail`. In
 * GitHub Actions each warning is also an annotation on the run.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { parseArgs } from "node:util";

const TABLE = "aws:dynamodb/table:Table";

/** One step of `pulumi preview --json`, as far as this check reads it. */
export interface Step {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: { type: string; inputs?: Record<string, unknown> };
  readonly newState?: { type: string; inputs?: Record<string, unknown> };
  readonly replaceReasons?: string[];
  readonly diffReasons?: string[];
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
          `${why}): ${loses}. With retainOnDelete (the default) the old table stays in AWS. ` +
          "A renamed stack or a changed tableName does this; set tableName to the old name to keep it.",
      );
    } else if (step.op === "delete") {
      warnings.push(
        `pulumi up would DELETE the de-duplication table ${oldName} from the stack, and with it ` +
          "the shredder's history unless retainOnDelete keeps it in AWS.",
      );
    }
  }
  return warnings;
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { fail: { type: "boolean" }, from: { type: "string" } },
  });
  if (positionals.length !== 1 && values.from === undefined) {
    console.error("usage: npm run preview:check -- <stack> [--fail] [--from preview.json]");
    return 2;
  }
  const json =
    values.from !== undefined
      ? fs.readFileSync(values.from, "utf8")
      : execFileSync("pulumi", ["preview", "--json", "--stack", positionals[0]], {
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
  const warnings = tableWarnings((JSON.parse(json).steps ?? []) as Step[]);
  for (const w of warnings) {
    console.log(`WARNING: ${w}`);
    if (process.env.GITHUB_ACTIONS === "true") console.log(`::warning title=Table replaced::${w}`);
  }
  return warnings.length > 0 && values.fail ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
