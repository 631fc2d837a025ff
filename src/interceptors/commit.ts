// git commit: the traces behind the new commit go into its note. With --amend git copies
// the old commit's note itself (notes.rewriteRef); the commit that ends a `merge --squash`
// also carries the traces of the squashed commits.
//
// By default the shim becomes git at once (execve) and a background worker does the trace
// work when git has finished (shared/deferred.ts): a commit costs what git costs plus the
// shim's start-up. This module is on that path, so it stays small; the trace work itself
// is in commit-sync.ts.

import { passThrough } from "../git/passthrough.ts";
import { gitDirQuick } from "../git/repo.ts";
import type { Invocation } from "./invocation.ts";
import { traceMark } from "../git/trace.ts";
import { hasOption } from "./shared/args.ts";
import { flushWarnings, startCommitWorker, SYNC_ENV, waitForDeferred } from "./shared/deferred.ts";
import { stillQuiet } from "../attach/quiet.ts";

export const COMMIT_ARGS = { withValue: ["-m", "--message", "-F", "--file", "-C", "--reuse-message", "-c", "--reedit-message", "--author", "--date", "--cleanup", "-t", "--template", "--fixup", "--squash", "--trailer", "--pathspec-from-file", "-u", "--untracked-files"] };

/** The cwd git runs in: ours, moved by any -C the user gave. */
export function gitCwd(inv: Invocation): string {
  let cwd = process.cwd();
  for (const g of inv.globals) {
    if (g.name !== "-C" || !g.value) continue;
    cwd = g.value.startsWith("/") ? g.value : `${cwd}/${g.value}`;
  }
  return cwd;
}

export const plainGlobals = (inv: Invocation) => !inv.globals.some((g) => g.name === "--git-dir" || g.name === "--work-tree" || g.name === "--bare");

/** notes.rewriteRef for an amend (see shared/run.ts: only once our notes ref exists). */
async function amendGlobals(gitDir: string): Promise<readonly string[]> {
  const { rewriteNotes } = await import("./shared/run.ts");
  return rewriteNotes(gitDir, null);
}

export default async function commit(inv: Invocation): Promise<never> {
  // These only show what would be committed.
  if (hasOption(inv.commandArgs, ["--dry-run", "--short", "--porcelain", "--long"], COMMIT_ARGS)) passThrough();
  const amend = hasOption(inv.commandArgs, ["--amend"], COMMIT_ARGS);
  let globals: readonly string[] = [];
  const env = process.env;
  traceMark("commit interceptor");
  flushWarnings(env);
  // An earlier commit's background work lands before this one (an amend copies its note).
  await waitForDeferred(env);
  if (!env[SYNC_ENV] && plainGlobals(inv)) {
    const cwd = gitCwd(inv);
    const gitDir = await gitDirQuick(cwd, env);
    // Without a HEAD reflog yet (a first commit) the worker could not tell what git did.
    const reflogSize = gitDir ? Bun.file(`${gitDir}/logs/HEAD`).size : 0;
    if (amend && gitDir) globals = await amendGlobals(gitDir);
    traceMark("repository found");
    // Nobody new since the last commit found nobody: nothing to do at all.
    if (gitDir && stillQuiet(gitDir)) {
      traceMark("no agent sessions here");
      passThrough(globals);
    }
    if (gitDir && reflogSize > 0 && startCommitWorker({ v: 1, pid: process.pid, cwd, gitDir, reflogSize, globals: inv.globals, amend }, env)) {
      traceMark("worker started");
      passThrough(globals);
    }
  }
  const { commitInForeground } = await import("./commit-sync.ts");
  return commitInForeground(inv, amend);
}
