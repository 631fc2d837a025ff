// The commits a user's revision arguments name, with what the history readers need of each.

import { GitError, type GitRunner } from "./runner.ts";

export interface CommitStamp {
  oid: string;
  parents: string[];
  /** Committer date, strict ISO 8601 with the committer's offset (RFC 3339). */
  date: string;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const FORMAT = "--format=%x01%H%x00%P%x00%cI";

/** git's own reading of revision arguments: a range (`A..B`, `A...B`, `^A B`, `C^!`, several) or one commit. */
export function isRange(revs: readonly string[]): boolean {
  if (revs.length !== 1) return true;
  const rev = revs[0]!;
  return rev.includes("..") || rev.startsWith("^") || /\^[!@]$|\^-\d*$/.test(rev);
}

function parse(out: string): CommitStamp[] {
  const commits: CommitStamp[] = [];
  for (const record of out.split("\x01")) {
    const [oid, parents, date] = record.trim().split("\0");
    if (!oid || !OID.test(oid)) continue;
    commits.push({ oid, parents: (parents ?? "").split(" ").filter(Boolean), date: date ?? "" });
  }
  return commits;
}

/**
 * The commits `revs` name, oldest first: a range walked as `git log --reverse` walks it, a
 * single revision as that one commit. Throws GitError when git rejects a revision.
 */
export function revisionCommits(git: GitRunner, revs: readonly string[]): CommitStamp[] {
  const walk = isRange(revs) ? ["--reverse"] : ["--no-walk=unsorted"];
  // showSignature would print gpg's words into what we parse.
  const args = ["-c", "log.showSignature=false", "log", ...walk, FORMAT, "--end-of-options", ...revs, "--"];
  const r = git.run(args);
  if (r.exitCode !== 0) throw new GitError(args, r.exitCode, r.stderr);
  return parse(r.stdout);
}
