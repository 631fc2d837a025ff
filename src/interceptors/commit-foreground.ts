// git commit in the foreground (src/jobs/mode.ts): git runs as a child, the sessions are
// found and read while it commits (src/attach/commit.ts), and the note is written before
// the command returns.

import { findSessions, recordCommit, type FoundSessions } from "../attach/commit.ts";
import type { Invocation } from "./invocation.ts";
import { intercept, rewriteNotes } from "./shared/run.ts";

/** git commit in the foreground: git as a child, trace work before returning. */
export function commitInForeground(inv: Invocation, amend: boolean): Promise<never> {
  return intercept(inv, {
    globals: (ctx) => (amend ? rewriteNotes(null, ctx.git) : []),
    during: (ctx) => findSessions(ctx),
    after: async (ctx, _state, early) => {
      const found = (early as FoundSessions | null | undefined) ?? null;
      const recorded = await recordCommit(ctx, found, amend);
      // (Loaded once the note is written: the snapshot and share step is not on git's way.)
      const { keepCommitTraces } = await import("../content/after-commit.ts");
      await keepCommitTraces(ctx, found, recorded, false);
    },
  });
}
