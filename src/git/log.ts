// The commits `git log` lists for a user's options, revisions and paths, read in a machine
// format: git picks the commits (ranges, -n, --author, pathspecs, ... behave exactly as in
// git log), the caller prints them.

import type { GitRunner } from "./runner.ts";

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
const FIELDS = [
  "%m%H",
  "%h",
  "%P",
  "%p",
  "%aN",
  "%aE",
  "%aI",
  "%ad",
  "%D",
  "%gd",
  "%gn <%ge>",
  "%gs",
  "%s",
  "%B",
] as const;
const FORMAT = `--format=${FIELDS.join("%x00")}`;
/** The same fields with an empty message: what one-line layouts need, at a fraction of the bytes. */
const SHORT_FORMAT = `--format=${FIELDS.slice(0, -1).join("%x00")}%x00`;
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** How git log ended: a bad revision or option fails as git log fails, with git's messages. */
export interface LogEnd {
  exitCode: number;
  stderr: string;
}

/** Arguments before the user's: our format, and settings that must not change what we parse. */
export function logArgv(userArgs: readonly string[], opts: { message?: boolean } = {}): string[] {
  return [
    "-c",
    "color.ui=never",
    "-c",
    "log.showSignature=false",
    "log",
    opts.message === false ? SHORT_FORMAT : FORMAT,
    "-z",
    "--encoding=UTF-8",
    ...userArgs,
  ];
}

/** The commit whose fields start at f[i], or null when it is not one (a stray record). */
function commitAt(f: readonly string[], i: number): LogCommit | null {
  const marked = f[i]!.startsWith("\n") ? f[i]!.slice(1) : f[i]!;
  const mark = /^[<>=+-]/.test(marked) ? marked[0]! : "";
  const oid = mark ? marked.slice(1) : marked;
  if (!OID.test(oid)) return null;
  const ident = f[i + 10]!;
  return {
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
  };
}

/** The commits whose fields are all in `fields`; the fields of one still arriving are left in `rest`. */
function takeCommits(fields: readonly string[]): { commits: LogCommit[]; rest: string[] } {
  const commits: LogCommit[] = [];
  let i = 0;
  for (; i + FIELDS.length <= fields.length; i += FIELDS.length) {
    const c = commitAt(fields, i);
    if (c) commits.push(c);
  }
  return { commits, rest: fields.slice(i) };
}

/** The commits of a whole `git log` output in our format. */
export function parseLog(stdout: string): LogCommit[] {
  return takeCommits(stdout.split("\0")).commits;
}

export interface LogStream<T = LogCommit> {
  /** The commits in git's order, in batches as git prints them. Read to the end before awaiting `done`. */
  batches: AsyncIterable<T[]>;
  done: Promise<LogEnd>;
}

/** git's stdout as it arrives, cut at NULs: the pieces each read completes, and the rest at the end. */
async function* nulPieces(stdout: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder(); // keeps a character cut between two reads whole
  let partial = "";
  for await (const chunk of stdout) {
    const pieces = (partial + decoder.decode(chunk, { stream: true })).split("\0");
    partial = pieces.pop()!;
    if (pieces.length) yield pieces;
  }
  partial += decoder.decode();
  if (partial) yield [partial];
}

/**
 * The commits git log lists for the user's options, in our field format, parsed from each
 * piece of output as it arrives, so that the caller can print the first while git still
 * walks the history. `message: false` leaves each message empty (one-line layouts).
 */
export function streamLog(git: GitRunner, userArgs: readonly string[], opts: { message?: boolean } = {}): LogStream {
  const { stdout, done } = git.stream(logArgv(userArgs, opts));
  async function* batches(): AsyncGenerator<LogCommit[]> {
    let fields: string[] = [];
    for await (const pieces of nulPieces(stdout)) {
      for (const p of pieces) fields.push(p);
      const taken = takeCommits(fields);
      fields = taken.rest;
      if (taken.commits.length) yield taken.commits;
    }
  }
  return { batches: batches(), done };
}

/** One commit as git log's medium layout prints it (decorations and all), with its ID. */
export interface LogText {
  oid: string;
  /** git's text for the commit, from `commit <id>` to the end of its message (newline included). */
  text: string;
  /** streamLogRendered: what followed the record (git's separator, NUL under -z: a newline), "" for the last. */
  end?: string;
}

