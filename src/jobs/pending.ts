// Marks of background trace work, so that commands which read or move notes wait for it,
// and work that was cut short (a killed worker, a full disk) is found again, never lost.
//
// Each worker has two marks, both named by its pid and written by the process that starts
// it before git runs (so a command started a moment later already sees them):
// - <common dir>/traces/pending/<pid>: the repository's own mark. It holds the job, padded
//   with spaces so that a failure can later be written over it in place, which needs no
//   new disk space. The directory is never removed, so creating a mark never races with
//   its removal.
// - <data home>/pending/<pid>: a hint that some work is pending somewhere on this machine.
//   With none, the directory is gone and every waiter pays one stat. It holds the
//   repository's common directory.
// A mark whose pid is dead was cut short: the next command that settles the repository's
// jobs runs it again (settle.ts). `<pid>.failed` is a job that gave up; its text is the
// warning the next command prints.

import { anyPending, hintDir } from "./hint.ts";
import type { Env } from "../base/env.ts";
import { nodeFs as fs } from "../base/lazy-fs.ts";
import { processAlive } from "../base/process.ts";

export type WorkerKind = "after-commit" | "after-push" | "after-fetch";

export interface Mark {
  kind: WorkerKind;
  job: Record<string, unknown>;
  /** When the job was started (ms since the epoch). */
  at: number;
}

/** Room a mark keeps for the failure written over it on a full disk. */
export const MARK_BYTES = 1024;

export function repoPendingDir(commonDir: string): string {
  return `${commonDir}/traces/pending`;
}

/**
 * Made by the last fetch worker that finished (after-fetch.ts): its time is one before
 * which everything fetched into this repository was merged.
 */
export function fetchStamp(commonDir: string): string {
  return `${commonDir}/traces/fetch-merged`;
}

/**
 * Writes both marks of worker `pid`. Never throws: false when the repository's mark could
 * not be written (the caller then does the work in the foreground, where a failure shows).
 */
export async function writeMarks(env: Env, commonDir: string, pid: number, mark: Mark): Promise<boolean> {
  const text = JSON.stringify(mark);
  try {
    await Bun.write(
      `${repoPendingDir(commonDir)}/${pid}`,
      text.length < MARK_BYTES ? text.padEnd(MARK_BYTES - 1) + "\n" : `${text}\n`,
    );
  } catch {
    return false;
  }
  // The hint's directory goes when its last mark goes: a waiter may remove it between
  // Bun.write's mkdir and its open. Try again; a hint that cannot be written only costs a
  // reader its wait.
  for (let i = 0; i < 20; i++) {
    try {
      await Bun.write(`${hintDir(env)}/${pid}`, `${commonDir}\n`);
      break;
    } catch {
      // retry
    }
  }
  return true;
}

/** Removes the hint of `pid`, and the hint directory when it was the last one. */
export function clearHint(env: Env, pid: number): void {
  const f = fs();
  f.rmSync(`${hintDir(env)}/${pid}`, { force: true });
  try {
    f.rmdirSync(hintDir(env));
  } catch {
    // another worker's hint is there
  }
}

/** The worker `pid` finished: both marks go. */
export function clearMarks(env: Env, commonDir: string, pid: number): void {
  try {
    fs().rmSync(`${repoPendingDir(commonDir)}/${pid}`, { force: true });
    clearHint(env, pid);
  } catch {
    // a mark left behind is cleaned by the next waiter
  }
}

/**
 * The worker `pid` gave up: its mark becomes `<pid>.failed`, holding `warning`, for the
 * next command to print. Renaming and writing within the mark's own bytes need no free
 * space, so this works on a full disk. Returns false when even that failed.
 */
