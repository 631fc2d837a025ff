// Commits made without the shim (an IDE or GUI that runs git directly) get their traces
// when they are next pushed through it: the same detection as on commit, over recent
// commits that have no note yet.

import { writeAttachments } from "../attach/note-lines.ts";
import { detectTraces } from "../attach/detect.ts";
import { commitInfo, commitsSinceTime, type RepoState } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import { readNotes } from "../notes/store.ts";

const MAX_COMMITS = 100;

/** Attaches traces to commits on `tip` since `sinceS` that have none; returns how many got some. */
export async function catchUp(
  git: GitRunner,
  state: RepoState,
  env: Record<string, string | undefined>,
  sinceS: number,
  tip = "HEAD",
): Promise<number> {
  const commits = commitsSinceTime(git, tip, sinceS, MAX_COMMITS);
  if (commits.length === 0) return 0;
  const noted = readNotes(git, commits);
  const bare = commits.filter((c) => !noted.has(c));
  if (bare.length === 0) return 0;
  const infos = commitInfo(git, bare);
  const attachments = await detectTraces({ git, state, commits: infos, env });
  return writeAttachments(git, attachments, "git-traces: catch-up", infos).length;
}
