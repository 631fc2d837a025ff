// `git traces stats [<range>...] [--json]`: how many of the lines a range added each agent
// and model wrote, and how many people did (views/stats.ts). The range is read as summary
// reads it: a range walked as by `git log`, a single commit alone, and without one the
// current branch's commits that its upstream lacks.

import { firstParentPatches } from "../../git/diff.ts";
import type { CommitStamp } from "../../git/revisions.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { leftOutWarning, tracesOfCommits } from "../../views/attached.ts";
import { parsePatches } from "../../views/diff-hunks.ts";
import { painter } from "../../views/render.ts";
import { lineStats, renderStatsText, type Stats } from "../../views/stats.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { rangeCommits } from "../shared/range.ts";
import { requireRepo } from "../shared/repo.ts";

export interface StatsOptions {
  /** Revisions as `git log` takes them; empty: `@{upstream}..HEAD`. */
  revs: string[];
  json: boolean;
}

/**
 * The figures for a range (shared with `summary --markdown`, which prints them at its top and
 * has said what it could not read: `quiet`).
 */
export function statsOf(deps: Deps, revs: readonly string[], stamps: readonly CommitStamp[], quiet = false): Stats {
  const git = deps.git();
  const commits = stamps.map((c) => ({ oid: c.oid, parents: c.parents }));
  const counted = commits.filter((c) => c.parents.length <= 1);
  const additions = parsePatches(
    firstParentPatches(
      git,
      counted.map((c) => ({ oid: c.oid, parent: c.parents[0] ?? null })),
    ),
  );
  const attached = tracesOfCommits(
    git,
    counted.map((c) => c.oid),
    {
      onBroken: (ref) => quiet || deps.io.err(`warning: cannot read ${ref}; the traces it names are left out\n`),
      onLeftOut: (l) => quiet || deps.io.err(leftOutWarning(l)),
    },
  );
  return lineStats({ range: revs.join(" "), commits, additions, attached });
}

export async function runStats(opts: StatsOptions, deps: Deps): Promise<number> {
  const state = requireRepo(deps);
  const git = deps.git();
  const { revs, stamps } = rangeCommits(git, state, opts.revs, "count");
  const stats = statsOf(deps, revs, stamps);
  deps.io.out(opts.json ? `${safeJson(stats, 2)}\n` : renderStatsText(stats, painter(deps.io)));
  return 0;
}

export function statsOptions(args: { _: string[]; json?: boolean }): StatsOptions {
  return { revs: args._.filter((r) => r !== ""), json: args.json === true };
}

export default defineTracesCommand({
  meta: {
    name: "stats",
    description: "Count the lines a range added by each agent and model, and by people",
  },
  args: {
    range: {
      type: "positional",
      description: "Commits to count: a range (A..B) or one commit; default @{upstream}..HEAD",
      valueHint: "range",
      required: false,
    },
    ...jsonArgs,
  },
  examples: ["git traces stats origin/main..HEAD", "git traces stats HEAD~20..HEAD --json", "git traces stats HEAD"],
  run: (ctx) => runStats(statsOptions(ctx.args as never), depsOf(ctx)),
});
