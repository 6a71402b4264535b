/**
 * What the commands that read a deployed stack share: its outputs, from `pulumi stack output` or
 * a file it wrote, and the user's own AWS credentials, checked before anything is asked of AWS.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { validate as isArn } from "@aws-sdk/util-arn-parser";
import { UsageError } from "./cli";

/** The stack's outputs, from `--outputs` or from `pulumi stack output`. */
export function readOutputs(stack: string, file: string | undefined): Record<string, unknown> {
  let text: string;
  if (file !== undefined) {
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read --outputs ${file}: ${(e as Error).message}`);
    }
  } else {
    const r = spawnSync("pulumi", ["stack", "output", "--json", "--stack", stack], {
      encoding: "utf8",
    });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
      throw new UsageError(
        "the Pulumi CLI is not on your PATH: install it (README, First run), or pass --outputs " +
          "with a file that `pulumi stack output --json` wrote",
      );
    }
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout).trim().split("\n").pop();
      throw new UsageError(`pulumi stack output --stack ${stack} failed: ${why}`);
    }
    text = r.stdout;
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new UsageError(`the stack's outputs${file ? ` in ${file}` : ""} are not JSON`);
  }
  const o = (outputs ?? {}) as Record<string, unknown>;
  for (const key of ["tableName", "tableArn"]) {
    if (typeof o[key] !== "string" || o[key] === "") {
      throw new UsageError(
        `the stack's outputs${file ? ` in ${file}` : ""} have no ${key}: has ${stack} been ` +
          "deployed with pulumi up, and is this the file of `pulumi stack output --json`?",
      );
    }
  }
  if (!isArn(o.tableArn as string)) {
    throw new UsageError(`the stack's output tableArn is not an ARN, got '${o.tableArn}'`);
  }
  return o;
}

/** Fails with a clear message, before any check, when no credentials can be had. */
export async function requireCredentials(
  client: { config: { credentials: () => Promise<unknown> } },
  command: string,
): Promise<void> {
  try {
    await client.config.credentials();
  } catch (e) {
    throw new UsageError(
      `no AWS credentials were found, and ${command} runs with your own: set them as for the AWS CLI ` +
        "(for example `aws configure sso` and `export AWS_PROFILE=...`; `aws sts " +
        `get-caller-identity\` checks them). ${(e as Error).message}`,
    );
  }
}
