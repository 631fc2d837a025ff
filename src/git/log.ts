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
/** The same fields with an empty message: what one-line layouts need, at a fraction of the bytes. */
const SHORT_FORMAT = `--format=${FIELDS.slice(0, -1).join("%x00")}%x00`;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface LogResult {
  commits: LogCommit[];
  /** git's own status and messages: a bad revision or option fails as git log fails. */
  exitCode: number;
  stderr: string;
}

/** Arguments before the user's: our format, and settings that must not change what we parse. */
export function logArgv(userArgs: readonly string[], opts: { message?: boolean } = {}): string[] {
  return ["-c", "color.ui=never", "-c", "log.showSignature=false", "log", opts.message === false ? SHORT_FORMAT : FORMAT, "-z", "--encoding=UTF-8", ...userArgs];
}

export function parseLog(stdout: string): LogCommit[] {
  const f = stdout.split("\0");
  const commits: LogCommit[] = [];
  for (let i = 0; i + FIELDS.length <= f.length; i += FIELDS.length) {
    const marked = f[i]!.startsWith("\n") ? f[i]!.slice(1) : f[i]!;
    const mark = /^[<>=+-]/.test(marked) ? marked[0]! : "";
    const oid = mark ? marked.slice(1) : marked;
    if (!OID.test(oid)) continue;
    const ident = f[i + 10]!;
    commits.push({
      mark,
      oid,
      abbrev: f[i + 1]!,
      parents: f[i + 2] ? f[i + 2]!.split(" ") : [],
      abbrevParents: f[i + 3] ? f[i + 3]!.split(" ") : [],
      authorName: f[i + 4]!,
      authorEmail: f[i + 5]!,
      authorDate: f[i + 6]!,
      date: f[i + 7]!,
      refs: f[i + 8]!,
      reflogSelector: f[i + 9]!,
      reflogIdent: ident === " <>" ? "" : ident,
      reflogSubject: f[i + 11]!,
      subject: f[i + 12]!,
      message: f[i + 13]!,
    });
  }
  return commits;
}

/** `message: false` leaves each commit's message empty (its subject is still there). */
export async function gitLog(git: GitRunner, userArgs: readonly string[], opts: { message?: boolean } = {}): Promise<LogResult> {
  const r: RunResult = await git.runAsync(logArgv(userArgs, opts));
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
