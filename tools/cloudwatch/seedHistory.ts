/**
 * Test machinery: seeds a table's history into a CloudWatch API (moto) with `PutMetricData`, since
 * DynamoDB in moto publishes no metrics of its own. A run is described by its start, minutes, rate,
 * the minutes it ramps up over, the minutes in which writes are refused, and its duplicates.
 */
import { CloudWatchClient, MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";

/** One seeded run; `perMinute` gives each of its minutes' sums, so a test can work them out. */
export interface SeededRun {
  /** Its first minute, in minutes since the epoch. */
  readonly startMinute: number;
  /** The writes served, throttled and failed in each of its minutes. */
  readonly perMinute: readonly {
    readonly consumed: number;
    readonly throttled?: number;
    readonly duplicates?: number;
  }[];
}

/** Datapoints a PutMetricData request takes at most (CloudWatch's limit). */
const PER_REQUEST = 1000;

/** Puts every run's minutes as DynamoDB's own metrics of the table would be. */
export async function seedHistory(
  cloudwatch: CloudWatchClient,
  tableName: string,
  runs: readonly SeededRun[],
): Promise<void> {
  const data: MetricDatum[] = [];
  const put = (name: string, minute: number, value: number | undefined) => {
    // DynamoDB reports no datapoint for a minute without such requests.
    if (!value) return;
    data.push({
      MetricName: name,
      Dimensions: [{ Name: "TableName", Value: tableName }],
      Timestamp: new Date(minute * 60_000),
      Value: value,
      Unit: "Count",
    });
  };
  for (const run of runs) {
    run.perMinute.forEach((m, i) => {
      const minute = run.startMinute + i;
      put("ConsumedWriteCapacityUnits", minute, m.consumed);
      put("WriteThrottleEvents", minute, m.throttled);
      put("ConditionalCheckFailedRequests", minute, m.duplicates);
    });
  }
  for (let i = 0; i < data.length; i += PER_REQUEST) {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: "AWS/DynamoDB",
        MetricData: data.slice(i, i + PER_REQUEST),
      }),
    );
  }
}
