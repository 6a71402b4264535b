import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import { BillingMode, ShredderConfigFormat, resolveSettings } from "./config";
import {
  SelfDescribingConfig,
  StorageCredentials,
  duplicateStorageConfig,
  storageId,
  toBase64,
} from "./shredderConfig";
import { shredderPolicyDocument } from "./shredderPolicy";

/** Arguments of {@link DuplicateStorage}. Each one is a stack config key of the same name. */
export interface DuplicateStorageArgs {
  /**
   * Name of the DynamoDB table, 3 to 255 characters of `A-Z a-z 0-9 _ . -`. Changing it replaces
   * the table, and the shredder's de-duplication history with it.
   * @default "snowplow-deduplication-<stack>"
   */
  readonly tableName?: string;
  /**
   * How the table is billed.
   * @default "PROVISIONED"
   */
  readonly billingMode?: BillingMode;
  /**
   * Provisioned write capacity units, 1 to 40000: one unit absorbs one event a second.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default 100
   */
  readonly writeCapacity?: number;
  /**
   * Provisioned read capacity units, 1 to 40000. The shredder reads no items.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * @default 5
   */
  readonly readCapacity?: number;
  /**
   * Also allow CreateTable, DeleteTable and UpdateTimeToLive, which only a shredder up to 0.13
   * calls, to create a missing table.
   * @default false
   */
  readonly allowTableManagement?: boolean;
  /**
   * Name of the shredder's managed IAM policy, 1 to 128 characters of `A-Z a-z 0-9 + = , . @ _ -`.
   * @default "<tableName>-shredder"
   */
  readonly policyName?: string;
  /**
   * IAM roles, by name, that get the policy: usually the EMR cluster's `EMR_EC2_DefaultRole`.
   * @default []
   */
  readonly attachToRoles?: readonly string[];
  /**
   * IAM users, by name, that get the policy.
   * @default []
   */
  readonly attachToUsers?: readonly string[];
  /**
   * IAM groups, by name, that get the policy.
   * @default []
   */
  readonly attachToGroups?: readonly string[];
  /**
   * Create an IAM user that holds only this policy, with an access key whose secret goes into the
   * (then secret) duplicate-storage config.
   * @default false
   */
  readonly createShredderUser?: boolean;
  /**
   * Schema version of the duplicate-storage config: `2-0-0` for current shredders, `1-0-1` for
   * the legacy EmrEtlRunner. `1-0-1` requires `createShredderUser: true`.
   * @default "2-0-0"
   */
  readonly shredderConfigFormat?: ShredderConfigFormat;
  /**
   * Enable point-in-time recovery on the table.
   * @default false
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Set the table's `deletionProtectionEnabled`, so that AWS refuses to delete it.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Set Pulumi's `protect` on the table, so that `pulumi destroy` cannot delete it.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Tags for the table, the policy and the shredder user.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Attribute names and types fixed by the shredder's item format. */
export const TABLE_KEY = {
  hashKey: "eventId",
  rangeKey: "fingerprint",
  attributes: [
    { name: "eventId", type: "S" },
    { name: "fingerprint", type: "S" },
  ],
} as const;

/** The attribute that holds the shredder's expiry time: etl time plus 180 days. */
export const TTL_ATTRIBUTE = "ttl";

/**
 * The DynamoDB table that the Snowplow shredder uses for cross-batch de-duplication, the
 * least-privilege IAM policy that lets the shredder use it, the policy's attachments and,
 * optionally, a dedicated IAM user with an access key.
 */
export class DuplicateStorage extends pulumi.ComponentResource {
  /** The de-duplication table. */
  public readonly table: aws.dynamodb.Table;
  /** The shredder's policy. */
  public readonly policy: aws.iam.Policy;
  /** Name of the table. */
  public readonly tableName: pulumi.Output<string>;
  /** ARN of the table. */
  public readonly tableArn: pulumi.Output<string>;
  /** Name of the policy. */
  public readonly policyName: pulumi.Output<string>;
  /** ARN of the policy. */
  public readonly policyArn: pulumi.Output<string>;
  /** Name of the dedicated IAM user, with `createShredderUser` only. */
  public readonly shredderUserName: pulumi.Output<string> | undefined;
  /** The self-describing duplicate-storage config; secret when it carries a key. */
  public readonly duplicateStorageConfig: pulumi.Output<SelfDescribingConfig>;
  /** The config base64-encoded, as `--duplicate-storage-config` takes it; secret likewise. */
  public readonly duplicateStorageConfigBase64: pulumi.Output<string>;

