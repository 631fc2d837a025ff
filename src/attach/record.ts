// After a command made commits: find the traces behind each new commit (and those of the
// commits it was copied from) and write them into the notes, in one notes commit.

import { agentFromEnv, matchTraces, prepareDetection, WINDOW_S, type Prepared } from "./detect.ts";
import { carryLines, lineRanges } from "./lines.ts";
import { writeLog } from "../base/report.ts";
import { noteLines } from "./note-lines.ts";
import { commitsSince, refExistsOnDisk, type CommitInfo, type RepoState } from "../git/repo.ts";
import { skipQuietly, tracingEnabled } from "./settings.ts";
import { mergeIntoNote, metaLine, NOTES_REF, parseNote, tracesLine } from "../notes/format.ts";
import { readNotes, updateNotes } from "../notes/store.ts";
import { revisionCommits } from "../git/revisions.ts";
import type { GitRunner } from "../git/runner.ts";
import type { TraceWork } from "./context.ts";

export interface RecordOptions {
  /** The commits made, when the caller knows better than "everything since HEAD was before". */
  commits?: CommitInfo[];
  /** For each new commit, the commits whose traces it carries over (cherry-pick, squash merge). */
  copyFrom?: (commits: CommitInfo[]) => Map<string, string[]>;
  /** The commits are new and git copied no notes onto them (not an amend). */
  fresh?: boolean;
  /** Sessions already found and read (while git ran), tracing known to be on. */
  prepared?: Prepared;
}

/**
 * New meta lines for a note that has some for the same traces (an amend, whose note git
 * copied and whose ranges were carried): where the new one gives a file no ranges (its
 * payloads were committed before the parent, say), the ranges the note had stay, files united.
 */
function keepRanges(current: string, add: readonly string[]): string[] {
  if (!current.includes('"lines":')) return [...add];
  const before = new Map(parseNote(current).traces.map((t) => [t.id, t.meta]));
  const fresh = parseNote(add.join("\n")).traces;
  return add.map((line) => {
    if (!line.startsWith("traces-meta:")) return line;
    const t = fresh.find((x) => line.startsWith(`traces-meta:${x.id} `));
    const old = t ? before.get(t.id) : undefined;
    if (!t?.meta || !old?.lines) return line;
    const files = [...new Set([...(t.meta.files ?? []), ...(old.files ?? [])])];
    const lines = { ...old.lines, ...t.meta.lines };
    return metaLine(t.id, { ...t.meta, files, lines });
  });
}

/**
 * Lines of `note` about traces, ready to merge into another note; `carry` turns line ranges
 * of the note's commit into the new commit's (attach/lines.ts carryLines).
 */
function tracesOf(note: string, carry?: (lines: Record<string, string>) => Record<string, string>): string[] {
  return parseNote(note).traces.flatMap((t) => {
    let meta = t.meta;
    if (meta?.lines && carry) {
      const { lines, ...rest } = meta;
      let carried: Record<string, string> | undefined;
      try {
        carried = carry(lines);
      } catch {
        // Unreadable here: the files keep file-level meaning.
      }
      meta = carried && Object.keys(carried).length ? { ...rest, lines: carried } : rest;
    }
    return [tracesLine(t.id, t.url), ...(meta ? [metaLine(t.id, meta)] : [])];
  });
}

