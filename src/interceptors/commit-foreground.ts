// git commit in the foreground (src/jobs/mode.ts): git runs as a child, the sessions are
// found and read while it commits (src/attach/commit.ts), and the note is written before
// the command returns.

import { findSessions, recordCommit, type FoundSessions } from "../attach/commit.ts";
import { resolveCommit } from "../git/repo.ts";
import type { Invocation } from "./invocation.ts";
import { intercept, rewriteNotes } from "./shared/run.ts";

/** git commit in the foreground: git as a child, trace work before returning. */
export function commitInForeground(inv: Invocation, amend: boolean): Promise<never> {
  return intercept<{ amended?: string | null }>(inv, {
    globals: (ctx) => (amend ? rewriteNotes(null, ctx.git) : []),
    // The commit an amend replaces: git copies its note, whose line ranges are carried over.
    before: (ctx) => (amend ? { amended: resolveCommit(ctx.git, "HEAD") } : {}),
    during: (ctx) => findSessions(ctx),
    after: async (ctx, state, early) => {
      const made = state.amended ? resolveCommit(ctx.git, "HEAD") : null;
      if (state.amended && made && made !== state.amended) {
        const { carryCopiedLines } = await import("../attach/record.ts");
        carryCopiedLines(ctx.git, [[state.amended, made]]);
      }
      const found = (early as FoundSessions | null | undefined) ?? null;
      const recorded = await recordCommit(ctx, found, amend);
      // (Loaded once the note is written: the snapshot and share step is not on git's way.)
      const { keepCommitTraces } = await import("../content/after-commit.ts");
      await keepCommitTraces(ctx, found, recorded, false);
    },
  });
}
