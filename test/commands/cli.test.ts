import assert from "node:assert/strict";
import { CommandSpec, UsageError, helpText, parse, unknownChoice } from "../../commands/cli";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, inProcess } from "../harness";

/** Every user command, by its file in commands/. */
const COMMANDS = ["plan", "capacity", "verify", "tune", "previewCheck"];

const SPEC: CommandSpec = {
  usage: "npm run demo --",
  description: "A command for the tests.",
  flags: {
    "write-canary": { type: "boolean", description: "write" },
    outputs: { type: "string", value: "<file>", description: "read" },
  },
  positionals: { name: "stack", min: 1, max: 1 },
  examples: ["npm run demo -- dev"],
};

describe("the commands' conventions", () => {
  it("cover every command in commands/", () => {
    // The commands' shared parts are no command of their own.
    const files = fs
      .readdirSync(path.join(ROOT, "commands"))
      .filter((f) => f.endsWith(".ts") && !["cli.ts", "deployed.ts"].includes(f))
      .map((f) => f.replace(/\.ts$/, ""));
    assert.deepEqual(files.sort(), [...COMMANDS].sort());
  });

  it("answers --help on every command with usage, flags, examples and exit codes, exiting 0", async () => {
    // In this process, from each command's own spec, as its process would; each command's own
    // tests run it once as its process too.
    for (const name of COMMANDS) {
      const { SPEC: spec } = (await import(`../../commands/${name}`)) as { SPEC: CommandSpec };
      const r = await inProcess(spec, () => assert.fail("--help runs nothing"), ["--help"]);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const npmName = name === "previewCheck" ? "preview:check" : name;
      assert.ok(r.stdout.startsWith(`usage: npm run ${npmName} --`), r.stdout);
      for (const part of [
        "\nflags:\n",
        "  --help ",
        "\nexamples:\n",
        "\nexit codes: 0 done; 1 a check failed; 2 bad usage",
      ]) {
        assert.ok(r.stdout.includes(part), `${name} help has ${part.trim()}`);
      }
      assert.equal(r.stderr, "");
    }
  });

  it("answers a bad flag on every command with 'did you mean'", async () => {
    // In this process, from each command's own spec; that a UsageError exits 2 with its message
    // alone is shown by each command's own tests, from the command line.
    for (const name of COMMANDS) {
      const { SPEC: spec } = (await import(`../../commands/${name}`)) as { SPEC: CommandSpec };
      assert.throws(
        () => parse(spec, ["--hepl"]),
        (e: unknown) =>
          e instanceof UsageError &&
          e.message === "unknown flag '--hepl': did you mean '--help'? (--help lists the flags)",
        name,
      );
    }
  });

  it("suggests the flag that was meant", () => {
    assert.throws(
      () => parse(SPEC, ["dev", "--write-canery"]),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message ===
          "unknown flag '--write-canery': did you mean '--write-canary'? (--help lists the flags)",
    );
    assert.throws(() => parse(SPEC, ["dev", "--zzzz"]), /unknown flag '--zzzz' \(--help/);
  });

  it("says what is wrong with the arguments", () => {
    assert.throws(
      () => parse(SPEC, []),
      /^Error: expected 1 stack\(s\), got 0 \(--help shows the usage\)$/,
    );
    assert.throws(() => parse(SPEC, ["dev", "prod"]), /expected 1 stack\(s\), got 2: dev prod/);
    assert.throws(() => parse(SPEC, ["dev", "--outputs"]), /--outputs.* argument missing/);
    assert.deepEqual(parse(SPEC, ["dev", "--outputs", "o.json"]).values.outputs, "o.json");
    assert.equal(
      unknownChoice("stack", "prd", ["dev", "prod"]).message,
      "unknown stack 'prd'. Did you mean 'prod'? Known: dev, prod.",
    );
  });

  it("lists every flag in the help, with --help itself", () => {
    const text = helpText(SPEC);
    assert.match(text, /^usage: npm run demo -- <stack> \[flags\]$/m);
    assert.match(text, /^ {2}--write-canary {2,}write$/m);
    assert.match(text, /^ {2}--outputs <file> {2,}read$/m);
  });
});