  constructor(name: string, args: DuplicateStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("snowplow:dedup:DuplicateStorage", name, {}, opts);

    const resolved = resolveSettings(args, pulumi.getStack());
    if (resolved.settings === undefined) {
      throw new pulumi.ResourceError(resolved.problems.join("\n"), this);
    }
    const settings = resolved.settings;
    const tags = { ...settings.tags };

    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: settings.tableName,
        billingMode: settings.billingMode,
        hashKey: TABLE_KEY.hashKey,
        rangeKey: TABLE_KEY.rangeKey,
        attributes: TABLE_KEY.attributes.map((a) => ({ ...a })),
        writeCapacity: settings.writeCapacity,
        readCapacity: settings.readCapacity,
        // No current shredder enables TTL on a table it finds, so without this it grows forever.
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
        pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
        deletionProtectionEnabled: settings.deletionProtection,
        tags,
      },
      { parent: this, protect: settings.protect },
    );

    this.policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        name: settings.policyName,
        description: `Lets the Snowplow shredder de-duplicate events in DynamoDB table ${settings.tableName}`,
        policy: pulumi.jsonStringify(
          shredderPolicyDocument(this.table.arn, settings.allowTableManagement),
        ),
        tags,
      },
      { parent: this },
    );

    const policyArn = this.policy.arn;
    for (const role of settings.attachToRoles) {
      new aws.iam.RolePolicyAttachment(
        `${name}-role-${role}`,
        { role, policyArn },
        { parent: this },
      );
    }
    for (const user of settings.attachToUsers) {
      new aws.iam.UserPolicyAttachment(
        `${name}-user-${user}`,
        { user, policyArn },
        { parent: this },
      );
    }
    for (const group of settings.attachToGroups) {
      new aws.iam.GroupPolicyAttachment(
        `${name}-group-${group}`,
        { group, policyArn },
        { parent: this },
      );
    }

    let credentials: pulumi.Output<StorageCredentials> | undefined;
    if (settings.createShredderUser) {
      const user = new aws.iam.User(`${name}-shredder-user`, { tags }, { parent: this });
      new aws.iam.UserPolicyAttachment(
        `${name}-shredder-user-policy`,
        { user: user.name, policyArn },
        { parent: this },
      );
      const key = new aws.iam.AccessKey(
        `${name}-shredder-key`,
        { user: user.name },
        { parent: this },
      );
      credentials = pulumi.secret({ accessKeyId: key.id, secretAccessKey: key.secret });
      this.shredderUserName = user.name;
    }

    const config = pulumi
      .all([this.table.arn, this.table.name, credentials])
      .apply(([arn, table, creds]) =>
        duplicateStorageConfig({
          format: settings.shredderConfigFormat,
          id: storageId(pulumi.getProject(), pulumi.getStack(), settings.tableName),
          // The region the table really is in, rather than what the provider config says.
          awsRegion: parseArn(arn).region,
          dynamodbTable: table,
          credentials: creds,
        }),
      );
    this.duplicateStorageConfig = credentials ? pulumi.secret(config) : config;
    this.duplicateStorageConfigBase64 = this.duplicateStorageConfig.apply(toBase64);

    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.policyName = this.policy.name;
    this.policyArn = this.policy.arn;

    this.registerOutputs({
      tableName: this.tableName,
      tableArn: this.tableArn,
      policyName: this.policyName,
      policyArn: this.policyArn,
      shredderUserName: this.shredderUserName,
      duplicateStorageConfig: this.duplicateStorageConfig,
      duplicateStorageConfigBase64: this.duplicateStorageConfigBase64,
    });
  }
}
