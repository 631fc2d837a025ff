// The history questions of `git traces mcp`'s log tool: the commits of a range (or HEAD),
// optionally only those that touched one path, newest first, at most `limit`.

import { GitError, type GitRunner } from "./runner.ts";

export interface HistoryCommit {
  oid: string;
  /** Committer date, strict ISO 8601. */
  date: string;
  author: string;
  subject: string;
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * `git log` of `range` (HEAD when null) limited to `path` when given, newest first. The
 * range is one revision argument, after --end-of-options: it cannot be read as an option.
 * Throws GitError when git rejects it.
 */
export function historyCommits(
  git: GitRunner,
  range: string | null,
  path: string | null,
  limit: number,
): HistoryCommit[] {
  const args = [
    "-c",
    "log.showSignature=false",
    "log",
    `--max-count=${Math.max(1, Math.floor(limit))}`,
    "--format=%x01%H%x00%cI%x00%an%x00%s",
    "--end-of-options",
    range ?? "HEAD",
    "--",
    ...(path !== null ? [path] : []),
  ];
  const r = git.run(args);
  if (r.exitCode !== 0) throw new GitError(args, r.exitCode, r.stderr);
  const out: HistoryCommit[] = [];
  for (const record of r.stdout.split("\x01")) {
    const [oid, date, author, ...subject] = record.trim().split("\0");
    if (!oid || !OID.test(oid)) continue;
    out.push({ oid, date: date ?? "", author: author ?? "", subject: subject.join("\0") });
  }
  return out;
}
