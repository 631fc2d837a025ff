// git rebase and git pull: commits are rewritten, not made; git copies their notes to the
// new commits itself when told to (notes.rewriteRef; pull passes it on to its rebase).

import { configBool, tracesConfig } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { contextTokens } from "../git/globals.ts";
import { locateRealGit } from "../git/locate.ts";
import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { intercept, rewriteNotes } from "./shared/run.ts";
import { gitCwd, plainGlobals } from "../git/globals.ts";
import { gitDirQuick, resolveCommit } from "../git/repo.ts";
import { rebaseJustFinished } from "../git/reflog.ts";

export default async function rewrite(inv: Invocation): Promise<never> {
  const real = locateRealGit();
  if (!real) passThrough();
  const git = new GitRunner({ git: real.path, context: contextTokens(inv.globals) });
  if (!configBool(tracesConfig(git).get("traces.enabled")?.at(-1), true)) passThrough();
  const gitDir = plainGlobals(inv) ? await gitDirQuick(gitCwd(inv), process.env) : null;
  const notes = rewriteNotes(gitDir, git);
  return intercept(inv, {
    globals: notes,
    // git copied the notes; their line ranges are carried onto the rewritten commits.
    ...(notes.length && gitDir ? { after: (ctx) => carryAfterRebase(ctx.git, gitDir) } : {}),
  });
}

async function carryAfterRebase(git: GitRunner, gitDir: string): Promise<void> {
  if (!rebaseJustFinished(gitDir)) return;
  const before = resolveCommit(git, "ORIG_HEAD");
  const after = resolveCommit(git, "HEAD");
  if (!before || !after || before === after) return;
  const { carryCopiedLines, rewrittenPairs } = await import("../attach/record.ts");
  const pairs = rewrittenPairs(git, before, after);
  if (pairs.length) carryCopiedLines(git, pairs);
}