const MEDIUM_HEAD = /^commit (?:[<>=+-] )?([0-9a-f]{40}(?:[0-9a-f]{24})?)(?: \(.*\))?$/;

/**
 * The commits git log lists for the user's options, in git's own medium layout: git formats
 * each commit (dates, decorations, merges, reflog lines, message indentation exactly as
 * git log does) and the caller only adds to it. IDs stay whole whatever log.abbrevCommit
 * says (the caller finds notes by them): not for --abbrev-commit.
 */
export function streamLogText(
  git: GitRunner,
  userArgs: readonly string[],
  opts: { decorate: boolean },
): LogStream<LogText> {
  const argv = [
    "-c",
    "color.ui=never",
    "-c",
    "log.showSignature=false",
    "log",
    "--pretty=medium",
    "--no-abbrev-commit",
    "--no-notes",
    opts.decorate ? "--decorate" : "--no-decorate",
    "-z",
    "--encoding=UTF-8",
    ...userArgs,
  ];
  const { stdout, done } = git.stream(argv);
  async function* batches(): AsyncGenerator<LogText[]> {
    // A record is known whole when the next begins: a NUL in a message (git keeps what a
    // crafted commit holds) must not start a commit of its own.
    let last: LogText | null = null;
    for await (const pieces of nulPieces(stdout)) {
      const out: LogText[] = [];
      for (const piece of pieces) {
        const nl = piece.indexOf("\n");
        const m = MEDIUM_HEAD.exec(nl < 0 ? piece : piece.slice(0, nl));
        if (m) {
          if (last) out.push(last);
          last = { oid: m[1]!, text: piece };
        } else if (last) last.text += `\0${piece}`;
      }
      if (out.length) yield out;
    }
    if (last) yield [last];
  }
  return { batches: batches(), done };
}

/**
 * The commits git log lists, each rendered by git with the user's own output options
 * (-p, --stat, --graph, --format, ...), coloured by git when `color` says so; the IDs come
 * from a listing with the same selection, in the same order (`-z` keeps one record per
 * commit).
 */
export function streamLogRendered(
  git: GitRunner,
  renderArgs: readonly string[],
  selectArgs: readonly string[],
  opts: { color: boolean; decorate: boolean },
): LogStream<LogText> {
  const graph = renderArgs.includes("--graph");
  const ids = git.run(["log", "--format=%H", ...(graph ? ["--topo-order"] : []), ...selectArgs]);
  const oids = ids.exitCode === 0 ? ids.stdout.split("\n").filter(Boolean) : [];
  const argv = [
    "-c",
    "log.showSignature=false",
    "log",
    opts.color ? "--color=always" : "--color=never",
    opts.decorate ? "--decorate" : "--no-decorate",
    "-z",
    "--encoding=UTF-8",
    ...renderArgs,
    ...selectArgs,
  ];
  const { stdout, done } = git.stream(argv);
  async function* batches(): AsyncGenerator<LogText[]> {
    const decoder = new TextDecoder();
    let partial = "";
    let n = 0;
    for await (const chunk of stdout) {
      const pieces = (partial + decoder.decode(chunk, { stream: true })).split("\0");
      partial = pieces.pop()!;
      if (pieces.length) yield pieces.map((text) => ({ oid: oids[n++] ?? "", text, end: "\n" }));
    }
    partial += decoder.decode();
    if (partial) yield [{ oid: oids[n] ?? "", text: partial, end: "" }];
  }
  return { batches: batches(), done };
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
  const r = git.run(
    ["log", "--no-walk=unsorted", "--ignore-missing", "--stdin", "--format=%H%x00%h%x00%ct%x00%s", "-z"],
    { input: `${wanted.join("\n")}\n` },
  );
  // Something that is not a commit (a note on a blob) makes git refuse the lot: no summaries.
  if (r.exitCode !== 0) return out;
  const f = r.stdout.split("\0");
  for (let i = 0; i + 4 <= f.length; i += 4) {
    const oid = f[i]!.replace(/^\n/, "");
    if (OID.test(oid)) out.set(oid, { oid, abbrev: f[i + 1]!, time: Number(f[i + 2]) || 0, subject: f[i + 3]! });
  }
  return out;
}
