// Line-level attribution, the I/O half: for one commit and the sessions attached to it,
// which lines of which files each session wrote (ranges of the commit's version, for the
// note's "lines" field). Runs in the background worker, after git made the commit. Costs a
// few git calls whatever the size: the parent's and the commit's files (one `cat-file
// --batch` each), and one `git diff --no-index` for all files: parent -> commit (the lines
// the commit added) and replay -> commit (where the person changed what the sessions left).
// (git's diff rather than a library: same algorithm as the history readers, no dependency.)

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffTexts, type LineHunk } from "../git/diff.ts";
import { readFilesAt } from "../git/objects.ts";
import type { CommitInfo } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import { parseRanges, toRanges } from "../notes/ranges.ts";
import type { Trace } from "../traces/model.ts";
import { type OwnedWrite, ownersAtCommit, replayWrites, splitLines } from "./replay.ts";

/** Writes made this long after the commit's time still count (times have a second's grain). */
const SLACK_S = 2;

/** A session on a commit and the commit's files it edited (attach/detect.ts Attachment). */
export interface OnCommit {
  commit?: string;
  trace: Trace;
  files: readonly string[];
}

/** The writes of the sessions that may be in this commit, in time order. */
function writesFor(commit: CommitInfo, sessions: readonly OnCommit[]): OwnedWrite[] {
  const latest = commit.time + SLACK_S;
  const earliest = commit.parentTime;
  const out: { w: OwnedWrite; key: string; n: number }[] = [];
  for (const { trace } of sessions)
    for (const write of trace.writes ?? []) {
      const atS = write.at ? Date.parse(write.at) / 1000 : undefined;
      if (atS !== undefined && (atS > latest || (earliest !== undefined && atS < earliest))) continue;
      out.push({ w: { owner: trace.id, write }, key: write.at ?? trace.end ?? "", n: out.length });
    }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.n - b.n));
  return out.map((x) => x.w);
}

/**
 * Trace ID -> file -> ranges of the lines it wrote that the commit added. A session is left
 * out for a file (file-level fallback) when it wrote none of that file by a payload we read,
 * or when one of its writes there did not apply.
 */
export function commitLines(
  git: GitRunner,
  commit: CommitInfo,
  sessions: readonly OnCommit[],
): Map<string, Record<string, string>> {
  const result = new Map<string, Record<string, string>>();
  const writes = writesFor(commit, sessions);
  if (writes.length === 0) return result;
  const parent = commit.parents[0];
  const touched = [...new Set(writes.map((o) => o.write.path))];
  const base = parent ? readFilesAt(git, parent, touched) : new Map<string, string>();
  const replay = replayWrites(writes, (p) => base.get(p));
  const listed = new Set(sessions.flatMap((s) => s.files));
  const paths = [...replay.files.keys()].filter((p) => listed.has(p));
  if (paths.length === 0) return result;
  const now = readFilesAt(git, commit.oid, paths);
  const present = paths.filter((p) => now.has(p));
  // The parent's version under the name it had there (a file the sessions moved).
  const before = (p: string) => base.get(replay.movedFrom.get(p) ?? p) ?? "";
  const scratch = mkdtempSync(join(tmpdir(), "git-traces-lines-"));
  let hunks: ReturnType<typeof diffTexts>;
  try {
    // For each file: what the commit added (parent -> commit), and where the replay differs.
    hunks = diffTexts(
      git,
      scratch,
      present.flatMap((p) => [
        [before(p), now.get(p)!] as const,
        [replay.files.get(p)!.lines.join(""), now.get(p)!] as const,
      ]),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  present.forEach((path, i) => {
    const text = now.get(path)!;
    const owners = ownersAtCommit(replay.files.get(path)!, hunks[2 * i + 1]!, splitLines(text).length);
    const mine = new Map<string, number[]>();
    for (const h of hunks[2 * i]!)
      for (let line = h.newStart; line < h.newStart + h.newCount; line++) {
        const who = owners[line - 1];
        if (!who) continue;
        let list = mine.get(who);
        if (!list) mine.set(who, (list = []));
        list.push(line);
      }
    for (const { trace, files } of sessions) {
      if (!files.includes(path) || !replay.writers.get(path)?.has(trace.id)) continue;
      if (replay.failed.get(path)?.has(trace.id)) continue;
      let byFile = result.get(trace.id);
      if (!byFile) result.set(trace.id, (byFile = {}));
      byFile[path] = toRanges(mine.get(trace.id) ?? []);
    }
  });
  return result;
}

/**
 * Commit -> trace -> file -> ranges, for the commits whose sessions have edit payloads. A
 * failure costs only that commit's ranges (its notes keep file-level meaning): `onError` hears it.
 */
export function lineRanges(
  git: GitRunner,
  commits: readonly CommitInfo[],
  attachments: readonly OnCommit[],
  onError: (e: unknown) => void = () => undefined,
): Map<string, Map<string, Record<string, string>>> {
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const commit of commits) {
    const sessions = attachments.filter((a) => a.commit === commit.oid);
    if (!sessions.some((a) => a.trace.writes?.length)) continue;
    try {
      out.set(commit.oid, commitLines(git, commit, sessions));
    } catch (e) {
      onError(e);
    }
  }
  return out;
}

/** Line `n` of the old side of a zero-context diff on its new side; null when the diff changed it. */
function mapLine(hunks: readonly LineHunk[], n: number): number | null {
  let delta = 0;
  for (const h of hunks) {
    // `-a,0` inserts after old line a; other hunks start at their first old line.
    if (n < (h.count === 0 ? h.start + 1 : h.start)) break;
    if (h.count > 0 && n < h.start + h.count) return null;
    delta += h.newCount - h.count;
  }
  return n + delta;
}

/**
 * A trace's line ranges on commit `from`, carried onto commit `to` (a cherry-pick, a squash, a
 * rebased commit): a line keeps its owner where the diff of the file from -> to left it as it
 * was; lines the diff changed are dropped. A file `to` lacks is left out (file-level).
 */
export function carryLines(
  git: GitRunner,
  from: string,
  to: string,
  lines: Readonly<Record<string, string>>,
): Record<string, string> {
  const files = Object.keys(lines);
  if (files.length === 0) return {};
  const before = readFilesAt(git, from, files);
  const after = readFilesAt(git, to, files);
  const present = files.filter((f) => before.has(f) && after.has(f) && parseRanges(lines[f]!) !== null);
  const scratch = mkdtempSync(join(tmpdir(), "git-traces-lines-"));
  let hunks: LineHunk[][];
  try {
    hunks = diffTexts(
      git,
      scratch,
      present.map((f) => [before.get(f)!, after.get(f)!] as const),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const out: Record<string, string> = {};
  present.forEach((f, i) => {
    const kept: number[] = [];
    for (const [a, b] of parseRanges(lines[f]!)!)
      for (let n = a; n <= b; n++) {
        const m = mapLine(hunks[i]!, n);
        if (m !== null) kept.push(m);
      }
    out[f] = toRanges(kept);
  });
  return out;
}
