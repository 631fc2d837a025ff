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
import { gitDirQuick } from "../git/repo.ts";

export default async function rewrite(inv: Invocation): Promise<never> {
  const real = locateRealGit();
  if (!real) passThrough();
  const git = new GitRunner({ git: real.path, context: contextTokens(inv.globals) });
  if (!configBool(tracesConfig(git).get("traces.enabled")?.at(-1), true)) passThrough();
  const gitDir = plainGlobals(inv) ? await gitDirQuick(gitCwd(inv), process.env) : null;
  return intercept(inv, { globals: rewriteNotes(gitDir, git) });
}
