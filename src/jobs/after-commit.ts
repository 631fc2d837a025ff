// The background half of `git commit` (started by src/interceptors/commit.ts): wait for git
// to exit, learn from the HEAD reflog which commit it made (src/git/reflog.ts), and record
// that commit's traces. Every way this can end is visible: done (marks removed), failed
// (the mark keeps the warning for the next command, the log keeps the details), or killed
// (the mark stays, and the next command runs the job again: settle.ts).

import { readFileSync } from "node:fs";
import { contextTokens } from "../git/globals.ts";
import { locateRealGit } from "../git/locate.ts";
import { commitMade, commitOnTopOf } from "../git/reflog.ts";
import { tipCommit } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { findSessions, recordCommit } from "../attach/commit.ts";
import { keepCommitTraces } from "../content/after-commit.ts";
import type { TraceWork } from "../attach/context.ts";
import { clearMarks, failMark, unmarked, waitForExit } from "./pending.ts";
import type { CommitJob } from "./schemas.ts";
import { deferWarning, writeLog } from "../base/report.ts";

/** The commit the job's `git commit` made, or null when it made none. */
export function madeBy(job: CommitJob, git: GitRunner): string | null {
  let reflog = "";
  try {
    reflog = readFileSync(`${job.gitDir}/logs/HEAD`, "utf8");
  } catch {
    // gone: the history tells
  }
  return (
    commitMade(reflog, job.anchor, job.amend, job.subject) ?? commitOnTopOf(git, job.anchor, job.amend, job.subject)
  );
}

/** Records the traces of the job's commit, in this process. Throws when that fails. */
export async function recordCommitJob(job: CommitJob, env: Record<string, string | undefined>): Promise<void> {
  const real = locateRealGit(env);
  if (!real) throw new Error("cannot find the real git");
  const ctx: TraceWork = {
    inv: { command: "commit", globals: job.globals },
    git: new GitRunner({ git: real.path, context: contextTokens(job.globals), cwd: job.cwd, env }),
    env,
  };
  const made = madeBy(job, ctx.git);
  if (!made) return;
  process.chdir(job.cwd);
  try {
    // git copied the amended commit's note: its line ranges counted the old commit's lines.
    if (job.amend) {
      const { carryCopiedLines } = await import("../attach/record.ts");
      try {
        carryCopiedLines(ctx.git, [[job.anchor.head, made]]);
      } catch (e) {
        writeLog(job.gitDir, "commit", e);
      }
    }
    const found = await findSessions(ctx);
    const info = found ? await tipCommit(ctx.git, made) : null;
    const recorded = await recordCommit(ctx, found, job.amend, info);
    await keepCommitTraces(ctx, found, recorded, true);
    await (await import("../upload/upload.ts")).uploadAfterCommit(ctx.git, job.gitDir, made, env, (work) =>
      unmarked(env, job.commonDir, work),
    );
  } catch (e) {
    (e as { commit?: string }).commit = made;
    throw e;
  }
}

/** The worker process: `git-traces after-commit`. */
export async function runCommitWorker(job: CommitJob, env: Record<string, string | undefined>): Promise<void> {
  await waitForExit(job.pid);
  try {
    await recordCommitJob(job, env);
    clearMarks(env, job.commonDir, process.pid);
  } catch (e) {
    const commit = (e as { commit?: string }).commit;
    const logged = writeLog(job.gitDir, "commit", e);
    const what = commit
      ? `the traces of commit ${commit.slice(0, 12)} were not recorded`
      : "recording the traces of a commit failed";
    const redo = commit ? `; redo: git traces attach ${commit.slice(0, 12)}` : "";
    const details = logged ? " (details: git traces logs)" : "";
    const warning = `${what}: ${(e as Error).message.split("\n")[0]}${details}${redo}`;
    // Into the mark itself: it exists already, so this needs no free space (a full disk).
    if (!failMark(job.commonDir, process.pid, warning)) deferWarning(env, warning);
  }
}
