// The commits of a range as the range-reading commands take it (summary, stats): the
// revisions given, or the branch against its upstream; git's own words when it refuses.

import type { RepoState } from "../../git/repo.ts";
import { revisionCommits, upstreamRef, type CommitStamp } from "../../git/revisions.ts";
import { GitError, type GitRunner } from "../../git/runner.ts";
import { clipLine } from "../../traces/text.ts";
import { CliError, UsageError } from "../errors.ts";

/** `revs` (empty: `@{upstream}..HEAD`) and their commits. `what`: what the command does, for its errors. */
export function rangeCommits(
  git: GitRunner,
  state: RepoState,
  given: readonly string[],
  what: string,
): { revs: string[]; stamps: CommitStamp[] } {
  let revs = [...given];
  if (!revs.length) {
    if (state.head === null)
      throw new CliError(`this repository has no commits yet: nothing to ${what}`, "NO_COMMITS", {}, 128);
    const upstream = upstreamRef(git);
    if (!upstream)
      throw new UsageError(
        "which commits? give a range such as origin/main..HEAD (this branch has no upstream to compare with)",
      );
    revs = [`${upstream}..HEAD`];
  }
  try {
    return { revs, stamps: revisionCommits(git, revs) };
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    // git's own words, as `git log` would print them: "bad revision 'x'".
    const said =
      e.stderr
        .split("\n")
        .find((l) => l.startsWith("fatal: "))
        ?.slice("fatal: ".length) ?? `cannot read the revisions ${revs.join(" ")}`;
    const empty = state.head === null ? " (this repository has no commits yet)" : "";
    throw new CliError(`${clipLine(said, 300)}${empty}`, "BAD_REVISION", { revs }, 128);
  }
}
