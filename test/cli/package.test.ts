/**
 * The library as packages for programs in other languages, through the real CLI (pulumiCli.ts):
 *   - `pulumi package get-schema` and `package add` run the component through the stand-in Node.js
 *     host's RunPlugin, which starts the SDK's real `@pulumi/pulumi/cmd/run-plugin`; the schema is
 *     the SDK's own inference from the TypeScript types;
 *   - the YAML program runs through Pulumi's real YAML host, built from pulumi-yaml's Go module;
 *   - the Python and Go SDKs come from `pulumi package gen-sdk`, through a stand-in host whose one
 *     call runs Pulumi's own code generators; the Python SDK installs into a virtual environment
 *     with pulumi from PyPI and mypy, and the Go SDK builds with Go's module cache;
 *   - the npm tarball installs into examples/typescript, which compiles with tsc and runs through
 *     the SDK's real `@pulumi/pulumi/cmd/run` against the recording engine.
 * The examples are the files that README.md's "Use it in your own program" shows. None of this
 * proves anything about AWS: the YAML program deploys to the stand-in AWS provider.
 */
import assert from "node:assert/strict";
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { runProgram } from "../../commands/plan/recordingEngine";
import { GitServer, serveThisRepository } from "./gitServer";
import { goCompileFlags, ROOT, Workspace } from "./pulumiCli";

const LIBRARY = path.join(ROOT, "duplicate-storage");
const EXAMPLES = path.join(ROOT, "examples");
const TOKEN = "snowplowdedup:index:DuplicateStorage";

