import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./components/config";
import { DuplicateStorage } from "./components/duplicateStorage";

const settings = parseStackConfig(
  pulumi.runtime.allConfig(),
  pulumi.getProject(),
  pulumi.getStack(),
);
const storage = new DuplicateStorage("snowplow-dedup", settings);

export const tableName = storage.tableName;
export const tableArn = storage.tableArn;
export const policyName = storage.policyName;
export const policyArn = storage.policyArn;
export const shredderUserName = storage.shredderUserName;
export const duplicateStorageConfig = storage.duplicateStorageConfig;
export const duplicateStorageConfigBase64 = storage.duplicateStorageConfigBase64;
export const requiredWriteCapacity = storage.requiredWriteCapacity;
export const estimatedMonthlyCostUsd = storage.estimatedMonthlyCostUsd;
