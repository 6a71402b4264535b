// The bare baseline of `npm run bench`: one table and one policy, nothing else.
import * as dynamodb from "@pulumi/aws/dynamodb";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";

const table = new dynamodb.Table("table", {
  attributes: [
    { name: "eventId", type: "S" },
    { name: "fingerprint", type: "S" },
  ],
  hashKey: "eventId",
  rangeKey: "fingerprint",
  billingMode: "PAY_PER_REQUEST",
});

new iam.Policy("policy", {
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [table.arn] }],
  }),
});
