// git fetch and git pull: every named remote carries a fetch refspec for our notes
// (src/sync/remotes.ts), so git brings them in the same round trip, into the remote's
// tracking ref (and its shared trace content, docs/sharing.md). Afterwards, notes and content
// that arrived are merged into ours here, never overwriting a note of ours. With nothing new the cost is a few stats.
// git pull also gets notes.rewriteRef, for when it rebases.

import { passThrough } from "../git/passthrough.ts";
import { commonDir, gitDirQuick, repoState, type RepoState } from "../git/repo.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption } from "./shared/args.ts";
import { intercept, rewriteNotes, type InterceptContext } from "./shared/run.ts";

const FETCH_ARGS = { withValue: ["--depth", "--deepen", "--shallow-since", "--shallow-exclude", "--refmap", "-o", "--server-option", "-j", "--jobs", "--negotiation-tip", "--upload-pack", "--recurse-submodules-default", "-s", "--strategy", "-X", "--strategy-option", "--log"] };

/** Makes sure every named remote fetches our notes; costs a stat while .git/config is unchanged. */
async function ensureRefspecs(ctx: InterceptContext, state: RepoState): Promise<void> {
  const common = commonDir(state.gitDir);
  const { readSyncState, updateSyncState } = await import("../sync/state.ts");
  const configMtime = Bun.file(`${common}/config`).lastModified;
  if (readSyncState(common).configured?.configMtime === configMtime) return;
  const { autoSyncEnabled, ensureNotesRefspecs, listRemotes } = await import("../sync/remotes.ts");
  const remotes = listRemotes(ctx.git);
  if (autoSyncEnabled(ctx.git)) ensureNotesRefspecs(ctx.git, remotes);
  updateSyncState(common, (s) => {
    s.configured = { configMtime: Bun.file(`${common}/config`).lastModified, remotes: remotes.map((r) => r.name) };
  });
}

/** The repository, from stats when that is enough (the fetch path counts milliseconds). */
async function locate(ctx: InterceptContext): Promise<RepoState | null> {
  const { gitCwd, plainGlobals } = await import("./commit.ts");
  const gitDir = plainGlobals(ctx.inv) ? await gitDirQuick(gitCwd(ctx.inv), ctx.env) : null;
  return gitDir ? { gitDir, topLevel: null, head: null } : repoState(ctx.git);
}

function fetchLike(pull: boolean) {
  return async (inv: Invocation): Promise<never> => {
    if (hasOption(inv.commandArgs, ["--dry-run"], FETCH_ARGS)) passThrough();
    let gitDir: string | null = null;
    return intercept(inv, {
      globals: (ctx) => (pull ? rewriteNotes(gitDir, ctx.git) : []),
      before: async (ctx) => {
        const state = await locate(ctx);
        if (!state) return null;
        gitDir = state.gitDir;
        // Before git reads the config, so that this very fetch brings the notes.
        try {
          await ensureRefspecs(ctx, state);
        } catch {
          // only this fetch's notes are missed; the next one tries again
        }
        return { state };
      },
      after: async (ctx, { state }) => {
        ctx.gitDir = state.gitDir;
        const { brokenNotesWarning, mergePendingContent, mergePendingNotes } = await import("../sync/merge.ts");
        const { warn } = await import("./shared/report.ts");
        mergePendingNotes(ctx.git, state.gitDir, (key, e) => warn(brokenNotesWarning(key, e)));
        mergePendingContent(ctx.git, state.gitDir, (key) => warn(`the shared traces fetched from ${key} are not a commit (refs/traces/remotes/${key}/content); left out`));
      },
      gitDirOf: ({ state }) => state.gitDir,
    });
  };
}

export const fetch = fetchLike(false);
export const pull = fetchLike(true);
