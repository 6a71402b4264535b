/**
 * `npm run verify -- <stack> [--role <name or ARN>]... [--write-canary] [--outputs <file>]`
 *
 * A post-deploy check, run with your own AWS credentials after `pulumi up`: reads the stack's
 * settings from `Pulumi.<stack>.yaml` and its outputs from `pulumi stack output`, then checks the
 * live table, IAM's evaluation for each principal and, with --write-canary, the shredder's own
 * write. `--outputs` reads the outputs from a file that `pulumi stack output --json` wrote instead. Prints one verdict a line and exits 1 when any check fails. Prints no secret: the outputs
 * it reads are the table's name and ARN and the user's name.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import { parseStackConfig } from "../stack/config";
import { PROJECT, loadStackConfig } from "../stack/files";
import { formatVerdicts, verify } from "./verify/checks";

const USAGE =
  "usage: npm run verify -- <stack> [--role <name or ARN>]... [--write-canary] [--outputs <file>]";

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: "string", multiple: true },
      "write-canary": { type: "boolean" },
      outputs: { type: "string" },
    },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const [stack] = positionals;
  const settings = parseStackConfig(loadStackConfig(stack), PROJECT, stack);
  const outputs = JSON.parse(
    values.outputs !== undefined
      ? fs.readFileSync(values.outputs, "utf8")
      : execFileSync("pulumi", ["stack", "output", "--json", "--stack", stack], {
          encoding: "utf8",
        }),
  ) as Record<string, unknown>;
  const tableArn = String(outputs.tableArn);
  const region = parseArn(tableArn).region;
  const verdicts = await verify(
    {
      settings,
      tableName: String(outputs.tableName),
      tableArn,
      shredderUserName:
        typeof outputs.shredderUserName === "string" ? outputs.shredderUserName : undefined,
      extraRoles: values.role ?? [],
      writeCanary: values["write-canary"] ?? false,
      now: Math.floor(Date.now() / 1000),
    },
    { dynamodb: new DynamoDBClient({ region }), iam: new IAMClient({ region }) },
  );
  console.log(formatVerdicts(verdicts).join("\n"));
  const failed = verdicts.filter((v) => !v.ok).length;
  console.log(failed === 0 ? "All checks passed." : `${failed} check(s) failed.`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(String((e as Error).message ?? e));
    process.exitCode = 2;
  },
);
