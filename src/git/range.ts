// Commits named by revisions, the way `git log --no-walk` reads them: a single commit
// stands alone, a range (`A..B`, `A...B`, `^A B`) is walked. One git call; commits come in
// git log's order (a walk newest first, single commits as given).

import type { GitRunner } from "./runner.ts";

export interface LoggedCommit {
  oid: string;
  parents: string[];
  /** Committer time, seconds since the epoch. */
  time: number;
  subject: string;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export type LogResult = { ok: true; commits: LoggedCommit[] } | { ok: false; message: string; exitCode: number };

export function logCommits(git: GitRunner, revs: readonly string[]): LogResult {
  if (revs.length === 0) return { ok: true, commits: [] };
  // --end-of-options: a revision is never read as an option, whatever it looks like.
  const r = git.run(["log", "--no-walk=unsorted", "--format=%x01%H%x00%P%x00%ct%x00%s", "--end-of-options", ...revs, "--"]);
  if (r.exitCode !== 0) {
    const message = r.stderr.split("\n").find((l) => l.startsWith("fatal: ")) ?? r.stderr.split("\n")[0] ?? "";
    return { ok: false, message: message.replace(/^fatal: /, ""), exitCode: r.exitCode };
  }
  const commits: LoggedCommit[] = [];
  for (const record of r.stdout.split("\x01")) {
    const [oid, parents, time, ...subject] = record.replace(/\n$/, "").split("\0");
    if (!oid || !OID.test(oid)) continue;
    commits.push({ oid, parents: (parents ?? "").split(" ").filter(Boolean), time: Number(time) || 0, subject: subject.join("\0") });
  }
  return { ok: true, commits };
}

/** The upstream of the current branch (`@{upstream}`) as a full ref name, or null. */
export function upstreamRef(git: GitRunner): string | null {
  const r = git.run(["rev-parse", "--symbolic-full-name", "--verify", "-q", "@{upstream}"]);
  const ref = r.stdout.trim();
  return r.exitCode === 0 && ref.startsWith("refs/") ? ref : null;
}
