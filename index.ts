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

const outputs = {
  tableName: storage.tableName,
  tableArn: storage.tableArn,
  policyName: storage.policyName,
  policyArn: storage.policyArn,
  shredderUserName: storage.shredderUserName,
  duplicateStorageConfig: storage.duplicateStorageConfig,
  duplicateStorageConfigBase64: storage.duplicateStorageConfigBase64,
  requiredWriteCapacity: storage.requiredWriteCapacity,
  estimatedMonthlyCostUsd: storage.estimatedMonthlyCostUsd,
  capacityPlan: storage.capacityPlan,
};

// The stack outputs. Those that the config does not ask for are left out, because the CLI warns
// about every exported value that is undefined.
export = Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
