import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./components/config";
import { DuplicateStorage } from "./components/duplicateStorage";

// The language host names the keys set with --secret in PULUMI_CONFIG_SECRET_KEYS.
const secretKeys: string[] = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]");
const settings = parseStackConfig(
  pulumi.runtime.allConfig(),
  pulumi.getProject(),
  pulumi.getStack(),
  secretKeys,
);
const storage = new DuplicateStorage("snowplow-dedup", settings);

// The stack outputs: those that the config asks for, since the CLI warns about every exported
// value that is undefined.
export = storage.outputs();