export function failMark(commonDir: string, pid: number, warning: string): boolean {
  const f = fs();
  const from = `${repoPendingDir(commonDir)}/${pid}`;
  const to = `${from}.failed`;
  try {
    f.renameSync(from, to);
  } catch {
    return false;
  }
  try {
    const fd = f.openSync(to, "r+");
    try {
      const bytes = Buffer.from(`${warning.replace(/\n/g, " ").slice(0, MARK_BYTES - 2)}\n`);
      const room = Math.max(f.fstatSync(fd).size, bytes.length);
      const buf = Buffer.alloc(room, 0x20);
      bytes.copy(buf);
      f.writeSync(fd, buf, 0, room, 0);
    } finally {
      f.closeSync(fd);
    }
  } catch {
    // the rename alone still tells the next command that this job failed
  }
  return true;
}

export interface RepoMarks {
  /** Workers still running. */
  running: number[];
  /**
   * Workers whose git is still running (a fetch over a slow network, a commit whose editor
   * is open): nothing of theirs to wait for or to redo yet, and it may take as long as git.
   */
  waiting: number[];
  /** Workers that died before finishing: their jobs have to run again. */
  interrupted: number[];
  /** Jobs that gave up, with the warning each left. */
  failed: { pid: number; warning: string }[];
}

/** What the repository's marks say now (never this process's own). */
export function readMarks(commonDir: string, self = process.pid): RepoMarks {
  const out: RepoMarks = { running: [], waiting: [], interrupted: [], failed: [] };
  let names: string[];
  try {
    names = fs().readdirSync(repoPendingDir(commonDir));
  } catch {
    return out;
  }
  for (const name of names) {
    const m = /^([1-9][0-9]{0,9})(\.failed)?$/.exec(name);
    if (!m) {
      // A mark held aside (unmarked()), or a fetch stamp being made (after-fetch.ts), by a
      // worker that was killed meanwhile.
      const held = /^\.(?:held|fetched)-([1-9][0-9]{0,9})$/.exec(name);
      if (held && !processAlive(Number(held[1]))) fs().rmSync(`${repoPendingDir(commonDir)}/${name}`, { force: true });
      continue;
    }
    const pid = Number(m[1]);
    if (pid === self) continue;
    if (m[2]) out.failed.push({ pid, warning: readHead(`${repoPendingDir(commonDir)}/${name}`) });
    else if (gitStillRunning(commonDir, pid, self)) out.waiting.push(pid);
    else if (processAlive(pid)) out.running.push(pid);
    else out.interrupted.push(pid);
  }
  return out;
}

/** Whether the git process the job of worker `pid` waits for (its `pid` field) is still running. */
function gitStillRunning(commonDir: string, pid: number, self: number): boolean {
  const mark = readMark(commonDir, pid);
  const gitPid = mark?.job.pid;
  if (
    typeof gitPid !== "number" ||
    !Number.isInteger(gitPid) ||
    gitPid <= 0 ||
    gitPid === self ||
    !processAlive(gitPid)
  )
    return false;
  // A process that started after the mark was written has only taken over the number.
  return startedBy(gitPid, mark!.at);
}

/** Whether process `pid` started before `atMs` (ms since the epoch); true when /proc cannot tell. */
function startedBy(pid: number, atMs: number): boolean {
  try {
    const stat = fs().readFileSync(`/proc/${pid}/stat`, "utf8");
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const boot = Number(/^btime (\d+)$/m.exec(fs().readFileSync("/proc/stat", "utf8"))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(boot)) return true;
    // Clock ticks of 1/100 s (USER_HZ on Linux); a second of slack for the rounding.
    return (boot + ticks / 100) * 1000 <= atMs + 1000;
  } catch {
    return true;
  }
}

function readHead(path: string): string {
  try {
    return fs().readFileSync(path, "utf8").slice(0, MARK_BYTES).split("\n")[0]!.trim();
  } catch {
    return "";
  }
}

/** The job an interrupted worker's mark holds; null when it cannot be read. */
export function readMark(commonDir: string, pid: number): Mark | null {
  try {
    const mark = JSON.parse(fs().readFileSync(`${repoPendingDir(commonDir)}/${pid}`, "utf8")) as Mark;
    return mark && typeof mark === "object" && typeof mark.kind === "string" && mark.job && typeof mark.job === "object"
      ? mark
      : null;
  } catch {
    return null;
  }
}

