/**
 * The component on its own, in this process, under Pulumi's unit-test mocks: the fast way to test
 * what `DuplicateStorage` declares for given settings. The settings come from stack config
 * through `parseStackConfig`, as in `index.ts`; the fake cloud's ids, ARNs and provider functions
 * are the recording engine's (`scripts/recordingEngine.ts`). What only the SDK's own entry point
 * and the engine show (the program's exit, stack outputs, registered outputs) is tested through
 * `harness.ts` instead.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../components/config";
import {
  DEFAULT_REGION,
  Declared,
  LogMessage,
  PROJECT,
  Run,
  created,
  invoked,
} from "../scripts/recordingEngine";

function promiseOf<T>(o: pulumi.Output<T>): Promise<{ value: unknown; secret: boolean }> {
  return new Promise((resolve) => {
    pulumi.all([o, pulumi.isSecret(o)]).apply(([value, secret]) => resolve({ value, secret }));
  });
}

const runs = new Map<string, Promise<Run>>();
let queue: Promise<unknown> = Promise.resolve();

/**
 * Creates the component for a stack's engine config, or returns the remembered result. Runs
 * one at a time, since the mocks are global to the process.
 */
export function runComponent(config: Record<string, string>, stack = "dev"): Promise<Run> {
  const key = JSON.stringify([stack, Object.entries(config).sort()]);
  let run = runs.get(key);
  if (run === undefined) {
    run = queue.then(() => runOnce(config, stack));
    queue = run.catch(() => undefined);
    runs.set(key, run);
  }
  return run;
}

async function runOnce(config: Record<string, string>, stack: string): Promise<Run> {
  const region = config["aws:region"] ?? DEFAULT_REGION;
  const inputs = new Map<string, Record<string, any>>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        inputs.set(`${args.type}::${args.name}`, args.inputs);
        return created(args.type, args.name, args.inputs, region);
      },
      call: (args) => {
        const result = invoked(args.token, region);
        if (result === undefined) throw new Error(`unexpected provider call ${args.token}`);
        return result;
      },
    },
    PROJECT,
    stack,
    false,
  );
  const { DuplicateStorage } = await import("../components/duplicateStorage");
  const settings = parseStackConfig(config, PROJECT, stack);

  const seen: { resource: pulumi.Resource; type: string; name: string; opts: any }[] = [];
  const logs: LogMessage[] = [];
  const warn = console.warn;
  console.warn = (msg: unknown) => {
    logs.push({
      severity: "warning",
      message: String(msg).replace(/^warning: \[runtime\] /, ""),
      urn: "",
    });
  };
  let storage: InstanceType<typeof DuplicateStorage>;
  try {
    storage = new DuplicateStorage("snowplow-dedup", settings, {
      transformations: [
        (args) => {
          seen.push({ resource: args.resource, type: args.type, name: args.name, opts: args.opts });
          return undefined;
        },
      ],
    });
    // Every registration has reached the mocks once every URN is known.
    await Promise.all(seen.map((s) => promiseOf(s.resource.urn)));
  } finally {
    console.warn = warn;
  }

  const urns = new Map<pulumi.Resource, string>();
  for (const s of seen) urns.set(s.resource, String((await promiseOf(s.resource.urn)).value));
  const resources: Declared[] = seen.map((s) => ({
    type: s.type,
    name: s.name,
    urn: urns.get(s.resource)!,
    parent: s.opts.parent ? (urns.get(s.opts.parent) ?? "") : "",
    custom: pulumi.CustomResource.isInstance(s.resource),
    inputs: inputs.get(`${s.type}::${s.name}`) ?? {},
    protect: s.opts.protect === true,
    retainOnDelete: s.opts.retainOnDelete === true,
    ignoreChanges: s.opts.ignoreChanges ?? [],
    importId: s.opts.import ?? "",
  }));

  const outputs: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(storage.outputs())) {
    const { value, secret } = await promiseOf(o);
    outputs[k] = secret ? { secret: value } : value;
  }

  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    resources,
    outputs,
    logs,
    exitCode: 0,
    stderr: "",
    error: "",
    ofType,
    one(type) {
      const found = ofType(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
  };
}
