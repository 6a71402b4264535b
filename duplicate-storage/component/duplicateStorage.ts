/**
 * `DuplicateStorage`: the DynamoDB table that the Snowplow shredder de-duplicates events in, its
 * least-privilege IAM policy and their attachments, for any Pulumi program. Its arguments are
 * `DuplicateStorageArgs`, each the member of the same name as the stack config key.
 */
// The provider's modules one by one: the package's root pulls every AWS service's types into the
// type check.
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as dynamodb from "@pulumi/aws/dynamodb";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import {
  ArgValues,
  BillingMode,
  DEFAULT_RECOVERY_PERIOD_DAYS,
  DedupSettings,
  KeyName,
  TableEncryption,
  resolveSettings,
  writeQuotaNeeds,
} from "../args";
import {
  CapacityPlanSummary,
  MonthlyCostEstimate,
  PlanInput,
  TableClass,
  noWritesHours,
  accountQuotaWarning,
  planCapacity,
} from "../capacity";
import {
  FingerprintAlgorithm,
  SelfDescribingConfig,
  ShredderConfigFormat,
  StorageCredentials,
  TABLE_KEY,
  TTL_ATTRIBUTE,
  duplicateStorageConfig,
  dynamodbViaService,
  shredderPolicyDocument,
  storageId,
  toBase64,
} from "../contract";

/**
 * The component's type token: `<package name>:index:<class name>`, the token that Pulumi's schema
 * inference gives the class, so that programs in other languages name the same type. Changing it
 * changes every URN below it, so `LEGACY_DUPLICATE_STORAGE_TYPE` stays an alias.
 */
export const DUPLICATE_STORAGE_TYPE = "snowplowdedup:index:DuplicateStorage";

/**
 * The token of releases up to 0.1.0. As an alias, it keeps the URNs of their stacks' component
 * and children, so that an upgrade neither replaces nor deletes the table or an attachment.
 */
export const LEGACY_DUPLICATE_STORAGE_TYPE = "snowplow:dedup:DuplicateStorage";

/** Autoscaling of a provisioned table: its writes, and its reads where a ceiling is given. */
export interface AutoscalingArgs {
  /**
   * Ceiling of the write units, 1 to `tableWriteQuota`; not below `writeCapacity`, which is the
   * floor.
   */
  readonly maxWriteCapacity: number;
  /**
   * Ceiling of the read units, 1 to 40000 (AWS's table-level read quota), not below
   * `readCapacity`, which is the floor; without it, reads stay at `readCapacity`. The shredder
   * reads nothing, so the reads stay at the floor; it meets AWS Security Hub's DynamoDB.1.
   */
  readonly maxReadCapacity?: number;
  /**
   * Share of provisioned capacity, in percent (20 to 90), that target tracking keeps in use, for
   * writes and reads alike.
   * Default: 70.
   * @default 70
   */
  readonly targetUtilization?: number;
}

/** A ceiling on an on-demand table's throughput. */
export interface OnDemandThroughputArgs {
  /**
   * Most write request units a second, 1 to `tableWriteQuota`, or -1 to remove a ceiling set before. There
   * is no read ceiling: the shredder reads no items.
   */
  readonly maxWriteRequestUnits: number;
}

/** When the shredder's runs start, so that scheduled scaling raises the table before each. */
export interface RunScheduleArgs {
  /**
   * Start times of the runs, "HH:MM" in UTC, at least a run's raised time apart (twice
   * `leadMinutes` plus `targetRunMinutes`).
   */
  readonly startTimesUtc: string[];
  /**
   * Minutes before each start at which the autoscaling floor is raised to the write rate a run
   * needs, and after each run's target end at which it is lowered again (5 to 120).
   * Default: 10.
   * @default 10
   */
  readonly leadMinutes?: number;
}

/** CloudWatch alarms on the table's writes, notifying an SNS topic. */
export interface AlarmArgs {
  /** ARN of the SNS topic the alarms notify, in the table's region; may come from a resource. */
  readonly snsTopicArn: pulumi.Input<string>;
  /**
   * Throttled writes within five minutes that raise the throttle alarm.
   * Default: 1.
   * @default 1
   */
  readonly throttledWritesThreshold?: number;
  /**
   * Consumed writes, in percent of the write ceiling (`writeCapacity`, or
   * `autoscaling.maxWriteCapacity`), sustained for ten minutes, that raise the capacity alarm.
   * Not allowed with `billingMode: PAY_PER_REQUEST`, which has no ceiling.
   * Default: 80.
   * @default 80
   */
  readonly consumedWritePercent?: number;
}

/**
 * The arguments of `DuplicateStorage`. Each member is also a stack config key of the same name.
 *
 * Members that may come from another resource are `pulumi.Input`s: the role, user and group
 * names, `kmsKeyArn`, the alarms' topic and the tag values. Such a value is checked once it is
 * known, and a bad one fails the update with the same message as a plain one. Every other member
 * is a plain value, because it decides what is declared (which resources, their names, their
 * resource options or the capacity plan) before any value is known.
 */
