// git commit: the traces behind the new commit go into its note. With --amend git copies
// the old commit's note itself (notes.rewriteRef); the commit that ends a `merge --squash`
// also carries the traces of the squashed commits.
//
// At a terminal the shim becomes git at once (execve) and a background worker does the
// trace work when git has finished (src/jobs/after-commit.ts): a commit costs what git
// costs plus the shim's start-up. In CI and other places nobody is at a terminal
// (src/jobs/mode.ts), git runs as a child and the work is done before the command returns
// (commit-sync.ts). This module is on the fast path, so it stays small.

import { passThrough } from "../git/passthrough.ts";
import { readAnchor, subjectOf } from "../git/reflog.ts";
import { commonDirQuick, gitDirQuick } from "../git/repo.ts";
import { gitCwd, plainGlobals } from "../git/globals.ts";
import type { Invocation } from "./invocation.ts";
import { traceMark } from "../git/trace.ts";
import { hasOption, optionValues, quietOutput } from "./shared/args.ts";
import { flushWarnings } from "../base/report.ts";
import { settleIfPending } from "../jobs/pending.ts";
import { foreground } from "../jobs/mode.ts";
import { startWorker } from "../jobs/spawn.ts";
import { stillQuiet } from "../attach/quiet.ts";

export const COMMIT_ARGS = {
  withValue: [
    "-m",
    "--message",
    "-F",
    "--file",
    "-C",
    "--reuse-message",
    "-c",
    "--reedit-message",
    "--author",
    "--date",
    "--cleanup",
    "-t",
    "--template",
    "--fixup",
    "--squash",
    "--trailer",
    "--pathspec-from-file",
    "-u",
    "--untracked-files",
  ],
};

/** notes.rewriteRef for an amend (see shared/run.ts: only once our notes ref exists). */
async function amendGlobals(gitDir: string): Promise<readonly string[]> {
  const { rewriteNotes } = await import("./shared/run.ts");
  return rewriteNotes(gitDir, null);
}

export default async function commit(inv: Invocation): Promise<never> {
  // These only show what would be committed.
  if (hasOption(inv.commandArgs, ["--dry-run", "--short", "--porcelain", "--long"], COMMIT_ARGS)) passThrough();
  const amend = hasOption(inv.commandArgs, ["--amend"], COMMIT_ARGS);
  const quiet = quietOutput(inv.commandArgs, COMMIT_ARGS);
  const env = process.env;
  traceMark("commit interceptor");
  flushWarnings(env, quiet);
  const gitDir = plainGlobals(inv) ? await gitDirQuick(gitCwd(inv), env) : null;
  if (gitDir && !foreground(env)) {
    const commonDir = commonDirQuick(gitDir);
    // An earlier commit's background work lands before this one (an amend copies its note).
    await settleIfPending(env, commonDir, { quiet });
    const globals = amend ? await amendGlobals(gitDir) : [];
    traceMark("repository found");
    // Nobody new since the last commit found nobody: nothing to do at all.
    if (stillQuiet(gitDir)) {
      traceMark("no agent sessions here");
      passThrough(globals);
    }
    // Without a HEAD reflog (a first commit, reflogs off) the worker could not tell what git did.
    const anchor = readAnchor(gitDir);
    if (anchor) {
      const message = optionValues(inv.commandArgs, ["-m", "--message"], COMMIT_ARGS)[0];
      const job = {
        v: 2,
        pid: process.pid,
        cwd: gitCwd(inv),
        gitDir,
        commonDir,
        anchor,
        subject: message === undefined ? null : subjectOf(message),
        globals: inv.globals,
        amend,
      };
      if (await startWorker("after-commit", job, env, { commonDir, waitFor: process.pid, cwd: job.cwd })) {
        traceMark("worker started");
        passThrough(globals);
      }
    }
  }
  const { commitInForeground } = await import("./commit-foreground.ts");
  return commitInForeground(inv, amend);
}
