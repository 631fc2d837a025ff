// git revert and git am: the commits they make get the traces of the sessions behind them.

import { repoState } from "../git/repo.ts";
import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption } from "./shared/args.ts";
import { intercept } from "./shared/run.ts";

const REVERT_ARGS = {
  withValue: ["-m", "--mainline", "-s", "--strategy", "-X", "--strategy-option", "--cleanup", "-S"],
};
// The options of git am that take a value (an option list, not a command line: one string of words).
const AM_ARGS = {
  withValue: "-C -p --directory --exclude --include --patch-format --resolvemsg --quoted-cr --empty -S".split(" "),
};

function madeCommits(noCommit: readonly string[], spec: { withValue: readonly string[] }) {
  return async (inv: Invocation): Promise<never> => {
    if (hasOption(inv.commandArgs, noCommit, spec)) passThrough();
    return intercept(inv, {
      before: (ctx) => repoState(ctx.git),
      after: async (ctx, before) =>
        (await import("../attach/record.ts")).recordNewCommits(ctx, before, { fresh: true }),
      gitDirOf: (s) => s.gitDir,
    });
  };
}

export const revert = madeCommits(["-n", "--no-commit", "--abort", "--quit"], REVERT_ARGS);
export const am = madeCommits(["--abort", "--quit", "--show-current-patch"], AM_ARGS);