export interface DuplicateStorageArgs {
  /**
   * Name of the DynamoDB table, 3 to 255 characters of `A-Z a-z 0-9 _ . -`. Changing it replaces
   * the table, and the shredder's de-duplication history with it. Plain: it names the import.
   * Default: "snowplow-deduplication-<stack>".
   * @default "snowplow-deduplication-<stack>"
   */
  readonly tableName?: string;
  /**
   * How the table is billed. Plain: it decides the capacity plan and which resources exist.
   * Default: "PROVISIONED".
   * @default "PROVISIONED"
   */
  readonly billingMode?: BillingMode;
  /**
   * Provisioned write capacity units, 1 to `tableWriteQuota`: one unit absorbs one event a second.
   * Not allowed with `billingMode: PAY_PER_REQUEST`. Plain, like every capacity.
   * Default: 100.
   * @default 100
   */
  readonly writeCapacity?: number;
  /**
   * Provisioned read capacity units, 1 to 40000 (AWS's table-level read quota). The shredder
   * reads no items.
   * Not allowed with `billingMode: PAY_PER_REQUEST`.
   * Default: 5.
   * @default 5
   */
  readonly readCapacity?: number;
  /**
   * The account's table-level write quota in the stack's region: the most write units a table
   * may provision, and the most writes a second an on-demand table serves. AWS raises it on
   * request (Service Quotas, Amazon DynamoDB); every write capacity is bounded by it. At least 1.
   * Default: 40000.
   * @default 40000
   */
  readonly tableWriteQuota?: number;
  /**
   * The account's account-level write quota in the stack's region: the most write units that all
   * provisioned tables and indexes of the account there may provision together. The preview warns
   * when this table alone may provision more. At least 1.
   * Default: 80000.
   * @default 80000
   */
  readonly accountWriteQuota?: number;
  /**
   * Also allow CreateTable and UpdateTimeToLive, which only a shredder up to 0.13 calls, to
   * create a missing table. Never DeleteTable, which no shredder calls.
   * Default: false.
   * @default false
   */
  readonly allowTableManagement?: boolean;
  /**
   * Name of the shredder's managed IAM policy, 1 to 128 characters of `A-Z a-z 0-9 + = , . @ _ -`.
   * Default: "<tableName>-shredder".
   * @default "<tableName>-shredder"
   */
  readonly policyName?: string;
  /**
   * IAM roles, by name, that get the policy: usually the EMR cluster's `EMR_EC2_DefaultRole`. A
   * name may come from a resource (`role.name`); its attachment is declared once the name is known,
   * under the same resource name as a plain name's, so that neither reordering the list nor
   * switching between a plain name and an Output replaces (and so detaches) an attachment.
   * Default: [].
   * @default []
   */
  readonly attachToRoles?: pulumi.Input<string>[];
  /**
   * IAM users, by name, that get the policy; a name may come from a resource, as for roles.
   * Default: [].
   * @default []
   */
  readonly attachToUsers?: pulumi.Input<string>[];
  /**
   * IAM groups, by name, that get the policy; a name may come from a resource, as for roles.
   * Default: [].
   * @default []
   */
  readonly attachToGroups?: pulumi.Input<string>[];
  /**
   * Create an IAM user that holds only this policy, with an access key whose secret goes into the
   * (then secret) duplicate-storage config.
   * Default: false.
   * @default false
   */
  readonly createShredderUser?: boolean;
  /**
   * Schema version of the duplicate-storage config: `2-0-0` for current shredders, `1-0-1` for
   * the legacy EmrEtlRunner. `1-0-1` requires `createShredderUser: true`.
   * Default: "2-0-0".
   * @default "2-0-0"
   */
  readonly shredderConfigFormat?: ShredderConfigFormat;
  /**
   * Enable point-in-time recovery on the table.
   * Default: false.
   * @default false
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Days that point-in-time recovery keeps, 1 to 35; only with `pointInTimeRecovery: true`. AWS
   * bills recovery by the table's size, not by the period, so a shorter one saves nothing; it
   * only narrows how far back a restore can go.
   * Default: the AWS default of 35 days, with pointInTimeRecovery.
   * @default the AWS default of 35 days, with pointInTimeRecovery
   */
  readonly pointInTimeRecoveryDays?: number;
  /**
   * The table class: `STANDARD`, or `STANDARD_INFREQUENT_ACCESS`, which stores for about 60% less
   * and charges about 25% more for capacity; the capacity plan prices both and recommends the
   * cheaper. A change happens in place, in the background, and DynamoDB allows at most two in a
   * trailing 30 days. Reserved capacity is not sold for Standard-IA. Plain: it prices the plan.
   * Default: "STANDARD".
   * @default "STANDARD"
   */
  readonly tableClass?: TableClass;
  /**
   * For the cost estimates only: the Event Fingerprint Enrichment's `hashAlgorithm`, whose hex
   * digest is each item's `fingerprint` (32 to 128 characters), so it sets the item's size and
   * the table's storage. The enrichment has no default of its own; MD5 is the one Snowplow's
   * examples use. Plain: a planning input.
   * Default: "MD5".
   * @default "MD5"
   */
  readonly fingerprintAlgorithm?: FingerprintAlgorithm;
  /**
   * Set the table's `deletionProtectionEnabled`, so that AWS refuses to delete it.
   * Default: false.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Set Pulumi's `protect` on the table, so that `pulumi destroy` cannot delete it. Plain: a
   * resource option.
   * Default: false.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Tags for the table, the policy and the shredder user; a value may come from a resource.
   * Default: {}.
   * @default {}
   */
  readonly tags?: { [key: string]: pulumi.Input<string> };
  /**
   * Scale the write capacity between `writeCapacity` and a ceiling by target tracking; the table
   * then ignores changes to its write capacity. Not allowed with `billingMode: PAY_PER_REQUEST`.
   * Default: none.
   * @default none
   */
  readonly autoscaling?: AutoscalingArgs;
  /**
   * Events in one shredder run, for capacity planning; requires `targetRunMinutes`.
   * Default: none.
   * @default none
   */
  readonly expectedEventsPerRun?: number;
  /**
   * How long a run may take to write its events, in minutes; requires `expectedEventsPerRun`.
   * Default: none.
   * @default none
   */
  readonly targetRunMinutes?: number;
  /**
   * Shredder runs a day, for the cost estimates; with `runSchedule`, its count of start times.
   * Default: 1.
   * @default 1
   */
  readonly runsPerDay?: number;
  /**
   * Raise the autoscaling floor to the write rate a run needs before each run, and lower it
   * after, by scheduled scaling. Needs `autoscaling` and the capacity planning keys.
   * Default: none.
   * @default none
   */
  readonly runSchedule?: RunScheduleArgs;
  /**
   * Writes a second that an on-demand table serves from its creation (4000 to 40000). Applied
   * when the table is created; DynamoDB raises it by itself later and never lowers it.
   * Only with `billingMode: PAY_PER_REQUEST`.
   * Default: the write rate a run needs, with the capacity planning keys, when above 4000.
   * @default the write rate a run needs, with the capacity planning keys, when above 4000
   */
  readonly warmThroughput?: number;
  /**
   * A ceiling on an on-demand table's writes a second, which caps runaway cost. Only with
   * `billingMode: PAY_PER_REQUEST`. With the capacity planning keys a ceiling below the run's
   * rate is refused, since it would throttle every run; without them nothing can check it, and a
   * ceiling too low throttles the shredder, whose job then fails.
   * Default: none.
   * @default none
   */
  readonly onDemandThroughput?: OnDemandThroughputArgs;
  /**
   * What encrypts the table at rest: `AWS_OWNED`, a key that AWS owns, at no charge and with no
   * key of the account's to see or audit; `AWS_MANAGED`, the account's `aws/dynamodb` key in KMS,
   * whose own key policy lets every principal of the account use it through DynamoDB, so that the
   * shredder's policy needs nothing more, with KMS requests billed and visible in CloudTrail; or
   * `CUSTOMER_MANAGED`, the key of `kmsKeyArn`. Changing it updates the table in place. Plain: it
   * decides the policy's statements. The default stays `AWS_OWNED` so that upgrading this package
   * never changes the encryption of a table that exists; security policies that ask for KMS (such
   * as Pulumi's AWSGuard) want `AWS_MANAGED` or `CUSTOMER_MANAGED`, set on purpose. With
   * `kmsKeyArn` alone it is `CUSTOMER_MANAGED`.
   * Default: "AWS_OWNED".
   * @default "AWS_OWNED"
   */
  readonly encryption?: TableEncryption;
  /**
   * ARN of a customer managed KMS key that encrypts the table, in the table's region; the
   * shredder's policy then may use the key through DynamoDB only. May come from a resource. Only
   * with `encryption: CUSTOMER_MANAGED`, which it implies.
   * Default: none.
   * @default none
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /**
   * CloudWatch alarms on throttled and consumed writes, notifying an SNS topic.
   * Default: none.
   * @default none
   */
  readonly alarms?: AlarmArgs;
  /**
   * Adopt an existing table of name `tableName` (for example one made by hand from the setup
   * guide) instead of creating one. Turn it off once `pulumi up` has imported the table. Plain: a
   * resource option.
   * Default: false.
   * @default false
   */
  readonly importExistingTable?: boolean;
  /**
   * Set Pulumi's `retainOnDelete` on the table: a replaced or removed table stays in AWS, with
   * the de-duplication history in it, to be deleted by hand. Plain: a resource option.
   * Default: true.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

// The compiler holds the interface to the rules: every argument has a rule and every rule an
// argument, and the arguments' values, once known, are what the rules check.
type Mismatch =
  Exclude<keyof DuplicateStorageArgs, KeyName> | Exclude<KeyName, keyof DuplicateStorageArgs>;
const sameNames: [Mismatch] extends [never] ? true : Mismatch = true;
void sameNames;
const checkable = (values: pulumi.Unwrap<DuplicateStorageArgs>): ArgValues => values;
void checkable;

/**
 * The duplicate-storage config as an output: the Iglu schema's URI and its data, whose members
 * depend on the schema's version (`SelfDescribingConfig` has both forms).
 */
export interface DuplicateStorageConfig {
  /** The Iglu URI of `amazon_dynamodb_config` in the version of `shredderConfigFormat`. */
  readonly schema: string;
  /** The config itself, as the shredder reads it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of one of two schemas
  readonly data: { readonly [key: string]: any };
}

/** What the component's steps share: its name, its checked settings and their plan. */
interface Context {
  readonly name: string;
  readonly stack: string;
  /** The settings with every value that is known now; stand-ins for those that are not. */
  readonly settings: DedupSettings;
  readonly plan: PlanInput | undefined;
  /** Every setting, once the values that come from resources are known and have passed. */
  readonly later: pulumi.Output<DedupSettings> | undefined;
  /** A member that may come from a resource: from `later` if it does, else from `settings`. */
  readonly fromArgs: <T>(
    member: "kmsKeyArn" | "snsTopicArn" | "tags",
    pick: (s: DedupSettings) => T,
  ) => T | pulumi.Output<T>;
  readonly tags: pulumi.Input<Record<string, string> | undefined>;
}

/** A policy attachment to a role, a user or a group. */
export type PolicyAttachment =
  iam.RolePolicyAttachment | iam.UserPolicyAttachment | iam.GroupPolicyAttachment;

/**
 * The resources a `DuplicateStorage` declared, for TypeScript programs that need a handle on them.
 * They are not fields of the component, since Pulumi's schema inference would make every such
 * field an output of the component package.
 */
export interface DuplicateStorageResources {
  readonly table: dynamodb.Table;
  readonly policy: iam.Policy;
  /** Every attachment of the policy, those to names that come from resources once they are known. */
  readonly attachments: pulumi.Output<PolicyAttachment[]>;
  /** The dedicated user, with `createShredderUser` only. */
  readonly shredderUser?: iam.User;
}

const declared = new WeakMap<DuplicateStorage, DuplicateStorageResources>();

/** What stands in for a value that is not known yet while the known ones are checked. */
const PENDING = {
  name: (i: number) => `pending=${i}`,
  kmsKeyArn: "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000",
  snsTopicArn: "arn:aws:sns:us-east-1:000000000000:pending",
  tag: "",
} as const;

function isKnown<T>(value: pulumi.Input<T>): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/**
 * The arguments with every value that is not known yet replaced by a stand-in that passes its
 * rule, and which members had such values.
 */
function knownPart(args: DuplicateStorageArgs): {
  values: ArgValues;
  pending: Set<"names" | "kmsKeyArn" | "snsTopicArn" | "tags">;
} {
  const pending = new Set<"names" | "kmsKeyArn" | "snsTopicArn" | "tags">();
  const names = (list: pulumi.Input<string>[] | undefined) =>
    Array.isArray(list)
      ? list.map((n, i) => {
          if (isKnown(n)) return n;
          pending.add("names");
          return PENDING.name(i);
        })
      : list;
  const values = {
    ...args,
    attachToRoles: names(args.attachToRoles),
    attachToUsers: names(args.attachToUsers),
    attachToGroups: names(args.attachToGroups),
  } as Record<string, unknown>;
  if (args.kmsKeyArn !== undefined && !isKnown(args.kmsKeyArn)) {
    pending.add("kmsKeyArn");
    values.kmsKeyArn = PENDING.kmsKeyArn;
  }
  const alarms = args.alarms;
  if (alarms && typeof alarms === "object" && !isKnown(alarms.snsTopicArn)) {
    pending.add("snsTopicArn");
    values.alarms = { ...alarms, snsTopicArn: PENDING.snsTopicArn };
  }
  const tags = args.tags;
  if (tags && typeof tags === "object" && !Object.values(tags).every((v) => isKnown(v))) {
    pending.add("tags");
    values.tags = Object.fromEntries(
      Object.entries(tags).map(([k, v]) => [k, isKnown(v) ? v : PENDING.tag]),
    );
  }
  for (const key of Object.keys(values)) if (values[key] === undefined) delete values[key];
  return { values: values as ArgValues, pending };
}

/**
 * The DynamoDB table that the Snowplow shredder uses for cross-batch de-duplication, the
 * least-privilege IAM policy that lets the shredder use it, the policy's attachments and,
 * optionally, a dedicated IAM user with an access key.
 */
export class DuplicateStorage extends pulumi.ComponentResource {
  /** Name of the table. */
  public readonly tableName: pulumi.Output<string>;
  /** ARN of the table. */
  public readonly tableArn: pulumi.Output<string>;
  /** Name of the policy. */
  public readonly policyName: pulumi.Output<string>;
  /** ARN of the policy. */
  public readonly policyArn: pulumi.Output<string>;
  /** Name of the dedicated IAM user, with `createShredderUser` only. */
  public readonly shredderUserName?: pulumi.Output<string>;
  /** The self-describing duplicate-storage config; secret when it carries a key. */
  public readonly duplicateStorageConfig: pulumi.Output<DuplicateStorageConfig>;
  /** The config base64-encoded, as `--duplicate-storage-config` takes it; secret likewise. */
  public readonly duplicateStorageConfigBase64: pulumi.Output<string>;
  /** Write units a run needs to finish in time, with the capacity planning keys only. */
  public readonly requiredWriteCapacity?: pulumi.Output<number>;
  /** Estimated monthly costs of provisioned and on-demand capacity, with planning keys only. */
  public readonly estimatedMonthlyCostUsd?: pulumi.Output<MonthlyCostEstimate>;
  /** How the table serves a run, and the setups that would, with planning keys only. */
  public readonly capacityPlan?: pulumi.Output<CapacityPlanSummary>;

