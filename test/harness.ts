/**
 * What tests share: the project's paths and stacks, stack config in the engine's form, and the
 * program run through the SDK's own entry point against the recording engine
 * (commands/plan/recordingEngine.ts), as `npm run plan` does, remembered by its config and stack.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { CommandSpec, Parsed, execute } from "../commands/cli";
import {
  DEFAULT_REGION,
  PROJECT,
  Run,
  runProgram as runOnce,
} from "../commands/plan/recordingEngine";
import { ROOT } from "../stack/files";

export { ACCOUNT, DEFAULT_REGION, PROJECT } from "../commands/plan/recordingEngine";
export type { Declared, Run } from "../commands/plan/recordingEngine";
export { ROOT, committedStacks, loadStackConfig } from "../stack/files";

/**
 * A line with a type error, which `npm run typecheck` reports (test/typecheck.test.ts) and the
 * Pulumi runtime lets pass (test/program.slow.test.ts).
 */
export const DELIBERATE_TYPE_ERROR = 'const capacity: number = "100" as string;\nvoid capacity;\n';

/**
 * The component's outputs, sorted by name: what a program registers and what schema inference
 * shows, the README's values to hand the shredder among them.
 */
export const COMPONENT_OUTPUTS = [
  "capacityPlan",
  "duplicateStorageConfig",
  "duplicateStorageConfigBase64",
  "estimatedMonthlyCostUsd",
  "policyArn",
  "policyName",
  "requiredWriteCapacity",
  "shredderUserName",
  "tableArn",
  "tableName",
];

/** The user's documents, relative to the root: the README and the guides in docs/. */
export const USER_DOCUMENTS = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

const runs = new Map<string, Promise<Run>>();

/** Runs the program, or returns the remembered run; it may have failed (see `exitCode`). */
export function tryRunProgram(config: Record<string, string>, stack = "dev"): Promise<Run> {
  const key = JSON.stringify([stack, Object.entries(config).sort()]);
  let run = runs.get(key);
  if (run === undefined) {
    run = runOnce(config, stack);
    runs.set(key, run);
  }
  return run;
}

/** Runs the program, which must succeed. */
export async function runProgram(config: Record<string, string>, stack = "dev"): Promise<Run> {
  const run = await tryRunProgram(config, stack);
  if (run.exitCode !== 0) {
    throw new Error(`the program exited ${run.exitCode}: ${run.error}\n${run.stderr}`);
  }
  return run;
}

/** A stack output, and whether the engine received it as a secret. */
export function output<T = unknown>(
  run: Run,
  key: string,
): { value: T | undefined; secret: boolean } {
  const v = run.outputs[key] as unknown;
  if (v !== null && typeof v === "object" && "secret" in v) {
    return { value: (v as { secret: T }).secret, secret: true };
  }
  return { value: v as T | undefined, secret: false };
}

/**
 * Edits a stack file as YAML, as `pulumi config set` does, keeping its comments and every other
 * line (such as an `encryptionsalt`): each short key is set in this project's namespace, and a
 * full key (`aws:region`) as it is; `undefined` removes the key.
 */
export function editStackFile(file: string, values: Record<string, unknown>): void {
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  for (const [key, value] of Object.entries(values)) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value === undefined) doc.deleteIn(["config", full]);
    else doc.setIn(["config", full], value);
  }
  fs.writeFileSync(file, doc.toString());
}

/** A stack's config from this project's short keys, in aws:region eu-west-1 as the first run sets. */
export function projectConfig(values: Record<string, string>): Record<string, string> {
  return {
    "aws:region": DEFAULT_REGION,
    ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])),
  };
}

/** What a command printed and its exit code. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `commands/<name>.ts` as `npm run <name>` does, in `cwd` (the repository by default), with
 * `env` on top of this process's environment; a key set to undefined is removed. The AWS SDK never
 * tries the instance-metadata endpoint.
 */
export function command(
  name: string,
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): CommandResult {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: "true" };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const r = spawnSync(
    process.execPath,
    [
      "-r",
      path.join(ROOT, "commands", "register.js"),
      path.join(ROOT, "commands", `${name}.ts`),
      ...args,
    ],
    { cwd: options.cwd ?? ROOT, env, encoding: "utf8" },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a command's `main` in this process, as `run` would with `argv`, and gives what it printed
 * and its exit code: for a command's own failures, which need no process of their own. Once per
 * command, `command` above runs it as `npm run` does.
 */
export async function inProcess(
  spec: CommandSpec,
  main: (parsed: Parsed) => Promise<number> | number,
  argv: readonly string[],
): Promise<CommandResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { log, error } = console;
  const write = process.stdout.write;
  console.log = (...a: unknown[]) => void stdout.push(`${a.join(" ")}\n`);
  console.error = (...a: unknown[]) => void stderr.push(`${a.join(" ")}\n`);
  process.stdout.write = ((chunk: string) => stdout.push(chunk) > 0) as typeof write;
  try {
    const status = await execute(spec, main, argv);
    return { status, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
  }
}
