/**
 * What tests share: the project's paths and stacks, stack config in the engine's form, and the
 * program run through the SDK's own entry point against the recording engine
 * (scripts/recordingEngine.ts), as `npm run plan` does, remembered by its config and stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_REGION, PROJECT, Run, runProgram as runOnce } from "../scripts/recordingEngine";
import { ROOT } from "../scripts/stackConfig";

export { ACCOUNT, DEFAULT_REGION, PROJECT } from "../scripts/recordingEngine";
export type { Declared, Run } from "../scripts/recordingEngine";
export { ROOT, committedStacks, loadStackConfig } from "../scripts/stackConfig";

/**
 * A line with a type error, which `npm run typecheck` reports (test/typecheck.test.ts) and the
 * Pulumi runtime lets pass (test/program.test.ts).
 */
export const DELIBERATE_TYPE_ERROR = 'const capacity: number = "100" as string;\nvoid capacity;\n';

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

/** A stack's config from this project's short keys, in aws:region eu-west-1 as the first run sets. */
export function projectConfig(values: Record<string, string>): Record<string, string> {
  return {
    "aws:region": DEFAULT_REGION,
    ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])),
  };
}