  /**
   * @param name the component's name, which each child's name starts with.
   * @param args the table, the policy and where to attach it; every problem in them is reported
   *   at once, before anything is declared.
   */
  constructor(name: string, args: DuplicateStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      DUPLICATE_STORAGE_TYPE,
      name,
      {},
      {
        ...opts,
        aliases: [{ type: LEGACY_DUPLICATE_STORAGE_TYPE }, ...(opts?.aliases ?? [])],
      },
    );
    const ctx = this.checkArgs(name, args);
    const table = this.declareTable(ctx);
    // The region the table really is in, rather than what the provider config says, and the DNS
    // suffix of its partition (amazonaws.com.cn in China), as the provider knows it.
    const region = table.arn.apply((arn) => parseArn(arn).region);
    const policy = this.declarePolicy(ctx, table, region);
    const attachments = this.declareAttachments(ctx, args, policy.arn);
    const { shredderUser, credentials } = this.declareShredderUser(ctx, policy.arn);
    this.duplicateStorageConfig = this.storageConfig(ctx, table, region, credentials);
    this.duplicateStorageConfigBase64 = this.duplicateStorageConfig.apply((c) =>
      toBase64(c as SelfDescribingConfig),
    );
    this.shredderUserName = shredderUser?.name;
    this.declareAutoscaling(ctx, table);
    this.declareAlarms(ctx, table);
    const planned = this.reportPlan(ctx, table);
    this.requiredWriteCapacity = planned?.requiredWriteCapacity;
    this.estimatedMonthlyCostUsd = planned?.estimatedMonthlyCostUsd;
    this.capacityPlan = planned?.capacityPlan;

