// Real git servers on 127.0.0.1, for the tests (test/sync/) and the benches
// (scripts/bench-sync.ts): `git daemon`, and smart HTTP through `git http-backend`. Each
// runs as its own process, serves every repository under one directory, accepts pushes,
// and is gone once stop() resolves.

import { join } from "node:path";

export interface Server {
  /** The URL of the repository `name` under the served directory. */
  url(name: string): string;
  /** Stops the server and waits for its process to end. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** The git to serve with (its daemon, its http-backend); default: `git` on /usr/bin:/bin. */
  git?: string;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      socket.end();
      return;
    } catch {
      await Bun.sleep(25);
    }
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

function stopper(proc: Bun.Subprocess): () => Promise<void> {
  return async () => {
    proc.kill();
    await proc.exited;
  };
}

/** `git daemon` serving every repository under `root`, pushes allowed. */
export async function startDaemon(root: string, opts: ServerOptions = {}): Promise<Server> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const proc = Bun.spawn({
      cmd: [
        opts.git ?? "git",
        "daemon",
        "--reuseaddr",
        "--listen=127.0.0.1",
        `--port=${port}`,
        `--base-path=${root}`,
        "--export-all",
        "--enable=receive-pack",
        "--informative-errors",
        root,
      ],
      env: { PATH: "/usr/bin:/bin", HOME: root, GIT_CONFIG_NOSYSTEM: "1" },
      stdout: "ignore",
      stderr: "pipe",
    });
    try {
      await waitForPort(port);
      return { url: (name) => `git://127.0.0.1:${port}/${name}`, stop: stopper(proc) };
    } catch {
      proc.kill();
      await proc.exited;
    }
  }
  throw new Error("could not start git daemon");
}

/** Smart HTTP (`git http-backend` behind a small Bun server, http-git-server.ts) serving `root`. */
export async function startHttp(root: string, opts: ServerOptions = {}): Promise<Server> {
  const proc = Bun.spawn({
    cmd: [process.execPath, join(import.meta.dir, "http-git-server.ts"), root, ...(opts.git ? [opts.git] : [])],
    env: { PATH: "/usr/bin:/bin", HOME: root },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the HTTP git server did not start");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const port = Number(text.trim());
  try {
    await waitForPort(port);
  } catch (e) {
    await stopper(proc)();
    throw e;
  }
  return { url: (name) => `http://127.0.0.1:${port}/${name}`, stop: stopper(proc) };
}
