/**
 * snowplowdedup: the DynamoDB table and least-privilege IAM policy that the Snowplow
 * shredder's cross-batch de-duplication needs, as a Pulumi component. Loading this entry point
 * loads the AWS provider; the pure parts can be imported on their own from
 * `snowplowdedup/contract`, `/capacity` and `/args`.
 */
export {
  AlarmArgs,
  AutoscalingArgs,
  DUPLICATE_STORAGE_TYPE,
  DuplicateStorage,
  DuplicateStorageArgs,
  DuplicateStorageResources,
  OnDemandThroughputArgs,
  PolicyAttachment,
  RunScheduleArgs,
} from "./component/duplicateStorage";
export { BillingMode, TableClass, TableEncryption } from "./args";
export { FingerprintAlgorithm, ShredderConfigFormat } from "./contract";