    this.tableName = table.name;
    this.tableArn = table.arn;
    this.policyName = policy.name;
    this.policyArn = policy.arn;

    declared.set(this, {
      table,
      policy,
      attachments: pulumi.all(attachments).apply((groups) => groups.flat()),
      shredderUser,
    });
    this.registerOutputs(this.outputs());
  }

  /** The resources this component declared: the table, the policy and its attachments. */
  resources(): DuplicateStorageResources {
    return declared.get(this)!;
  }

  /**
   * The outputs a user hands the shredder or plans with, by name; those that the arguments do not
   * ask for are left out. The component registers them, and the stack program exports them.
   */
  outputs(): Record<string, pulumi.Output<unknown>> {
    const all: Record<string, pulumi.Output<unknown> | undefined> = {
      tableName: this.tableName,
      tableArn: this.tableArn,
      policyName: this.policyName,
      policyArn: this.policyArn,
      shredderUserName: this.shredderUserName,
      duplicateStorageConfig: this.duplicateStorageConfig,
      duplicateStorageConfigBase64: this.duplicateStorageConfigBase64,
      requiredWriteCapacity: this.requiredWriteCapacity,
      estimatedMonthlyCostUsd: this.estimatedMonthlyCostUsd,
      capacityPlan: this.capacityPlan,
    };
    return Object.fromEntries(
      Object.entries(all).filter((e): e is [string, pulumi.Output<unknown>] => e[1] !== undefined),
    );
  }

