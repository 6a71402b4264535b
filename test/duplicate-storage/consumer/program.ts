/**
 * A TypeScript program of another team's, which uses the library as a package: it imports
 * `DuplicateStorage` by the package's name, gives it a role of its own, and takes the table, the
 * policy and the attachment. It runs under Pulumi's unit-test mocks and prints what it got as
 * JSON; `../package.slow.test.ts` runs it from a folder of its own.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

async function main(): Promise<void> {
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type}::${args.name}`);
        const name = args.inputs.name ?? `${args.name}-1a2b3c4`;
        const arn =
          args.type === "aws:dynamodb/table:Table"
            ? `arn:aws:dynamodb:eu-west-1:111122223333:table/${name}`
            : `arn:aws:iam::111122223333:${args.type.split(":").pop()!.toLowerCase()}/${name}`;
        return { id: name, state: { ...args.inputs, name, arn } };
      },
      call: (args) => {
        if (args.token !== "aws:index/getPartition:getPartition") throw new Error(args.token);
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      },
    },
    "pipeline",
    "staging",
  );
  // Loaded once the mocks are set, by the package's name.
  const { DuplicateStorage } = await import("snowplowdedup");

  const role = new aws.iam.Role("emr-instances", {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    }),
  });
  const storage = new DuplicateStorage("dedup", { writeCapacity: 50, attachToRoles: [role.name] });
  const { table, policy, attachments } = storage.resources();
  const [attachment] = await valueOf(attachments);

  let refusal = "";
  const before = registered.length;
  try {
    new DuplicateStorage("bad", {
      writeCapacity: 0,
      tableName: "a b",
      attachToRoles: ["arn:aws:iam::1:role/x"],
    });
  } catch (e) {
    refusal = e instanceof Error ? e.message : String(e);
  }
  // Let anything the refused component might have registered reach the mocks.
  await new Promise((resolve) => setTimeout(resolve, 100));

  console.log(
    JSON.stringify({
      table: {
        name: await valueOf(table.name),
        writeCapacity: await valueOf(table.writeCapacity),
        hashKey: await valueOf(table.hashKey),
      },
      policy: {
        name: await valueOf(policy.name),
        document: JSON.parse(await valueOf(policy.policy)),
      },
      attachment: { role: await valueOf((attachment as aws.iam.RolePolicyAttachment).role) },
      outputs: {
        tableArn: await valueOf(storage.tableArn),
        policyArn: await valueOf(storage.policyArn),
      },
      refusal,
      registeredForRefused: registered
        .slice(before)
        .filter((r) => r.split("::")[1].startsWith("bad")),
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
