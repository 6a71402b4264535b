/**
 * A git server for the real-CLI tier: this checkout's files, committed and tagged as a release
 * would be, in a bare repository that tools/git-server/serve.ts serves over HTTPS as the host
 * `HOST`, with a certificate made for the test. The CLI reaches the host through the server's
 * proxy on 127.0.0.1 (HTTPS_PROXY, which Go's HTTP client reads) and trusts the certificate
 * through SSL_CERT_FILE (which Go's TLS reads), so `pulumi package add <git URL>@<tag>` clones it
 * as it would clone GitHub.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./pulumiCli";

export interface GitServer {
  /**
   * The repository's HTTPS URL, `https://git.example.test/acme/snowplow-dedup.git`: an owner,
   * then the repository, as on GitHub. The CLI takes the owner for the package's schema
   * namespace, which must be a lower-case name.
   */
  readonly repositoryUrl: string;
  /** The proxy that reaches the server, `http://127.0.0.1:<port>`, for HTTPS_PROXY. */
  readonly proxyUrl: string;
  /** The certificate that the server presents, for SSL_CERT_FILE. */
  readonly certificateFile: string;
  stop(): void;
}

/** The server's host name: `.test` is reserved (RFC 2606), so it resolves nowhere else. */
export const HOST = "git.example.test";
/** The repository's owner in its URL. */
export const OWNER = "acme";

function run(command: string, args: readonly string[], cwd: string): void {
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    // The commit and tag that a maintainer would make, whoever runs the test.
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "snowplow-dedup tests",
      GIT_AUTHOR_EMAIL: "tests@invalid",
      GIT_COMMITTER_NAME: "snowplow-dedup tests",
      GIT_COMMITTER_EMAIL: "tests@invalid",
      GIT_CONFIG_GLOBAL: "/dev/null",
    },
  });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * Commits the files that this checkout tracks, as they are in the working tree (so that the test
 * runs the code under test, committed or not), tags the commit `tag`, and serves the repository.
 */
export async function serveThisRepository(dir: string, tag: string): Promise<GitServer> {
  const source = path.join(dir, "source");
  const tracked = spawnSync("git", ["-C", ROOT, "ls-files", "-z"], { encoding: "utf8" });
  if (tracked.status !== 0) throw new Error(`git ls-files failed: ${tracked.stderr}`);
  for (const file of tracked.stdout.split("\0").filter(Boolean)) {
    if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(source, file));
  }
  run("git", ["init", "--quiet", "--initial-branch", "main"], source);
  run("git", ["add", "--all"], source);
  run("git", ["commit", "--quiet", "--message", `Release ${tag}`], source);
  run("git", ["tag", tag], source);
  const repositories = path.join(dir, "repositories");
  fs.mkdirSync(path.join(repositories, OWNER), { recursive: true });
  run("git", ["clone", "--quiet", "--bare", source, `${OWNER}/snowplow-dedup.git`], repositories);

  const certificateFile = path.join(dir, "certificate.pem");
  const keyFile = path.join(dir, "key.pem");
  run(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"].concat(
      ["-days", "1", "-subj", `/CN=${HOST}`, "-addext", `subjectAltName=DNS:${HOST}`],
      ["-keyout", keyFile, "-out", certificateFile],
    ),
    dir,
  );

  const server: ChildProcess = spawn(
    process.execPath,
    [
      "-r",
      path.join(ROOT, "commands", "register.js"),
      path.join(ROOT, "tools", "git-server", "serve.ts"),
      HOST,
      repositories,
      certificateFile,
      keyFile,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const proxyUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n");
      if (line.length > 1) resolve(line[0]!);
    });
    server.on("exit", (code) =>
      reject(new Error(`the git server exited ${code} before it listened`)),
    );
  });
  return {
    repositoryUrl: `https://${HOST}/${OWNER}/snowplow-dedup.git`,
    proxyUrl,
    certificateFile,
    stop: () => server.kill(),
  };
}
