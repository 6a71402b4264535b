import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Step, passLine, tableWarnings } from "../../commands/previewCheck";
import { command } from "../harness";

const TABLE = "aws:dynamodb/table:Table";

/** A step that replaces the table blue with green, from a state with or without retainOnDelete. */
function replaced(retainOnDelete: boolean | undefined): Step {
  return {
    op: "replace",
    urn: "urn:pulumi:green::snowplow-dedup::snowplow:dedup:DuplicateStorage$aws:dynamodb/table:Table::snowplow-dedup-table",
    oldState: { type: TABLE, inputs: { name: "blue" }, retainOnDelete },
    newState: { type: TABLE, inputs: { name: "green" } },
    replaceReasons: ["name"],
  };
}

describe("npm run preview:check", () => {
  it("says the old table stays when the stack's state keeps it on delete", () => {
    const [warning] = tableWarnings([replaced(true)]);
    assert.match(warning, /^pulumi up would REPLACE the de-duplication table blue with green/);
    assert.match(warning, /the old table stays in AWS, with its history/);
  });

  it("says the old table is deleted when the stack does not keep it, as dev does", () => {
    for (const retain of [false, undefined]) {
      const [warning] = tableWarnings([replaced(retain)]);
      assert.match(
        warning,
        /retainOnDelete is off\), so the old table is DELETED with its history/,
      );
      assert.doesNotMatch(warning, /stays in AWS/);
    }
  });

  it("confirms a pass in one line, naming the table", () => {
    const same: Step = {
      op: "same",
      urn: "x",
      newState: { type: TABLE, inputs: { name: "snowplow-deduplication" } },
    };
    assert.deepEqual(tableWarnings([same]), []);
    assert.equal(
      passLine([same], "prod"),
      "OK: the preview of prod keeps the de-duplication table snowplow-deduplication (same); " +
        "nothing replaces or deletes it.",
    );
  });

  describe("from the command line", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-check-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 1 with --fail on a replaced table, and 2 for a file it cannot read", () => {
      const file = path.join(dir, "preview.json");
      fs.writeFileSync(file, JSON.stringify({ steps: [replaced(false)] }));
      const failed = command("previewCheck", ["--from", file, "--fail"]);
      assert.equal(failed.status, 1, failed.stderr);
      assert.match(failed.stdout, /^WARNING: pulumi up would REPLACE/);
      const missing = command("previewCheck", ["--from", path.join(dir, "none.json")]);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /^error: cannot read --from /);
      assert.doesNotMatch(missing.stderr, /\n\s+at /, "no stack trace");
    });
  });
});