  /**
   * Checks `args` by the rules of `resolveSettings`, and throws one error that lists every
   * problem before any child exists. Values that come from resources are checked again, by the
   * same rules, once they are known (`later`).
   */
  private checkArgs(name: string, args: DuplicateStorageArgs): Context {
    const stack = pulumi.getStack();
    // A user's mistake, so the CLI prints the message alone, without a stack trace. The error
    // carries no stack at all: the Node.js SDK's handler of an unhandled error formats the stack
    // for its trace even when it is hidden, and for an error thrown inside an apply that took
    // about 25 s of CPU before the preview failed.
    const invalid = (problems: readonly string[]) => {
      const error = new pulumi.ResourceError(
        `Invalid arguments of DuplicateStorage '${name}' (nothing was created):\n` +
          problems.map((p) => `  - ${p}`).join("\n"),
        this,
        true,
      );
      error.stack = undefined;
      return error;
    };

    const { values, pending } = knownPart(args);
    const resolved = resolveSettings(values, stack);
    if (resolved.settings === undefined) throw invalid(resolved.problems);
    const settings = resolved.settings;
    const later =
      pending.size === 0
        ? undefined
        : pulumi.output(args).apply((known) => {
            const all = resolveSettings(known as ArgValues, stack);
            if (all.settings === undefined) throw invalid(all.problems);
            return all.settings;
          });
    const fromArgs = <T>(
      member: "kmsKeyArn" | "snsTopicArn" | "tags",
      pick: (s: DedupSettings) => T,
    ) => (later && pending.has(member) ? later.apply(pick) : pick(settings));
    return {
      name,
      stack,
      settings,
      plan: resolved.plan,
      later,
      fromArgs,
      // No tags at all rather than an empty map, which an imported untagged table would differ from.
      tags: fromArgs("tags", (s) => (Object.keys(s.tags).length > 0 ? { ...s.tags } : undefined)),
    };
  }

