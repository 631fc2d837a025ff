// A smart-HTTP git server for tests and benches (started by git-servers.ts): Bun.serve in
// front of the real `git http-backend` (CGI), serving the repositories under argv[2] on
// 127.0.0.1, with the git named by argv[3] (default: `git` on PATH). Prints its port on
// stdout, then serves until killed. A separate process: its callers block on git while it
// serves.

const root = process.argv[2];
if (!root) {
  console.error("usage: bun http-git-server.ts <project root> [<git>]");
  process.exit(2);
}
const git = process.argv[3] ?? "git";
const execPath = Bun.spawnSync({ cmd: [git, "--exec-path"], stdout: "pipe" })
  .stdout.toString()
  .trim();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    const body = new Uint8Array(await req.arrayBuffer());
    const proc = Bun.spawn({
      cmd: [`${execPath}/git-http-backend`],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        GIT_CONFIG_NOSYSTEM: "1",
        HOME: root,
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ""),
        CONTENT_TYPE: req.headers.get("content-type") ?? "",
        CONTENT_LENGTH: String(body.length),
        HTTP_CONTENT_ENCODING: req.headers.get("content-encoding") ?? "",
        GIT_PROTOCOL: req.headers.get("git-protocol") ?? "",
        REMOTE_USER: "tester",
        REMOTE_ADDR: "127.0.0.1",
        SERVER_PROTOCOL: "HTTP/1.1",
      },
      stdin: body,
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = Buffer.from(await new Response(proc.stdout).arrayBuffer());
    await proc.exited;
    // CGI output: headers, a blank line, the body.
    let split = out.indexOf("\r\n\r\n");
    let sep = 4;
    if (split < 0) {
      split = out.indexOf("\n\n");
      sep = 2;
    }
    const head = out.subarray(0, Math.max(split, 0)).toString();
    const headers = new Headers();
    let status = 200;
    for (const line of head.split(/\r?\n/)) {
      const i = line.indexOf(":");
      if (i < 0) continue;
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === "status") status = Number.parseInt(v, 10) || 200;
      else headers.append(k, v);
    }
    return new Response(split < 0 ? out : out.subarray(split + sep), { status, headers });
  },
});
console.log(server.port);
