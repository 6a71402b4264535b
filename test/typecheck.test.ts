import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { parse as parseYaml } from "yaml";
import { DELIBERATE_TYPE_ERROR, ROOT } from "./harness";

function parsed(config: string): ts.ParsedCommandLine {
  const result = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) =>
        assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    },
  );
  assert.ok(result, config);
  return result;
}

/** Type errors that a compile with these options reports for the deliberate type error. */
function typeErrors(options: ts.CompilerOptions): string[] {
  const file = path.join(ROOT, "duplicate-storage", "__deliberate_type_error__.ts");
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === file
      ? ts.createSourceFile(name, DELIBERATE_TYPE_ERROR, version)
      : read(name, version, ...rest);
  const program = ts.createProgram([file], { ...options, noEmit: true, types: [] }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("type checking", () => {
  it("names no transpiler in tsconfig.json, which Pulumi's run-plugin reads with type checks", () => {
    // ts-node refuses swc together with the type checks that run-plugin asks for, so the
    // component's get-schema would fail in this folder (#27); runs name tsconfig.swc.json.
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    assert.equal(root["ts-node"], undefined);
    const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    assert.equal(project.runtime.options.tsconfig, "tsconfig.swc.json");
    const swc = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.swc.json"), "utf8"));
    assert.deepEqual(swc["ts-node"], { swc: true });
  });

  it("is done strictly by npm test, over the same files", () => {
    // The config that Pulumi.yaml names for the stack program's runs.
    const deploy = parsed("tsconfig.swc.json");
    assert.equal(deploy.options.noCheck, true);
    const check = parsed("tsconfig.check.json");
    // `tsc --build` skips a check when no input changed since the last one, and it does not look
    // into node_modules: the lock file is an input so that new dependencies are checked again.
    assert.deepEqual(
      check.fileNames.filter((f) => !f.endsWith("/package-lock.json")),
      deploy.fileNames,
    );
    assert.ok(check.fileNames.some((f) => f.endsWith("/package-lock.json")));
    assert.ok(check.fileNames.some((f) => f.endsWith("/index.ts")));
    assert.equal(check.options.strict, true);
    assert.notEqual(check.options.noCheck, true);
  });

  it("catches a deliberate type error with npm test's configuration", () => {
    const errors = typeErrors(parsed("tsconfig.check.json").options);
    assert.ok(
      errors.some((e) => /not assignable to type 'number'/.test(e)),
      errors.join("\n"),
    );
  });
});
