// Line-level attribution, the pure half: replay what the sessions wrote (their edit
// payloads, Trace.writes) on the files as the commit's parent had them, keeping for each
// line the session whose write last produced it, then carry those owners onto the commit's
// version through a line diff (git's own, given as hunks) and keep the lines the commit
// added. No I/O; src/attach/lines.ts feeds it.
//
// Rules (docs/notes-format.md, "lines"):
// - A write owns the lines it produced. Lines an edit's old and new text share at their
//   start and end (context) keep their owner; so do lines a whole-file write leaves as
//   they were at the file's start and end.
// - The later write owns a line written twice (writes are replayed in time order).
// - A line of the commit that the replay did not produce exactly, at that place, is the
//   person's: typed by hand, or changed after the session wrote it.
// - A write that cannot be applied (its old text is not there, and its new text is not
//   either) spoils its session's replay of that file: that session falls back to the
//   file-level rule for the file.

import type { FileWrite } from "../traces/model.ts";
import type { LineHunk } from "../git/diff.ts";

/** A write and the session (trace ID) that made it. */
export interface OwnedWrite {
  owner: string;
  write: FileWrite;
}

/** A file as replayed: its lines (each with its line end) and who wrote each (null: not a session). */
export interface Replayed {
  lines: string[];
  owners: (string | null)[];
}

export interface ReplayResult {
  /** Replayed files by path (their last name, after moves); deleted files are absent. */
  files: Map<string, Replayed>;
  /** Path -> sessions whose writes to it could not be applied (file-level fallback). */
  failed: Map<string, Set<string>>;
  /** Path -> sessions that wrote to it (under this name or an earlier one). */
  writers: Map<string, Set<string>>;
  /** Path -> the name it had at the start, for files the sessions moved. */
  movedFrom: Map<string, string>;
}

/** Lines with their line ends; a last line without one counts. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  while (from < text.length) {
    const nl = text.indexOf("\n", from);
    const end = nl < 0 ? text.length : nl + 1;
    out.push(text.slice(from, end));
    from = end;
  }
  return out;
}

/**
 * `next` replaces lines [a, b) of `file`, written by `owner`: lines the old and new share
 * at the start and the end keep their owners.
 */
function splice(file: Replayed, a: number, b: number, next: string[], owner: string): void {
  let head = 0;
  while (head < next.length && a + head < b && file.lines[a + head] === next[head]) head++;
  let tail = 0;
  while (
    tail < next.length - head &&
    b - tail - 1 >= a + head &&
    file.lines[b - tail - 1] === next[next.length - tail - 1]
  )
    tail++;
  const owners = next.map((_, i) =>
    i < head ? file.owners[a + i]! : i >= next.length - tail ? file.owners[b - (next.length - i)]! : owner,
  );
  file.lines.splice(a, b - a, ...next);
  file.owners.splice(a, b - a, ...owners);
}

/** Where a text was found: from column `col` of line `a` to column `endCol` (exclusive) of line `b`. */
interface Found {
  a: number;
  col: number;
  b: number;
  endCol: number;
}

/**
 * The first occurrence of `old` at or after (line, col), found line by line (as in the joined
 * text, without joining it: a file of 2,000 lines meets hundreds of edits).
 */
function find(lines: readonly string[], old: string, line: number, col: number): Found | null {
  const nl = old.indexOf("\n");
  if (nl < 0) {
    // Inside one line.
    for (let i = line; i < lines.length; i++) {
      const at = lines[i]!.indexOf(old, i === line ? col : 0);
      if (at >= 0) return { a: i, col: at, b: i, endCol: at + old.length };
    }
    return null;
  }
  // Across lines: it ends the line it starts in, takes whole lines, and begins the last.
  const segments = splitLines(old);
  const head = segments[0]!;
  const last = segments[segments.length - 1]!;
  const tail = last.endsWith("\n") ? "" : last;
  const middle = segments.slice(1, tail ? -1 : undefined);
  for (let i = line; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.endsWith(head)) continue;
    const start = l.length - head.length;
    if (i === line && start < col) continue;
    let ok = true;
    for (let k = 0; k < middle.length && ok; k++) ok = lines[i + 1 + k] === middle[k];
    if (!ok) continue;
    const b = i + middle.length + (tail ? 1 : 0);
    if (tail && !(lines[b] ?? "").startsWith(tail)) continue;
    return { a: i, col: start, b, endCol: tail ? tail.length : lines[b]!.length };
  }
  return null;
}

