/** Reading the project's stack files the way the Pulumi CLI hands their config to the program. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** The repository root, where Pulumi.yaml and the stack files are. */
export const ROOT = path.resolve(__dirname, "..");

/** The project's name in `Pulumi.yaml`, which is also its config namespace. */
export function projectName(dir = ROOT): string {
  return parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).name;
}

/** The language host's options of a program, Pulumi.yaml's `runtime.options`; none without one. */
export function runtimeOptions(dir = ROOT): { typescript?: boolean; tsconfig?: string } {
  const file = path.join(dir, "Pulumi.yaml");
  if (!fs.existsSync(file)) return {};
  const runtime = parseYaml(fs.readFileSync(file, "utf8")).runtime;
  return (typeof runtime === "object" && runtime?.options) || {};
}

/** This project's name, `snowplow-dedup`. */
export const PROJECT = projectName();

/**
 * The engine config of a committed stack, read from `Pulumi.<stack>.yaml` as the CLI passes it:
 * project defaults from `Pulumi.yaml` first, scalar values as strings, lists and maps as JSON.
 */
export function loadStackConfig(stack: string, dir = ROOT): Record<string, string> {
  const project = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const stackFile = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  const config: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    if (typeof value === "object" && value !== null && "secure" in value) {
      throw new Error(`${file}: ${key} is a secret, which an offline run cannot decrypt`);
    }
    config[full] = typeof value === "string" ? value : JSON.stringify(value);
  };
  for (const [key, decl] of Object.entries<{ default?: unknown }>(project.config ?? {})) {
    if (decl.default !== undefined) put(key, decl.default);
  }
  for (const [key, value] of Object.entries(stackFile.config ?? {})) put(key, value);
  return config;
}

/** The stacks that have a committed `Pulumi.<stack>.yaml`. */
export function committedStacks(dir = ROOT): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}
