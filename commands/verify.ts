/**
 * `npm run verify -- <stack> [--role <name or ARN>]... [--write-canary] [--outputs <file>]`
 *
 * A post-deploy check, run with your own AWS credentials after `pulumi up`: reads the stack's
 * settings from `Pulumi.<stack>.yaml` and its outputs from `pulumi stack output`, then checks the
 * live table, IAM's evaluation for each principal and, with --write-canary, the shredder's own
 * write. Prints one verdict a line and exits 1 when a check fails, 2 when it cannot check at all
 * (no credentials, no `pulumi`, an outputs file without the table). Prints no secret: the outputs
 * it reads are the table's name and ARN and the user's name.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import { ConfigError, parseStackConfig } from "../stack/config";
import { PROJECT, committedStacks, loadStackConfig } from "../stack/files";
import { CommandSpec, EXIT, UsageError, run, unknownChoice } from "./cli";
import { readOutputs, requireCredentials } from "./deployed";
import { formatVerdicts, verify } from "./verify/checks";

export const SPEC: CommandSpec = {
  usage: "npm run verify --",
  description:
    "Checks a deployed stack with your own AWS credentials: the live table against\n" +
    "Pulumi.<stack>.yaml, IAM's own evaluation for every principal the stack attaches the policy\n" +
    "to (and each --role), and with --write-canary the shredder's conditional write. Run it as the\n" +
    "role your cluster runs as to test that role's path.",
  flags: {
    role: {
      type: "string",
      multiple: true,
      value: "<name or ARN>",
      description: "also check this role, such as the one the cluster really runs as; repeatable",
    },
    "write-canary": {
      type: "boolean",
      description: "write one marked item as the shredder does, which TTL removes after an hour",
    },
    outputs: {
      type: "string",
      value: "<file>",
      description: "read the outputs from a file of `pulumi stack output --json`, not from pulumi",
    },
  },
  positionals: { name: "stack", min: 1, max: 1 },
  examples: [
    "npm run verify -- prod",
    "npm run verify -- prod --role MyEmrInstanceRole --write-canary",
    "pulumi stack output --json --stack prod > outputs.json && npm run verify -- prod --outputs outputs.json",
  ],
};

/** The command, for `run`, and for tests in process through `execute`. */
export async function main(values: Record<string, unknown>, stack: string): Promise<number> {
  const stacks = committedStacks();
  if (!stacks.includes(stack)) throw unknownChoice("stack", stack, stacks);
  let settings;
  try {
    settings = parseStackConfig(loadStackConfig(stack), PROJECT, stack);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const outputs = readOutputs(stack, values.outputs as string | undefined);
  const tableArn = outputs.tableArn as string;
  const region = parseArn(tableArn).region;
  const dynamodb = new DynamoDBClient({ region });
  await requireCredentials(dynamodb, "verify");
  const verdicts = await verify(
    {
      settings,
      tableName: outputs.tableName as string,
      tableArn,
      shredderUserName:
        typeof outputs.shredderUserName === "string" ? outputs.shredderUserName : undefined,
      extraRoles: (values.role as string[] | undefined) ?? [],
      writeCanary: values["write-canary"] === true,
      now: Math.floor(Date.now() / 1000),
    },
    { dynamodb, iam: new IAMClient({ region }) },
  );
  console.log(formatVerdicts(verdicts).join("\n"));
  const failed = verdicts.filter((v) => !v.ok).length;
  console.log(failed === 0 ? "All checks passed." : `${failed} check(s) failed.`);
  return failed === 0 ? EXIT.ok : EXIT.checkFailed;
}

if (require.main === module) {
  run(SPEC, ({ values, positionals }) => main(values, positionals[0]));
}
