// git merge: a merge commit gets the traces of the sessions behind its own changes (a
// conflict resolution, say); a fast-forward made no commit. `--squash` makes none either:
// the commits it squashed are recorded so that the commit that follows carries their traces.

import { commitsSince, listRevisions, repoState } from "../git/repo.ts";
import { writeSquashRecord } from "../attach/squash.ts";
import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands } from "./shared/args.ts";
import { intercept } from "./shared/run.ts";

const MERGE_ARGS = {
  withValue: [
    "-m",
    "--message",
    "-F",
    "--file",
    "-s",
    "--strategy",
    "-X",
    "--strategy-option",
    "--cleanup",
    "--into-name",
    "-S",
  ],
};

export default async function merge(inv: Invocation): Promise<never> {
  const args = inv.commandArgs;
  if (hasOption(args, ["--no-commit", "--abort", "--quit"], MERGE_ARGS)) passThrough();
  const squash = hasOption(args, ["--squash"], MERGE_ARGS);
  return intercept(inv, {
    before: (ctx) => repoState(ctx.git),
    after: async (ctx, before) => {
      if (squash) {
        // The commits the squash brings in: what the named branches have that HEAD had not.
        const tips = operands(args, MERGE_ARGS);
        const brought = before.head ? listRevisions(ctx.git, [...tips, `^${before.head}`]) : [];
        if (brought.length && before.head) writeSquashRecord(before.gitDir, before.head, brought);
        return;
      }
      const commits = commitsSince(ctx.git, before.head);
      const made = commits.at(-1);
      // A merge commit sits right on the old HEAD with two or more parents; anything else
      // (a fast-forward) brought existing commits.
      if (!made || made.parents.length < 2 || made.parents[0] !== before.head) return;
      const { recordNewCommits } = await import("../attach/record.ts");
      await recordNewCommits(ctx, before, { commits: [made], fresh: true });
    },
    gitDirOf: (s) => s.gitDir,
  });
}
