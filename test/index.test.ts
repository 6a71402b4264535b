import assert from "node:assert/strict";
import { declaredAws, stoppedWithMessage, tryRunProgram } from "./harness";

describe("index.ts", () => {
  describe("with bad config", () => {
    // Each rule is covered case by case in config.test.ts; this shows, through the SDK's own
    // entry point, that failing rules stop the whole program with one message each, before
    // anything is declared, and that the program reads aws:region itself.
    const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("stops with its own message naming every bad key, and declares nothing", async () => {
      // No aws:region at all: the key's own region is what the message suggests.
      const r = await tryRunProgram({
        "snowplow-dedup:writeCapcity": "100",
        "snowplow-dedup:kmsKeyArn": KEY,
      });
      assert.ok(stoppedWithMessage(r), `expected the program's own message, got ${r.stderr}`);
      assert.match(r.error, /unknown config key 'writeCapcity'.*did you mean 'writeCapacity'/);
      assert.match(r.error, /kmsKeyArn needs aws:region, .* set aws:region to 'us-east-1'/);
      assert.deepEqual(declaredAws(r), []);
    });
  });
});
