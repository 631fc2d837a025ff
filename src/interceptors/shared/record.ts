// After a command made commits: find the traces behind each new commit (and those of the
// commits it was copied from) and write them into the notes, in one notes commit.

import { existsSync, readFileSync } from "node:fs";
import { agentFromEnv, detectTraces, type Attachment } from "../../attach/detect.ts";
import { noteLines } from "../../attach/attach.ts";
import { commitsSince, configBool, tracesConfig, type CommitInfo, type RepoState } from "../../git/repo.ts";
import { mergeIntoNote, metaLine, parseNote, tracesLine } from "../../notes/format.ts";
import { readNotes, updateNotes } from "../../notes/store.ts";
import type { InterceptContext } from "./run.ts";
import { warn } from "./report.ts";

export interface RecordOptions {
  /** The commits made, when the caller knows better than "everything since HEAD was before". */
  commits?: CommitInfo[];
  /** For each new commit, the commits whose traces it carries over (cherry-pick, squash merge). */
  copyFrom?: (commits: CommitInfo[]) => Map<string, string[]>;
  /** The commits are new and git copied no notes onto them (not an amend). */
  fresh?: boolean;
}

/** Lines of `note` about traces, ready to merge into another note. */
function tracesOf(note: string): string[] {
  return parseNote(note).traces.flatMap((t) => [tracesLine(t.id, t.url), ...(t.meta ? [metaLine(t.id, t.meta)] : [])]);
}

export function tracingEnabled(ctx: InterceptContext): boolean {
  return configBool(tracesConfig(ctx.git).get("traces.enabled")?.at(-1), true);
}

export async function recordNewCommits(ctx: InterceptContext, before: RepoState, opts: RecordOptions = {}): Promise<void> {
  const commits = opts.commits ?? commitsSince(ctx.git, before.head);
  if (commits.length === 0) return;
  const lines = new Map<string, string[]>();
  const add = (commit: string, more: string[]) => lines.set(commit, [...(lines.get(commit) ?? []), ...more]);

  const copies = opts.copyFrom?.(commits);
  if (copies && copies.size) {
    const sources = [...new Set([...copies.values()].flat())];
    const notes = readNotes(ctx.git, sources);
    for (const [commit, from] of copies) for (const s of from) add(commit, tracesOf(notes.get(s) ?? ""));
  }

  let enabled: boolean | undefined;
  const attachments: Attachment[] = await detectTraces({
    git: ctx.git,
    state: before,
    commits,
    env: ctx.env,
    insideAgent: agentFromEnv(ctx.env),
    // Settings are read only when some session might belong here: most commits stop earlier.
    beforeRead: () => (enabled = tracingEnabled(ctx)),
    // An unreadable transcript is some other session's problem, not this commit's: say it only when tracing.
    onSkip: (path, reason) => {
      if (ctx.env.GIT_TRACES_TRACE) warn(`skipped ${path}: ${reason}`);
    },
  });
  for (const a of attachments) add(a.commit, noteLines(a.trace, a.files));
  if (lines.size === 0) return;
  if (enabled === undefined && !tracingEnabled(ctx)) return;
  if (enabled === false) return;
  const last = commits.at(-1)!;
  updateNotes(ctx.git, [...lines.keys()], (commit, current) => mergeIntoNote(current, lines.get(commit)!), {
    message: `git-traces: ${ctx.inv.command}`,
    // The user's own identity, as on the commit just made; no extra git call to ask for it.
    ident: `${last.committerName} <${last.committerEmail}>`,
    fresh: opts.fresh ?? false,
  });
}

/** Lines of a file that name commits (sequencer todo lists, our squash record). */
export function commitsInFile(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .map((l) => /\b([0-9a-f]{40}(?:[0-9a-f]{24})?)\b/.exec(l)?.[1] ?? /^(?:pick|p)\s+([0-9a-f]{4,64})\b/.exec(l)?.[1])
      .filter((x): x is string => Boolean(x));
  } catch {
    return [];
  }
}
