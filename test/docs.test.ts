import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import GithubSlugger from "github-slugger";
import { ROOT, USER_DOCUMENTS } from "./harness";

/** The user's documents and the maintainer's CONTRIBUTING.md, relative to the root. */
const DOCS = [...USER_DOCUMENTS, "CONTRIBUTING.md"];
const read = (doc: string) => fs.readFileSync(path.join(ROOT, doc), "utf8");
/** A document without its code blocks, where `#` lines and brackets are not Markdown. */
const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, "");

/** The anchors that GitHub gives a document's headings. */
function anchors(doc: string): Set<string> {
  const slugger = new GithubSlugger();
  return new Set(
    [...withoutCode(read(doc)).matchAll(/^#+ (.+)$/gm)].map((m) => slugger.slug(m[1])),
  );
}

describe("the documents", () => {
  it("link only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      for (const [, target] of withoutCode(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file, anchor] = target.split("#");
        const linked = file === "" ? doc : path.join(path.dirname(doc), file);
        if (!fs.existsSync(path.join(ROOT, linked))) broken.push(`${doc}: ${target}`);
        else if (anchor !== undefined && !anchors(linked).has(anchor)) {
          broken.push(`${doc}: ${target}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it("show each example of examples/ as the file that the tests run or compile", () => {
    // A `<!-- examples/<file> -->` line, then a code block with exactly that file.
    const shown = [
      ...read("docs/own-program.md").matchAll(/<!-- (examples\/\S+) -->\n\n```\w+\n([\s\S]*?)```/g),
    ];
    assert.deepEqual(
      shown.map((m) => m[1]),
      [
        "examples/typescript/index.ts",
        "examples/python/__main__.py",
        "examples/go/main.go",
        "examples/yaml/Pulumi.yaml",
      ],
    );
    for (const [, file, code] of shown) assert.equal(code, read(file), file);
  });

  it("keep the README short enough to read in about ten minutes", () => {
    // Outside code blocks and tables, which a reader skims: at most 2,400 words, ten minutes at
    // 238 words a minute, the average rate of silent reading of non-fiction in English.
    const prose = withoutCode(read("README.md"))
      .split("\n")
      .filter((line) => !line.startsWith("|"))
      .join(" ");
    const words = prose.split(/\s+/).filter(Boolean).length;
    assert.ok(words <= 2400, `the README's prose has ${words} words`);
  });

  it("keep every line of the README and the guides, tables included, within 100 columns", () => {
    for (const doc of USER_DOCUMENTS) {
      read(doc)
        .split("\n")
        .forEach((line, i) => assert.ok([...line].length <= 100, `${doc}:${i + 1}`));
    }
  });
});
