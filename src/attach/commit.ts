// The trace work of `git commit`, for the background worker (src/jobs/after-commit.ts) and
// for the foreground (src/interceptors/commit-foreground.ts), where git runs as a child and
// the agent sessions are found and read while it commits.

import { existsSync } from "node:fs";
import type { Prepared } from "./detect.ts";
import { locateRepoOnDisk, repoStateAsync, tipCommit, type CommitInfo, type RepoState } from "../git/repo.ts";
import { gitCwd, plainGlobals } from "../git/globals.ts";
import type { TraceWork } from "./context.ts";

export interface FoundSessions {
  state: RepoState;
  /** null: tracing is turned off here. */
  prepared: Prepared | null;
  squash: boolean;
}

/** The commit's time as far as we can know it before it exists (tests and scripts pin it). */
function commitTimeS(env: Record<string, string | undefined>): number {
  const now = Date.now() / 1000;
  const pinned = env.GIT_COMMITTER_DATE ? Date.parse(env.GIT_COMMITTER_DATE.replace(/^@/, "")) / 1000 : NaN;
  return Number.isFinite(pinned) ? Math.min(now, pinned) : now;
}

/** Finds and reads the sessions that may be behind a commit in this worktree. */
export async function findSessions(ctx: TraceWork): Promise<FoundSessions | null> {
  // The modules load while we find the repository.
  const modules = Promise.all([import("./detect.ts"), import("./settings.ts"), import("./squash.ts")]);
  const onDisk = plainGlobals(ctx.inv) ? locateRepoOnDisk(gitCwd(ctx.inv), ctx.env) : null;
  const state = onDisk ? { ...onDisk, head: null } : await repoStateAsync(ctx.git);
  if (!state) return null;
  const [{ prepareDetection, WINDOW_S }, { skipQuietly, tracingEnabled }, { squashRecord }] = await modules;
  let enabled = true;
  const prepared = await prepareDetection({
    state,
    env: ctx.env,
    sinceS: commitTimeS(ctx.env) - WINDOW_S,
    beforeRead: () => (enabled = tracingEnabled(ctx, state.gitDir)),
    onSkip: skipQuietly(ctx),
  });
  // Remember that nobody was here, so that the next commit can skip all this (attach/quiet.ts).
  const { forgetQuiet, recordQuiet } = await import("./quiet.ts");
  const { existsSync: hooked } = await import("node:fs");
  if (
    enabled &&
    prepared.traces.length === 0 &&
    prepared.candidates === 0 &&
    !hooked(`${state.gitDir}/traces/active.json`) &&
    state.topLevel
  ) {
    const { worktreeRoots } = await import("./detect.ts");
    await recordQuiet(state.gitDir, worktreeRoots(state.topLevel), prepared.earliestS, ctx.env).catch(() => undefined);
  } else {
    await forgetQuiet(state.gitDir);
  }
  return { state, prepared: enabled ? prepared : null, squash: existsSync(squashRecord(state.gitDir)) };
}

/** Writes the traces of `made` (HEAD when not given); returns the commit when there was trace work. */
export async function recordCommit(
  ctx: TraceWork,
  found: FoundSessions | null,
  amend: boolean,
  made?: CommitInfo | null,
): Promise<CommitInfo | null> {
  // Nobody to attach, or tracing turned off here: done, without another git call.
  if (!found || found.prepared === null || (!found.squash && !found.prepared.traces.length)) return null;
  ctx.gitDir = found.state.gitDir;
  made ??= await tipCommit(ctx.git);
  if (!made) return null;
  const { recordNewCommits } = await import("./record.ts");
  const { takeSquashSources } = await import("./squash.ts");
  const squashed = found.squash ? takeSquashSources(found.state.gitDir, made) : [];
  await recordNewCommits(ctx, found.state, {
    commits: [made],
    fresh: !amend,
    copyFrom: () => new Map(squashed.length ? [[made.oid, squashed]] : []),
    prepared: found.prepared,
  });
  return made;
}
