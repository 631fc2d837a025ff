// git commit: after it succeeds, the traces behind the new commit go into its note. With
// --amend git copies the old commit's note itself (notes.rewriteRef); a commit that ends a
// `merge --squash` also carries the traces of the squashed commits.

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoState } from "../git/repo.ts";
import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption } from "./shared/args.ts";
import { commitsInFile, recordNewCommits } from "./shared/record.ts";
import { intercept, REWRITE_NOTES } from "./shared/run.ts";
import { squashRecord } from "./merge.ts";

export const COMMIT_ARGS = { withValue: ["-m", "--message", "-F", "--file", "-C", "--reuse-message", "-c", "--reedit-message", "--author", "--date", "--cleanup", "-t", "--template", "--fixup", "--squash", "--trailer", "--pathspec-from-file", "-u", "--untracked-files"] };

export default async function commit(inv: Invocation): Promise<never> {
  // These only show what would be committed.
  if (hasOption(inv.commandArgs, ["--dry-run", "--short", "--porcelain", "--long"], COMMIT_ARGS)) passThrough();
  const amend = hasOption(inv.commandArgs, ["--amend"], COMMIT_ARGS);
  return intercept(inv, {
    globals: amend ? REWRITE_NOTES : [],
    before: (ctx) => {
      const state = repoState(ctx.git);
      if (!state) return null;
      const record = squashRecord(state.gitDir);
      // Our record of a squash merge counts only while git's own SQUASH_MSG says one is pending.
      const squashed = existsSync(join(state.gitDir, "SQUASH_MSG")) ? commitsInFile(record) : [];
      if (!squashed.length) rmSync(record, { force: true });
      return { state, squashed, record };
    },
    after: async (ctx, { state, squashed, record }) => {
      await recordNewCommits(ctx, state, {
        fresh: !amend,
        copyFrom: (commits) => new Map(squashed.length && commits.length ? [[commits.at(-1)!.oid, squashed]] : []),
      });
      if (squashed.length) rmSync(record, { force: true });
    },
    gitDirOf: ({ state }) => state.gitDir,
  });
}
