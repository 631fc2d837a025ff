// The background half of `git commit` (see shared/deferred.ts): wait for git to exit, learn
// from the HEAD reflog whether it made a commit, and record that commit's traces.

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { contextTokens } from "../git/globals.ts";
import { locateRealGit } from "../git/locate.ts";
import { repoState, tipCommit } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { findSessions, keepCommitTraces, recordCommit } from "./commit-sync.ts";
import type { Invocation } from "./invocation.ts";
import { asPending, deferWarning, waitForExit, type CommitJob } from "./shared/deferred.ts";
import { reportFailure } from "./shared/report.ts";
import type { InterceptContext } from "./shared/run.ts";

/** The commit a reflog entry written after `offset` records, if git committed. */
export function committedAfter(reflog: string, offset: number): string | null {
  let fd: number | undefined;
  try {
    const size = statSync(reflog).size;
    if (size <= offset) return null;
    fd = openSync(reflog, "r");
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    // "<old> <new> <name> <email> <time> <tz>\t<message>", one entry a line.
    const entries = buf.toString("utf8").split("\n").filter(Boolean);
    for (const entry of entries.reverse()) {
      const [head, message = ""] = entry.split("\t");
      if (!/^commit\b/.test(message)) continue;
      const oid = head?.split(" ")[1];
      if (oid && /^[0-9a-f]{40,64}$/.test(oid)) return oid;
    }
    return null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function runCommitWorker(job: CommitJob, env: Record<string, string | undefined>): Promise<void> {
  await asPending(env, async () => {
    await waitForExit(job.pid);
    const made = committedAfter(`${job.gitDir}/logs/HEAD`, job.reflogSize);
    if (!made) return;
    const real = locateRealGit(env);
    if (!real) return;
    const inv: Invocation = { argv0: "git", args: [], globals: job.globals, command: "commit", commandArgs: [] };
    const ctx: InterceptContext = { inv, real, git: new GitRunner({ git: real.path, context: contextTokens(job.globals), cwd: job.cwd, env }), env };
    try {
      process.chdir(job.cwd);
      const found = await findSessions(ctx);
      const info = found ? await tipCommit(ctx.git, made) : null;
      const recorded = await recordCommit(ctx, found, job.amend, info);
      await keepCommitTraces(ctx, found, recorded, true);
      await (await import("../upload/upload.ts")).uploadAfterCommit(ctx.git, job.gitDir, made, env);
    } catch (e) {
      const gitDir = ctx.gitDir ?? repoState(ctx.git)?.gitDir ?? null;
      reportFailure(gitDir, "commit", "recording traces failed", e);
      deferWarning(env, `recording the traces of commit ${made.slice(0, 12)} failed: ${(e as Error).message.split("\n")[0]} (git traces logs)`);
    }
  });
}
