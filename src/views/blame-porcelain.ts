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

/** Where lines came from: a commit, and the file's name in it. One object per pair. */
export interface BlameSource {
  commit: BlameCommit;
  filename: string;
}

/** Neighbouring lines of one source: `lines[from]` up to, not including, `lines[to]`. */
export interface BlameRun {
  source: BlameSource;
  from: number;
  to: number;
}

export interface Blame {
  commits: Map<string, BlameCommit>;
  lines: BlameLine[];
  /**
   * Every source, in the order it first appears: what depends only on commit and file name is worked out once per
   * source.
   */
  sources: BlameSource[];
  /** The lines in runs of one source, in order. */
  runs: BlameRun[];
}

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
  // Plain ASCII is the same in both: no copy (one native scan to tell).
  return HIGH_BYTE.test(bytes) ? Buffer.from(bytes, "latin1").toString("utf8") : bytes;
}

const HIGH_BYTE = /[^\x00-\x7f]/;

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
      if (sp > 0)
        commit.previous = { sha: value.slice(0, sp), filename: decodeBytes(unquoteBytes(value.slice(sp + 1))) };
      break;
    }
    case "filename":
      return decodeBytes(unquoteBytes(value));
  }
  return undefined;
}

/** A line's header, read in place (sticky) where the previous line ended. */
const LINE_HEADER = /([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: \d+)?\n/y;

/**
 * A commit's details as git writes them, in its order (the first time the commit shows, or
 * every time with --line-porcelain): one match instead of a dozen rows. Anything else (a key
 * git adds one day, a value with a carriage return) is read row by row.
 */
const DETAILS = new RegExp(
  /author (.*)\nauthor-mail (.*)\nauthor-time (\d+)\nauthor-tz (.*)\n/.source +
    /committer (.*)\ncommitter-mail (.*)\ncommitter-time (\d+)\ncommitter-tz (.*)\n/.source +
    /summary (.*)\n(boundary\n)?(?:previous ([0-9a-f]+) (.*)\n)?filename (.*)\n/.source,
  "y",
);

function setDetails(commit: BlameCommit, d: RegExpExecArray): string {
  commit.author = decodeBytes(d[1]!);
  commit.authorMail = decodeBytes(d[2]!);
  commit.authorTime = Number(d[3]) || 0;
  commit.authorTz = d[4]!;
  commit.committer = decodeBytes(d[5]!);
  commit.committerMail = decodeBytes(d[6]!);
  commit.committerTime = Number(d[7]) || 0;
  commit.committerTz = d[8]!;
  commit.summary = decodeBytes(d[9]!);
  if (d[10]) commit.boundary = true;
  if (d[11] !== undefined) commit.previous = { sha: d[11], filename: decodeBytes(unquoteBytes(d[12]!)) };
  return decodeBytes(unquoteBytes(d[13]!));
}

/**
 * Parses porcelain or line-porcelain output. Lines it cannot read are skipped, never fatal.
 * Reads by position with sticky regular expressions rather than row by row: a long file's
 * blame is tens of thousands of rows, and this runs cold, once per command.
 */
export function parsePorcelain(bytes: string): Blame {
  const parser = new PorcelainParser();
  parser.push(bytes);
  return parser.end();
}

/**
 * parsePorcelain() a piece at a time, as git writes it: git blame spends its last ten or so
 * milliseconds writing, and the lines are parsed meanwhile. Pieces are cut anywhere; what
 * follows the last whole line (its content row read to the newline) waits for the next.
 */
export class PorcelainParser {
  private readonly blame: Blame = { commits: new Map(), lines: [], sources: [], runs: [] };
  private readonly lastName = new Map<string, string>();
  private readonly sourcesOf = new Map<BlameCommit, BlameSource[]>();
  private rest = "";

  push(bytes: string): void {
    const text = this.rest + bytes;
    // A content row starts after a newline with a tab, and nothing else does.
    let cut = text.lastIndexOf("\n\t");
    let done = cut < 0 ? -1 : text.indexOf("\n", cut + 2);
    if (cut >= 0 && done < 0) {
      cut = text.lastIndexOf("\n\t", cut - 1);
      done = cut < 0 ? -1 : text.indexOf("\n", cut + 2);
    }
    if (done < 0) {
      this.rest = text;
      return;
    }
    this.parse(text, done + 1);
    this.rest = text.slice(done + 1);
  }

  end(): Blame {
    this.parse(this.rest, this.rest.length);
    this.rest = "";
    return this.blame;
  }

  private source(commit: BlameCommit, filename: string): BlameSource {
    let known = this.sourcesOf.get(commit);
    if (!known) this.sourcesOf.set(commit, (known = []));
    for (const s of known) if (s.filename === filename) return s;
    const s = { commit, filename };
    known.push(s);
    this.blame.sources.push(s);
    return s;
  }

  /** Parses bytes[0, end): whole lines only, except at the very end of the output. */
  private parse(bytes: string, end: number): void {
    const { commits, lines, runs } = this.blame;
    const lastName = this.lastName;
    const rowEnd = (from: number) => {
      const nl = bytes.indexOf("\n", from);
      return nl < 0 || nl > end ? end : nl;
    };
    let pos = 0;
    while (pos < end) {
      LINE_HEADER.lastIndex = pos;
      const header = LINE_HEADER.exec(bytes);
      if (!header || LINE_HEADER.lastIndex > end) {
        pos = rowEnd(pos) + 1; // not a line's header: skipped
        continue;
      }
      pos = LINE_HEADER.lastIndex;
      const sha = header[1]!;
      let commit = commits.get(sha);
      if (!commit) commits.set(sha, (commit = emptyCommit(sha)));
      let filename: string | undefined;
      // `key value` rows up to the content row, which starts with a tab.
      while (pos < end && bytes.charCodeAt(pos) !== 9) {
        DETAILS.lastIndex = pos;
        const details = DETAILS.exec(bytes);
        if (details && DETAILS.lastIndex <= end) {
          filename = setDetails(commit, details);
          lastName.set(sha, filename);
          pos = DETAILS.lastIndex;
          continue;
        }
        const nl = rowEnd(pos);
        const sp = bytes.indexOf(" ", pos);
        const split = sp >= 0 && sp < nl;
        const name = setField(commit, bytes.slice(pos, split ? sp : nl), split ? bytes.slice(sp + 1, nl) : "");
        if (name !== undefined) {
          filename = name;
          lastName.set(sha, name);
        }
        pos = nl + 1;
      }
      if (pos >= end) break; // cut short before the content
      const nl = rowEnd(pos);
      const name = filename ?? lastName.get(sha) ?? "";
      const run = runs[runs.length - 1];
      if (run && run.source.commit === commit && run.source.filename === name) run.to++;
      else runs.push({ source: this.source(commit, name), from: lines.length, to: lines.length + 1 });
      lines.push({
        sha,
        originalLine: Number(header[2]),
        line: Number(header[3]),
        filename: name,
        content: bytes.slice(pos + 1, nl),
      });
      pos = nl + 1;
    }
  }
}