/**
 * Takes the mark of a dead worker for this process (a rename: only one taker wins), so that
 * its job runs once. Returns the path of the taken mark, or null when another took it.
 */
export function claimMark(commonDir: string, pid: number, suffix: "failed" | "" = ""): string | null {
  const from = `${repoPendingDir(commonDir)}/${pid}${suffix ? `.${suffix}` : ""}`;
  const to = `${repoPendingDir(commonDir)}/.claimed-${pid}-${process.pid}`;
  try {
    fs().renameSync(from, to);
    return to;
  } catch {
    return null;
  }
}

/** Hints whose worker is dead and whose repository mark is gone (or unreadable): stale, removed. */
export function pruneHints(env: Env): void {
  const f = fs();
  let names: string[];
  try {
    names = f.readdirSync(hintDir(env));
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^[1-9][0-9]{0,9}$/.test(name)) continue;
    const pid = Number(name);
    if (processAlive(pid)) continue;
    const common = readHead(`${hintDir(env)}/${name}`);
    const dir = common ? repoPendingDir(common) : "";
    if (dir && (f.existsSync(`${dir}/${pid}`) || f.existsSync(`${dir}/${pid}.failed`))) continue;
    clearHint(env, pid);
  }
}

/**
 * Waits (up to `maxMs`) until no worker of this repository is running, so that what the
 * caller reads or sends includes their notes. One stat when nothing is pending anywhere.
 * Returns what is left to settle: interrupted and failed jobs.
 */
export async function waitForRepo(env: Env, commonDir: string, maxMs = 10_000): Promise<RepoMarks> {
  const none: RepoMarks = { running: [], waiting: [], interrupted: [], failed: [] };
  if (!anyPending(env)) return none;
  const deadline = Date.now() + maxMs;
  for (;;) {
    const marks = readMarks(commonDir);
    if (marks.running.length === 0 || Date.now() > deadline) {
      if (marks.running.length === 0 && marks.interrupted.length === 0 && marks.failed.length === 0) pruneHints(env);
      return marks;
    }
    await Bun.sleep(10);
  }
}

/** Waits until the process `pid` has exited. */
export async function waitForExit(pid: number, maxMs = 6 * 3600 * 1000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (processAlive(pid) && Date.now() < deadline) await Bun.sleep(5);
}

/**
 * Runs `work` with this worker's marks lifted, then marks it again: for slow work nobody
 * needs to wait for (an upload command may take a minute), so that the next commit or
 * `git traces` command does not wait for it. Without a mark, just runs `work`.
 */
export async function unmarked<T>(env: Env, commonDir: string, work: () => Promise<T>): Promise<T> {
  const f = fs();
  const mark = `${repoPendingDir(commonDir)}/${process.pid}`;
  const held = `${repoPendingDir(commonDir)}/.held-${process.pid}`;
  let had = false;
  try {
    f.renameSync(mark, held);
    had = true;
    clearHint(env, process.pid);
  } catch {
    // not marked
  }
  try {
    return await work();
  } finally {
    if (had) {
      try {
        f.renameSync(held, mark);
        await Bun.write(`${hintDir(env)}/${process.pid}`, `${commonDir}\n`);
      } catch {
        // nowhere to mark: readers just do not wait
      }
    }
  }
}

/**
 * settle.ts for the repository at `commonDir`, loaded only when some work is pending
 * anywhere (one stat otherwise).
 */
export async function settleIfPending(
  env: Env,
  commonDir: string,
  opts: { quiet?: boolean; waitOnly?: boolean } = {},
): Promise<void> {
  if (!anyPending(env)) return;
  const { settle } = await import("./settle.ts");
  await settle(env, commonDir, opts);
}
