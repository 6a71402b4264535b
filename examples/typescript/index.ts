// The de-duplication table and the shredder's policy from a Pulumi program in TypeScript. The
// policy goes to the EMR instances' role that this program makes: its name comes from a resource.
import * as aws from "@pulumi/aws";
import { DuplicateStorage } from "snowplowdedup";

const role = new aws.iam.Role("emr-instances", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});

const dedup = new DuplicateStorage("dedup", {
  tableName: "snowplow-deduplication",
  billingMode: "PROVISIONED",
  writeCapacity: 50,
  attachToRoles: [role.name],
});

export const tableName = dedup.tableName;
export const duplicateStorageConfigBase64 = dedup.duplicateStorageConfigBase64;
