// The commits `git log` lists for a user's options, revisions and paths, read in a machine
// format: git picks the commits (ranges, -n, --author, pathspecs, ... behave exactly as in
// git log), the caller prints them.

import type { GitRunner, RunResult } from "./runner.ts";

export interface LogCommit {
  /** `<`, `>`, `-` (boundary), `=` / `+` (cherry-mark): git's %m. */
  mark: string;
  oid: string;
  /** The ID abbreviated as git would (honours --abbrev). */
  abbrev: string;
  parents: string[];
  abbrevParents: string[];
  authorName: string;
  authorEmail: string;
  /** Author date, strict ISO 8601. */
  authorDate: string;
  /** Author date as the user's --date asks (git's default otherwise). */
  date: string;
  /** Decorations (%D): "HEAD -> main, tag: v1". */
  refs: string;
  /** With -g: the reflog selector, its identity and message. */
  reflogSelector: string;
  reflogIdent: string;
  reflogSubject: string;
  subject: string;
  /** The whole message (subject, blank line, body). */
  message: string;
}

// One field per placeholder, NUL after each (-z ends every record with NUL as well). git
// cuts every field at a NUL of its own, so no field can hold one: counting fields is exact.
const FIELDS = ["%m%H", "%h", "%P", "%p", "%aN", "%aE", "%aI", "%ad", "%D", "%gd", "%gn <%ge>", "%gs", "%s", "%B"] as const;
const FORMAT = `--format=${FIELDS.join("%x00")}`;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface LogResult {
  commits: LogCommit[];
  /** git's own status and messages: a bad revision or option fails as git log fails. */
  exitCode: number;
  stderr: string;
}

/** Arguments before the user's: our format, and settings that must not change what we parse. */
export function logArgv(userArgs: readonly string[]): string[] {
  return ["-c", "color.ui=never", "-c", "log.showSignature=false", "log", FORMAT, "-z", "--encoding=UTF-8", ...userArgs];
}

export function parseLog(stdout: string): LogCommit[] {
  const fields = stdout.split("\0");
  const commits: LogCommit[] = [];
  for (let i = 0; i + FIELDS.length <= fields.length; i += FIELDS.length) {
    const f = fields.slice(i, i + FIELDS.length);
    const marked = f[0]!.replace(/^\n/, "");
    const mark = /^[<>=+-]/.test(marked) ? marked[0]! : "";
    const oid = mark ? marked.slice(1) : marked;
    if (!OID.test(oid)) continue;
    const ident = f[10]!;
    commits.push({
      mark,
      oid,
      abbrev: f[1]!,
      parents: f[2]!.split(" ").filter(Boolean),
      abbrevParents: f[3]!.split(" ").filter(Boolean),
      authorName: f[4]!,
      authorEmail: f[5]!,
      authorDate: f[6]!,
      date: f[7]!,
      refs: f[8]!,
      reflogSelector: f[9]!,
      reflogIdent: ident === " <>" ? "" : ident,
      reflogSubject: f[11]!,
      subject: f[12]!,
      message: f[13]!,
    });
  }
  return commits;
}

export async function gitLog(git: GitRunner, userArgs: readonly string[]): Promise<LogResult> {
  const r: RunResult = await git.runAsync(logArgv(userArgs));
  return { commits: r.exitCode === 0 ? parseLog(r.stdout) : [], exitCode: r.exitCode, stderr: r.stderr };
}

export interface CommitSummary {
  oid: string;
  abbrev: string;
  subject: string;
  /** Committer time, seconds since the epoch. */
  time: number;
}

/**
 * Short ID, subject and time of commits named by full ID; commits this repository does not
 * have are left out (notes can name them before the commits are fetched).
 */
export function commitSummaries(git: GitRunner, oids: readonly string[]): Map<string, CommitSummary> {
  const out = new Map<string, CommitSummary>();
  const wanted = oids.filter((o) => OID.test(o));
  // Never with an empty list: git log would read it as HEAD.
  if (wanted.length === 0) return out;
  const r = git.run(["log", "--no-walk=unsorted", "--ignore-missing", "--stdin", "--format=%H%x00%h%x00%ct%x00%s", "-z"], { input: `${wanted.join("\n")}\n` });
  // Something that is not a commit (a note on a blob) makes git refuse the lot: no summaries.
  if (r.exitCode !== 0) return out;
  const f = r.stdout.split("\0");
  for (let i = 0; i + 4 <= f.length; i += 4) {
    const oid = f[i]!.replace(/^\n/, "");
    if (OID.test(oid)) out.set(oid, { oid, abbrev: f[i + 1]!, time: Number(f[i + 2]) || 0, subject: f[i + 3]! });
  }
  return out;
}
