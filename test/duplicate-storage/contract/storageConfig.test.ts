import assert from "node:assert/strict";
import { duplicateStorageConfig, storageId, toBase64 } from "snowplowdedup/contract";
import { validateAgainstIglu } from "../../iglu";

const ID = "56799a26-980c-4148-8bd9-c021b988c669";
const KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG" };
const where = { awsRegion: "us-east-1", dynamodbTable: "snowplow-deduplication", id: ID };

describe("duplicateStorageConfig", () => {
  it("is valid 2-0-0 with auth null by default, and names no secret", () => {
    const config = duplicateStorageConfig({ format: "2-0-0", ...where });
    assert.deepEqual(validateAgainstIglu(config), []);
    assert.equal((config.data as { auth: unknown }).auth, null);
    assert.equal(config.data.purpose, "EVENTS_MANIFEST");
    assert.equal(config.data.dynamodbTable, "snowplow-deduplication");
    assert.equal(config.data.awsRegion, "us-east-1");
    assert.equal(config.data.id, ID);
  });

  it("is valid 2-0-0 with an auth object when it has credentials", () => {
    const config = duplicateStorageConfig({ format: "2-0-0", ...where, credentials: KEYS });
    assert.deepEqual(validateAgainstIglu(config), []);
    assert.deepEqual((config.data as { auth: unknown }).auth, KEYS);
  });

  it("is valid 1-0-1 with the keys at the top level and purpose DUPLICATE_TRACKING", () => {
    const config = duplicateStorageConfig({ format: "1-0-1", ...where, credentials: KEYS });
    assert.deepEqual(validateAgainstIglu(config), []);
    assert.equal(config.data.purpose, "DUPLICATE_TRACKING");
    assert.equal((config.data as { accessKeyId: string }).accessKeyId, KEYS.accessKeyId);
  });

  it("refuses 1-0-1 without credentials, which that schema requires", () => {
    assert.throws(
      () => duplicateStorageConfig({ format: "1-0-1", ...where }),
      /requires static credentials/,
    );
  });

  it("is never named local, which would switch the transformer to an in-memory manifest", () => {
    for (const format of ["2-0-0", "1-0-1"] as const) {
      const config = duplicateStorageConfig({ format, ...where, credentials: KEYS });
      assert.notEqual(config.data.name.trim().toLowerCase(), "local");
    }
  });

  it("would be rejected by the schema if it carried an extra property", () => {
    const config = duplicateStorageConfig({ format: "2-0-0", ...where });
    assert.notDeepEqual(validateAgainstIglu({ ...config, data: { ...config.data, extra: 1 } }), []);
  });
});

describe("storageId", () => {
  it("is a UUID that stays the same for the same project, stack and table", () => {
    const a = storageId("snowplow-dedup", "prod", "t");
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(storageId("snowplow-dedup", "prod", "t"), a);
  });

  it("differs between stacks and between tables", () => {
    const a = storageId("snowplow-dedup", "prod", "t");
    assert.notEqual(storageId("snowplow-dedup", "dev", "t"), a);
    assert.notEqual(storageId("snowplow-dedup", "prod", "u"), a);
  });
});

describe("toBase64", () => {
  it("encodes the JSON that the shredder decodes", () => {
    const config = duplicateStorageConfig({ format: "2-0-0", ...where });
    assert.deepEqual(JSON.parse(Buffer.from(toBase64(config), "base64").toString("utf8")), config);
  });
});
