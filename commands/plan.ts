/**
 * `npm run plan -- <stack> [--json]`: what a stack declares, offline. Runs the program through the
 * SDK's own entry point against the recording engine (recordingEngine.ts) with
 * `Pulumi.<stack>.yaml`, with no credentials and no network, and prints every resource (type, name,
 * parent, options, inputs), the IAM policy document and the stack outputs.
 *
 * `npm run plan:update` rewrites `plans/<stack>.json` for every committed stack file. `--dir` reads
 * the project files from another folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import stringify from "safe-stable-stringify";
import { stringify as toYaml } from "yaml";
import { Run, runProgram } from "../tools/recordingEngine";
import { ROOT, committedStacks, loadStackConfig } from "../stack/files";

/** What a plan holds, in a form that is stable from one run to the next. */
export interface Plan {
  readonly stack: string;
  readonly note: string;
  readonly resources: {
    type: string;
    name: string;
    parent: string | null;
    options: Record<string, unknown>;
    inputs: Record<string, unknown>;
  }[];
  readonly outputs: Record<string, unknown>;
}

const POLICY = "aws:iam/policy:Policy";

const NOTE =
  "Offline plan against a recording engine: what the program declares, not a diff against real state. " +
  "Account 123456789012, the access key and '-xxxxxxx' name suffixes are placeholders.";

/** Where the committed plan of a stack lives. */
export function planPath(stack: string, dir = ROOT): string {
  return path.join(dir, "plans", `${stack}.json`);
}

/** The program stopped: with its own message (bad config), or with an unexpected error. */
export class PlanError extends Error {
  constructor(readonly run: Run) {
    super(run.error || `the program exited ${run.exitCode}:\n${run.stderr}`);
  }
}

/** Runs the stack offline; throws a PlanError when the program stops. */
export async function planStack(stack: string, dir = ROOT): Promise<Plan> {
  const run = await runProgram(loadStackConfig(stack, dir), stack);
  if (run.exitCode !== 0) throw new PlanError(run);
  return planOf(stack, run);
}

/** The plan of a run that succeeded. */
export function planOf(stack: string, run: Run): Plan {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r.name]));
  const resources = run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    parent: byUrn.get(r.parent) ?? null,
    options: {
      ...(r.protect ? { protect: true } : {}),
      ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(r.ignoreChanges.length > 0 ? { ignoreChanges: [...r.ignoreChanges].sort() } : {}),
      ...(r.importId ? { import: r.importId } : {}),
    },
    // The policy document is a JSON string; as an object it diffs line by line.
    inputs: r.type === POLICY ? { ...r.inputs, policy: JSON.parse(r.inputs.policy) } : r.inputs,
  }));
  // Registration order depends on when outputs resolve; type and name are stable.
  resources.sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));

  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(run.outputs)) {
    const secret = value !== null && typeof value === "object" && "secret" in value;
    outputs[key] = secret ? "[secret]" : value;
  }
  return { stack, note: NOTE, resources, outputs };
}

/** The plan as committed: sorted keys, two-space indent, final newline. */
export function planJson(plan: Plan): string {
  return `${stringify(plan, null, 2)}\n`;
}

/** The plan for a reader. */
export function planText(plan: Plan): string {
  const lines = [`Stack ${plan.stack}: ${plan.note}`, ""];
  const children = (parent: string | null, depth: number) => {
    for (const r of plan.resources.filter((x) => x.parent === parent)) {
      const options = Object.keys(r.options).length ? `  ${JSON.stringify(r.options)}` : "";
      lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}${options}`);
      const inputs = Object.keys(r.inputs).length
        ? toYaml(JSON.parse(stringify(r.inputs) ?? "{}")).trimEnd()
        : "";
      for (const line of inputs ? inputs.split("\n") : []) {
        lines.push(`${"  ".repeat(depth + 2)}${line}`);
      }
      children(r.name, depth + 1);
    }
  };
  children(null, 0);
  for (const policy of plan.resources.filter((r) => r.type === POLICY)) {
    lines.push("", `IAM policy document of ${policy.name}:`);
    lines.push(JSON.stringify(policy.inputs.policy, null, 2));
  }
  lines.push("", "Outputs:", toYaml(JSON.parse(stringify(plan.outputs) ?? "{}")).trimEnd());
  return `${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      update: { type: "boolean", default: false },
      dir: { type: "string", default: ROOT },
    },
  });
  const dir = path.resolve(values.dir);
  const stacks = committedStacks(dir);
  if (values.update) {
    fs.mkdirSync(path.join(dir, "plans"), { recursive: true });
    for (const stack of stacks) {
      fs.writeFileSync(planPath(stack, dir), planJson(await planStack(stack, dir)));
      console.log(`wrote ${path.relative(process.cwd(), planPath(stack, dir))}`);
    }
    return 0;
  }
  const [stack] = positionals;
  if (stack === undefined || !stacks.includes(stack)) {
    console.error(
      `usage: npm run plan -- <stack> [--json] [--dir <project dir>]; stacks: ${stacks.join(", ")}`,
    );
    return 1;
  }
  const plan = await planStack(stack, dir);
  process.stdout.write(values.json ? planJson(plan) : planText(plan));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      // The program's own message is clear as it is; anything else is a bug worth its stack.
      console.error(e instanceof PlanError ? `error: ${e.message}` : e);
      process.exit(1);
    },
  );
}
