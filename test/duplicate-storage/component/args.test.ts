/**
 * The arguments' documentation: the TSDoc of `DuplicateStorageArgs` and of the interfaces of its
 * map-valued members, read from the source with TypeScript's own parser, against the rules and
 * defaults that `resolveSettings` applies (`KEYS`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import {
  DEFAULTS,
  DEFAULT_CONSUMED_WRITE_PERCENT,
  DEFAULT_ENCRYPTION,
  DEFAULT_READ_CAPACITY,
  DEFAULT_WRITE_CAPACITY,
  KEYS,
} from "snowplowdedup/args";
import { ROOT } from "../../harness";

interface Doc {
  readonly text: string;
  readonly default: string | undefined;
  /** The interface that a map-valued member's type names. */
  readonly type?: string;
}

/** The members of each interface in the component's file, with their TSDoc. */
function interfaces(): Map<string, Map<string, Doc>> {
  const file = path.join(ROOT, "duplicate-storage", "component", "duplicateStorage.ts");
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const found = new Map<string, Map<string, Doc>>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const members = new Map<string, Doc>();
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
      const type =
        member.type && ts.isTypeReferenceNode(member.type)
          ? member.type.typeName.getText()
          : undefined;
      members.set((member.name as ts.Identifier).text, {
        text: ts.getTextOfJSDocComment(ts.getJSDocCommentsAndTags(member)[0]?.comment) ?? "",
        default: typeof tag?.comment === "string" ? tag.comment : undefined,
        type,
      });
    }
    found.set(node.name.text, members);
  });
  return found;
}

describe("the TSDoc of DuplicateStorageArgs", () => {
  const all = interfaces();
  const args = all.get("DuplicateStorageArgs")!;

  it("documents every argument, and no other", () => {
    assert.deepEqual([...args.keys()].sort(), Object.keys(KEYS).sort());
    for (const [key, doc] of args) assert.ok(doc.text.length > 20, `${key} has a description`);
  });

  // Pulumi's schema inference keeps a comment's prose and drops its tags, so the prose ends with
  // the same default as the `@default` tag, for the schema and the SDKs generated from it.
  it("ends each member's prose with its @default, as the schema shows it", () => {
    for (const [name, members] of all) {
      for (const [key, doc] of members) {
        if (doc.default === undefined) continue;
        assert.ok(
          doc.text.endsWith(`Default: ${doc.default}.`),
          `${name}.${key}: "${doc.text.slice(-60)}"`,
        );
      }
    }
  });

  it("gives each argument the default that the program applies", () => {
    const fixed: Record<string, unknown> = {
      ...DEFAULTS,
      writeCapacity: DEFAULT_WRITE_CAPACITY,
      readCapacity: DEFAULT_READ_CAPACITY,
      encryption: DEFAULT_ENCRYPTION,
    };
    for (const [key, doc] of args) {
      if (key in fixed) assert.equal(doc.default, JSON.stringify(fixed[key]), key);
      // Arguments without a fixed default: none, or one derived from others or the stack.
      else
        assert.ok(
          doc.default !== undefined && /^none\b|^the |<\w+>/.test(doc.default),
          `${key}: ${doc.default}`,
        );
    }
  });

  it("gives each member of a map the default that the program applies", () => {
    const rules = new Map<string, { default?: unknown; optional: boolean }>();
    for (const [name, k] of Object.entries(KEYS)) {
      const inner = (k as { members?: Record<string, { default?: unknown; optional: boolean }> })
        .members;
      for (const [member, m] of Object.entries(inner ?? {})) rules.set(`${name}.${member}`, m);
    }
    const documented = new Map<string, Doc>();
    for (const [name, doc] of args) {
      const members = doc.type ? all.get(doc.type) : undefined;
      for (const [member, d] of members ?? []) documented.set(`${name}.${member}`, d);
    }
    assert.deepEqual([...documented.keys()].sort(), [...rules.keys()].sort());
    for (const [member, doc] of documented) {
      const rule = rules.get(member)!;
      if (member === "alarms.consumedWritePercent") {
        // Only a provisioned table gets it, so resolveSettings applies it.
        assert.equal(doc.default, String(DEFAULT_CONSUMED_WRITE_PERCENT));
      } else if ("default" in rule) assert.equal(doc.default, JSON.stringify(rule.default), member);
      else assert.equal(doc.default, undefined, member);
      assert.ok(doc.text.length > 20, `${member} has a description`);
    }
  });
});
