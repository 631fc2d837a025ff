// What commits changed, as patches for the history readers (src/views/diff-hunks.ts parses
// them). One git call for any number of commits.

import type { GitRunner } from "./runner.ts";

export interface CommitBase {
  oid: string;
  /** The commit the patch is taken against: the first parent, or null for a root commit (the empty tree). */
  parent: string | null;
}

/**
 * The zero-context patch of each commit against its first parent (a root commit against the
 * empty tree), as `git diff-tree --stdin` prints it: a line with the commit's ID, then its
 * patch; commits that change nothing print nothing. Renames are detected (-M); files are
 * compared byte for byte (no external diff, no textconv); config cannot change the prefixes,
 * colours or quoting. Raw bytes, so that file content stays exact.
 */
export function firstParentPatches(git: GitRunner, commits: readonly CommitBase[]): Uint8Array {
  if (commits.length === 0) return new Uint8Array();
  const input = commits.map((c) => (c.parent ? `${c.oid} ${c.parent}` : c.oid)).join("\n") + "\n";
  return git.outBytes(
    [
      "-c",
      "core.quotepath=off",
      "diff-tree",
      "--stdin",
      "--root",
      "-r",
      "-M",
      "-p",
      "-U0",
      "--no-ext-diff",
      "--no-textconv",
      "--no-color",
      "--src-prefix=a/",
      "--dst-prefix=b/",
    ],
    { input },
  );
}
