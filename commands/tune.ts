/**
 * `npm run tune -- <stack> [--days <n>] [--end <time>] [--outputs <file>] [--json]`
 *
 * Reads what the deployed table really did, from CloudWatch's per-minute metrics, with your own
 * AWS credentials: the shredder's runs, their schedule, their throttled minutes and duplicates.
 * Replays every setup that the capacity model knows over the demand those runs made, and prints
 * the cheapest one that would have served every run with no throttled minute as `pulumi config`
 * lines, with the sizing keys it measured. Exits 1 when the history shows something to act on
 * (throttled minutes, no writes, or a setup that costs more than 10% over the cheapest), 2 when
 * it cannot read the history.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import { MAX_DAYS_AT_ONE_MINUTE } from "snowplowdedup/capacity";
import { ConfigError, readStackConfig } from "../stack/config";
import { PROJECT, committedStacks, loadStackConfig } from "../stack/files";
import { wrap } from "./capacity";
import { CommandSpec, EXIT, UsageError, run, unknownChoice } from "./cli";
import { readOutputs, requireCredentials } from "./deployed";
import { analyze } from "./tune/analysis";
import { readHistory } from "./tune/cloudwatch";
import { reportLines } from "./tune/report";

/** Days of history read by default: two weeks, within what CloudWatch keeps per minute. */
export const DEFAULT_DAYS = 14;

export const SPEC: CommandSpec = {
  usage: "npm run tune --",
  description:
    "Sizes the table from its own history, with your own AWS credentials: finds the shredder's\n" +
    "runs in CloudWatch's per-minute metrics, replays every setup over them, and prints the\n" +
    "cheapest that would have served every run without throttling, as pulumi config lines.\n" +
    "Exits 1 when the history shows something to act on.",
  flags: {
    days: {
      type: "string",
      value: "<n>",
      description: `days of history, 1 to ${MAX_DAYS_AT_ONE_MINUTE} (default ${DEFAULT_DAYS})`,
    },
    end: {
      type: "string",
      value: "<time>",
      description: "the window's end, an ISO 8601 time in UTC (default now)",
    },
    outputs: {
      type: "string",
      value: "<file>",
      description: "read the outputs from a file of `pulumi stack output --json`, not from pulumi",
    },
    json: { type: "boolean", description: "print one JSON object, for scripts" },
  },
  positionals: { name: "stack", min: 1, max: 1 },
  examples: [
    "npm run tune -- prod",
    "npm run tune -- prod --days 7 --json",
    "pulumi stack output --json --stack prod > outputs.json && npm run tune -- prod --outputs outputs.json",
  ],
};

/** The window `[from, to)` in minutes since the epoch, from the flags, or a UsageError. */
export function windowOf(
  values: Record<string, unknown>,
  nowMs: number,
): { fromMinute: number; toMinute: number } {
  const daysText = (values.days as string | undefined) ?? String(DEFAULT_DAYS);
  const days = /^\d+$/.test(daysText) ? Number(daysText) : NaN;
  if (!(days >= 1 && days <= MAX_DAYS_AT_ONE_MINUTE)) {
    throw new UsageError(
      `--days must be a whole number from 1 to ${MAX_DAYS_AT_ONE_MINUTE}, got '${daysText}': ` +
        `CloudWatch keeps DynamoDB's 1-minute datapoints ${MAX_DAYS_AT_ONE_MINUTE} days`,
    );
  }
  const now = Math.floor(nowMs / 60_000);
  let toMinute = now;
  if (values.end !== undefined) {
    const text = values.end as string;
    const ms = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(text) || Number.isNaN(ms)) {
      throw new UsageError(
        `--end must be an ISO 8601 time in UTC, such as 2026-12-01T00:00Z, got '${text}'`,
      );
    }
    toMinute = Math.floor(ms / 60_000);
    if (toMinute > now) throw new UsageError(`--end must not be in the future, got '${text}'`);
  }
  const fromMinute = toMinute - days * 1440;
  if (fromMinute < now - MAX_DAYS_AT_ONE_MINUTE * 1440) {
    throw new UsageError(
      `--end ${values.end} with --days ${days} starts more than ${MAX_DAYS_AT_ONE_MINUTE} days ` +
        "ago, beyond what CloudWatch keeps at one minute: move --end later or ask for fewer days",
    );
  }
  return { fromMinute, toMinute };
}

/** The command, for `run`, and for tests in process through `execute`. */
export async function main(values: Record<string, unknown>, stack: string): Promise<number> {
  const stacks = committedStacks();
  if (!stacks.includes(stack)) throw unknownChoice("stack", stack, stacks);
  const window = windowOf(values, Date.now());
  const stackConfig = loadStackConfig(stack);
  try {
    readStackConfig(stackConfig, PROJECT, stack);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const outputs = readOutputs(stack, values.outputs as string | undefined);
  const tableName = outputs.tableName as string;
  const region = parseArn(outputs.tableArn as string).region;
  const dynamodb = new DynamoDBClient({ region });
  await requireCredentials(dynamodb, "tune");
  let described;
  try {
    described = (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) {
      throw new UsageError(
        `the table ${tableName} does not exist in ${region}: has ${stack} been deployed, and ` +
          "are these the account's credentials?",
      );
    }
    throw new UsageError(`DescribeTable of ${tableName} failed: ${(e as Error).message}`);
  }
  let samples;
  try {
    samples = await readHistory(
      new CloudWatchClient({ region }),
      tableName,
      window.fromMinute,
      window.toMinute,
    );
  } catch (e) {
    throw new UsageError(`CloudWatch's GetMetricData failed: ${(e as Error).message}`);
  }
  const report = analyze({
    stack,
    stackConfig,
    namespace: PROJECT,
    samples,
    ...window,
    table: {
      sizeBytes: described?.TableSizeBytes,
      itemCount: described?.ItemCount,
      decreasesToday: described?.ProvisionedThroughput?.NumberOfDecreasesToday,
    },
  });
  if (values.json === true) {
    const { advice: _advice, busiest: _busiest, ...json } = report;
    console.log(JSON.stringify(json, null, 2));
  } else {
    console.log(
      reportLines(tableName, report)
        .flatMap((l) => wrap(l))
        .join("\n"),
    );
  }
  return report.actionable ? EXIT.checkFailed : EXIT.ok;
}

if (require.main === module) {
  run(SPEC, ({ values, positionals }) => main(values, positionals[0]));
}
