// What follows `git fetch` and `git pull` (src/interceptors/fetch.ts): bring the notes git's
// own fetch could not (refspecs on its command line, a URL), and merge what arrived into
// refs/notes/traces, here and in the submodules.
//
// At a terminal this runs in a background worker, `git-traces after-fetch`, once git has
// exited (the shim became git). The small shell that waits for git starts this binary only
// when there is something to do: a notes fetch of its own is due, or a tracking ref moved
// since the last merge (`find -newer` against the stamp, src/jobs/spawn.ts). Every ending is
// visible: done (marks removed, the stamp renewed), failed (the mark keeps the warning, the log
// the details), killed (the mark stays, and the next command runs the job again: settle.ts).
// In CI the same steps run in the foreground, after git's child has succeeded.

import { contextTokens } from "../git/globals.ts";
import { locateRealGit } from "../git/locate.ts";
import { configMayMention } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { withoutPassword } from "../git/where.ts";
import { brokenNotesWarning, mergePendingContent, mergePendingNotes } from "../sync/merge.ts";
import { fetchNotes } from "../sync/push.ts";
import { autoSyncEnabled, remoteKey } from "../sync/remotes.ts";
import { runnerIn } from "../sync/submodules.ts";
import { clearMarks, failMark, fetchStamp, repoPendingDir, waitForExit } from "./pending.ts";
import type { FetchJob } from "./schemas.ts";
import { deferWarning, warn, writeLog } from "../base/report.ts";

export type { FetchJob };

/** How a problem reaches the user: printed now (foreground, a rerun), or kept for the next command. */
export type Say = (line: string) => void;

/** Merges what fetches brought into the repository at `gitDir`; `also`: a URL's key, just fetched. */
export async function mergeArrived(
  git: GitRunner,
  gitDir: string,
  also: readonly string[] = [],
  say: Say = warn,
): Promise<void> {
  mergePendingNotes(git, gitDir, (key, e) => say(brokenNotesWarning(key, e)), also);
  mergePendingContent(
    git,
    gitDir,
    (key) =>
      say(`the shared traces fetched from ${key} are not a commit (refs/traces/remotes/${key}/content); left out`),
    also,
  );
}

/** Fetches the notes (and shared content) of `source` alone; returns the key to merge, or null. */
export function fetchNotesOf(git: GitRunner, source: string, named: readonly string[], say: Say): string | null {
  if (!autoSyncEnabled(git)) return null;
  const key = remoteKey(source, named);
  const fetched = fetchNotes(git, source, key);
  if (!fetched.ok) {
    say(`notes not fetched from ${withoutPassword(source)}: ${fetched.detail ?? "git fetch failed"}`);
    return null;
  }
  return key;
}

/**
 * File times come from the kernel's coarse clock, which may lag the clock Date.now() reads
 * by a tick (4 ms at 250 Hz): a FETCH_HEAD this much older than the job's start still counts.
 */
const CLOCK_SLACK_MS = 20;

/**
 * Whether git's fetch seems to have succeeded, seen after it exited without its status:
 * FETCH_HEAD written since the job started, and not empty (git empties it first and writes
 * the fetched refs at the end). When writing it is turned off (--no-write-fetch-head, or
 * possibly fetch.writeFetchHead in some config) this cannot tell, and says yes: the notes
 * fetch that follows is harmless, and a failure of its own is one warning.
 */
export function gitFetchSucceeded(job: FetchJob, env: Record<string, string | undefined>): boolean {
  if (!job.fetchHead) return true;
  const head = Bun.file(`${job.gitDir}/FETCH_HEAD`);
  if (head.size > 0 && head.lastModified >= job.start - CLOCK_SLACK_MS) return true;
  return configMayMention(job.gitDir, env, "writefetchhead", contextTokens(job.globals));
}

export interface AfterFetchOptions {
  /** The runner for the user's repository (with the user's -C and -c); made from the job without it. */
  git?: GitRunner;
  /** git's fetch succeeded (known in the foreground); else told from FETCH_HEAD. */
  succeeded?: boolean;
  /** Called after the notes fetch of its own, right before the merges read the tracking refs. */
  beforeMerge?: () => void;
}

/** The work itself. Throws when a merge fails; `say` gets the problems that are only warnings. */
export async function afterFetch(
  job: FetchJob,
  env: Record<string, string | undefined>,
  say: Say,
  opts: AfterFetchOptions = {},
): Promise<void> {
  const real = locateRealGit(env);
  if (!real) throw new Error("cannot find the real git");
  const git = opts.git ?? new GitRunner({ git: real.path, context: contextTokens(job.globals), cwd: job.cwd, env });
  const also: string[] = [];
  // (Without the remotes' names, when finding them failed, no second fetch: at worst this
  // fetch's notes come with the next.)
  if (job.source && (opts.succeeded ?? gitFetchSucceeded(job, env))) {
    const key = fetchNotesOf(git, job.source, job.named, say);
    if (key) also.push(key);
  }
  opts.beforeMerge?.();
  await mergeArrived(git, job.gitDir, also, say);
  for (const dir of job.submodules) await mergeArrived(runnerIn(real.path, dir, env), dir, [], say);
}

/**
 * The stamp the next fetch's shell compares with (pending.ts fetchStamp), made in two steps:
 * a file created right before the merge reads the tracking refs, renamed into place once
 * the merge is done. A ref newer than it moved after this merge looked: news. (Not the
 * mark, written before git ran: git's own update of the refs would be news again.)
 */
function startStamp(commonDir: string): string | null {
  const path = `${repoPendingDir(commonDir)}/.fetched-${process.pid}`;
  try {
    (require("node:fs") as typeof import("node:fs")).writeFileSync(path, "");
    return path;
  } catch {
    return null; // the old stamp stays: the next fetch merges once more
  }
}

function finishStamp(path: string | null, commonDir: string, done: boolean): void {
  if (!path) return;
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    if (done) fs.renameSync(path, fetchStamp(commonDir));
    else fs.rmSync(path, { force: true });
  } catch {
    // a leftover is removed by the next waiter (pending.ts readMarks)
  }
}

/** The worker process: `git-traces after-fetch`. */
export async function fetchWorker(job: FetchJob, env: Record<string, string | undefined>): Promise<void> {
  await waitForExit(job.pid);
  let stamp: string | null = null;
  try {
    await afterFetch(job, env, (line) => deferWarning(env, line), {
      beforeMerge: () => (stamp = startStamp(job.commonDir)),
    });
    finishStamp(stamp, job.commonDir, true);
    clearMarks(env, job.commonDir, process.pid);
  } catch (e) {
    finishStamp(stamp, job.commonDir, false);
    const logged = writeLog(job.gitDir, "fetch", e);
    const details = logged ? " (details: git traces logs)" : "";
    const reason = (e as Error).message.split("\n")[0];
    const warning = `the notes this fetch brought were not merged: ${reason}${details}; the next fetch tries again`;
    // Into the mark itself: it exists already, so this needs no free space (a full disk).
    if (!failMark(job.commonDir, process.pid, warning)) deferWarning(env, warning);
  }
}
