/**
 * Runs the program the way Pulumi's language host does, against a recording engine.
 *
 * `runProgram` starts the SDK's real entry point, `@pulumi/pulumi/cmd/run`, in a child process with
 * the arguments and environment that `pulumi-language-nodejs` passes (`--monitor`, `--engine`,
 * `--project`, `--root-directory`, `--stack`, `--pwd`, `--dry-run`, `PULUMI_CONFIG` with
 * `<namespace>:config:<key>` keys, `PULUMI_CONFIG_SECRET_KEYS`). The child talks gRPC, with the
 * SDK's own generated stubs, to a resource monitor and engine in this process that record every
 * registration and log message and answer like an engine would after `pulumi up`: each custom
 * resource gets a deterministic id and the ARN that AWS would compute, in account 123456789012,
 * and the provider functions getRegion and getPartition answer for the stack's `aws:region`
 * (eu-west-1 where it is unset, standing in for the provider's environment).
 *
 * It is what `npm run plan` runs the program on, offline, and what the tests run it on: a
 * stand-in for Pulumi's engine and the AWS provider, which shows what the program declares, not
 * what Pulumi or AWS do with it (the real-CLI tier in test/cli covers the engine).
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as structPb from "google-protobuf/google/protobuf/struct_pb";
import * as emptyPb from "google-protobuf/google/protobuf/empty_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { partition as awsPartition } from "@aws-sdk/util-endpoints";
import { PROJECT, ROOT, runtimeOptions } from "../../stack/files";

export { PROJECT };
export const ACCOUNT = "123456789012";
export const DEFAULT_REGION = "eu-west-1";

/** The key and value by which Pulumi's wire format marks a secret. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, any>;

/** A resource as the engine received it. */
export interface Declared {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  readonly custom: boolean;
  readonly inputs: Props;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: string[];
  readonly importId: string;
  /** The URNs it was known by before, which the engine matches old state against. */
  readonly aliases: string[];
  /** What the resource passed to `registerOutputs`, secrets as `{ secret: value }`. */
  readonly outputs?: Props;
}

/** A message the program logged through the engine. */
export interface LogMessage {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  readonly urn: string;
}

/** What one run of the program produced. */
export interface Run {
  readonly resources: Declared[];
  /** The stack outputs, with secrets as `{ secret: value }`. */
  readonly outputs: Record<string, unknown>;
  readonly logs: LogMessage[];
  /** The child's exit code: 0, or 32 after a message the user can act on. */
  readonly exitCode: number;
  /** The child's standard error, where an unexpected error's stack trace goes. */
  readonly stderr: string;
  /** Every error message the program logged, joined by newlines; "" when it succeeded. */
  readonly error: string;
  /** Each resource of a type. */
  ofType(type: string): Declared[];
  /** The only resource of a type; throws unless there is exactly one. */
  one(type: string): Declared;
}

const SEVERITY = ["debug", "info", "warning", "error"] as const;

/** Marks the values of `keys` in `props` as secrets, as the engine does for secret outputs. */
function withSecrets(props: Props, keys: readonly string[]): Props {
  const out = { ...props };
  for (const k of keys) {
    if (k in out) out[k] = { [SECRET_SIG]: SECRET_VALUE, value: out[k] };
  }
  return out;
}

/** Replaces the wire format's secret markers by `{ secret: value }`. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const obj = value as Props;
    if (obj[SECRET_SIG] === SECRET_VALUE) return { secret: unwrapSecrets(obj.value) };
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The partition of a region and its DNS suffix, from AWS's own partition data. */
function partitionOf(region: string): { partition: string; dnsSuffix: string } {
  const { name, dnsSuffix } = awsPartition(region);
  return { partition: name, dnsSuffix };
}

/** What the provider functions that the program calls return in a region. */
export function invoked(token: string, region: string): Props | undefined {
  const { partition, dnsSuffix } = partitionOf(region);
  switch (token) {
    case "aws:index/getRegion:getRegion":
      return { id: region, name: region, region, endpoint: `ec2.${region}.${dnsSuffix}` };
    case "aws:index/getPartition:getPartition":
      return { id: partition, partition, dnsSuffix, reverseDnsPrefix: "com.amazonaws" };
    default:
      return undefined;
  }
}

