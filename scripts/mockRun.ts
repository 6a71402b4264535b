/**
 * Runs the program offline under Pulumi's mocks, as `npm test` and `npm run plan` both do.
 *
 * `runProgram` evaluates `index.ts` afresh with a given engine config, and returns every resource
 * it declared together with the options the SDK sent to the engine (parent, protect, ...), which
 * Pulumi's own `MockResourceArgs` leave out. Mocked ids and ARNs are deterministic placeholders:
 * account 123456789012 and AWS's documented example access key.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "snowplow-dedup";
export const ACCOUNT = "123456789012";
export const DEFAULT_REGION = "eu-west-1";

/** A resource as the engine would have received it. */
export interface Declared {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: string[];
  readonly importId: string;
}

/** What one run of the program produced. */
export interface Run {
  readonly resources: Declared[];
  readonly outputs: Record<string, unknown>;
  /** Each resource of a type. */
  ofType(type: string): Declared[];
  /** The only resource of a type; throws unless there is exactly one. */
  one(type: string): Declared;
}

/** Resolves any output, secret or not, with its secretness. */
export async function resolve<T>(
  value: pulumi.Input<T> | undefined,
): Promise<{ value: T | undefined; secret: boolean }> {
  // `promise()` and `isSecret` are internal, but the only way to read an Output outside `apply`.
  const out = pulumi.output(value) as any;
  const [v, secret] = await Promise.all([out.promise() as Promise<T>, out.isSecret]);
  return { value: v, secret };
}

/** Realistic ids and state for the resource types the program declares. */
function mockState(args: pulumi.runtime.MockResourceArgs, region: string) {
  const inputs = args.inputs;
  switch (args.type) {
    case "aws:dynamodb/table:Table": {
      const arn = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${inputs.name}`;
      return { id: inputs.name, state: { ...inputs, arn, streamArn: "" } };
    }
    case "aws:iam/policy:Policy": {
      const arn = `arn:aws:iam::${ACCOUNT}:policy/${inputs.name}`;
      return { id: arn, state: { ...inputs, arn, policyId: "ANPAEXAMPLEPOLICYID01" } };
    }
    case "aws:iam/user:User": {
      // The provider, not the SDK, auto-names; this stands in for its random suffix.
      const name = inputs.name ?? `${args.name}-xxxxxxx`;
      return {
        id: name,
        state: { ...inputs, name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}` },
      };
    }
    case "aws:iam/accessKey:AccessKey":
      return {
        id: "AKIAIOSFODNN7EXAMPLE",
        state: { ...inputs, secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", status: "Active" },
      };
    default:
      return { id: `${args.name}-id`, state: inputs };
  }
}

const INDEX = path.resolve(__dirname, "..", "index.ts");

/**
 * Runs `index.ts` under mocks as the stack `stack` with `config`, a map from full config keys
 * (`snowplow-dedup:tableName`) to the strings the engine would pass.
 */
export async function runProgram(
  config: Record<string, string>,
  stack = "dev",
): Promise<Run & { error?: undefined }> {
  const { error, ...result } = await tryRunProgram(config, stack);
  if (error !== undefined) throw error;
  return result;
}

/** As {@link runProgram}, but a thrown error is returned beside what was declared before it. */
export async function tryRunProgram(
  config: Record<string, string>,
  stack = "dev",
): Promise<Run & { error?: unknown }> {
  const region = config["aws:region"] ?? DEFAULT_REGION;
  const resources: Declared[] = [];
  const inputs = new Map<string, { custom: boolean; inputs: Record<string, any> }>();

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputs.set(`${args.type}::${args.name}`, {
          custom: args.custom ?? true,
          inputs: args.inputs,
        });
        return mockState(args, region);
      },
      call(args) {
        throw new Error(`unexpected provider call ${args.token}`);
      },
    },
    PROJECT,
    stack,
    false,
  );

  // Record what MockResourceArgs leaves out, straight from the request the SDK built, and the
  // URN the mock monitor answers with.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) =>
    register(req, (err: unknown, response: any) => {
      const key = `${req.getType()}::${req.getName()}`;
      if (!err) {
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          parent: req.getParent(),
          protect: req.getProtect() === true,
          retainOnDelete: req.getRetainondelete() === true,
          ignoreChanges: req.getIgnorechangesList(),
          importId: req.getImportid(),
          ...inputs.get(key)!,
        });
      }
      callback(err, response);
    });

  pulumi.runtime.setAllConfig(config);
  delete require.cache[INDEX];

  let outputs: Record<string, unknown> = {};
  let error: unknown;
  try {
    const program = await import(INDEX);
    for (const [key, value] of Object.entries(program)) {
      outputs[key] = value;
    }
  } catch (e) {
    error = e;
    outputs = {};
  }
  await (pulumi.runtime as any).waitForRPCs();

  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    resources,
    outputs,
    error,
    ofType,
    one(type) {
      const found = ofType(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
  };
}