  /** The table, with its resource options. */
  private declareTable(ctx: Context): dynamodb.Table {
    const { name, settings, tags } = ctx;
    const kmsKeyArn = ctx.fromArgs("kmsKeyArn", (s) => s.kmsKeyArn);
    const ignoreChanges = [
      // Otherwise every `pulumi up` would reset what the autoscaler set.
      ...(settings.autoscaling ? ["writeCapacity"] : []),
      ...(settings.autoscaling?.maxReadCapacity !== undefined ? ["readCapacity"] : []),
      // A table made from the setup guide has no TTL; it is enabled by the first `up` after import.
      ...(settings.importExistingTable ? ["ttl"] : []),
      // DynamoDB raises warm throughput by itself and refuses to lower it, so a declared figure
      // goes stale and would plan a decrease (an error, or a replacement in older providers:
      // hashicorp/terraform-provider-aws#49032). It is applied when the table is created.
      ...(settings.warmThroughput !== undefined ? ["warmThroughput"] : []),
    ];
    return new dynamodb.Table(
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
        warmThroughput:
          settings.warmThroughput !== undefined
            ? { writeUnitsPerSecond: settings.warmThroughput }
            : undefined,
        // The period only while recovery is on: the provider ignores it otherwise.
        pointInTimeRecovery: settings.pointInTimeRecovery
          ? {
              enabled: true,
              recoveryPeriodInDays:
                settings.pointInTimeRecoveryDays ?? DEFAULT_RECOVERY_PERIOD_DAYS,
            }
          : { enabled: false },
        // Declared always, STANDARD too, so that removing the key moves the table back.
        tableClass: settings.tableClass,
        onDemandThroughput: settings.onDemandThroughput && { ...settings.onDemandThroughput },
        deletionProtectionEnabled: settings.deletionProtection,
        // Declared in both cases: the provider treats an absent block as "whatever the table has",
        // so removing kmsKeyArn would leave the table on the key while the policy drops its KMS
        // statement (hashicorp/terraform-provider-aws#29811).
        // AWS_MANAGED is KMS encryption with no key named, which DynamoDB takes as aws/dynamodb.
        serverSideEncryption:
          settings.encryption === TableEncryption.AwsOwned
            ? { enabled: false }
            : settings.encryption === TableEncryption.AwsManaged
              ? { enabled: true }
              : { enabled: true, kmsKeyArn },
        tags,
      },
      {
        parent: this,
        protect: settings.protect,
        retainOnDelete: settings.retainOnDelete,
        ignoreChanges: ignoreChanges.length > 0 ? ignoreChanges : undefined,
        import: settings.importExistingTable ? settings.tableName : undefined,
      },
    );
  }

  /**
   * The shredder's policy, on the table's own ARN and, with a customer managed key, on the
   * key through DynamoDB in the table's region.
   */
  private declarePolicy(ctx: Context, table: dynamodb.Table, region: pulumi.Output<string>) {
    const { name, settings, later, tags } = ctx;
    const { dnsSuffix } = getPartitionOutput({}, { parent: this });
    const document = shredderPolicyDocument<pulumi.Output<string>>(
      table.arn,
      settings.allowTableManagement,
      settings.kmsKeyArn
        ? {
            keyArn: pulumi
              .output(ctx.fromArgs("kmsKeyArn", (s) => s.kmsKeyArn))
              .apply((k) => k ?? ""),
            viaService: pulumi
              .all([region, dnsSuffix])
              .apply(([r, suffix]) => dynamodbViaService(r, suffix)),
          }
        : undefined,
    ) satisfies iam.PolicyDocument;
    return new iam.Policy(
      `${name}-policy`,
      {
        name: settings.policyName,
        description: `Lets the Snowplow shredder de-duplicate events in DynamoDB table ${settings.tableName}`,
        // With values from resources, no policy exists until they have passed their rules.
        policy: later
          ? pulumi.all([later, pulumi.jsonStringify(document)]).apply(([, text]) => text)
          : pulumi.jsonStringify(document),
        tags,
      },
      { parent: this },
    );
  }

  /**
   * The policy's attachments to the roles, users and groups that `args` names; one to a
   * name that comes from a resource once the name is known, under the name a plain one has.
   */
  private declareAttachments(
    ctx: Context,
    args: DuplicateStorageArgs,
    policyArn: pulumi.Output<string>,
  ): pulumi.Input<PolicyAttachment[]>[] {
    const { name, settings, later } = ctx;
    const attach = (kind: "role" | "user" | "group", principal: string): PolicyAttachment => {
      const childName = `${name}-${kind}-${principal}`;
      const childOpts = { parent: this };
      switch (kind) {
        case "role":
          return new iam.RolePolicyAttachment(childName, { role: principal, policyArn }, childOpts);
        case "user":
          return new iam.UserPolicyAttachment(childName, { user: principal, policyArn }, childOpts);
        case "group":
          return new iam.GroupPolicyAttachment(
            childName,
            { group: principal, policyArn },
            childOpts,
          );
      }
    };
    const lists = [
      ["role", args.attachToRoles, (s: DedupSettings) => s.attachToRoles],
      ["user", args.attachToUsers, (s: DedupSettings) => s.attachToUsers],
      ["group", args.attachToGroups, (s: DedupSettings) => s.attachToGroups],
    ] as const;
    const attachments: pulumi.Input<PolicyAttachment[]>[] = [];
    for (const [kind, given, resolvedNames] of lists) {
      const names = resolvedNames(settings);
      attachments.push(
        names.filter((_, i) => isKnown(given?.[i] ?? "")).map((n) => attach(kind, n)),
      );
      const pendingAt = (given ?? []).flatMap((n, i) => (isKnown(n) ? [] : [i]));
      // A name from a resource names its attachment once it is known, as a plain name does.
      if (later && pendingAt.length > 0) {
        attachments.push(
          later.apply((s) => pendingAt.map((i) => attach(kind, resolvedNames(s)[i]))),
        );
      }
    }
    return attachments;
  }

