// Questions about many refs and objects at once, each one git call whatever their number:
// what refs point at, what objects are, which commits some tips reach.

import type { GitRunner } from "./runner.ts";

export interface RefValue {
  oid: string;
  /** The type of the object the ref points at. */
  type: string;
  /** Its tree, when it is a commit ("" otherwise). */
  tree: string;
}

/** Every ref matching `patterns` (for-each-ref patterns: full names, prefixes up to a slash). */
export function readRefs(git: GitRunner, patterns: readonly string[]): Map<string, RefValue> {
  const out = new Map<string, RefValue>();
  if (patterns.length === 0) return out;
  const text = git.out(["for-each-ref", "--format=%(objectname) %(objecttype) %(tree) %(refname)", ...patterns]);
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+) ([a-z]+) ([0-9a-f]*) (refs\/.+)$/.exec(line);
    if (m) out.set(m[4]!, { oid: m[1]!, type: m[2]!, tree: m[3]! });
  }
  return out;
}

/** Type and size of each object that exists, through one `git cat-file --batch-check`. */
export function objectInfo(git: GitRunner, oids: readonly string[]): Map<string, { type: string; size: number }> {
  const out = new Map<string, { type: string; size: number }>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return out;
  const text = git.out(["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], { input: `${unique.join("\n")}\n` });
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(line);
    if (m) out.set(m[1]!, { type: m[2]!, size: Number(m[3]) });
  }
  return out;
}

/**
 * Of `commits` (which must exist), those no commit of `tips` reaches. One `git rev-list`
 * walking from the commits down to where they meet the tips' history: it stops there, so
 * its cost follows how far the commits are from the tips, not the size of the history.
 */
export function unreachableFrom(git: GitRunner, commits: readonly string[], tips: readonly string[]): Set<string> {
  if (commits.length === 0 || tips.length === 0) return new Set(commits);
  const input = `${commits.join("\n")}\n${tips.map((t) => `^${t}`).join("\n")}\n`;
  const walked = new Set(git.out(["rev-list", "--stdin"], { input }).split("\n"));
  return new Set(commits.filter((c) => walked.has(c)));
}
