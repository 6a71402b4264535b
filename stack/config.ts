/**
 * The stack adapter: reads this project's keys out of the engine's config map, decodes each
 * string into the argument of the same name, refuses unknown keys and keys set with `--secret`,
 * and checks what only the stack knows (the region). The arguments' own rules are the library's
 * (`resolveSettings`), so that a stack gets every problem at once, in one message.
 */
import * as pulumi from "@pulumi/pulumi";
import { partition as awsPartition } from "@aws-sdk/util-endpoints";
import {
  ArgValues,
  DedupSettings,
  KEYS,
  KeyName,
  arnPlacement,
  mustBe,
  quote,
  resolveSettings,
} from "snowplowdedup/args";
import type { PlanInput } from "snowplowdedup/capacity";
import { nearest } from "./nearest";

/** Turns one engine config string into the key's type, or says why it cannot. */
function decode(key: KeyName, raw: string): { value?: unknown; problem?: string } {
  const { kind, allowed } = KEYS[key];
  const bad = { problem: mustBe(key, allowed, raw) };
  switch (kind) {
    case "string":
      return { value: raw };
    case "boolean":
      return raw === "true" || raw === "false" ? { value: raw === "true" } : bad;
    case "integer":
    case "number":
      // Number("") is 0 and Number(" 7") is 7, so only plain decimal numerals are read.
      return /^[+-]?\d+(\.\d+)?$/.test(raw.trim()) && raw.trim() === raw
        ? { value: Number(raw) }
        : bad;
    case "list":
    case "map":
    case "object": {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return kind === "list"
          ? { problem: `${bad.problem} (write a YAML list, for example [${raw}])` }
          : bad;
      }
      const isMap = typeof value === "object" && value !== null && !Array.isArray(value);
      if (kind === "list") {
        return Array.isArray(value) && value.every((v) => typeof v === "string") ? { value } : bad;
      }
      if (kind === "object") return isMap ? { value } : bad;
      return isMap && Object.values(value as object).every((v) => typeof v === "string")
        ? { value }
        : { problem: `${bad.problem} (quote values that YAML reads as numbers)` };
    }
  }
}

/** A stack config problem: the CLI prints a `RunError` without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly namespace: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid stack config in namespace '${namespace}' (nothing was created):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

/**
 * Reads this project's keys out of the engine's config map (`namespace:key` to string, as
 * `pulumi.runtime.allConfig()` returns it), decodes and checks them. `secretKeys` are the full
 * keys that were set with `--secret`, which this program refuses.
 *
 * @returns the arguments, as the stack gives them, the settings they resolve to, and what the
 *   capacity plan starts from.
 * @throws ConfigError listing every problem, before any resource is declared.
 */
export function readStackConfig(
  allConfig: Readonly<Record<string, string>>,
  namespace: string,
  stack: string,
  secretKeys: readonly string[] = [],
): { args: ArgValues; settings: DedupSettings; plan: PlanInput | undefined } {
  const known = Object.keys(KEYS) as KeyName[];
  const input: Record<string, unknown> = {};
  const problems: string[] = [];

  // No key of this program holds a secret, and each flows into plain outputs and state, where a
  // value set with --secret would lose its secrecy without a word.
  for (const fullKey of secretKeys) {
    const key = fullKey.replace(/^([^:]+):config:/, "$1:");
    if (!key.startsWith(`${namespace}:`)) continue;
    const name = key.slice(namespace.length + 1);
    problems.push(
      `${name} was set with --secret, but none of this program's keys is secret and its value ` +
        `would show in plain text in outputs and state: set it again without --secret ` +
        `(pulumi config set ${name} <value>)`,
    );
  }

  for (const [fullKey, raw] of Object.entries(allConfig)) {
    const prefix = `${namespace}:`;
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!(known as string[]).includes(key)) {
      problems.push(unknownKeyMessage(key, raw, known));
      continue;
    }
    const { value, problem } = decode(key as KeyName, raw);
    if (problem !== undefined) problems.push(problem);
    else input[key] = value;
  }

  const args = input as ArgValues;
  const resolved = resolveSettings(args, stack);
  const all = [...problems, ...resolved.problems, ...placementProblems(args, allConfig)];
  if (all.length > 0 || resolved.settings === undefined) {
    throw new ConfigError(namespace, [...new Set(all)]);
  }
  return { args, settings: resolved.settings, plan: resolved.plan };
}

/** The settings that a stack's config resolves to; see `readStackConfig`. */
export function parseStackConfig(
  allConfig: Readonly<Record<string, string>>,
  namespace: string,
  stack: string,
  secretKeys: readonly string[] = [],
): DedupSettings {
  return readStackConfig(allConfig, namespace, stack, secretKeys).settings;
}

function unknownKeyMessage(key: string, raw: string, known: readonly string[]): string {
  const near = nearest(key, known);
  return (
    `unknown config key ${quote(key)} (value ${quote(raw)})` +
    (near ? `: did you mean ${quote(near)}?` : "") +
    ` Known keys: ${known.join(", ")}`
  );
}

/**
 * The stack's region, `aws:region`, must be one that AWS's partition data (`@aws-sdk/util-endpoints`)
 * knows, and a KMS key and an SNS topic must be where the table is: in that region and its
 * partition. Without `aws:region` the provider takes the region of its environment, which the
 * program cannot read before it declares anything, so a key or topic then needs `aws:region`.
 */
function placementProblems(args: ArgValues, allConfig: Readonly<Record<string, string>>): string[] {
  const region = allConfig["aws:region"];
  const problems: string[] = [];
  // The provider itself refuses a region it does not know unless aws:skipRegionValidation is
  // set; a region newer than the SDK's data then passes here too, as it does there.
  const skip = allConfig["aws:skipRegionValidation"] === "true";
  const known = region === undefined || skip || isKnownRegion(region);
  if (!known) {
    problems.push(
      `aws:region must be a region that AWS's partition data knows, such as 'eu-west-1', got ` +
        `${quote(region)}: check its spelling, or set aws:skipRegionValidation to true for a ` +
        "region newer than this program's AWS SDK",
    );
  }
  const check = (key: string, arn: unknown, service: "kms" | "sns") => {
    const at = typeof arn === "string" ? arnPlacement(arn, service) : undefined;
    if (at === undefined) return;
    if (region === undefined) {
      problems.push(
        `${key} needs aws:region, so that ${quote(arn)} can be checked against the table's ` +
          `region: set aws:region to ${quote(at.region)}`,
      );
      return;
    }
    if (!known) return;
    const partition = awsPartition(region).name;
    if (at.partition !== partition) {
      problems.push(
        `${key} must be in the partition of aws:region ${quote(region)} (${quote(partition)}), ` +
          `got ${quote(arn)} in ${quote(at.partition)}`,
      );
    } else if (at.region !== region) {
      problems.push(
        `${key} must be in the stack's region aws:region ${quote(region)}, got ${quote(arn)} ` +
          `in ${quote(at.region)}`,
      );
    }
  };
  check("kmsKeyArn", args.kmsKeyArn, "kms");
  const alarms = args.alarms as { snsTopicArn?: unknown } | undefined;
  check("alarms.snsTopicArn", typeof alarms === "object" ? alarms?.snsTopicArn : undefined, "sns");
  return problems;
}

/**
 * Whether AWS's partition data lists the region: a listed region comes with its description, an
 * unlisted one only matches a partition's pattern. Pseudo-regions such as `aws-global` are not
 * regions a table can be in.
 */
function isKnownRegion(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) && "description" in awsPartition(region);
}
