// The lines each commit added, file by file, from `git diff-tree --stdin -p -U0` output
// (src/git/diff.ts). Pure and byte-exact: the input is git's raw bytes, so a file that is not
// valid UTF-8 still yields the very bytes it holds (content hashes depend on them).
//
// The input is a sequence of commits, each a line with its ID followed by its patch. Patch
// sections start with `diff --git`; the new path comes from the `+++ b/<path>` line (C-quoted
// by git when needed, with a trailing TAB when it holds a space). Hunk bodies are consumed by
// the counts of their `@@ -a,b +c,d @@` header, so no added line can be taken for a header.

const NL = 0x0a;
const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
/** Gitlinks (submodules) and symbolic links: their "lines" are no file content. */
const NOT_TEXT_MODES = new Set(["160000", "120000"]);

export interface AddedRange {
  /** First added line, 1-based, in the file at the commit. */
  start: number;
  /** Last added line, inclusive. */
  end: number;
  /** The lines' exact bytes at the commit, each with its line end (the file's last line may have none). */
  bytes: Uint8Array;
}

export interface FileAdditions {
  /** Repository-relative path at the commit (the new name of a renamed file). */
  path: string;
  ranges: AddedRange[];
}

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** Splits into lines (without their `\n`); a final line without `\n` counts too. */
function lines(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  while (from < buf.length) {
    let nl = buf.indexOf(NL, from);
    if (nl < 0) nl = buf.length;
    out.push(buf.subarray(from, nl));
    from = nl + 1;
  }
  return out;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 0x22, "\\": 0x5c };

/**
 * A path as git prints it in a patch header: plain, or C-quoted (`"a\tb\303\251"`, escapes and
 * octal bytes). Returns the path's bytes.
 */
export function unquotePath(raw: Uint8Array): Uint8Array {
  if (raw[0] !== 0x22) return raw;
  const out: number[] = [];
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x22) break;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const next = raw[++i];
    if (next === undefined) break;
    if (next >= 0x30 && next <= 0x37) {
      const octal = latin1.decode(raw.subarray(i, i + 3));
      out.push(parseInt(octal, 8) & 0xff);
      i += 2;
      continue;
    }
    out.push(ESCAPES[String.fromCharCode(next)] ?? next);
  }
  return Uint8Array.from(out);
}

/** The new path of a `+++ ` line, or null for `/dev/null` (a deletion). */
function newPath(line: Uint8Array): string | null {
  let raw = line.subarray(4);
  // git appends a TAB when the name holds a space; a real TAB in a name is always quoted.
  if (raw[raw.length - 1] === 0x09) raw = raw.subarray(0, raw.length - 1);
  const bytes = unquotePath(raw);
  const text = utf8.decode(bytes);
  if (text === "/dev/null") return null;
  return text.startsWith("b/") ? text.slice(2) : text;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const LF = Uint8Array.of(NL);

/**
 * Commit ID -> the files it added lines to, in git's order, each with its added ranges.
 * Files with no added line (deletions, binary files, pure renames, mode changes) and
 * submodules and symbolic links are left out. Commits without changes are absent.
 */
export function parsePatches(out: Uint8Array): Map<string, FileAdditions[]> {
  const result = new Map<string, FileAdditions[]>();
  const all = lines(out);
  let files: FileAdditions[] | null = null;
  let file: FileAdditions | null = null;
  let skip = false;
  let mode = "";
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    const head = latin1.decode(line.subarray(0, 16));
    if (head.startsWith("diff --git ")) {
      file = null;
      skip = false;
      mode = "";
      continue;
    }
    if (head.startsWith("@@ ")) {
      const m = HUNK.exec(latin1.decode(line));
      if (!m) continue;
      let oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      let newLeft = m[3] === undefined ? 1 : Number(m[3]);
      let lineNo = Number(m[2]);
      let start = 0;
      let count = 0;
      const added: Uint8Array[] = [];
      const flush = () => {
        if (count && file && !skip) file.ranges.push({ start, end: start + count - 1, bytes: concat(added) });
        added.length = 0;
        count = 0;
      };
      let last = "";
      while (i + 1 < all.length && (oldLeft > 0 || newLeft > 0 || all[i + 1]![0] === 0x5c)) {
        const body = all[++i]!;
        const kind = String.fromCharCode(body[0] ?? 0);
        if (kind === "+" && newLeft > 0) {
          if (!count) start = lineNo;
          added.push(body.subarray(1), LF);
          count++;
          newLeft--;
          lineNo++;
        } else if (kind === "-" && oldLeft > 0) {
          oldLeft--;
        } else if (kind === " " && oldLeft > 0 && newLeft > 0) {
          flush();
          oldLeft--;
          newLeft--;
          lineNo++;
        } else if (kind === "\\") {
          // "\ No newline at end of file": the line before it has no line end.
          if (last === "+" && count) added.pop();
        } else {
          i--; // not part of this hunk after all: let the outer loop see it
          break;
        }
        last = kind;
      }
      flush();
      continue;
    }
    // Hunk bodies were consumed above, and no header line is all hex: this starts a commit.
    if (line.length <= 64 && OID.test(latin1.decode(line))) {
      files = [];
      result.set(latin1.decode(line), files);
      continue;
    }
    if (head.startsWith("new file mode ") || head.startsWith("new mode "))
      mode = latin1.decode(line).split(" ").pop() ?? "";
    else if (head.startsWith("index ")) mode = latin1.decode(line).split(" ")[2] ?? mode;
    else if (head.startsWith("+++ ") && files) {
      const path = newPath(line);
      skip = NOT_TEXT_MODES.has(mode);
      if (path !== null && !skip) {
        file = { path, ranges: [] };
        files.push(file);
      }
    }
  }
  for (const [commit, list] of result) {
    const kept = list.filter((f) => f.ranges.length > 0);
    if (kept.length) result.set(commit, kept);
    else result.delete(commit);
  }
  return result;
}
