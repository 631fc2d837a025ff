// What commits changed, as patches for the history readers (src/views/diff-hunks.ts parses
// them). One git call for any number of commits.

import { mkdirSync, writeFileSync } from "node:fs";
import { GitError, type GitRunner } from "./runner.ts";

export interface CommitBase {
  oid: string;
  /** The commit the patch is taken against: the first parent, or null for a root commit (the empty tree). */
  parent: string | null;
}

/**
 * `git diff-tree --stdin -p -U0` of each commit against its base (`parent`, or the empty tree
 * for a root commit), with `options` added: a line with the commit's ID, then its patch;
 * commits that change nothing print nothing. Files are compared byte for byte (no external
 * diff, no textconv); config cannot change the prefixes, colours or quoting. Raw bytes, so
 * that file content stays exact. One git call for any number of commits.
 */
export function zeroContextPatches(
  git: GitRunner,
  commits: readonly CommitBase[],
  options: readonly string[],
): Uint8Array {
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
      "-p",
      "-U0",
      ...options,
      "--no-ext-diff",
      "--no-textconv",
      "--no-color",
      "--src-prefix=a/",
      "--dst-prefix=b/",
    ],
    { input },
  );
}

/** The zero-context patch of each commit against its first parent, renames detected (-M). */
export function firstParentPatches(git: GitRunner, commits: readonly CommitBase[]): Uint8Array {
  return zeroContextPatches(git, commits, ["-M"]);
}

/** One hunk of a zero-context diff: `count` lines at `start` (1-based) became `newCount` at `newStart`. */
export interface LineHunk {
  start: number;
  count: number;
  newStart: number;
  newCount: number;
}

/**
 * How each pair of texts differs, line by line, by git's own diff (`git diff --no-index
 * -U0` over two folders written in `scratch`, one spawn for all pairs): the hunks of each pair,
 * in order; pairs that are equal are not diffed and get []. `scratch` must be an empty,
 * private folder; the caller removes it.
 */
export function diffTexts(
  git: GitRunner,
  scratch: string,
  pairs: readonly (readonly [string, string])[],
): LineHunk[][] {
  const out: LineHunk[][] = pairs.map(() => []);
  const differing = pairs.map((p, i) => [p, i] as const).filter(([[a, b]]) => a !== b);
  if (differing.length === 0) return out;
  mkdirSync(`${scratch}/a`);
  mkdirSync(`${scratch}/b`);
  for (const [[a, b], i] of differing) {
    writeFileSync(`${scratch}/a/${i}`, a);
    writeFileSync(`${scratch}/b/${i}`, b);
  }
  const r = git.run(
    [
      "-c",
      "core.quotepath=off",
      "diff",
      "--no-index",
      "-U0",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--no-renames",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      "a",
      "b",
    ],
    { cwd: scratch, noContext: true },
  );
  // 1: the folders differ, which they do; anything else is a failure.
  if (r.exitCode !== 1) throw new GitError(["diff", "--no-index"], r.exitCode, r.stderr);
  let current: LineHunk[] | undefined;
  for (const line of r.stdout.split("\n")) {
    const file = /^diff --git a\/a\/(\d+) b\/b\/\d+$/.exec(line);
    if (file) {
      current = out[Number(file[1])];
      continue;
    }
    const h = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (h && current)
      current.push({
        start: Number(h[1]),
        count: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]),
        newCount: h[4] === undefined ? 1 : Number(h[4]),
      });
  }
  return out;
}
