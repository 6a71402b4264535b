/**
 * Local AWS for the tests of `npm run verify`:
 *
 * - **moto** (PyPI, `tools/moto/setup.sh`), which serves AWS's DynamoDB and IAM APIs: tables with
 *   TTL, continuous backups and deletion protection; roles, users, groups, managed and inline
 *   policies and their attachments.
 * - A **stand-in for `iam:SimulatePrincipalPolicy`**, which moto does not implement and LocalStack
 *   implements only as a stub (it ignores Deny statements, wildcards and conditions). The stand-in
 *   answers that one action on IAM's wire protocol: it reads the principal's policies from moto
 *   through IAM's own API and evaluates them with `@cloud-copilot/iam-simulate`, an
 *   implementation of AWS's policy evaluation logic. It passes every other request to moto.
 *   What it does not model, only AWS can show: SCPs, resource policies such as a KMS key's, and
 *   AWS's own evaluation.
 */
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from "@aws-sdk/client-iam";
import { getDenialReasons, getGrantReasons, runSimulation } from "@cloud-copilot/iam-simulate";

import { ROOT } from "../../harness";
export const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
export const REGION = "eu-west-1";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface Server {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The moto_server that `tools/moto/setup.sh` installs, or why it cannot be had. */
export function motoServerPath(): string {
  return execFileSync("bash", [path.join(ROOT, "tools", "moto", "setup.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

/** Starts moto on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(motoServerPath(), ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {
      if (i > 200) throw new Error("moto did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    endpoint,
    stop: async () => {
      child.kill();
      await new Promise((r) => child.once("exit", r));
    },
  };
}

interface NamedPolicy {
  readonly name: string;
  readonly policy: unknown;
}

const doc = (text: string | undefined) => JSON.parse(decodeURIComponent(text ?? "{}"));

/** The identity policies and permissions boundary of a principal, read from IAM. */
async function policiesOf(
  iam: IAMClient,
  arn: string,
): Promise<{ identity: NamedPolicy[]; boundary?: NamedPolicy }> {
  const managed = async (policyArn: string): Promise<NamedPolicy> => {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: Policy!.DefaultVersionId }),
    );
    return { name: Policy!.PolicyName!, policy: doc(PolicyVersion!.Document) };
  };
  const [kind, ...rest] = arn.split(":")[5].split("/");
  const name = rest[rest.length - 1];
  const identity: NamedPolicy[] = [];
  let boundaryArn: string | undefined;

  const group = async (groupName: string) => {
    const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName }));
    for (const p of attached.AttachedPolicies ?? []) identity.push(await managed(p.PolicyArn!));
    const inline = await iam.send(new ListGroupPoliciesCommand({ GroupName: groupName }));
    for (const policyName of inline.PolicyNames ?? []) {
      const p = await iam.send(
        new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName }),
      );
      identity.push({ name: policyName, policy: doc(p.PolicyDocument) });
    }
  };

  if (kind === "role") {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
    boundaryArn = Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
    for (const p of attached.AttachedPolicies ?? []) identity.push(await managed(p.PolicyArn!));
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
    for (const policyName of inline.PolicyNames ?? []) {
      const p = await iam.send(
        new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }),
      );
      identity.push({ name: policyName, policy: doc(p.PolicyDocument) });
    }
  } else if (kind === "user") {
    const { User } = await iam.send(new GetUserCommand({ UserName: name }));
    boundaryArn = User?.PermissionsBoundary?.PermissionsBoundaryArn;
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }));
    for (const p of attached.AttachedPolicies ?? []) identity.push(await managed(p.PolicyArn!));
    const inline = await iam.send(new ListUserPoliciesCommand({ UserName: name }));
    for (const policyName of inline.PolicyNames ?? []) {
      const p = await iam.send(
        new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }),
      );
      identity.push({ name: policyName, policy: doc(p.PolicyDocument) });
    }
    const groups = await iam.send(new ListGroupsForUserCommand({ UserName: name }));
    for (const g of groups.Groups ?? []) await group(g.GroupName!);
  } else if (kind === "group") {
    await group(name);
  }
  return { identity, boundary: boundaryArn ? await managed(boundaryArn) : undefined };
}

