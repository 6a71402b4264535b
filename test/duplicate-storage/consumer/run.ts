/**
 * Runs `program.ts`, a program of another team's, from a folder of its own: its package.json, its
 * program, and a node_modules that links the library and the SDKs that it uses, as `npm install`
 * of the package would. Returns the JSON report that the program prints.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../harness";

export const LIBRARY = path.join(ROOT, "duplicate-storage");
export const PACKAGE = JSON.parse(fs.readFileSync(path.join(LIBRARY, "package.json"), "utf8"));

export function runConsumer(): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-"));
  try {
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "pipeline", private: true, dependencies: { [PACKAGE.name]: "*" } }),
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          strict: true,
          esModuleInterop: true,
        },
      }),
    );
    fs.copyFileSync(path.join(__dirname, "program.ts"), path.join(dir, "index.ts"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    for (const dep of [PACKAGE.name, "@pulumi", "ts-node", "typescript"]) {
      const target = dep === PACKAGE.name ? LIBRARY : path.join(ROOT, "node_modules", dep);
      fs.symlinkSync(target, path.join(dir, "node_modules", dep));
    }
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split("\n").pop()!);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
