import * as fs from "node:fs";
import * as path from "node:path";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

// The program's files that import a Pulumi SDK, so that an Output can reach them: only these need
// the rules that take type information, and the slower parse that gives it. The pure modules do
// not import one, so they cannot hold an Output.
const declaring = [
  "index.ts",
  ...["duplicate-storage", "stack"].flatMap((dir) =>
    fs
      .readdirSync(path.join(import.meta.dirname, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.split(path.sep).includes("node_modules"))
      .map((f) => `${dir}/${f}`),
  ),
].filter((file) =>
  /from "@pulumi\//.test(fs.readFileSync(path.join(import.meta.dirname, file), "utf8")),
);

export default tseslint.config(
  { ignores: ["node_modules/", "**/bin/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { varsIgnorePattern: "^_", argsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // They catch an Output inside a plain template literal.
    files: declaring,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  {
    // Recorded inputs and the SDK's gRPC handlers are untyped.
    files: ["test/**/*.ts", "commands/plan/recordingEngine.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Plain CommonJS on purpose: it loads ts-node itself, the way the Pulumi runtime does.
    files: ["tools/**/*.js", "commands/register.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  prettier,
);