function check(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("the library as packages for programs in any language", function () {
  this.timeout(600_000);
  let ws: Workspace;
  before(() => {
    ws = new Workspace();
  });
  after(() => ws.dispose());

  /** A fresh folder in the workspace, with the files of an example. */
  function example(name: string): string {
    const dir = fs.mkdtempSync(path.join(ws.dir, `${name}-`));
    fs.cpSync(path.join(EXAMPLES, name), dir, {
      recursive: true,
      filter: (f) => !f.includes("node_modules"),
    });
    return dir;
  }

  /** The SDK that `pulumi package gen-sdk` writes for a language, and its folder. */
  function generatedSdk(language: "python" | "go"): string {
    const out = path.join(ws.dir, `sdk-${language}`);
    const r = ws.pulumiIn(
      ws.dir,
      "package",
      "gen-sdk",
      LIBRARY,
      "--language",
      language,
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return path.join(out, language);
  }

  describe("pulumi package get-schema", () => {
    let schema: any;
    before(() => {
      const r = ws.pulumiIn(ws.dir, "package", "get-schema", LIBRARY);
      assert.equal(r.code, 0, r.stderr);
      schema = JSON.parse(r.stdout);
    });

    // The CLI installs a component package (from a local path, as from git) through the
    // language host's InstallDependencies: `npm install` in its npm workspace, whose `prepare`
    // compiles the library into bin/, which PulumiPlugin.yaml has the host run with no ts-node.
    it("works from the repository's root, building the compiled entry on the way", () => {
      fs.rmSync(path.join(LIBRARY, "bin"), { recursive: true, force: true });
      const r = ws.pulumiIn(ROOT, "package", "get-schema", "./duplicate-storage");
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr + r.stdout, /Detected workspace root at /);
      assert.ok(fs.existsSync(path.join(LIBRARY, "bin", "index.js")));
      assert.deepEqual(JSON.parse(r.stdout), schema);
    });

    it("names the package and its version from the library's package.json", () => {
      assert.equal(schema.name, "snowplowdedup");
      assert.equal(schema.version, "0.2.0");
    });

    it("holds the component, with every argument and its description", () => {
      const resource = schema.resources[TOKEN];
      assert.equal(resource.isComponent, true);
      // The README's configuration table, key by key.
      assert.deepEqual(Object.keys(resource.inputProperties).sort(), [
        "accountWriteQuota",
        "alarms",
        "allowTableManagement",
        "attachToGroups",
        "attachToRoles",
        "attachToUsers",
        "autoscaling",
        "billingMode",
        "createShredderUser",
        "deletionProtection",
        "encryption",
        "expectedEventsPerRun",
        "fingerprintAlgorithm",
        "importExistingTable",
        "kmsKeyArn",
        "onDemandThroughput",
        "pointInTimeRecovery",
        "pointInTimeRecoveryDays",
        "policyName",
        "protect",
        "readCapacity",
        "retainOnDelete",
        "runSchedule",
        "runsPerDay",
        "shredderConfigFormat",
        "tableClass",
        "tableName",
        "tableWriteQuota",
        "tags",
        "targetRunMinutes",
        "warmThroughput",
        "writeCapacity",
      ]);
      for (const [name, input] of Object.entries<any>(resource.inputProperties)) {
        assert.ok((input.description ?? "").length > 20, `${name} has a description`);
      }
      assert.deepEqual(resource.requiredInputs ?? [], []);
    });

    it("gives each argument its type and its default", () => {
      const inputs = schema.resources[TOKEN].inputProperties;
      // README, "Configuration": writeCapacity 100, readCapacity 5, billingMode PROVISIONED.
      assert.equal(inputs.writeCapacity.type, "number");
      assert.match(inputs.writeCapacity.description, /Default: 100\.$/);
      assert.match(inputs.readCapacity.description, /Default: 5\.$/);
      assert.equal(inputs.billingMode.$ref, "#/types/snowplowdedup:index:BillingMode");
      assert.match(inputs.billingMode.description, /Default: "PROVISIONED"\.$/);
      assert.deepEqual(schema.types["snowplowdedup:index:BillingMode"].enum, [
        { name: "Provisioned", value: "PROVISIONED" },
        { name: "PayPerRequest", value: "PAY_PER_REQUEST" },
      ]);
      assert.equal(inputs.attachToRoles.items.type, "string");
      assert.equal(inputs.autoscaling.$ref, "#/types/snowplowdedup:index:AutoscalingArgs");
    });

    it("holds the outputs a program hands the shredder", () => {
      const outputs = Object.keys(schema.resources[TOKEN].properties);
      // README, "What to hand the shredder".
      for (const name of [
        "tableName",
        "tableArn",
        "policyName",
        "policyArn",
        "duplicateStorageConfig",
        "duplicateStorageConfigBase64",
      ]) {
        assert.ok(outputs.includes(name), name);
      }
    });
  });

  describe("a Pulumi YAML program, through the real YAML host", () => {
    let dir: string;
    before(() => {
      dir = example("yaml");
      const added = ws.pulumiIn(dir, "package", "add", LIBRARY);
      assert.equal(added.code, 0, added.stdout + added.stderr);
      for (const args of [
        ["stack", "init", "dev"],
        ["config", "set", "aws:region", "eu-west-1"],
      ]) {
        const r = ws.pulumiIn(dir, ...args);
        assert.equal(r.code, 0, r.stderr);
      }
    });

    it("adds the package to Pulumi.yaml", () => {
      assert.match(
        fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"),
        /^packages:\n {2}snowplowdedup: /m,
      );
    });

    it("previews the component and its table, policy and attachment", () => {
      const r = ws.pulumiIn(dir, "preview", "--json");
      assert.equal(r.code, 0, r.stderr);
      const created = JSON.parse(r.stdout)
        .steps.filter((s: any) => s.op === "create")
        .map((s: any) => s.newState.type);
      for (const type of [
        TOKEN,
        "aws:dynamodb/table:Table",
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      ]) {
        assert.ok(created.includes(type), `${type} in ${created.join(", ")}`);
      }
    });

    it("creates the table, the policy and the attachment, and gets the outputs back", () => {
      const up = ws.pulumiIn(dir, "up", "--yes");
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const exported = JSON.parse(ws.pulumiIn(dir, "stack", "export").stdout);
      const byType = (type: string) =>
        exported.deployment.resources.filter((r: any) => r.type === type);
      const [table] = byType("aws:dynamodb/table:Table");
      assert.equal(table.inputs.name, "snowplow-deduplication");
      assert.equal(table.inputs.writeCapacity, 50);
      assert.equal(byType("aws:iam/policy:Policy").length, 1);
      const [attachment] = byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
      assert.equal(attachment.inputs.role, "EMR_EC2_DefaultRole");
      assert.equal(byType(TOKEN).length, 1);

      const outputs = JSON.parse(ws.pulumiIn(dir, "stack", "output", "--json").stdout);
      assert.equal(outputs.tableName, "snowplow-deduplication");
      const config = JSON.parse(
        Buffer.from(outputs.duplicateStorageConfigBase64, "base64").toString("utf8"),
      );
      assert.equal(config.data.dynamodbTable, "snowplow-deduplication");
    });

    it("fails on bad args with the component's own message, and creates nothing", () => {
      const file = path.join(dir, "Pulumi.yaml");
      const good = fs.readFileSync(file, "utf8");
      try {
        fs.writeFileSync(file, good.replace("writeCapacity: 50", "writeCapacity: 0"));
        assert.equal(ws.pulumiIn(dir, "stack", "init", "bad").code, 0);
        ws.pulumiIn(dir, "config", "set", "aws:region", "eu-west-1");
        const r = ws.pulumiIn(dir, "up", "--yes");
        assert.notEqual(r.code, 0);
        const text = r.stdout + r.stderr;
        assert.match(
          text,
          /Invalid arguments of DuplicateStorage 'dedup' \(nothing was created\):/,
        );
        assert.match(text, / {2}- writeCapacity /);
        const exported = JSON.parse(ws.pulumiIn(dir, "stack", "export").stdout);
        const made = (exported.deployment.resources ?? []).map((r: any) => r.type);
        assert.ok(!made.some((t: string) => t.startsWith("aws:")), made.join(", "));
      } finally {
        fs.writeFileSync(file, good);
      }
    });
  });

  describe("a Pulumi YAML program, with the package added from a git URL at a tag", () => {
    // A release is a tag of the repository, v<version of duplicate-storage/package.json>; the URL
    // names the package's folder after the repository, as docs/own-program.md shows.
    const TAG = "v0.2.0";
    let git: GitServer;
    let dir: string;
    let added: { code: number; stdout: string; stderr: string };
    before(async () => {
      git = await serveThisRepository(fs.mkdtempSync(path.join(ws.dir, "git-")), TAG);
      ws.setEnv("SSL_CERT_FILE", git.certificateFile);
      for (const name of ["HTTPS_PROXY", "https_proxy"]) ws.setEnv(name, git.proxyUrl);
      // Only the git host goes through the proxy: the engine's gRPC on 127.0.0.1 must not (the
      // component's @grpc/grpc-js reads https_proxy as well).
      for (const name of ["NO_PROXY", "no_proxy"]) ws.setEnv(name, "127.0.0.1,localhost");
      dir = example("yaml");
      added = ws.pulumiIn(dir, "package", "add", `${git.repositoryUrl}/duplicate-storage@${TAG}`);
    });
    after(() => {
      for (const name of ["SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]) {
        ws.setEnv(name, "");
      }
      git?.stop();
    });

    it("clones the tag and installs the package, compiled, into the plugin cache", () => {
      assert.equal(added.code, 0, added.stdout + added.stderr);
      const plugins = path.join(ws.environment.PULUMI_HOME!, "plugins");
      const installed = fs
        .readdirSync(plugins)
        .filter((d) => d.includes("snowplow-dedup.git") && !d.endsWith(".lock"));
      assert.equal(installed.length, 1, fs.readdirSync(plugins).join(", "));
      // The whole repository at the tag, as the CLI cloned it; its npm install ran prepare.
      const library = path.join(plugins, installed[0]!, "duplicate-storage");
      assert.ok(fs.existsSync(path.join(library, "bin", "index.js")), "bin/index.js was built");
      assert.equal(
        JSON.parse(fs.readFileSync(path.join(library, "package.json"), "utf8")).version,
        "0.2.0",
      );
    });

    it("takes the URL's owner for the package's namespace", () => {
      // InstallPackage (cmd/pulumi/packages/packages.go) names the SDK's folder
      // <namespace>-<name>: acme, from the URL, and snowplowdedup, from package.json.
      assert.deepEqual(fs.readdirSync(path.join(dir, "sdks")), ["acme-snowplowdedup"]);
    });

    it("records the git URL and the tag in Pulumi.yaml", () => {
      const project = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
      // The CLI records the URL without its scheme, as it does for github.com URLs, with the tag.
      assert.deepEqual(project.packages, {
        snowplowdedup: "git.example.test/acme/snowplow-dedup.git/duplicate-storage@v0.2.0",
      });
    });

    it("previews the component and its table from the cloned package", () => {
      for (const args of [
        ["stack", "init", "git"],
        ["config", "set", "aws:region", "eu-west-1"],
      ]) {
        const r = ws.pulumiIn(dir, ...args);
        assert.equal(r.code, 0, r.stderr);
      }
      const r = ws.pulumiIn(dir, "preview", "--json");
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const created = JSON.parse(r.stdout)
        .steps.filter((s: any) => s.op === "create")
        .map((s: any) => s.newState.type);
      assert.ok(created.includes(TOKEN), created.join(", "));
      assert.ok(created.includes("aws:dynamodb/table:Table"), created.join(", "));
    });
  });

  describe("the Python SDK, with pulumi from PyPI and mypy --strict", () => {
    const toolchain = () => {
      const dir = process.env.PYTHON_SDK_VENV;
      assert.ok(dir, "PYTHON_SDK_VENV names the venv of tools/python-sdk (run npm run test:cli)");
      return dir;
    };
    let python: string;
    const mypy = (program: string) =>
      spawnSync(
        path.join(toolchain(), "bin", "mypy"),
        ["--strict", "--no-incremental", "--python-executable", python, program],
        { encoding: "utf8" },
      );
    before(() => {
      // A virtual environment of the program's own, which sees the cached toolchain's packages
      // (pulumi from PyPI) through a .pth file, and gets the generated SDK installed into it, so
      // that mypy treats the SDK as an installed package, as a user's environment would.
      const venv = path.join(ws.dir, "venv");
      check(
        spawnSync("python3", ["-m", "venv", "--without-pip", venv], { encoding: "utf8" }),
        "venv",
      );
      python = path.join(venv, "bin", "python");
      const sitePackages = (exe: string) =>
        check(
          spawnSync(exe, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], {
            encoding: "utf8",
          }),
          "python",
        ).trim();
      const site = sitePackages(python);
      fs.writeFileSync(
        path.join(site, "toolchain.pth"),
        `${sitePackages(path.join(toolchain(), "bin", "python"))}\n`,
      );
      check(
        spawnSync(
          path.join(toolchain(), "bin", "pip"),
          ["install", "--quiet", "--no-deps", "--no-index", "--no-build-isolation"].concat([
            "--disable-pip-version-check",
            "--target",
            site,
            generatedSdk("python"),
          ]),
          { encoding: "utf8" },
        ),
        "pip install of the generated SDK",
      );
    });

    it("installs, and the example type-checks against it", () => {
      check(mypy(path.join(example("python"), "__main__.py")), "mypy");
    });

    it("catches an argument of the wrong type", () => {
      const dir = example("python");
      const file = path.join(dir, "__main__.py");
      fs.writeFileSync(
        file,
        fs.readFileSync(file, "utf8").replace("write_capacity=50", 'write_capacity="fifty"'),
      );
      const r = mypy(file);
      assert.notEqual(r.status, 0);
      assert.match(r.stdout, /"write_capacity"/);
    });
  });

  describe("the Go SDK", () => {
    let sdk: string;
    /** Builds a copy of examples/go with the generated SDK, joined by a go.work, offline. */
    const build = (edit: (main: string) => string = (m) => m) => {
      const dir = example("go");
      const main = path.join(dir, "main.go");
      fs.writeFileSync(main, edit(fs.readFileSync(main, "utf8")));
      fs.writeFileSync(
        path.join(dir, "go.work"),
        `go 1.26.6\n\nuse (\n\t.\n\t${path.relative(dir, sdk)}\n)\n`,
      );
      // The CLI's own compile flags: examples/go/go.mod requires the CLI's versions of the
      // modules they share, so the SDK's packages come compiled from Go's build cache.
      const args = ["build", ...goCompileFlags(), "-o", path.join(dir, "pipeline"), "."];
      return spawnSync("go", args, {
        cwd: dir,
        env: { ...process.env, GOPROXY: "off", GOFLAGS: "" },
        encoding: "utf8",
      });
    };
    before(() => {
      sdk = path.join(generatedSdk("go"), "snowplowdedup");
      // What `pulumi package add` writes for a Go program, and gen-sdk leaves to the user.
      fs.writeFileSync(
        path.join(sdk, "go.mod"),
        "module example.com/pulumi-snowplowdedup/sdk/go/snowplowdedup\n\ngo 1.22\n\n" +
          "require github.com/pulumi/pulumi/sdk/v3 v3.276.0\n",
      );
    });

    it("builds the example", () => {
      check(build(), "go build");
    });

    it("catches an argument of the wrong type", () => {
      const r = build((m) => m.replace("pulumi.Float64Ref(50)", 'pulumi.StringRef("50")'));
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /cannot use pulumi\.StringRef\("50"\) .* as \*float64 value/);
    });
  });

  describe("the npm tarball, in a TypeScript program of its own", () => {
    const dir = path.join(EXAMPLES, "typescript");
    let tarball: string;
    before(() => {
      assert.ok(
        fs.existsSync(path.join(dir, "node_modules", "@pulumi", "pulumi")),
        "examples/typescript's dependencies are installed (run npm run test:cli)",
      );
      // README's way: npm run pack:library, here into the workspace.
      const packed = check(
        spawnSync("npm", ["run", "-s", "pack:library", "--", "--pack-destination", ws.dir], {
          cwd: ROOT,
          encoding: "utf8",
        }),
        "npm run pack:library",
      );
      tarball = path.join(ws.dir, packed.trim().split("\n").pop()!);
      check(
        spawnSync(
          "npm",
          ["install", "--offline", "--no-save", "--no-audit", "--no-fund", tarball],
          {
            cwd: dir,
            encoding: "utf8",
          },
        ),
        "npm install of the tarball",
      );
    });

    it("holds compiled JavaScript and declarations, and no TypeScript source", () => {
      const files = check(spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" }), "tar")
        .split("\n")
        .filter(Boolean);
      assert.ok(files.includes("package/index.js"));
      assert.ok(files.includes("package/index.d.ts"));
      assert.ok(files.includes("package/component/duplicateStorage.js"));
      assert.ok(!files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), files.join(" "));
      const manifest = JSON.parse(
        fs.readFileSync(path.join(dir, "node_modules", "snowplowdedup", "package.json"), "utf8"),
      );
      assert.equal(manifest.main, "index.js");
      assert.equal(manifest.types, "index.d.ts");
    });

    it("type-checks the example, and runs it without ts-node through the SDK's cmd/run", async () => {
      check(spawnSync("npx", ["tsc", "-p", dir], { cwd: dir, encoding: "utf8" }), "tsc");
      assert.ok(!fs.existsSync(path.join(dir, "node_modules", "ts-node")));
      const run = await runProgram({ "aws:region": "eu-west-1" }, "dev", {
        dir,
        typescript: false,
      });
      assert.equal(run.exitCode, 0, run.stderr);
      const table = run.one("aws:dynamodb/table:Table");
      assert.equal(table.inputs.name, "snowplow-deduplication");
      assert.equal(table.inputs.writeCapacity, 50);
      // The recording engine names a role without a name of its own <resource name>-xxxxxxx.
      assert.equal(
        run.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.role,
        "emr-instances-xxxxxxx",
      );
      assert.equal(run.one(TOKEN).name, "dedup");
    });
  });
});
