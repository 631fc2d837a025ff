// Test sandboxes: a fresh HOME, a bin directory whose `git` is the compiled shim, and an
// environment that no setting of the developer's machine can leak into.
//
// Knobs: KEEP_TRASH=1 keeps every sandbox directory (their paths are printed).

import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  existsSync,
  realpathSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = realpathSync(join(import.meta.dir, "..", ".."));
export const BINARY = join(ROOT, "dist", "git-traces");
export const REAL_GIT = "/usr/bin/git";

export function requireBinary(): void {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: run \`bun run build\` first (the test script does)`);
  }
}

export interface Sandbox {
  dir: string;
  home: string;
  /** Directory holding `git` (the shim) and `git-traces`. */
  bin: string;
  /** Directory holding only `git-traces`: on the real git's PATH, so both list the same externals. */
  tools: string;
  /** Environment for running git through the shim. */
  env: Record<string, string>;
  /** Environment for running the real git only (no shim on PATH). */
  realEnv: Record<string, string>;
  cleanup(): void;
}

const FIXED_DATE = "2026-11-20T10:10:00Z";

/** A clean environment: nothing from the developer's HOME, config or locale. */
export function baseEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: "/usr/bin:/bin",
    LC_ALL: "C",
    LANG: "C",
    TZ: "UTC",
    NO_COLOR: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Dev Eloper",
    GIT_AUTHOR_EMAIL: "dev@example.com",
    GIT_COMMITTER_NAME: "Dev Eloper",
    GIT_COMMITTER_EMAIL: "dev@example.com",
    GIT_AUTHOR_DATE: FIXED_DATE,
    GIT_COMMITTER_DATE: FIXED_DATE,
    GIT_TRACES_DEBUG: "1",
    // Tests run with no terminal, where trace work would be done in the foreground
    // (src/jobs/mode.ts); the background path is the one people at a terminal get, so it is
    // the default here too. Tests of the rule itself set or remove this.
    GIT_TRACES_SYNC: "0",
    TMPDIR: tmpdir(),
  };
}

export function makeSandbox(name = "sandbox"): Sandbox {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `git-traces-${name}-`)));
  const home = join(dir, "home");
  const bin = join(dir, "bin");
  const tools = join(dir, "tools");
  for (const d of [home, bin, tools]) mkdirSync(d, { recursive: true });
  symlinkSync(BINARY, join(bin, "git"));
  symlinkSync(BINARY, join(bin, "git-traces"));
  symlinkSync(BINARY, join(tools, "git-traces"));
  const base = baseEnv(home);
  const realEnv = { ...base, PATH: `${tools}:${base.PATH}` };
  const env = { ...base, PATH: `${bin}:${base.PATH}` };
  return {
    dir,
    home,
    bin,
    tools,
    env,
    realEnv,
    cleanup() {
      if (process.env.KEEP_TRASH) {
        console.error(`KEEP_TRASH: kept ${dir}`);
        return;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Result {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal: string | null;
  /** stdout as text. */
  out: string;
  /** stderr as text. */
  err: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
  timeout?: number;
}

export function run(cmd: readonly string[], opts: RunOptions = {}): Result {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  const p = Bun.spawnSync({
    cmd: [...cmd],
    cwd: opts.cwd,
    env,
    stdin: opts.input === undefined ? "ignore" : new Blob([opts.input as string]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeout ?? 60_000,
  });
  const stdout = Buffer.from(p.stdout ?? new Uint8Array());
  const stderr = Buffer.from(p.stderr ?? new Uint8Array());
  return {
    stdout,
    stderr,
    exitCode: p.exitCode,
    signal: (p.signalCode as string | null) ?? null,
    out: stdout.toString(),
    err: stderr.toString(),
  };
}

/** The real git alone in `cwd`, with the sandbox's environment: its stdout trimmed; throws when it fails. */
export function realGitIn(box: Sandbox, cwd: string, args: readonly string[]): string {
  const r = run([REAL_GIT, ...args], { cwd, env: box.realEnv });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.err}`);
  return r.out.trim();
}

/** Runs a shell script (sh -c) with the given environment; throws when it fails. */
export function sh(script: string, opts: RunOptions = {}): string {
  const r = run(["/bin/sh", "-c", script], opts);
  if (r.exitCode !== 0) {
    throw new Error(`sh failed (${r.exitCode}): ${script}\n${r.err}${r.out}`);
  }
  return r.out;
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/**
 * Waits until no background trace work (a commit's worker) is running for this HOME, so
 * that a test reads the notes the user would see a moment later.
 */
export function settle(home: string, maxMs = 15_000): void {
  // Each running worker leaves a hint named by its pid (src/jobs/pending.ts); one that
  // failed keeps its hint until the next command tells the user.
  const dir = join(home, ".local", "share", "git-traces", "pending");
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    let pending: string[] = [];
    try {
      pending = readdirSync(dir);
    } catch {
      return;
    }
    if (!pending.some((p) => /^\d+$/.test(p) && running(Number(p)))) return;
    Bun.sleepSync(10);
  }
  throw new Error(`background trace work still running after ${maxMs} ms`);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
