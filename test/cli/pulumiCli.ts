/**
 * The real Pulumi CLI, built from Pulumi's Go modules by tools/pulumi-cli/build.sh, run against a
 * copy of this project in a temporary folder with a file:// backend and a passphrase.
 *
 * The CLI runs the program through stand-ins from the same build, because their real
 * counterparts cannot be had here: `pulumi-language-nodejs`, which starts the SDK's real entry
 * points (`@pulumi/pulumi/cmd/run`, `run-plugin`, `run-policy-pack`); `pulumi-language-python`
 * and `-go`, which only generate SDKs with Pulumi's code generators; and `pulumi-resource-aws`,
 * an AWS provider that talks to no AWS and keeps its "cloud" in a JSON file. The YAML host
 * beside the CLI is Pulumi's real one. What this proves is Pulumi's side: the CLI's config
 * checks, the engine's handling of the program's resources and options, state and outputs. It
 * proves nothing about AWS.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { COMPILE_CACHE } from "../../commands/plan/recordingEngine";
import { ROOT } from "../../stack/files";

export { ROOT };

/** What `build.sh` printed: the folder with bin/pulumi and stand-ins/. */
function cliDir(): string {
  const dir = process.env.PULUMI_CLI_DIR;
  if (!dir || !fs.existsSync(path.join(dir, "bin", "pulumi"))) {
    throw new Error("PULUMI_CLI_DIR names no build; run the tier with npm run test:cli");
  }
  return dir;
}

/**
 * The flags that build.sh compiled the CLI's Go packages with. A Go build that passes them too
 * finds in Go's build cache every package it shares with the CLI at the same version.
 */
export function goCompileFlags(): string[] {
  const file = path.join(cliDir(), "go-compile-flags");
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
}

/**
 * Copies a file or folder of the repository into a workspace's project, as a checkout has it:
 * without the library's build output, duplicate-storage/bin, which git ignores and which
 * package.test.ts deletes and rebuilds in the repository while other test files run beside it.
 */
function copyFromRoot(file: string, project: string): void {
  const build = path.join(ROOT, "duplicate-storage", "bin");
  fs.cpSync(path.join(ROOT, file), path.join(project, file), {
    recursive: true,
    filter: (source) => source !== build,
  });
}

/** The project files that `pulumi` needs, as a user's checkout has them. */
const PROJECT_FILES = [
  "Pulumi.yaml",
  "index.ts",
  "stack",
  "duplicate-storage",
  "package.json",
  "tsconfig.json",
  "tsconfig.swc.json",
];

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One project checkout with its own home folder, backend, passphrase and stand-in cloud. With
 * `backend: "login"` it sets neither backend nor passphrase, as a new user's shell would not:
 * `pulumi login` and `export PULUMI_CONFIG_PASSPHRASE=...` must do it.
 */