/** The default key policy of a KMS key: IAM policies of the key's account decide. */
function delegatingKeyPolicy(keyArn: string) {
  const [, partition, , , account] = keyArn.split(":");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Answers one SimulatePrincipalPolicy request, in IAM's query-protocol XML. */
async function simulatePrincipalPolicy(iam: IAMClient, params: URLSearchParams): Promise<string> {
  const list = (prefix: string) =>
    [...params.keys()]
      .filter((k) => new RegExp(`^${prefix}\\.member\\.\\d+$`).test(k))
      .sort((a, b) => Number(a.split(".").pop()) - Number(b.split(".").pop()))
      .map((k) => params.get(k)!);
  const principal = params.get("PolicySourceArn")!;
  const actions = list("ActionNames");
  const resources = list("ResourceArns");
  const context: Record<string, string[]> = {};
  for (const k of params.keys()) {
    const m = /^ContextEntries\.member\.(\d+)\.ContextKeyName$/.exec(k);
    if (m) context[params.get(k)!] = list(`ContextEntries.member.${m[1]}.ContextKeyValues`);
  }
  const { identity, boundary } = await policiesOf(iam, principal);
  const members: string[] = [];
  for (const action of actions) {
    for (const resource of resources) {
      const run = (boundaries: NamedPolicy[] | undefined) =>
        runSimulation(
          {
            identityPolicies: [...identity],
            permissionBoundaryPolicies: boundaries,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            // SimulatePrincipalPolicy without a ResourcePolicy evaluates identity policies only. KMS
            // also requires a key policy; the default one lets IAM policies decide, as here.
            resourcePolicy: resource.includes(":kms:") ? delegatingKeyPolicy(resource) : undefined,
            request: {
              principal,
              action,
              resource: { resource, accountId: resource.split(":")[4] || principal.split(":")[4] },
              contextVariables: context,
            },
          },
          {},
        );
      const result = await run(boundary ? [boundary] : undefined);
      if (result.resultType !== "single") {
        throw new Error(`cannot simulate ${action} on ${resource}: ${JSON.stringify(result)}`);
      }
      const decision = {
        Allowed: "allowed",
        ExplicitlyDenied: "explicitDeny",
        ImplicitlyDenied: "implicitDeny",
      }[result.overallResult as string];
      const analysis = result.result.analysis;
      const matched =
        decision === "allowed"
          ? getGrantReasons(analysis).map((g) =>
              "policyIdentifier" in g ? g.policyIdentifier : "",
            )
          : getDenialReasons(analysis).flatMap((d) =>
              d.denialType === "Explicit" && d.policyIdentifier ? [d.policyIdentifier] : [],
            );
      let boundaryDetail = "";
      if (boundary) {
        const allowedByBoundary = !getDenialReasons(analysis).some((d) => d.policyType === "pb");
        boundaryDetail =
          `<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>${allowedByBoundary}` +
          "</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>";
      }
      members.push(
        "<member>" +
          `<EvalActionName>${xml(action)}</EvalActionName>` +
          `<EvalResourceName>${xml(resource)}</EvalResourceName>` +
          `<EvalDecision>${decision}</EvalDecision>` +
          "<MatchedStatements>" +
          matched
            .filter((id) => id !== "")
            .map(
              (id) =>
                `<member><SourcePolicyId>${xml(id)}</SourcePolicyId>` +
                "<SourcePolicyType>IAM Policy</SourcePolicyType></member>",
            )
            .join("") +
          "</MatchedStatements><MissingContextValues/>" +
          boundaryDetail +
          "</member>",
      );
    }
  }
  return (
    '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">' +
    "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>" +
    `<EvaluationResults>${members.join("")}</EvaluationResults>` +
    "</SimulatePrincipalPolicyResult>" +
    "<ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>" +
    "</SimulatePrincipalPolicyResponse>"
  );
}

/** Starts the stand-in in front of moto: SimulatePrincipalPolicy here, the rest to moto. */
export async function startSimulator(moto: Server): Promise<Server> {
  const iam = new IAMClient({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString("utf8"));
      if (params.get("Action") === "SimulatePrincipalPolicy") {
        simulatePrincipalPolicy(iam, params).then(
          (text) => {
            res.writeHead(200, { "content-type": "text/xml" });
            res.end(text);
          },
          (e: unknown) => {
            res.writeHead(500, { "content-type": "text/plain" });
            res.end(String(e));
          },
        );
        return;
      }
      const upstream = http.request(
        `${moto.endpoint}${req.url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
        },
      );
      upstream.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      iam.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
