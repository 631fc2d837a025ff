// Trace work after `git commit` runs in a background process, so that the commit returns as
// fast as git alone plus the shim's start-up: the shim starts a detached `git-traces
// after-commit` worker, then becomes git (execve). The worker waits for git to exit, reads
// the HEAD reflog to learn whether a commit was made (the reflog's size before git ran is
// in the job), and records its traces.
//
// Others wait for it: commands that read or move notes (push, rebase, `git traces ...`) call
// waitForDeferred() first. Workers mark themselves in <data home>/pending/<pid>. A worker
// cannot print to the terminal the user has moved on in: a failure is logged, and the next
// command through the shim prints the one-line warning (flushWarnings()).

import { dataHome } from "../../traces/home.ts";
import type { GlobalOption } from "../../git/globals.ts";

export interface CommitJob {
  v: 1;
  /** The process that becomes git. */
  pid: number;
  cwd: string;
  gitDir: string;
  /** Size of <gitDir>/logs/HEAD before git ran: a commit appends to it. */
  reflogSize: number;
  globals: GlobalOption[];
  amend: boolean;
}

export const JOB_ENV = "GIT_TRACES_JOB";
/** GIT_TRACES_SYNC=1: do trace work in the foreground, before the command returns. */
export const SYNC_ENV = "GIT_TRACES_SYNC";

export function pendingDir(env: Record<string, string | undefined>): string {
  return `${dataHome(env)}/pending`;
}

function warningsFile(env: Record<string, string | undefined>): string {
  return `${dataHome(env)}/warnings.log`;
}

/**
 * Starts a background worker: `git-traces <command>` with `job` in GIT_TRACES_JOB. A small
 * shell marks it pending at once (its pid is the worker's: it execs the worker), then,
 * given `waitFor`, waits for that process to exit before the worker starts, since a Bun
 * process starting while git commits would slow the commit down (two cores, measured).
 * git takes milliseconds at least, so the mark is there before anyone could look for it.
 * Never throws: no worker just means no trace work this time.
 */
export function startWorker(command: "after-commit" | "after-push", job: object, env: Record<string, string | undefined>, waitFor?: number, onPid?: (pid: number) => void): boolean {
  // mkdir (a process) only the first time: the directory stays. (`true >`, not `: >`: a
  // failed redirection on a special built-in such as `:` ends a POSIX shell.)
  const wait = waitFor ? 'while kill -0 "$1" 2>/dev/null; do sleep 0.01; done; ' : "";
  const script = `{ echo > "$3/$$" || { mkdir -p "$3" && echo > "$3/$$"; }; } 2>/dev/null || exit 0; ${wait}exec "$2" "$4"`;
  try {
    const child = Bun.spawn({
      cmd: ["/bin/sh", "-c", script, "git-traces-wait", String(waitFor ?? 0), process.execPath, pendingDir(env), command],
      cwd: (job as { cwd?: string }).cwd,
      env: { ...env, [JOB_ENV]: JSON.stringify(job) },
      stdio: ["ignore", "ignore", "ignore"],
      detached: true,
    });
    child.unref();
    onPid?.(child.pid);
    return true;
  } catch {
    return false;
  }
}

/**
 * startWorker() for work that starts when git is already done (push): the shim returns
 * right away, so it waits until the worker's mark exists, or a command run next could
 * miss it. A few milliseconds at most.
 */
export async function startWorkerMarked(command: "after-push", job: object, env: Record<string, string | undefined>): Promise<boolean> {
  const before = Date.now();
  let pid: number | undefined;
  const started = startWorker(command, job, env, undefined, (p) => (pid = p));
  if (!started || pid === undefined) return started;
  // A fresh Bun.file each time: one BunFile caches its size, and would never see the mark.
  const mark = `${pendingDir(env)}/${pid}`;
  while (Bun.file(mark).size === 0 && Date.now() - before < 200) await Bun.sleep(1);
  return true;
}

export function startCommitWorker(job: CommitJob, env: Record<string, string | undefined>): boolean {
  return startWorker("after-commit", job, env, job.pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie is gone for our purposes (its parent has not reaped it yet).
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

export async function waitForExit(pid: number, maxMs = 6 * 3600 * 1000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (alive(pid) && Date.now() < deadline) await Bun.sleep(5);
}

/** Runs `work` with this process marked as pending, so that others wait for it. */
export async function asPending<T>(env: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const marker = `${pendingDir(env)}/${process.pid}`;
  await Bun.write(marker, `${Date.now()}\n`);
  try {
    return await work();
  } finally {
    const fs = require("node:fs") as typeof import("node:fs");
    fs.rmSync(marker, { force: true });
    // Gone when empty: then a waiter knows there is nothing with one stat, no readdir.
    try {
      fs.rmdirSync(pendingDir(env));
    } catch {
      // another worker's mark is there
    }
  }
}

/**
 * Runs `work` with this process's pending mark lifted, then marks it again: for slow work
 * that nobody needs to wait for (an upload command may take a minute), so that the next
 * commit or `git traces` command does not wait for it. Without a mark, just runs `work`.
 */
export async function unmarked<T>(env: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const fs = require("node:fs") as typeof import("node:fs");
  const marker = `${pendingDir(env)}/${process.pid}`;
  const had = fs.existsSync(marker);
  if (had) {
    fs.rmSync(marker, { force: true });
    try {
      fs.rmdirSync(pendingDir(env));
    } catch {
      // another worker's mark is there
    }
  }
  try {
    return await work();
  } finally {
    if (had) {
      try {
        fs.mkdirSync(pendingDir(env), { recursive: true });
        fs.writeFileSync(marker, `${Date.now()}\n`);
      } catch {
        // nowhere to mark: readers just do not wait
      }
    }
  }
}

/**
 * Waits (up to `maxMs`) for background trace work to finish, so that what this command
 * reads or sends includes it. Costs one stat when there is none.
 */
export async function waitForDeferred(env: Record<string, string | undefined>, maxMs = 10_000): Promise<void> {
  const dir = pendingDir(env);
  if (Bun.file(dir).size === 0) return;
  const fs = require("node:fs") as typeof import("node:fs");
  const deadline = Date.now() + maxMs;
  for (;;) {
    let pids: number[];
    try {
      pids = fs.readdirSync(dir).map(Number).filter((n) => Number.isInteger(n) && n > 0 && n !== process.pid);
    } catch {
      return;
    }
    const running = pids.filter((pid) => {
      if (alive(pid)) return true;
      fs.rmSync(`${dir}/${pid}`, { force: true }); // a worker that died without cleaning up
      return false;
    });
    if (running.length === 0) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // a new mark arrived
      }
      return;
    }
    if (Date.now() > deadline) return;
    await Bun.sleep(10);
  }
}

/** Keeps a warning for the next command to print. */
export function deferWarning(env: Record<string, string | undefined>, line: string): void {
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    fs.mkdirSync(dataHome(env), { recursive: true });
    fs.appendFileSync(warningsFile(env), `${line}\n`);
  } catch {
    // nowhere to keep it
  }
}

/** Prints and forgets the warnings background work left. One stat when there are none. */
export function flushWarnings(env: Record<string, string | undefined>): void {
  const path = warningsFile(env);
  if (Bun.file(path).size === 0) return;
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    const text = fs.readFileSync(path, "utf8");
    fs.rmSync(path, { force: true });
    const lines = [...new Set(text.split("\n").filter(Boolean))].slice(-3);
    for (const l of lines) process.stderr.write(`git-traces: warning: ${l}\n`);
  } catch {
    // leave it for next time
  }
}
