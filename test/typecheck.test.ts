import assert from "node:assert/strict";
import * as path from "node:path";
import * as ts from "typescript";
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
  it("is done strictly by npm test, over the same files", () => {
    const deploy = parsed("tsconfig.json");
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
