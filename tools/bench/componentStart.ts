/**
 * `npm run bench:component [-- <runs>]`: how long a program in another language waits for the
 * component, through the real Pulumi CLI that the tier builds (tools/pulumi-cli/build.sh) and its
 * stand-ins. For this library and for a trivial TypeScript component package of the same SDK
 * version (tools/bench/trivial-component), it prints the median wall time of
 * `pulumi package get-schema` and of a YAML program's `pulumi preview`, and their ratio.
 *
 * Both packages are members of this repository's npm workspace, so the CLI's install step (the
 * language host's `npm install` in the workspace, offline here) costs both the same; it is timed
 * on its own too. A figure of this machine and moment: it passes whatever the times.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../stack/files";

const runs = Number(process.argv[2] ?? 3);
const cli = process.env.PULUMI_CLI_DIR ?? build();

function build(): string {
  const r = spawnSync("bash", [path.join(ROOT, "tools", "pulumi-cli", "build.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error("the Pulumi CLI could not be built (above)");
  return r.stdout.trim();
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-component-"));
fs.mkdirSync(path.join(scratch, "state"));
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_"))),
  HOME: scratch,
  PULUMI_HOME: path.join(scratch, ".pulumi"),
  PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`,
  PULUMI_CONFIG_PASSPHRASE: "bench",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  SNOWPLOW_DEDUP_STAND_IN_CLOUD: path.join(scratch, "cloud.json"),
  npm_config_offline: "true",
  npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
  PATH: [path.join(cli, "bin"), path.join(cli, "stand-ins"), process.env.PATH].join(":"),
};

/** The wall time of one run of a command, in seconds; it must succeed. */
function once(cwd: string, command: string, ...args: string[]): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The median wall time of `runs` runs of a command, in seconds. */
function median(cwd: string, command: string, ...args: string[]): number {
  const times = Array.from({ length: runs }, () => once(cwd, command, ...args));
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** A YAML program that declares one instance of the package's component. */
function yamlProgram(name: string, dir: string, type: string, properties: object): string {
  const program = path.join(scratch, name);
  fs.mkdirSync(program);
  const resource = { type, properties };
  fs.writeFileSync(
    path.join(program, "Pulumi.yaml"),
    JSON.stringify({ name, runtime: "yaml", resources: { it: resource } }),
  );
  for (const args of [
    ["package", "add", dir],
    ["stack", "init", "dev"],
    ["config", "set", "aws:region", "eu-west-1"],
  ]) {
    once(program, "pulumi", ...args, "--non-interactive");
  }
  return program;
}

const packages = [
  {
    name: "snowplowdedup",
    dir: path.join(ROOT, "duplicate-storage"),
    type: "snowplowdedup:DuplicateStorage",
    properties: { tableName: "bench", writeCapacity: 5 },
  },
  {
    name: "trivialcomponent",
    dir: path.join(ROOT, "tools", "bench", "trivial-component"),
    type: "trivialcomponent:Greeting",
    properties: { message: "bench" },
  },
];

try {
  const install = median(ROOT, "npm", "install", "--loglevel=error");
  const rows = packages.map((p) => {
    const schema = median(scratch, "pulumi", "package", "get-schema", p.dir);
    const program = yamlProgram(`bench-${p.name}`, p.dir, p.type, p.properties);
    const preview = median(program, "pulumi", "preview", "--non-interactive");
    return { name: p.name, schema, preview };
  });
  const [ours, trivial] = rows;
  const s = (x: number) => `${x.toFixed(2)} s`.padStart(8);
  console.log(`median of ${runs} runs, wall time; CLI ${path.basename(cli)}`);
  console.log(`package            get-schema   YAML preview`);
  for (const r of rows) console.log(`${r.name.padEnd(18)} ${s(r.schema)}     ${s(r.preview)}`);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`.padStart(8);
  console.log(
    `${"ratio".padEnd(18)} ${ratio(ours.schema, trivial.schema)}     ` +
      `${ratio(ours.preview, trivial.preview)}`,
  );
  console.log(`of each, the install step (npm install in the workspace): ${s(install).trim()}`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
