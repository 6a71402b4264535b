/**
 * The component on its own, in this process, under Pulumi's unit-test mocks: the fast way to test
 * what `DuplicateStorage` declares for given arguments. The arguments are typed, as a program that
 * uses the library writes them; the fake cloud's ids, ARNs and provider functions are the recording
 * engine's (`commands/plan/recordingEngine.ts`). What only the SDK's own entry point and the engine show
 * (the program's exit, stack outputs, registered outputs) is tested through `test/harness.ts`.
 *
 * This is the one file that sets Pulumi's mocks for the tests that run in this process.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DuplicateStorageArgs } from "snowplowdedup";
import {
  DEFAULT_REGION,
  Declared,
  LogMessage,
  PROJECT,
  Run,
  created,
  invoked,
} from "../../../commands/plan/recordingEngine";

/** Resolves an output, with whether it is secret. */
export function promiseOf<T>(
  o: pulumi.Output<T>,
): Promise<{ value: pulumi.Unwrap<T>; secret: boolean }> {
  return new Promise((resolve) => {
    pulumi.all([o, pulumi.isSecret(o)]).apply(([value, secret]) => resolve({ value, secret }));
  });
}

/** Where and how the component runs. */
export interface RunOptions {
  readonly stack?: string;
  /** The region that the mocks' ARNs and provider functions answer for. */
  readonly region?: string;
}

/**
 * What a run gives besides `Run`: the component itself, for its `resources()`, and what it threw
 * when it refused its arguments.
 */
export type ComponentRun = Run & { readonly component: unknown; readonly refusal?: unknown };

const runs = new Map<string, Promise<ComponentRun>>();
let queue: Promise<unknown> = Promise.resolve();

/**
 * Creates the component with `args`, or returns the remembered result for the same plain
 * arguments. When the component refuses its arguments, the run has `exitCode` 1, the message in
 * `error`, and in `resources` only what reached the mocks. `args` may be a function, called once the mocks are set, for arguments that hold
 * Outputs or resources of the test's own; such a run is not remembered. Runs go one at a time,
 * since the mocks are global to the process.
 */
export function runComponent(
  args: DuplicateStorageArgs | (() => DuplicateStorageArgs) = {},
  options: RunOptions = {},
): Promise<ComponentRun> {
  const key =
    typeof args === "function" ? undefined : JSON.stringify([options, Object.entries(args)]);
  let run = key === undefined ? undefined : runs.get(key);
  if (run === undefined) {
    run = queue.then(() => runOnce(args, options));
    queue = run.catch(() => undefined);
    if (key !== undefined) runs.set(key, run);
  }
  return run;
}

async function runOnce(
  argsOrBuild: DuplicateStorageArgs | (() => DuplicateStorageArgs),
  options: RunOptions,
): Promise<ComponentRun> {
  const stack = options.stack ?? "dev";
  const region = options.region ?? DEFAULT_REGION;
  const inputs = new Map<string, Record<string, any>>();
  const registered: { type: string; name: string }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name });
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
  const { DuplicateStorage } = await import("snowplowdedup");

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
  // A value from a resource that fails its rule rejects the Outputs that depend on it, which
  // surfaces as unhandled rejections, as the SDK's own entry point sees them.
  let refuse: (reason: unknown) => void = () => undefined;
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  refused.catch(() => undefined);
  const onRejection = (reason: unknown) => refuse(reason);
  process.on("unhandledRejection", onRejection);
  let storage: InstanceType<typeof DuplicateStorage>;
  try {
    const args = typeof argsOrBuild === "function" ? argsOrBuild() : argsOrBuild;
    storage = new DuplicateStorage("snowplow-dedup", args, {
      transformations: [
        (a) => {
          seen.push({ resource: a.resource, type: a.type, name: a.name, opts: a.opts });
          return undefined;
        },
      ],
    });
    // Children declared once a value from a resource is known are among the attachments.
    await Promise.race([promiseOf(storage.resources().attachments), refused]);
    // Every registration has reached the mocks once every URN is known.
    await Promise.race([Promise.all(seen.map((s) => promiseOf(s.resource.urn))), refused]);
  } catch (e) {
    // Let registrations that were under way reach the mocks, or fail, before reporting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return failed(e, registered, logs);
  } finally {
    console.warn = warn;
    process.off("unhandledRejection", onRejection);
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
    // Pulumi's mocks resolve no alias URNs; the plans (the recording engine) and the real-CLI
    // upgrade test check them.
    aliases: [],
  }));

  const outputs: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(storage.outputs())) {
    const { value, secret } = await promiseOf(o);
    outputs[k] = secret ? { secret: value } : value;
  }

  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    component: storage,
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

/** A run whose component refused its arguments. */
function failed(
  e: unknown,
  registered: readonly { type: string; name: string }[],
  logs: LogMessage[],
): ComponentRun {
  const resources = registered.map((r) => ({
    ...r,
    urn: "",
    parent: "",
    custom: true,
    inputs: {},
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    importId: "",
    aliases: [],
  }));
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    component: undefined,
    refusal: e,
    resources,
    outputs: {},
    logs,
    exitCode: 1,
    stderr: "",
    error: e instanceof Error ? e.message : String(e),
    ofType,
    one() {
      throw new Error(`the component refused its arguments: ${String(e)}`);
    },
  };
}
