// What happens after a successful `git push`, in a background worker (the user's push has
// returned): merge notes (and shared traces) other clients fetched, give unnoted pushed
// commits their traces, push our notes, and our shared traces if any, to the same remote.
// Problems become one deferred warning.

import { stillQuiet } from "../attach/quiet.ts";
import type { GlobalOption } from "../git/globals.ts";
import { contextTokens } from "../git/globals.ts";
import { locateRealGit } from "../git/locate.ts";
import { commonDir, repoState } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { deferWarning } from "../interceptors/shared/deferred.ts";
import { reportFailure } from "../interceptors/shared/report.ts";
import { catchUp } from "./catch-up.ts";
import { mergePendingContent, mergePendingNotes } from "./merge.ts";
import { pushNotes } from "./push.ts";
import { autoSyncEnabled, defaultPushRemote, ensureNotesRefspecs, listRemotes, remoteKey } from "./remotes.ts";
import { readSyncState } from "./state.ts";

export interface PushJob {
  v: 1;
  cwd: string;
  globals: GlobalOption[];
  /** The remote the user named (a name, URL or path), or null for the default. */
  remote: string | null;
  noVerify: boolean;
  signed: string | null;
}

const DAY_S = 24 * 3600;

export async function afterPush(job: PushJob, env: Record<string, string | undefined>): Promise<void> {
  const real = locateRealGit(env);
  if (!real) return;
  const git = new GitRunner({ git: real.path, context: contextTokens(job.globals), cwd: job.cwd, env });
  const state = repoState(git);
  if (!state) return;
  try {
    const remotes = listRemotes(git);
    const remote = job.remote ?? defaultPushRemote(git, remotes);
    if (!remote) return;
    if (!autoSyncEnabled(git)) return;
    const names = remotes.map((r) => r.name);
    const key = remoteKey(remote, names);
    if (names.includes(remote)) ensureNotesRefspecs(git, remotes.filter((r) => r.name === remote));
    mergePendingNotes(git, state.gitDir);
    mergePendingContent(git, state.gitDir);
    await (await import("../upload/upload.ts")).retryUploads(git, state, env);
    const sync = readSyncState(commonDir(state.gitDir));
    const last = sync.remotes[key]?.lastPush;
    if (!stillQuiet(state.gitDir)) {
      const since = last ? Date.parse(last) / 1000 - DAY_S : Date.now() / 1000 - 14 * DAY_S;
      await catchUp(git, state, env, since);
    }
    if (sync.remotes[key]?.refused) return; // said once already; `git traces sync` tries again
    const outcome = pushNotes(git, state.gitDir, remote, key, { noVerify: job.noVerify, signed: job.signed, remotes });
    if (outcome.status === "refused") {
      deferWarning(env, `${remote} refuses refs/notes/traces (${outcome.detail}); git-traces will stop pushing notes there (retry: git traces sync ${remote})`);
    } else if (outcome.status === "failed" || outcome.status === "rejected") {
      deferWarning(env, `notes not pushed to ${remote}: ${outcome.detail}; they will be pushed with the next push`);
    }
    // One warning at most: the content's only when the notes went (a hook that declines the
    // push declines both).
    const content = outcome.status === "pushed" || outcome.status === "up-to-date" ? outcome.content : undefined;
    if (content?.status === "refused") {
      deferWarning(env, `${remote} refuses refs/traces/content (${content.detail}); git-traces will stop pushing shared traces there (retry: git traces sync ${remote})`);
    } else if (content?.status === "failed" || content?.status === "rejected") {
      deferWarning(env, `shared traces not pushed to ${remote}: ${content.detail}; they will be pushed with the next push`);
    }
  } catch (e) {
    reportFailure(state.gitDir, "push", "syncing notes failed", e);
    deferWarning(env, `syncing notes after the push failed: ${(e as Error).message.split("\n")[0]} (git traces logs)`);
  }
}
