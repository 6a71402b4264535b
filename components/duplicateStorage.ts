// The provider's modules one by one: the package's root pulls every AWS service's types into the
// type check.
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as dynamodb from "@pulumi/aws/dynamodb";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseArn } from "@aws-sdk/util-arn-parser";
import { DedupSettings, planInputOf } from "./config";
import {
  SelfDescribingConfig,
  StorageCredentials,
  duplicateStorageConfig,
  storageId,
  toBase64,
} from "./shredderConfig";
import { dynamodbViaService, shredderPolicyDocument } from "./shredderPolicy";
import { CapacityPlan, planCapacity } from "./capacityPlanning";
import { neededWriteRate } from "./throughputModel";

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
  public readonly table: dynamodb.Table;
  /** The shredder's policy. */
  public readonly policy: iam.Policy;
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
  /** Write units a run needs to finish in time, with the capacity planning keys only. */
  public readonly requiredWriteCapacity: pulumi.Output<number> | undefined;
  /** Estimated monthly costs of provisioned and on-demand capacity, with planning keys only. */
  public readonly estimatedMonthlyCostUsd:
    pulumi.Output<CapacityPlan["estimatedMonthlyCostUsd"]> | undefined;
  /** How the table serves a run, and the setups that would, with planning keys only. */
  public readonly capacityPlan: pulumi.Output<Omit<CapacityPlan, "warning">> | undefined;

  /**
   * @param settings every key with its default applied and every rule checked, as
   *   `parseStackConfig` (stack config) or `resolveSettings` (arguments in code) return them.
   */
  constructor(name: string, settings: DedupSettings, opts?: pulumi.ComponentResourceOptions) {
    super("snowplow:dedup:DuplicateStorage", name, {}, opts);
    // No tags at all rather than an empty map, which an imported untagged table would differ from.
    const tags = Object.keys(settings.tags).length > 0 ? { ...settings.tags } : undefined;

    const ignoreChanges = [
      // Otherwise every `pulumi up` would reset what the autoscaler set.
      ...(settings.autoscaling ? ["writeCapacity"] : []),
      // A table made from the setup guide has no TTL; it is enabled by the first `up` after import.
      ...(settings.importExistingTable ? ["ttl"] : []),
      // DynamoDB raises warm throughput by itself and refuses to lower it, so a declared figure
      // goes stale and would plan a decrease (an error, or a replacement in older providers:
      // hashicorp/terraform-provider-aws#49032). It is applied when the table is created.
      ...(settings.warmThroughput !== undefined ? ["warmThroughput"] : []),
    ];
    this.table = new dynamodb.Table(
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
        pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
        deletionProtectionEnabled: settings.deletionProtection,
        // Declared in both cases: the provider treats an absent block as "whatever the table has",
        // so removing kmsKeyArn would leave the table on the key while the policy drops its KMS
        // statement (hashicorp/terraform-provider-aws#29811).
        serverSideEncryption: settings.kmsKeyArn
          ? { enabled: true, kmsKeyArn: settings.kmsKeyArn }
          : { enabled: false },
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
    // The region the table really is in, rather than what the provider config says, and the DNS
    // suffix of its partition (amazonaws.com.cn in China), as the provider knows it.
    const region = this.table.arn.apply((arn) => parseArn(arn).region);
    const { dnsSuffix } = getPartitionOutput({}, { parent: this });

    this.policy = new iam.Policy(
      `${name}-policy`,
      {
        name: settings.policyName,
        description: `Lets the Snowplow shredder de-duplicate events in DynamoDB table ${settings.tableName}`,
        policy: pulumi.jsonStringify(
          shredderPolicyDocument(
            this.table.arn,
            settings.allowTableManagement,
            settings.kmsKeyArn
              ? {
                  keyArn: settings.kmsKeyArn,
                  viaService: pulumi
                    .all([region, dnsSuffix])
                    .apply(([r, suffix]) => dynamodbViaService(r, suffix)),
                }
              : undefined,
          ),
        ),
        tags,
      },
      { parent: this },
    );

    const policyArn = this.policy.arn;
    for (const role of settings.attachToRoles) {
      new iam.RolePolicyAttachment(`${name}-role-${role}`, { role, policyArn }, { parent: this });
    }
    for (const user of settings.attachToUsers) {
      new iam.UserPolicyAttachment(`${name}-user-${user}`, { user, policyArn }, { parent: this });
    }
    for (const group of settings.attachToGroups) {
      new iam.GroupPolicyAttachment(
        `${name}-group-${group}`,
        { group, policyArn },
        { parent: this },
      );
    }

    let credentials: pulumi.Output<StorageCredentials> | undefined;
    if (settings.createShredderUser) {
      const user = new iam.User(`${name}-shredder-user`, { tags }, { parent: this });
      new iam.UserPolicyAttachment(
        `${name}-shredder-user-policy`,
        { user: user.name, policyArn },
        { parent: this },
      );
      const key = new iam.AccessKey(`${name}-shredder-key`, { user: user.name }, { parent: this });
      credentials = pulumi.secret({ accessKeyId: key.id, secretAccessKey: key.secret });
      this.shredderUserName = user.name;
    }

    const config = pulumi
      .all([region, this.table.name, credentials])
      .apply(([awsRegion, table, creds]) =>
        duplicateStorageConfig({
          format: settings.shredderConfigFormat,
          id: storageId(pulumi.getProject(), pulumi.getStack(), settings.tableName),
          awsRegion,
          dynamodbTable: table,
          credentials: creds,
        }),
      );
    this.duplicateStorageConfig = credentials ? pulumi.secret(config) : config;
    this.duplicateStorageConfigBase64 = this.duplicateStorageConfig.apply(toBase64);

    if (settings.autoscaling && settings.writeCapacity !== undefined) {
      this.declareAutoscaling(name, settings, settings.writeCapacity, settings.autoscaling, tags);
    }
    if (settings.alarms) this.declareAlarms(name, settings, settings.alarms, tags);

    const plan = this.planCapacity(settings);
    this.requiredWriteCapacity = plan && pulumi.output(plan.requiredWriteCapacity);
    this.estimatedMonthlyCostUsd = plan && pulumi.output(plan.estimatedMonthlyCostUsd);
    if (plan) {
      const { warning: _warning, ...rest } = plan;
      this.capacityPlan = pulumi.output(rest);
    }

    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.policyName = this.policy.name;
    this.policyArn = this.policy.arn;

    this.registerOutputs(this.outputs());
  }

  /**
   * The outputs a user hands the shredder or plans with, by name; those that the settings do not
   * ask for are left out. The component registers them, and the program exports them.
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
   * Target tracking of the table's write units between `writeCapacity` and the ceiling and, with
   * `runSchedule`, two scheduled actions a run: one raises the floor to the rate a run needs
   * `leadMinutes` before its start, one lowers it `leadMinutes` after its target end.
   */
  private declareAutoscaling(
    name: string,
    settings: DedupSettings,
    writeCapacity: number,
    autoscaling: NonNullable<DedupSettings["autoscaling"]>,
    tags: Record<string, string> | undefined,
  ): void {
    const target = new appautoscaling.Target(
      `${name}-write-scaling`,
      {
        serviceNamespace: "dynamodb",
        scalableDimension: "dynamodb:table:WriteCapacityUnits",
        resourceId: pulumi.interpolate`table/${this.table.name}`,
        minCapacity: writeCapacity,
        maxCapacity: autoscaling.maxWriteCapacity,
        tags,
      },
      { parent: this },
    );
    new appautoscaling.Policy(
      `${name}-write-scaling-policy`,
      {
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: {
            predefinedMetricType: "DynamoDBWriteCapacityUtilization",
          },
          targetValue: autoscaling.targetUtilization,
        },
      },
      { parent: this },
    );

    const schedule = settings.runSchedule;
    const events = settings.expectedEventsPerRun;
    const minutes = settings.targetRunMinutes;
    if (!schedule || events === undefined || minutes === undefined) return;
    const rate = neededWriteRate({ events, minutes });
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
            name: pulumi.interpolate`${this.table.name}-run-${hhmm}-${step.role}`,
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
  private declareAlarms(
    name: string,
    settings: DedupSettings,
    alarms: NonNullable<DedupSettings["alarms"]>,
    tags: Record<string, string> | undefined,
  ): void {
    const common = {
      namespace: "AWS/DynamoDB",
      dimensions: { TableName: this.table.name },
      statistic: "Sum",
      period: 300,
      treatMissingData: "notBreaching",
      alarmActions: [alarms.snsTopicArn],
      okActions: [alarms.snsTopicArn],
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
    const ceiling = settings.autoscaling?.maxWriteCapacity ?? settings.writeCapacity;
    const percent = alarms.consumedWritePercent;
    if (ceiling === undefined || percent === undefined) return;
    // A run that needs more than the alarm's share of the ceiling raises it in every run.
    const { expectedEventsPerRun: events, targetRunMinutes: minutes } = settings;
    const rate =
      events !== undefined && minutes !== undefined ? neededWriteRate({ events, minutes }) : 0;
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

  /** The capacity plan from `expectedEventsPerRun` and `targetRunMinutes`, warning if short. */
  private planCapacity(settings: DedupSettings): CapacityPlan | undefined {
    const input = planInputOf(settings);
    if (input === undefined) return undefined;
    const plan = planCapacity(input);
    if (plan.warning) pulumi.log.warn(plan.warning, this.table);
    return plan;
  }
}

/** An AWS cron expression, in UTC, for `offset` minutes after the time of day `time`. */
export function cronAt(time: string, offset: number): string {
  const [h, m] = time.split(":").map(Number);
  const t = (((h * 60 + m + offset) % 1440) + 1440) % 1440;
  return `cron(${t % 60} ${Math.floor(t / 60)} * * ? *)`;
}
