/**
 * The component in a program of another team's, with the real engine and the stand-in AWS provider
 * (see pulumiCli.ts): an attachment to a role whose name comes from a resource keeps its URN when
 * the name becomes a plain string, or when another role comes first in the list, so that no
 * attachment is replaced, which would detach the policy; and a bad value from a resource fails
 * the preview with the component's own message.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Workspace, urnName } from "./pulumiCli";

const PROGRAM = `
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DuplicateStorage } from "snowplowdedup";

const trust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const emr = new aws.iam.Role("emr", { name: "emr-instances", assumeRolePolicy: trust });
const etl = new aws.iam.Role("etl", { name: "etl-runner", assumeRolePolicy: trust });
const roles: Record<string, pulumi.Input<string>[]> = {
  output: [emr.name],
  plain: ["emr-instances"],
  added: [etl.name, emr.name],
  bad: [pulumi.output("arn:aws:iam::123456789012:role/emr-instances")],
};
const storage = new DuplicateStorage("lib", {
  tableName: "lib-dedup",
  attachToRoles: roles[new pulumi.Config().require("form")],
});
export const tableArn = storage.tableArn;
`;

describe("the component in a program of its own, with the real engine", function () {
  this.timeout(300_000);
  let ws: Workspace;
  before(() => {
    ws = new Workspace();
    fs.writeFileSync(path.join(ws.project, "index.ts"), PROGRAM);
    ws.ok("stack", "init", "team");
    ws.ok("config", "set", "aws:region", "eu-west-1");
    ws.ok("config", "set", "form", "output");
    ws.ok("up", "--yes");
  });
  after(() => ws.dispose());

  /** What a preview would do to each resource other than the stack, by name. */
  function changes(): string[] {
    return ws
      .preview("team")
      .filter((s) => s.op !== "same")
      .map((s) => `${s.op} ${urnName(s.urn)}`);
  }

  it("attaches the policy to the role whose name comes from a resource, named after the role", () => {
    const attachment = ws.state("team").find((r) => urnName(r.urn) === "lib-role-emr-instances");
    assert.equal(attachment?.inputs?.role, "emr-instances");
    assert.equal(
      attachment?.inputs?.policyArn,
      "arn:aws:iam::123456789012:policy/lib-dedup-shredder",
    );
  });

  it("changes nothing when the name becomes a plain string", () => {
    ws.ok("config", "set", "form", "plain");
    assert.deepEqual(changes(), []);
  });

  it("only adds an attachment when another role comes first in the list", () => {
    ws.ok("config", "set", "form", "added");
    assert.deepEqual(changes(), ["create lib-role-etl-runner"]);
  });

  it("fails the preview with the component's message for a bad name from a resource", () => {
    ws.ok("config", "set", "form", "bad");
    const r = ws.pulumi("preview", "--stack", "team");
    assert.notEqual(r.code, 0);
    assert.match(
      r.stdout + r.stderr,
      /attachToRoles\[0\] must be a role name of 1 to 64 characters .*\(give the role's name, not its ARN\)/,
    );
  });
});
