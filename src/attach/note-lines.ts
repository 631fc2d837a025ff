// Writing what detection found: one `traces:` and one `traces-meta:` line per trace and
// commit, merged into the commit's note.

import type { GitRunner } from "../git/runner.ts";
import { mergeIntoNote, metaLine, tracesLine, type TraceMeta } from "../notes/format.ts";
import { updateNotes } from "../notes/store.ts";
import { primaryModel, toolCounts, type Trace } from "../traces/model.ts";
import { redactTitle } from "../traces/redact.ts";
import type { Attachment } from "./detect.ts";
import type { CommitInfo } from "../git/repo.ts";
import { lineRanges } from "./lines.ts";

/**
 * What a note records about a trace on one commit. The note is pushed whether or not trace
 * content is shared, so its one piece of free text, the title (from the first prompt),
 * passes the redactor too (docs/redaction.md).
 */
export function traceMeta(
  trace: Trace,
  files: readonly string[],
  home = process.env.HOME ?? "",
  lines?: Record<string, string>,
): TraceMeta {
  const model = primaryModel(trace);
  return {
    agent: trace.agent,
    ...(trace.agentVersion ? { agentVersion: trace.agentVersion } : {}),
    ...(model ? { model } : {}),
    ...(trace.models.length > 1 ? { models: trace.models } : {}),
    title: redactTitle(trace.title, { home }),
    files: [...files],
    ...(lines && Object.keys(lines).length ? { lines } : {}),
    ...(trace.start ? { start: trace.start } : {}),
    ...(trace.end ? { end: trace.end } : {}),
    tools: toolCounts(trace),
    tokens: { ...trace.tokens },
  };
}

export function noteLines(
  trace: Trace,
  files: readonly string[],
  url?: string,
  lines?: Record<string, string>,
): string[] {
  return [tracesLine(trace.id, url), metaLine(trace.id, traceMeta(trace, files, undefined, lines))];
}

/**
 * Writes the attachments in one notes commit; returns the commits whose note changed. Given
 * the commits, the notes say which lines each session wrote (attach/lines.ts).
 */
export function writeAttachments(
  git: GitRunner,
  attachments: readonly Attachment[],
  message = "git-traces: attach",
  commits: readonly CommitInfo[] = [],
): string[] {
  const ranges = lineRanges(git, commits, attachments);
  const byCommit = new Map<string, string[]>();
  for (const a of attachments)
    byCommit.set(a.commit, [
      ...(byCommit.get(a.commit) ?? []),
      ...noteLines(a.trace, a.files, undefined, ranges.get(a.commit)?.get(a.trace.id)),
    ]);
  if (byCommit.size === 0) return [];
  return updateNotes(git, [...byCommit.keys()], (commit, current) => mergeIntoNote(current, byCommit.get(commit)!), {
    message,
  });
}
