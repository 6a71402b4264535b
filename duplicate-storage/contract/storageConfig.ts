/**
 * The duplicate-storage config that the shredder takes through `--duplicate-storage-config`: the
 * Iglu schema `amazon_dynamodb_config`, in the versions that the program emits. Pure functions.
 */
import { v5 as uuidv5 } from "uuid";

/**
 * Versions of `iglu:com.snowplowanalytics.snowplow.storage/amazon_dynamodb_config` that the
 * program can emit: `2-0-0` for current shredders, `1-0-1` for the legacy EmrEtlRunner, which
 * carries static keys only.
 */
export const ShredderConfigFormat = { V2_0_0: "2-0-0", V1_0_1: "1-0-1" } as const;
/** A version of the duplicate-storage config's schema. */
export type ShredderConfigFormat = (typeof ShredderConfigFormat)[keyof typeof ShredderConfigFormat];

/** Iglu URI prefix of the shredder's duplicate-storage config schemas. */
export const STORAGE_SCHEMA =
  "iglu:com.snowplowanalytics.snowplow.storage/amazon_dynamodb_config/jsonschema";

/**
 * Human-readable name in the config. A fixed text, because batch transformers since 5.1.0
 * switch to an in-memory manifest when the name is "local".
 */
export const STORAGE_NAME = "Snowplow cross-batch de-duplication";

/** UUID namespace of this project, so that `id`s it derives do not collide with others. */
const ID_NAMESPACE = "3f1c2b8e-6a57-4c1e-9a0d-51b0e7d2c4a9";

/** Static credentials of the dedicated shredder user. */
export interface StorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the duplicate-storage config is made of. */
export interface StorageConfigInput {
  /** Schema version to emit. */
  readonly format: ShredderConfigFormat;
  /** Stable storage id, see {@link storageId}. */
  readonly id: string;
  /** Region of the table. */
  readonly awsRegion: string;
  /** Name of the table. */
  readonly dynamodbTable: string;
  /** Static credentials; without them `2-0-0` uses the default credential chain. */
  readonly credentials?: StorageCredentials;
}

/** The `data` of `amazon_dynamodb_config` 2-0-0. */
export interface StorageConfigData200 {
  readonly name: string;
  readonly auth: StorageCredentials | null;
  readonly awsRegion: string;
  readonly dynamodbTable: string;
  readonly id: string;
  readonly purpose: "EVENTS_MANIFEST";
}

/** The `data` of `amazon_dynamodb_config` 1-0-1. */
export interface StorageConfigData101 {
  readonly name: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly awsRegion: string;
  readonly dynamodbTable: string;
  readonly id: string;
  readonly purpose: "DUPLICATE_TRACKING";
}

/** A self-describing duplicate-storage config. */
export interface SelfDescribingConfig {
  readonly schema: string;
  readonly data: StorageConfigData200 | StorageConfigData101;
}

/**
 * A stable storage `id` for a table: the same project, stack and table name always give the same
 * UUID (version 5), so the config does not change from one `pulumi up` to the next.
 */
export function storageId(project: string, stack: string, tableName: string): string {
  return uuidv5(`${project}/${stack}/${tableName}`, ID_NAMESPACE);
}

/**
 * The config that the shredder takes through `--duplicate-storage-config`.
 *
 * @throws Error for `1-0-1` without credentials, which that schema requires.
 */
export function duplicateStorageConfig(input: StorageConfigInput): SelfDescribingConfig {
  const common = { name: STORAGE_NAME };
  const location = { awsRegion: input.awsRegion, dynamodbTable: input.dynamodbTable };
  if (input.format === "1-0-1") {
    if (input.credentials === undefined) {
      throw new Error("duplicate-storage config 1-0-1 requires static credentials");
    }
    return {
      schema: `${STORAGE_SCHEMA}/1-0-1`,
      data: {
        ...common,
        accessKeyId: input.credentials.accessKeyId,
        secretAccessKey: input.credentials.secretAccessKey,
        ...location,
        id: input.id,
        purpose: "DUPLICATE_TRACKING",
      },
    };
  }
  return {
    schema: `${STORAGE_SCHEMA}/2-0-0`,
    data: {
      ...common,
      auth: input.credentials
        ? {
            accessKeyId: input.credentials.accessKeyId,
            secretAccessKey: input.credentials.secretAccessKey,
          }
        : null,
      ...location,
      id: input.id,
      purpose: "EVENTS_MANIFEST",
    },
  };
}

/** The config as the `--duplicate-storage-config` argument takes it. */
export function toBase64(config: SelfDescribingConfig): string {
  return Buffer.from(JSON.stringify(config), "utf8").toString("base64");
}
