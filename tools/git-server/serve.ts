/**
 * Test machinery: serves the git repositories in a folder over HTTPS as a host of the caller's
 * naming, through
 * git's own server, `git http-backend`, run as a CGI program for each request. `pulumi package
 * add` clones a package's git URL over HTTPS whatever its scheme, so the real-CLI tier needs a git
 * server that speaks it; this one needs no network.
 *
 * The server is reached as an HTTPS proxy on 127.0.0.1 (HTTPS_PROXY), which tunnels a CONNECT to
 * `<host>:443` into the git server and refuses every other host. So the URL that the test adds is a
 * GitHub-like one with no port: Pulumi 3.276.0's `package add` panics on a git URL whose host has
 * a port (it drops the scheme, then takes `host:port/...` for a local path; CONTRIBUTING.md).
 *
 * Usage: serve.ts <host> <folder of bare repositories> <certificate file> <key file>, where the
 * certificate is made for the host, such as a reserved `.test` name (RFC 2606). It prints the
 * proxy's address, `http://127.0.0.1:<port>`, as its first line, then serves until it is killed.
 * A test starts it as a process of its own because the test runs the CLI synchronously.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";

const [host, root, certFile, keyFile] = process.argv.slice(2);
if (!host || !root || !certFile || !keyFile) {
  console.error(
    "usage: serve.ts <host> <folder of bare repositories> <certificate file> <key file>",
  );
  process.exit(2);
}

/** The end of a CGI response's headers: git http-backend ends each line with CRLF. */
const HEADERS_END = Buffer.from("\r\n\r\n");

const git = https.createServer(
  { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) },
  (req, res) => {
    const url = new URL(req.url ?? "/", `https://${host}`);
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : (value ?? "");
    };
    // The CGI variables that git http-backend reads (git-http-backend(1)).
    const cgi = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: header("content-type"),
        ...(req.headers["content-length"] ? { CONTENT_LENGTH: header("content-length") } : {}),
        HTTP_CONTENT_ENCODING: header("content-encoding"),
        GIT_PROTOCOL: header("git-protocol"),
        REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
      },
    });
    req.pipe(cgi.stdin);
    let head: Buffer | undefined = Buffer.alloc(0);
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (head === undefined) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADERS_END);
      if (end < 0) return;
      let status = 200;
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + HEADERS_END.length));
      head = undefined;
    });
    cgi.stderr.pipe(process.stderr);
    cgi.on("close", (code) => {
      if (head !== undefined && !res.headersSent) {
        res.writeHead(502).end(`git http-backend exited ${code} before its headers\n`);
      } else {
        res.end();
      }
    });
  },
);

// The proxy: a CONNECT to the git server's host becomes a TLS connection of the git server; any
// other request is refused, as on a machine with no network.
const proxy = http.createServer((_req, res) => res.writeHead(403).end());
proxy.on("connect", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
  if (req.url !== `${host}:443`) {
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    return;
  }
  if (head.length > 0) socket.unshift(head);
  socket.write("HTTP/1.1 200 Connection Established\r\n\r\n", () => git.emit("connection", socket));
});
proxy.listen(0, "127.0.0.1", () => {
  const address = proxy.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  console.log(`http://127.0.0.1:${address.port}`);
});