  /** With `createShredderUser`, a user that holds the policy alone, and its access key. */
  private declareShredderUser(ctx: Context, policyArn: pulumi.Output<string>) {
    const { name, settings, tags } = ctx;
    let credentials: pulumi.Output<StorageCredentials> | undefined;
    let shredderUser: iam.User | undefined;
    if (settings.createShredderUser) {
      shredderUser = new iam.User(`${name}-shredder-user`, { tags }, { parent: this });
      new iam.UserPolicyAttachment(
        `${name}-shredder-user-policy`,
        { user: shredderUser.name, policyArn },
        { parent: this },
      );
      const key = new iam.AccessKey(
        `${name}-shredder-key`,
        { user: shredderUser.name },
        { parent: this },
      );
      credentials = pulumi.secret({ accessKeyId: key.id, secretAccessKey: key.secret });
    }
    return { shredderUser, credentials };
  }

  /**
   * The duplicate-storage config that a user hands the shredder, a secret where it holds
   * the shredder user's key.
   */
  private storageConfig(
    ctx: Context,
    table: dynamodb.Table,
    region: pulumi.Output<string>,
    credentials: pulumi.Output<StorageCredentials> | undefined,
  ): pulumi.Output<DuplicateStorageConfig> {
    const { settings } = ctx;
    const config = pulumi
      .all([region, table.name, credentials])
      .apply(([awsRegion, tableName, creds]): DuplicateStorageConfig =>
        duplicateStorageConfig({
          format: settings.shredderConfigFormat,
          id: storageId(pulumi.getProject(), ctx.stack, settings.tableName),
          awsRegion,
          dynamodbTable: tableName,
          credentials: creds,
        }),
      );
    return credentials ? pulumi.secret(config) : config;
  }

  /**
   * The capacity plan's outputs, with the planning keys, and the preview's warnings: a
   * run that would throttle, a setup that costs too much, and a table beyond the account's quota.
   */
  private reportPlan(ctx: Context, table: dynamodb.Table) {
    const { settings } = ctx;
    const plan = ctx.plan && planCapacity(ctx.plan);
    if (plan?.warning) pulumi.log.warn(plan.warning, table);
    if (plan?.costWarning) pulumi.log.warn(plan.costWarning, table);
    const { account } = writeQuotaNeeds(settings);
    const overAccount =
      account !== undefined && accountQuotaWarning(account, settings.accountWriteQuota);
    if (overAccount) pulumi.log.warn(overAccount, table);
    if (plan === undefined) return undefined;
    const { warning: _warning, costWarning: _costWarning, ...rest } = plan;
    return {
      requiredWriteCapacity: pulumi.output(plan.requiredWriteCapacity),
      estimatedMonthlyCostUsd: pulumi.output(plan.estimatedMonthlyCostUsd),
      capacityPlan: pulumi.output(rest),
    };
  }

