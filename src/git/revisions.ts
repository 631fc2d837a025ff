// The commits a user's revision arguments name, with what the history readers need of each.

import { GitError, type GitRunner } from "./runner.ts";

export interface CommitStamp {
  oid: string;
  parents: string[];
  /** Committer date, strict ISO 8601 with the committer's offset (RFC 3339). */
  date: string;
  /** The subject line, for readers that show it. */
  subject?: string;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const FORMAT = "--format=%x01%H%x00%P%x00%cI%x00%s";

/** git's own reading of revision arguments: a range (`A..B`, `A...B`, `^A B`, `C^!`, several) or one commit. */
export function isRange(revs: readonly string[]): boolean {
  if (revs.length !== 1) return true;
  const rev = revs[0]!;
  return rev.includes("..") || rev.startsWith("^") || /\^[!@]$|\^-\d*$/.test(rev);
}

function parse(out: string): CommitStamp[] {
  const commits: CommitStamp[] = [];
  for (const record of out.split("\x01")) {
    const [oid, parents, date, ...subject] = record.trim().split("\0");
    if (!oid || !OID.test(oid)) continue;
    commits.push({
      oid,
      parents: (parents ?? "").split(" ").filter(Boolean),
      date: date ?? "",
      subject: subject.join("\0"),
    });
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

/** The commits themselves (full IDs), in the order given, none walked. */
export function commitStamps(git: GitRunner, oids: readonly string[]): CommitStamp[] {
  if (oids.length === 0) return [];
  return parse(
    git.out(["-c", "log.showSignature=false", "log", "--no-walk=unsorted", FORMAT, "--end-of-options", ...oids, "--"]),
  );
}

/** The current branch's upstream (`@{upstream}`) as a full ref name, or null when it has none. */
export function upstreamRef(git: GitRunner): string | null {
  const r = git.run(["rev-parse", "--symbolic-full-name", "--verify", "-q", "@{upstream}"]);
  const ref = r.stdout.trim();
  return r.exitCode === 0 && ref.startsWith("refs/") ? ref : null;
}

/**
 * Commit IDs as git abbreviates them here (core.abbrev, lengthened until unique), for the
 * commits of this repository among `oids`; the others are left out.
 */
export function abbrevCommits(git: GitRunner, oids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const wanted = [...new Set(oids.filter((o) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(o)))];
  if (!wanted.length) return out;
  const r = git.run(["rev-parse", "--short", ...wanted.map((o) => `${o}^{commit}`)]);
  if (r.exitCode !== 0) return out; // a note can name a commit not fetched yet: the caller keeps its fallback
  const short = r.stdout.split("\n").filter(Boolean);
  if (short.length === wanted.length) for (let i = 0; i < wanted.length; i++) out.set(wanted[i]!, short[i]!);
  return out;
}
