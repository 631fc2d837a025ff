// What happens after a successful `git push`, in a background worker (the user's push has
// returned): merge notes (and shared traces) other clients fetched, give unnoted pushed
// commits their traces, push our notes, and our shared traces if any, to the same remote.
// Problems become one deferred warning.

import { stillQuiet } from "../attach/quiet.ts";
import { contextTokens } from "../git/globals.ts";
import { locateRealGit } from "../git/locate.ts";
import { commonDir, repoState } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { catchUp } from "../sync/catch-up.ts";
import { mergePendingContent, mergePendingNotes } from "../sync/merge.ts";
import { pushNotes } from "../sync/push.ts";
import { autoSyncEnabled, defaultPushRemote, listRemotes, remoteKey } from "../sync/remotes.ts";
import { readSyncState } from "../sync/state.ts";
import { clearMarks, unmarked } from "./pending.ts";
import type { PushJob } from "./schemas.ts";
import { deferWarning, writeLog } from "../base/report.ts";

export type { PushJob };

const DAY_S = 24 * 3600;

/**
 * The work itself. `say` is how a problem reaches the user: kept for the next command in
 * the background, printed at once in the foreground.
 */
export async function afterPush(
  job: PushJob,
  env: Record<string, string | undefined>,
  say: (line: string) => void = (l) => deferWarning(env, l),
): Promise<void> {
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
    // (The push interceptor gave the remotes our refspecs before returning: this may run
    // in the background, and never writes the user's config.)
    mergePendingNotes(git, state.gitDir);
    mergePendingContent(git, state.gitDir);
    const common = job.commonDir;
    await (await import("../upload/upload.ts")).retryUploads(
      git,
      state,
      env,
      common ? (work) => unmarked(env, common, work) : undefined,
    );
    const sync = readSyncState(commonDir(state.gitDir));
    const last = sync.remotes[key]?.lastPush;
    if (!stillQuiet(state.gitDir)) {
      const since = last ? Date.parse(last) / 1000 - DAY_S : Date.now() / 1000 - 14 * DAY_S;
      await catchUp(git, state, env, since);
    }
    if (sync.remotes[key]?.refused) return; // said once already; `git traces sync` tries again
    const outcome = pushNotes(git, state.gitDir, remote, key, { noVerify: job.noVerify, signed: job.signed, remotes });
    if (outcome.status === "refused") {
      say(
        `${remote} refuses refs/notes/traces (${outcome.detail}); ` +
          `git-traces will stop pushing notes there (retry: git traces sync ${remote})`,
      );
    } else if (outcome.status === "failed" || outcome.status === "rejected") {
      say(`notes not pushed to ${remote}: ${outcome.detail}; they will be pushed with the next push`);
    }
    // One warning at most: the content's only when the notes went (a hook that declines the
    // push declines both).
    const content = outcome.status === "pushed" || outcome.status === "up-to-date" ? outcome.content : undefined;
    if (content?.status === "refused") {
      say(
        `${remote} refuses refs/traces/content (${content.detail}); ` +
          `git-traces will stop pushing shared traces there (retry: git traces sync ${remote})`,
      );
    } else if (content?.status === "failed" || content?.status === "rejected") {
      say(`shared traces not pushed to ${remote}: ${content.detail}; they will be pushed with the next push`);
    }
  } catch (e) {
    const logged = writeLog(state.gitDir, "push", e);
    say(
      `syncing notes after the push failed: ${(e as Error).message.split("\n")[0]}` +
        `${logged ? " (details: git traces logs)" : ""}`,
    );
  }
}

/** The worker process: `git-traces after-push`. Killed before the end, its mark makes the next command redo it. */
export async function pushWorker(job: PushJob, env: Record<string, string | undefined>): Promise<void> {
  await afterPush(job, env);
  if (job.commonDir) clearMarks(env, job.commonDir, process.pid);
}
