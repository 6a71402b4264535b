/**
 * `npm run plan -- <stack>... [--json]`: what each stack declares, offline. Runs the program
 * through the SDK's own entry point against the recording engine (commands/plan/recordingEngine.ts) with
 * `Pulumi.<stack>.yaml`, with no credentials and no network, and prints every resource (type, name,
 * parent, options, inputs), the IAM policy document and the stack outputs, then the program's
 * warnings, as `pulumi preview` shows them.
 *
 * `npm run plan:update` rewrites `plans/<stack>.json` for every committed stack file. `--dir` reads
 * the project files from another folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import stringify from "safe-stable-stringify";
import { stringify as toYaml } from "yaml";
import { Run, runProgram } from "./plan/recordingEngine";
import { ROOT, committedStacks, loadStackConfig } from "../stack/files";
import { CommandSpec, EXIT, UsageError, run, unknownChoice } from "./cli";

export const SPEC: CommandSpec = {
  usage: "npm run plan --",
  description:
    "Shows what each stack declares, offline and with no credentials: every resource with its\n" +
    "inputs and options, the IAM policy document and the outputs, then the program's warnings\n" +
    "as pulumi preview would show them. Bad config stops it with one line per problem.",
  flags: {
    json: { type: "boolean", description: "print the plan as JSON (for several stacks, by stack)" },
    update: { type: "boolean", description: "rewrite plans/<stack>.json for every stack file" },
    dir: { type: "string", value: "<dir>", description: "read the project from another folder" },
  },
  positionals: { name: "stack", min: 0, max: Number.MAX_SAFE_INTEGER },
  examples: ["npm run plan -- dev", "npm run plan -- dev prod", "npm run plan -- prod --json"],
};

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
  return (await planWithWarnings(stack, dir)).plan;
}

/** The plan, and the warnings that the program logged, as `pulumi preview` would show them. */
export async function planWithWarnings(
  stack: string,
  dir = ROOT,
): Promise<{ plan: Plan; warnings: string[] }> {
  const result = await runProgram(loadStackConfig(stack, dir), stack);
  if (result.exitCode !== 0) throw new PlanError(result);
  const warnings = result.logs.filter((l) => l.severity === "warning").map((l) => l.message);
  return { plan: planOf(stack, result), warnings };
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
      ...(r.aliases.length > 0 ? { aliases: [...r.aliases].sort() } : {}),
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
      // Aliases are old URNs, for the JSON and the engine; the text shows what is declared now.
      const { aliases: _aliases, ...shown } = r.options as { aliases?: string[] };
      const options = Object.keys(shown).length ? `  ${JSON.stringify(shown)}` : "";
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

/** The command, for `run`, and for tests in process through `execute`. */
export async function main(
  values: Record<string, unknown>,
  positionals: string[],
): Promise<number> {
  const dir = path.resolve((values.dir as string | undefined) ?? ROOT);
  const stacks = committedStacks(dir);
  if (values.update === true) {
    fs.mkdirSync(path.join(dir, "plans"), { recursive: true });
    for (const stack of stacks) {
      fs.writeFileSync(planPath(stack, dir), planJson(await planStack(stack, dir)));
      console.log(`wrote ${path.relative(process.cwd(), planPath(stack, dir))}`);
    }
    return EXIT.ok;
  }
  if (positionals.length === 0) {
    throw new UsageError(`give one or more stacks: ${stacks.join(", ")} (--help)`);
  }
  for (const stack of positionals) {
    if (!stacks.includes(stack)) throw unknownChoice("stack", stack, stacks);
  }
  const plans: Record<string, Plan> = {};
  const texts: string[] = [];
  for (const stack of positionals) {
    let planned;
    try {
      planned = await planWithWarnings(stack, dir);
    } catch (e) {
      // The program's own message is clear as it is: one line per problem.
      if (e instanceof PlanError) throw new UsageError(`${stack}: ${e.message}`);
      throw e;
    }
    plans[stack] = planned.plan;
    texts.push(planText(planned.plan));
    for (const w of planned.warnings) console.error(`warning (${stack}): ${w}`);
    const count = planned.plan.resources.length;
    const warned = planned.warnings.length;
    console.error(
      `Planned ${stack}: ${count} resources, ${warned} warning${warned === 1 ? "" : "s"}.`,
    );
  }
  if (values.json === true) {
    const one = positionals.length === 1;
    process.stdout.write(one ? planJson(plans[positionals[0]]) : `${stringify(plans, null, 2)}\n`);
  } else {
    process.stdout.write(texts.join("\n"));
  }
  return EXIT.ok;
}

if (require.main === module) {
  run(SPEC, ({ values, positionals }) => main(values, positionals));
}
