// git cherry-pick: each new commit carries the traces of the commit it was picked from
// (told apart by author, author date and subject, which cherry-pick keeps), plus those of
// sessions that edited it here (a conflict resolution).

import { join } from "node:path";
import { authorKeys, listRevisions, repoState } from "../git/repo.ts";
import { passThrough } from "../git/passthrough.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands } from "./shared/args.ts";
import { commitsInFile } from "./shared/files.ts";
import { intercept } from "./shared/run.ts";

const PICK_ARGS = { withValue: ["-m", "--mainline", "-s", "--strategy", "-X", "--strategy-option", "--cleanup", "-S"] };

export default async function cherryPick(inv: Invocation): Promise<never> {
  const args = inv.commandArgs;
  if (hasOption(args, ["-n", "--no-commit", "--abort", "--quit"], PICK_ARGS)) passThrough();
  const resuming = hasOption(args, ["--continue", "--skip"], PICK_ARGS);
  return intercept(inv, {
    before: (ctx) => {
      const state = repoState(ctx.git);
      if (!state) return null;
      // Where the picks come from: the command line, or the sequencer's state when resuming.
      const named = resuming
        ? [
            ...commitsInFile(join(state.gitDir, "CHERRY_PICK_HEAD")),
            ...commitsInFile(join(state.gitDir, "sequencer", "todo")),
          ]
        : operands(args, PICK_ARGS);
      return { state, sources: listRevisions(ctx.git, named) };
    },
    after: async (ctx, { state, sources }) =>
      (await import("../attach/record.ts")).recordNewCommits(ctx, state, {
        fresh: true,
        copyFrom: (commits) => {
          const keys = authorKeys(ctx.git, [...sources, ...commits.map((c) => c.oid)]);
          const bySignature = new Map<string, string>();
          for (const s of sources) if (keys.has(s)) bySignature.set(keys.get(s)!, s);
          const out = new Map<string, string[]>();
          for (const c of commits) {
            const source = bySignature.get(keys.get(c.oid) ?? "");
            if (source && source !== c.oid) out.set(c.oid, [source]);
          }
          return out;
        },
      }),
    gitDirOf: (s) => s.state.gitDir,
  });
}
