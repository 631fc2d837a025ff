// `git merge --squash` makes no commit; the commit that follows does. The merge leaves a
// record of the commits it squashed, and that commit carries their traces.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CommitInfo } from "../git/repo.ts";
import { makeDirsUnder } from "../base/dirs.ts";

export function squashRecord(gitDir: string): string {
  return join(gitDir, "traces", "squash-sources");
}

export function writeSquashRecord(gitDir: string, head: string, commits: readonly string[]): void {
  makeDirsUnder(gitDir, join(gitDir, "traces"));
  writeFileSync(squashRecord(gitDir), `head ${head}\n${commits.join("\n")}\n`);
}

/**
 * The commits a squash merge brought, when `made` is the commit that ends it (its parent is
 * the HEAD the squash was made on). The record is used up either way: a later commit, or
 * one after `git reset`, is not the squash's.
 */
export function takeSquashSources(gitDir: string, made: CommitInfo): string[] {
  const path = squashRecord(gitDir);
  let lines: string[];
  try {
    lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
  rmSync(path, { force: true });
  const [head, ...sources] = lines;
  return head === `head ${made.parents[0]}` ? sources : [];
}
