// The stack program: this project's stack config, decoded into the component's arguments.
import * as pulumi from "@pulumi/pulumi";
import { DuplicateStorage } from "snowplowdedup";
import { readStackConfig } from "./stack/config";

// The language host names the keys set with --secret in PULUMI_CONFIG_SECRET_KEYS.
const secretKeys: string[] = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]");
const { args } = readStackConfig(
  pulumi.runtime.allConfig(),
  pulumi.getProject(),
  pulumi.getStack(),
  secretKeys,
);
const storage = new DuplicateStorage("snowplow-dedup", args);

// The stack outputs: those that the config asks for, since the CLI warns about every exported
// value that is undefined.
export = storage.outputs();