export async function recordNewCommits(ctx: TraceWork, before: RepoState, opts: RecordOptions = {}): Promise<void> {
  const commits = opts.commits ?? commitsSince(ctx.git, before.head);
  if (commits.length === 0) return;
  const lines = new Map<string, string[]>();
  const add = (commit: string, more: string[]) => lines.set(commit, [...(lines.get(commit) ?? []), ...more]);

  const copies = opts.copyFrom?.(commits);
  if (copies?.size) {
    const sources = [...new Set([...copies.values()].flat())];
    const notes = readNotes(ctx.git, sources);
    for (const [commit, from] of copies)
      for (const s of from)
        add(
          commit,
          tracesOf(notes.get(s) ?? "", (l) => carryLines(ctx.git, s, commit, l)),
        );
  }

  // Sessions read while git ran were read only after the settings said yes.
  let enabled = (opts.prepared?.traces.length ? true : undefined) as boolean | undefined;
  const prepared =
    opts.prepared ??
    (await prepareDetection({
      state: before,
      env: ctx.env,
      sinceS: Math.min(...commits.map((c) => c.time)) - WINDOW_S,
      // Settings are read only when some session might belong here: most commits stop earlier.
      beforeRead: () => (enabled = tracingEnabled(ctx, before.gitDir)),
      onSkip: skipQuietly(ctx),
    }));
  const attachments = matchTraces(ctx.git, prepared, commits, agentFromEnv(ctx.env));
  const ranges = attachments.some((a) => a.trace.writes?.length)
    ? lineRanges(ctx.git, commits, attachments, (e) => writeLog(before.gitDir, "lines", e))
    : null;
  for (const a of attachments)
    add(a.commit, noteLines(a.trace, a.files, undefined, ranges?.get(a.commit)?.get(a.trace.id)));
  if (lines.size === 0) return;
  if (enabled === undefined && !tracingEnabled(ctx, before.gitDir)) return;
  if (enabled === false) return;
  const last = commits.at(-1)!;
  updateNotes(
    ctx.git,
    [...lines.keys()],
    (commit, current) => mergeIntoNote(current, keepRanges(current, lines.get(commit)!)),
    {
      message: `git-traces: ${ctx.inv.command}`,
      // The user's own identity, as on the commit just made; no extra git call to ask for it.
      ident: `${last.committerName} <${last.committerEmail}>`,
      fresh: opts.fresh ?? false,
      ...(opts.fresh ? { refExists: refExistsOnDisk(before.gitDir, NOTES_REF) } : {}),
    },
  );
}

/**
 * After git copied notes onto rewritten commits (commit --amend, rebase: notes.rewriteRef),
 * their line ranges still count lines of the old commits: carry them onto the new ones
 * (attach/lines.ts carryLines). `pairs` are [old, new]; returns the commits whose note changed.
 */
export function carryCopiedLines(git: GitRunner, pairs: readonly (readonly [string, string])[]): string[] {
  const updates = new Map<string, string[]>();
  const notes = readNotes(
    git,
    pairs.map(([, to]) => to),
  );
  for (const [from, to] of pairs) {
    const note = notes.get(to);
    if (!note?.includes('"lines":')) continue;
    const lines: string[] = [];
    for (const t of parseNote(note).traces) {
      if (!t.meta?.lines) continue;
      const { lines: ranges, ...rest } = t.meta;
      const carried = carryLines(git, from, to, ranges);
      lines.push(metaLine(t.id, Object.keys(carried).length ? { ...rest, lines: carried } : rest));
    }
    if (lines.length) updates.set(to, lines);
  }
  if (updates.size === 0) return [];
  return updateNotes(git, [...updates.keys()], (commit, current) => mergeIntoNote(current, updates.get(commit)!), {
    message: "git-traces: carry line ranges",
  });
}

/**
 * The commits a rebase rewrote, [old, new], from the tips before and after it: a new commit
 * whose note git copied byte for byte from exactly one old commit of the same subject.
 */
export function rewrittenPairs(git: GitRunner, oldTip: string, newTip: string): [string, string][] {
  const olds = revisionCommits(git, [`${newTip}..${oldTip}`]).slice(-1000);
  const news = revisionCommits(git, [`${oldTip}..${newTip}`]).slice(-1000);
  if (!olds.length || !news.length) return [];
  const notes = readNotes(
    git,
    [...olds, ...news].map((c) => c.oid),
  );
  const pairs: [string, string][] = [];
  for (const n of news) {
    const note = notes.get(n.oid);
    if (!note?.includes('"lines":')) continue;
    const same = olds.filter((o) => o.subject === n.subject && notes.get(o.oid) === note);
    if (same.length === 1) pairs.push([same[0]!.oid, n.oid]);
  }
  return pairs;
}