/** The state AWS would return for a new resource: its inputs plus an id and computed outputs. */
export function created(type: string, name: string, inputs: Props, region: string) {
  const { partition } = partitionOf(region);
  switch (type) {
    case "aws:dynamodb/table:Table": {
      const arn = `arn:${partition}:dynamodb:${region}:${ACCOUNT}:table/${inputs.name}`;
      return { id: inputs.name, state: { ...inputs, arn, streamArn: "" } };
    }
    case "aws:iam/policy:Policy": {
      const arn = `arn:${partition}:iam::${ACCOUNT}:policy/${inputs.name}`;
      return { id: arn, state: { ...inputs, arn, policyId: "ANPAEXAMPLEPOLICYID01" } };
    }
    case "aws:iam/user:User":
    case "aws:iam/role:Role": {
      // The provider, not the SDK, makes up a name; this stands in for its random suffix.
      const principalName = inputs.name ?? `${name}-xxxxxxx`;
      const kind = type === "aws:iam/user:User" ? "user" : "role";
      const arn = `arn:${partition}:iam::${ACCOUNT}:${kind}/${principalName}`;
      return { id: principalName, state: { ...inputs, name: principalName, arn } };
    }
    case "aws:iam/accessKey:AccessKey":
      return {
        id: "AKIAIOSFODNN7EXAMPLE",
        state: { ...inputs, secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", status: "Active" },
      };
    default:
      return { id: `${name}-id`, state: inputs };
  }
}

/** The recording resource monitor and engine, serving one program run. */
class RecordingEngine {
  readonly resources: Declared[] = [];
  readonly logs: LogMessage[] = [];
  stackOutputs: Props = {};
  private rootUrn = "";
  private readonly qualifiedTypes = new Map<string, string>();
  private readonly server = new grpc.Server();

  constructor(
    private readonly stack: string,
    private readonly region: string,
  ) {
    const ok = (cb: grpc.sendUnaryData<any>, value: any) => cb(null, value);
    const refuse = (cb: grpc.sendUnaryData<any>, what: string) =>
      cb({ code: grpc.status.UNIMPLEMENTED, details: `unexpected ${what}` } as grpc.ServiceError);

    this.server.addService(resourceRpc.ResourceMonitorService, {
      supportsFeature: (call: any, cb: any) => {
        const id = call.request.getId();
        ok(cb, new resourcePb.SupportsFeatureResponse().setHassupport(id === "secrets"));
      },
      registerResource: (call: any, cb: any) => ok(cb, this.register(call.request)),
      registerResourceOutputs: (call: any, cb: any) => {
        const req = call.request as resourcePb.RegisterResourceOutputsRequest;
        const outputs = req.getOutputs()?.toJavaScript() ?? {};
        if (req.getUrn() === this.rootUrn) this.stackOutputs = outputs;
        const resource = this.resources.find((r) => r.urn === req.getUrn());
        if (resource) (resource as { outputs?: Props }).outputs = unwrapSecrets(outputs) as Props;
        ok(cb, new emptyPb.Empty());
      },
      invoke: (call: any, cb: any) => {
        const token = call.request.getTok();
        const result = invoked(token, this.region);
        if (result === undefined) return refuse(cb, `provider call ${token}`);
        const response = new resourcePb.ResourceInvokeResponse();
        ok(cb, response.setReturn(structPb.Struct.fromJavaScript(result)));
      },
      call: (call: any, cb: any) => refuse(cb, `method call ${call.request.getTok()}`),
      readResource: (call: any, cb: any) => refuse(cb, `read of ${call.request.getType()}`),
    });
    this.server.addService(engineRpc.EngineService, {
      log: (call: any, cb: any) => {
        const req = call.request as enginePb.LogRequest;
        this.logs.push({
          severity: SEVERITY[req.getSeverity()],
          message: req.getMessage(),
          urn: req.getUrn(),
        });
        ok(cb, new emptyPb.Empty());
      },
      getRootResource: (_call: any, cb: any) =>
        ok(cb, new enginePb.GetRootResourceResponse().setUrn(this.rootUrn)),
      setRootResource: (call: any, cb: any) => {
        this.rootUrn = call.request.getUrn();
        ok(cb, new enginePb.SetRootResourceResponse());
      },
    });
  }

  /** Starts serving on a free loopback port, and returns the address. */
  start(): Promise<string> {
    return new Promise((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(`127.0.0.1:${port}`),
      ),
    );
  }

  stop(): void {
    this.server.forceShutdown();
  }

  private register(req: resourcePb.RegisterResourceRequest): resourcePb.RegisterResourceResponse {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    const parentType = parent ? this.qualifiedTypes.get(parent) : undefined;
    // A stack's direct children carry only their own type; deeper ones their parents' chain.
    const qualified =
      parentType && !parentType.startsWith("pulumi:pulumi:Stack") ? `${parentType}$${type}` : type;
    const urn = `urn:pulumi:${this.stack}::${PROJECT}::${qualified}::${name}`;
    this.qualifiedTypes.set(urn, qualified);

    const inputs = (req.getObject()?.toJavaScript() ?? {}) as Props;
    const custom = req.getCustom();
    this.resources.push({
      type,
      name,
      urn,
      parent,
      custom,
      inputs,
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      ignoreChanges: req.getIgnorechangesList(),
      importId: req.getImportid(),
      // This engine offers no alias specs, so the SDK sends every alias as a URN, a child's
      // inherited from its parent's aliases included (the real engine derives those itself).
      aliases: req.getAliasurnsList(),
    });

    const response = new resourcePb.RegisterResourceResponse().setUrn(urn);
    if (custom) {
      const { id, state } = created(type, name, inputs, this.region);
      const secret = withSecrets(state, req.getAdditionalsecretoutputsList());
      response.setId(id).setObject(structPb.Struct.fromJavaScript(secret));
    }
    return response;
  }
}

/**
 * Where program runs, and the real-CLI tier's, keep Node's compile cache, unless
 * `NODE_COMPILE_CACHE` names a place.
 */
export const COMPILE_CACHE = path.join(ROOT, "node_modules", ".cache", "node-compile");

/**
 * Runs `index.ts` (or the program in `dir`) as the stack `stack`, with `config` mapping full keys
 * (`snowplow-dedup:tableName`) to the strings that the CLI passes, and `secretKeys` naming the
 * keys set with `--secret`.
 */
export async function runProgram(
  config: Record<string, string>,
  stack = "dev",
  options: { dir?: string; secretKeys?: string[]; typescript?: boolean } = {},
): Promise<Run> {
  const dir = options.dir ?? ROOT;
  const runtime = runtimeOptions(dir);
  const engine = new RecordingEngine(stack, config["aws:region"] ?? DEFAULT_REGION);
  const address = await engine.start();
  // The SDK reads keys in the `<namespace>:config:<key>` form that the language host passes.
  const engineConfig = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k.replace(/^([^:]+):/, "$1:config:"), v]),
  );
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [dir] });
  const args = [
    runPath,
    ...["--monitor", address, "--engine", address, "--project", PROJECT],
    ...["--root-directory", dir, "--stack", stack, "--pwd", dir, "--dry-run"],
    ...["--parallel", "4", "."],
  ];
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(engineConfig),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys ?? []),
    // As the host passes Pulumi.yaml's `runtime.options`: `typescript`, on by default, and
    // `tsconfig`, the TypeScript config that ts-node then reads.
    PULUMI_NODEJS_TYPESCRIPT: String(options.typescript ?? runtime.typescript ?? true),
    ...(runtime.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: runtime.tsconfig } : {}),
    // Node keeps the compiled code of the SDK and the provider that each run loads, keyed by
    // their source, so that a run does not compile them again (about half a second a run).
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE,
  };
  try {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, args, {
          cwd: dir,
          env,
          stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
        child.on("error", reject);
        child.on("close", (c) => resolve({ code: c ?? -1, stderr: err }));
      },
    );
    const ofType = (type: string) => engine.resources.filter((r) => r.type === type);
    return {
      resources: engine.resources,
      outputs: unwrapSecrets(engine.stackOutputs) as Record<string, unknown>,
      logs: engine.logs,
      exitCode: code,
      stderr,
      error: engine.logs
        .filter((l) => l.severity === "error")
        .map((l) => l.message)
        .join("\n"),
      ofType,
      one(type) {
        const found = ofType(type);
        if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
        return found[0];
      },
    };
  } finally {
    engine.stop();
  }
}
