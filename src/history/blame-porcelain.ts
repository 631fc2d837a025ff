// `git blame --porcelain` (and --line-porcelain) output, parsed: pure, no I/O.
//
// The input is a byte string (git's stdout decoded as latin1, one character per byte), so
// that a file's content keeps its exact bytes however it is encoded. Header values (author,
// summary, file names) are decoded as UTF-8 here; content stays bytes (`decodeContent`).
//
// The format (git-blame(1), "THE PORCELAIN FORMAT"): per line a header
// `<sha> <orig-line> <final-line>[ <group-size>]`, then, the first time a commit appears
// (every time with --line-porcelain), `key value` lines: author, author-mail, author-time,
// author-tz, committer..., summary, optional `previous <sha> <file>` and `boundary`, and
// `filename <file>`; then the line's content after a TAB. git repeats `filename` only when
// the commit shows under more than one path (renames, -C), so a line without it has the
// commit's last file name. Unknown header keys are skipped, as the format asks.

export interface BlameCommit {
  sha: string;
  author: string;
  /** With its angle brackets, as git prints it: `<dev@example.com>`. */
  authorMail: string;
  /** Seconds since the epoch. */
  authorTime: number;
  /** `+0100`. */
  authorTz: string;
  committer: string;
  committerMail: string;
  committerTime: number;
  committerTz: string;
  summary: string;
  /** Blame stopped at this commit (a root commit, or the edge of a range): the line may be older. */
  boundary: boolean;
  /** The commit and file name the line came from before this commit, when git says. */
  previous?: { sha: string; filename: string };
  /** Not committed yet: git's all-zero ID, for changes in the work tree. */
  uncommitted: boolean;
}

export interface BlameLine {
  sha: string;
  /** Line number in the file as the commit left it. */
  originalLine: number;
  /** Line number in the file blamed. */
  line: number;
  /** The file's name in that commit (another one before a rename, or another file with -C). */
  filename: string;
  /** The line's bytes (a latin1 string), without its newline. */
  content: string;
}

export interface Blame {
  commits: Map<string, BlameCommit>;
  lines: BlameLine[];
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: \d+)?$/;
const ZERO = /^0+$/;

function emptyCommit(sha: string): BlameCommit {
  return {
    sha,
    author: "",
    authorMail: "",
    authorTime: 0,
    authorTz: "+0000",
    committer: "",
    committerMail: "",
    committerTime: 0,
    committerTz: "+0000",
    summary: "",
    boundary: false,
    uncommitted: ZERO.test(sha),
  };
}

/** UTF-8 text from a byte string (invalid sequences become U+FFFD). */
export function decodeBytes(bytes: string): string {
  // Plain ASCII is the same in both: no copy.
  for (let i = 0; i < bytes.length; i++) {
    if (bytes.charCodeAt(i) > 0x7f) return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return bytes;
}

/** A line's content as text (invalid UTF-8 becomes U+FFFD). */
export function decodeContent(line: Pick<BlameLine, "content">): string {
  return decodeBytes(line.content);
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, "\\": 92 };

/**
 * A path as git writes it in its formats: as is, or C-quoted (`"a\tb\303\251"`) when it
 * holds control characters, quotes, backslashes, or (core.quotepath) non-ASCII bytes.
 * Works on bytes; returns bytes.
 */
export function unquoteBytes(path: string): string {
  if (path.length < 2 || !path.startsWith('"') || !path.endsWith('"')) return path;
  let out = "";
  for (let i = 1; i < path.length - 1; i++) {
    const c = path[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = path[i + 1] ?? "";
    if (/[0-3]/.test(next) && /^[0-7]{3}$/.test(path.slice(i + 1, i + 4))) {
      out += String.fromCharCode(parseInt(path.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (next in ESCAPES) {
      out += String.fromCharCode(ESCAPES[next]!);
      i += 1;
    } else out += c;
  }
  return out;
}

function setField(commit: BlameCommit, key: string, value: string): string | undefined {
  switch (key) {
    case "author":
      commit.author = decodeBytes(value);
      break;
    case "author-mail":
      commit.authorMail = decodeBytes(value);
      break;
    case "author-time":
      commit.authorTime = Number(value) || 0;
      break;
    case "author-tz":
      commit.authorTz = value;
      break;
    case "committer":
      commit.committer = decodeBytes(value);
      break;
    case "committer-mail":
      commit.committerMail = decodeBytes(value);
      break;
    case "committer-time":
      commit.committerTime = Number(value) || 0;
      break;
    case "committer-tz":
      commit.committerTz = value;
      break;
    case "summary":
      commit.summary = decodeBytes(value);
      break;
    case "boundary":
      commit.boundary = true;
      break;
    case "previous": {
      const sp = value.indexOf(" ");
      if (sp > 0) commit.previous = { sha: value.slice(0, sp), filename: decodeBytes(unquoteBytes(value.slice(sp + 1))) };
      break;
    }
    case "filename":
      return decodeBytes(unquoteBytes(value));
  }
  return undefined;
}

/** Parses porcelain or line-porcelain output. Lines it cannot read are skipped, never fatal. */
export function parsePorcelain(bytes: string): Blame {
  const commits = new Map<string, BlameCommit>();
  const lastName = new Map<string, string>();
  const lines: BlameLine[] = [];
  const rows = bytes.split("\n");
  let current: { sha: string; originalLine: number; line: number; filename?: string } | null = null;
  for (const row of rows) {
    if (current === null) {
      const m = HEADER.exec(row);
      if (!m) continue;
      const sha = m[1]!;
      if (!commits.has(sha)) commits.set(sha, emptyCommit(sha));
      current = { sha, originalLine: Number(m[2]), line: Number(m[3]) };
      continue;
    }
    if (row.startsWith("\t")) {
      const filename = current.filename ?? lastName.get(current.sha) ?? "";
      lines.push({ sha: current.sha, originalLine: current.originalLine, line: current.line, filename, content: row.slice(1) });
      current = null;
      continue;
    }
    const sp = row.indexOf(" ");
    const key = sp < 0 ? row : row.slice(0, sp);
    const value = sp < 0 ? "" : row.slice(sp + 1);
    const filename = setField(commits.get(current.sha)!, key, value);
    if (filename !== undefined) {
      current.filename = filename;
      lastName.set(current.sha, filename);
    }
  }
  return { commits, lines };
}
