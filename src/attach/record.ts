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
  updateNotes(ctx.git, [...lines.keys()], (commit, current) => mergeIntoNote(current, lines.get(commit)!), {
    message: `git-traces: ${ctx.inv.command}`,
    // The user's own identity, as on the commit just made; no extra git call to ask for it.
    ident: `${last.committerName} <${last.committerEmail}>`,
    fresh: opts.fresh ?? false,
    ...(opts.fresh ? { refExists: refExistsOnDisk(before.gitDir, NOTES_REF) } : {}),
  });
}