export class Workspace {
  readonly dir: string;
  readonly project: string;
  readonly cloudFile: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    extraFiles: readonly string[] = [],
    options: { backend: "file" | "login" } = { backend: "file" },
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
    this.project = path.join(this.dir, "project");
    fs.mkdirSync(this.project);
    for (const f of [...PROJECT_FILES, ...extraFiles]) copyFromRoot(f, this.project);
    // The root's packages, but the library from the workspace's own copy: the root's
    // node_modules/snowplowdedup links the root's library, which a release's program must not run.
    const modules = path.join(this.project, "node_modules");
    fs.mkdirSync(modules);
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
      const target =
        entry === "snowplowdedup"
          ? path.join(this.project, "duplicate-storage")
          : path.join(ROOT, "node_modules", entry);
      fs.symlinkSync(target, path.join(modules, entry));
    }
    fs.mkdirSync(path.join(this.dir, "state"));
    fs.mkdirSync(path.join(this.dir, "home"));
    this.cloudFile = path.join(this.dir, "cloud.json");
    const cli = cliDir();
    const inherited = { ...process.env };
    for (const key of Object.keys(inherited)) {
      if (key.startsWith("PULUMI_")) delete inherited[key];
    }
    this.env = {
      ...inherited,
      HOME: path.join(this.dir, "home"),
      PULUMI_HOME: path.join(this.dir, "home", ".pulumi"),
      ...(options.backend === "file"
        ? {
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
          }
        : {}),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      // The language host runs `npm install` when the CLI installs a component package: offline,
      // from the packages that npm ci left in the user's cache, never from the registry.
      npm_config_offline: "true",
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
      // Every Node.js process that the CLI starts (the program, the component package, a policy
      // pack) keeps the SDK's compiled code, as the recording engine's program runs do.
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE,
      SNOWPLOW_DEDUP_STAND_IN_CLOUD: this.cloudFile,
      PATH: [
        path.join(cli, "bin"),
        path.join(cli, "stand-ins"),
        path.join(ROOT, "node_modules", ".bin"),
        process.env.PATH,
      ].join(path.delimiter),
    };
  }

  /** The environment that commands in this workspace run with. */
  get environment(): NodeJS.ProcessEnv {
    return { ...this.env };
  }

  /** Sets an environment variable for the commands that follow, as `export` in a shell. */
  setEnv(name: string, value: string): void {
    this.env[name] = value;
  }

  /** Runs `pulumi <args>` in the project folder. */
  pulumi(...args: string[]): Result {
    return this.pulumiIn(this.project, ...args);
  }

  /** Runs `pulumi <args>` in another folder, such as another program's, with this environment. */
  pulumiIn(cwd: string, ...args: string[]): Result {
    const r = spawnSync("pulumi", [...args, "--non-interactive"], {
      cwd,
      env: this.env,
      encoding: "utf8",
      timeout: 180_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs `pulumi <args>` and throws with its output unless it exits 0. */
  ok(...args: string[]): string {
    const r = this.pulumi(...args);
    if (r.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    }
    return r.stdout;
  }

  /** Runs a shell line from the README, such as `pulumi config set --path 'tags.team' data`. */
  readmeLine(line: string): string {
    const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
    if (words[0] !== "pulumi") throw new Error(`not a pulumi command: ${line}`);
    return this.ok(...words.slice(1));
  }

  /** The steps of `pulumi preview --json`, unchanged resources included. */
  preview(stack: string): PreviewStep[] {
    return JSON.parse(this.ok("preview", "--stack", stack, "--json", "--show-sames")).steps;
  }

  /**
   * The preview's steps, each with its planned state, and the program's warnings: without the
   * CLI's own note that the stand-ins come from $PATH, which a user never sees.
   */
  previewWarnings(stack: string): { steps: PreviewStep[]; warnings: string[] } {
    const preview = JSON.parse(this.ok("preview", "--stack", stack, "--json"));
    const warnings = (preview.diagnostics ?? [])
      .filter((d: { severity: string }) => d.severity === "warning")
      .map((d: { message: string }) => d.message)
      .filter((m: string) => !/^warning: using pulumi-\S+ from \$PATH/.test(m));
    return { steps: preview.steps, warnings };
  }

  /** The resources in the stack's state, as `pulumi stack export` writes them. */
  state(stack: string): StateResource[] {
    return JSON.parse(this.ok("stack", "export", "--stack", stack)).deployment.resources ?? [];
  }

  /** What the stand-in provider holds, by type and id. */
  cloud(): Record<string, { type: string; id: string; state: Record<string, unknown> }> {
    return fs.existsSync(this.cloudFile) ? JSON.parse(fs.readFileSync(this.cloudFile, "utf8")) : {};
  }

  /** Puts a resource into the stand-in cloud, as if it had been made by hand. */
  seedCloud(type: string, id: string, state: Record<string, unknown>): void {
    const cloud = this.cloud();
    cloud[`${type}::${id}`] = { type, id, state: { ...state, id } };
    fs.writeFileSync(this.cloudFile, JSON.stringify(cloud, null, 2));
  }

  /**
   * Replaces the program with the one at `commit` in this repository's history (`paths` as they
   * were then), as a user's checkout of that release would have it; `useCurrent` puts this
   * checkout's back. The stack files stay.
   */
  useRelease(commit: string, paths: readonly string[]): void {
    this.removeProgram();
    const git = (...args: string[]) => spawnSync("git", ["-C", ROOT, ...args]);
    // A shallow clone lacks the release: deepen it from where it was cloned, once.
    if (git("cat-file", "-e", `${commit}^{commit}`).status !== 0) {
      git("fetch", "--quiet", "--unshallow");
    }
    const archive = git("archive", "--format=tar", commit, ...paths);
    if (archive.status !== 0) {
      throw new Error(
        `git archive ${commit} failed (is the repository's history there?): ${archive.stderr}`,
      );
    }
    const untar = spawnSync("tar", ["-x", "-C", this.project], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  }

  /** Puts this checkout's program back, after `useRelease`. */
  useCurrent(): void {
    this.removeProgram();
    for (const f of PROJECT_FILES) copyFromRoot(f, this.project);
  }

  private removeProgram(): void {
    for (const f of fs.readdirSync(this.project)) {
      if (f !== "node_modules" && !/^Pulumi\..+\.ya?ml$/.test(f)) {
        fs.rmSync(path.join(this.project, f), { recursive: true, force: true });
      }
    }
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly newState?: {
    type: string;
    inputs: Record<string, any>;
    outputs?: Record<string, any>;
  };
}

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly inputs?: Record<string, any>;
  readonly outputs?: Record<string, any>;
}

/** The name part of a URN. */
export function urnName(urn: string): string {
  return urn.split("::").pop()!;
}