  /**
   * Target tracking of the table's write units between `writeCapacity` and the ceiling and, with
   * `runSchedule`, two scheduled actions a run: one raises the floor to the rate a run needs
   * `leadMinutes` before its start, one lowers it `leadMinutes` after its target end.
   */
  private declareAutoscaling(ctx: Context, table: dynamodb.Table): void {
    const { name, settings, plan, tags } = ctx;
    const { autoscaling, writeCapacity, readCapacity } = settings;
    if (autoscaling === undefined || writeCapacity === undefined) return;
    // One scalable target and target-tracking policy per dimension, with one target value.
    const scale = (role: "write" | "read", min: number, max: number) => {
      const units = role === "write" ? "WriteCapacityUnits" : "ReadCapacityUnits";
      const target = new appautoscaling.Target(
        `${name}-${role}-scaling`,
        {
          serviceNamespace: "dynamodb",
          scalableDimension: `dynamodb:table:${units}`,
          resourceId: pulumi.interpolate`table/${table.name}`,
          minCapacity: min,
          maxCapacity: max,
          tags,
        },
        { parent: this },
      );
      new appautoscaling.Policy(
        `${name}-${role}-scaling-policy`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: {
              predefinedMetricType:
                role === "write"
                  ? "DynamoDBWriteCapacityUtilization"
                  : "DynamoDBReadCapacityUtilization",
            },
            targetValue: autoscaling.targetUtilization,
          },
        },
        { parent: this },
      );
      return target;
    };
    const target = scale("write", writeCapacity, autoscaling.maxWriteCapacity);
    if (autoscaling.maxReadCapacity !== undefined && readCapacity !== undefined) {
      scale("read", readCapacity, autoscaling.maxReadCapacity);
    }

    const schedule = settings.runSchedule;
    if (!schedule || plan === undefined) return;
    const { writeRate: rate, targetRunMinutes: minutes } = plan;
    for (const start of schedule.startTimesUtc) {
      const hhmm = start.replace(":", "");
      const at = (offset: number) => cronAt(start, offset);
      const steps = [
        { role: "raise", schedule: at(-schedule.leadMinutes), minCapacity: rate },
        { role: "lower", schedule: at(minutes + schedule.leadMinutes), minCapacity: writeCapacity },
      ];
      for (const step of steps) {
        new appautoscaling.ScheduledAction(
          `${name}-run-${hhmm}-${step.role}`,
          {
            name: pulumi.interpolate`${table.name}-run-${hhmm}-${step.role}`,
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            schedule: step.schedule,
            timezone: "UTC",
            scalableTargetAction: {
              minCapacity: step.minCapacity,
              maxCapacity: autoscaling.maxWriteCapacity,
            },
          },
          { parent: this },
        );
      }
    }
  }

  /** Alarms on throttled writes and, for a provisioned table, on writes near the ceiling. */
  private declareAlarms(ctx: Context, table: dynamodb.Table): void {
    const { name, settings, plan, tags } = ctx;
    const alarms = settings.alarms;
    if (alarms === undefined) return;
    const topic = ctx.fromArgs("snsTopicArn", (s) => s.alarms?.snsTopicArn ?? "");
    const common = {
      namespace: "AWS/DynamoDB",
      dimensions: { TableName: table.name },
      statistic: "Sum",
      period: 300,
      treatMissingData: "notBreaching",
      alarmActions: [topic],
      okActions: [topic],
      tags,
    };
    new cloudwatch.MetricAlarm(
      `${name}-write-throttles`,
      {
        ...common,
        alarmDescription:
          `Writes to the Snowplow de-duplication table ${settings.tableName} are throttled. Once ` +
          "the AWS SDK's retries are spent the shredder's job fails: raise the write capacity.",
        metricName: "WriteThrottleEvents",
        evaluationPeriods: 1,
        threshold: alarms.throttledWritesThreshold,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      },
      { parent: this },
    );
    // The one signal of the silent failure: a write that IAM, an SCP or a key policy refuses
    // never reaches the table, so every event becomes a bad row while the job succeeds, and the
    // table takes no writes at all. Hours without data count as hours without writes.
    const hours = noWritesHours(settings.runsPerDay, settings.runSchedule?.startTimesUtc);
    new cloudwatch.MetricAlarm(
      `${name}-no-writes`,
      {
        ...common,
        alarmDescription:
          `The Snowplow de-duplication table ${settings.tableName} has taken no writes for ` +
          `${hours} hours, longer than the longest gap between the shredder's runs: a run was ` +
          "missed, or every write fails (a policy on the wrong role, an SCP, a key policy, a " +
          "wrong table) while the job succeeds and every event becomes a bad row.",
        metricName: "ConsumedWriteCapacityUnits",
        period: 3600,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      },
      { parent: this },
    );
    const ceiling = settings.autoscaling?.maxWriteCapacity ?? settings.writeCapacity;
    const percent = alarms.consumedWritePercent;
    if (ceiling === undefined || percent === undefined) return;
    // A run that needs more than the alarm's share of the ceiling raises it in every run.
    const rate = plan?.writeRate ?? 0;
    const level = (percent / 100) * ceiling;
    if (rate > level) {
      pulumi.log.warn(
        `alarms.consumedWritePercent ${percent} raises the consumed-writes alarm at ` +
          `${Math.round(level)} writes a second (${percent}% of the ceiling ${ceiling}), below ` +
          `the ${rate} a run needs, so it would fire in every run: set it to at least ` +
          `${Math.ceil((rate / ceiling) * 100)}, or raise the ceiling.`,
        this,
      );
    }
    new cloudwatch.MetricAlarm(
      `${name}-consumed-writes`,
      {
        ...common,
        alarmDescription:
          `Writes to the Snowplow de-duplication table ${settings.tableName} have used over ` +
          `${percent}% of its ceiling of ${ceiling} write units for ten ` +
          "minutes: the shredder is about to be throttled.",
        metricName: "ConsumedWriteCapacityUnits",
        evaluationPeriods: 2,
        // The metric's five-minute sum, so the ceiling in units per second times 300 seconds.
        threshold: Math.round((percent / 100) * ceiling * common.period),
        comparisonOperator: "GreaterThanThreshold",
      },
      { parent: this },
    );
  }
}

/** An AWS cron expression, in UTC, for `offset` minutes after the time of day `time`. */
export function cronAt(time: string, offset: number): string {
  const [h, m] = time.split(":").map(Number);
  const t = (((h * 60 + m + offset) % 1440) + 1440) % 1440;
  return `cron(${t % 60} ${Math.floor(t / 60)} * * ? *)`;
}
