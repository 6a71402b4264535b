/**
 * Reading the table's history from CloudWatch: the per-minute sums of its writes, its throttled
 * writes and its failed conditions, with `GetMetricData`. The client comes from the caller, so
 * that tests can point it at a local server.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricDataCommandOutput,
  MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import type { MinuteSample } from "snowplowdedup/capacity";

/** The metrics read, by the sample's member they fill (DynamoDB's 1-minute metrics). */
export const METRICS = {
  consumed: "ConsumedWriteCapacityUnits",
  throttled: "WriteThrottleEvents",
  duplicates: "ConditionalCheckFailedRequests",
} as const;

type Member = keyof typeof METRICS;

/** Minutes in one request: a day, 3 × 1,440 datapoints, well within GetMetricData's 100,800. */
export const MINUTES_PER_REQUEST = 1440;

/**
 * The table's samples for the minutes `[fromMinute, toMinute)`, one per minute that had any
 * datapoint; a minute with none is left out, as DynamoDB reports nothing for a quiet minute. One
 * request a day of the window, each followed through its `NextToken`s.
 */
export async function readHistory(
  cloudwatch: Pick<CloudWatchClient, "send">,
  tableName: string,
  fromMinute: number,
  toMinute: number,
): Promise<MinuteSample[]> {
  const queries: MetricDataQuery[] = Object.entries(METRICS).map(([member, name]) => ({
    Id: member,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: "AWS/DynamoDB",
        MetricName: name,
        Dimensions: [{ Name: "TableName", Value: tableName }],
      },
      Period: 60,
      Stat: "Sum",
    },
  }));
  const byMinute = new Map<number, Record<Member, number>>();
  for (let start = fromMinute; start < toMinute; start += MINUTES_PER_REQUEST) {
    const end = Math.min(toMinute, start + MINUTES_PER_REQUEST);
    let token: string | undefined;
    do {
      const page: GetMetricDataCommandOutput = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(start * 60_000),
          EndTime: new Date(end * 60_000),
          ScanBy: "TimestampAscending",
          NextToken: token,
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        const member = result.Id as Member;
        (result.Timestamps ?? []).forEach((t, i) => {
          const minute = Math.floor(t.getTime() / 60_000);
          if (minute < start || minute >= end) return;
          const sample = byMinute.get(minute) ?? { consumed: 0, throttled: 0, duplicates: 0 };
          sample[member] += result.Values?.[i] ?? 0;
          byMinute.set(minute, sample);
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return [...byMinute.entries()].sort(([a], [b]) => a - b).map(([minute, s]) => ({ minute, ...s }));
}