/** Applies one replace; false when its old text is not in the file. */
function replace(file: Replayed, old: string, now: string, all: boolean, owner: string): boolean {
  if (old === "") {
    if (file.lines.length) return false;
    splice(file, 0, 0, splitLines(now), owner);
    return true;
  }
  let found = find(file.lines, old, 0, 0);
  if (!found) return false;
  while (found) {
    const { a, col, b, endCol } = found;
    const before = file.lines[a]!.slice(0, col) + now;
    splice(file, a, b + 1, splitLines(before + file.lines[b]!.slice(endCol)), owner);
    if (!all) return true;
    // Go on after the new text.
    const done = splitLines(before);
    const line = before === "" ? a : before.endsWith("\n") ? a + done.length : a + done.length - 1;
    const col2 = before === "" || before.endsWith("\n") ? 0 : done[done.length - 1]!.length;
    found = find(file.lines, old, line, col2);
  }
  return true;
}

/**
 * Replays `writes` (in time order already) on the files as `base` gives them (the parent's
 * version; absent: no such file).
 */
export function replayWrites(writes: readonly OwnedWrite[], base: (path: string) => string | undefined): ReplayResult {
  const files = new Map<string, Replayed>();
  const gone = new Set<string>();
  const failed = new Map<string, Set<string>>();
  const writers = new Map<string, Set<string>>();
  const movedFrom = new Map<string, string>();
  const mark = (map: Map<string, Set<string>>, path: string, owner: string) => {
    let set = map.get(path);
    if (!set) map.set(path, (set = new Set()));
    set.add(owner);
  };
  const fail = (path: string, owner: string) => mark(failed, path, owner);
  const current = (path: string): Replayed | undefined => {
    let f = files.get(path);
    if (f || gone.has(path)) return f;
    const text = base(path);
    if (text === undefined) return undefined;
    const lines = splitLines(text);
    f = { lines, owners: lines.map(() => null) };
    files.set(path, f);
    return f;
  };
  for (const { owner, write: w } of writes) {
    mark(writers, w.op === "move" ? w.to : w.path, owner);
    if (w.op === "write") {
      const before = current(w.path) ?? { lines: [], owners: [] };
      splice(before, 0, before.lines.length, splitLines(w.content), owner);
      files.set(w.path, before);
      gone.delete(w.path);
    } else if (w.op === "delete") {
      files.delete(w.path);
      gone.add(w.path);
    } else if (w.op === "move") {
      const f = current(w.path);
      if (!f) {
        fail(w.to, owner);
        continue;
      }
      files.delete(w.path);
      gone.add(w.path);
      files.set(w.to, f);
      gone.delete(w.to);
      movedFrom.set(w.to, movedFrom.get(w.path) ?? w.path);
      for (const who of failed.get(w.path) ?? []) fail(w.to, who);
      for (const who of writers.get(w.path) ?? []) mark(writers, w.to, who);
    } else {
      const f = current(w.path) ?? { lines: [], owners: [] };
      if (!files.has(w.path)) {
        files.set(w.path, f);
        gone.delete(w.path);
      }
      // Already applied (the edit came before an earlier commit, or was replayed twice): nothing to do.
      if (!replace(f, w.old, w.new, w.all === true, owner) && !(w.new !== "" && f.lines.join("").includes(w.new)))
        fail(w.path, owner);
    }
  }
  return { files, failed, writers, movedFrom };
}

/**
 * The owner of each line of the commit's version (index 0 = line 1), from the replayed file
 * and the hunks of the diff replayed -> commit: lines outside the hunks are the replay's
 * lines, unchanged; lines inside are the person's (null).
 */
export function ownersAtCommit(replayed: Replayed, hunks: readonly LineHunk[], newLength: number): (string | null)[] {
  const out: (string | null)[] = new Array(newLength).fill(null);
  let oldLine = 1;
  let newLine = 1;
  const copyUntil = (newEnd: number) => {
    while (newLine < newEnd && newLine <= newLength) out[newLine++ - 1] = replayed.owners[oldLine++ - 1] ?? null;
  };
  for (const h of hunks) {
    // `-a,0` / `+c,0` name the line before the (empty) side.
    const newFrom = h.newCount === 0 ? h.newStart + 1 : h.newStart;
    copyUntil(newFrom);
    oldLine = (h.count === 0 ? h.start + 1 : h.start) + h.count;
    newLine = newFrom + h.newCount;
  }
  copyUntil(newLength + 1);
  return out;
}
