// git fetch and git pull: every named remote carries a fetch refspec for our notes
// (src/sync/remotes.ts), so git brings them in the same round trip, into the remote's
// tracking ref (and its shared trace content, docs/sharing.md). Afterwards, notes and content
// that arrived are merged into ours here, never overwriting a note of ours. With nothing new the cost is a few stats.
// git pull also gets notes.rewriteRef, for when it rebases.
//
// git ignores configured refspecs when told what to fetch (`git fetch origin main`, `git
// pull origin main`, a URL): then, after git has succeeded, one more fetch of the notes
// refspecs alone brings them (a second round trip, only in that case; see docs/sync.md for
// why not on git's own command line). Submodules get the refspecs too, and what git's
// recursive fetch brought them is merged in each (src/sync/submodules.ts).

import { passThrough } from "../git/passthrough.ts";
import { commonDir, gitDirQuick, repoState, type RepoState } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands } from "./shared/args.ts";
import { intercept, rewriteNotes, type InterceptContext } from "./shared/run.ts";

// Options of fetch and pull that take a value, as the next argument when not glued.
// (`--log`, `--rebase`, `--recurse-submodules`, `-S`/`--gpg-sign` take one only glued.)
const FETCH_ARGS = {
  withValue: ["--depth", "--deepen", "--shallow-since", "--shallow-exclude", "--refmap", "-o", "--server-option", "-j", "--jobs", "--negotiation-tip", "--upload-pack", "--recurse-submodules-default", "--submodule-prefix", "--filter", "-s", "--strategy", "-X", "--strategy-option", "--cleanup"],
};

/**
 * Makes sure every named remote of the repository at `gitDir` fetches our notes; costs a
 * stat while its config is unchanged. Returns the named remotes.
 */
export async function ensureRefspecs(git: GitRunner, gitDir: string): Promise<string[]> {
  const common = commonDir(gitDir);
  const { readSyncState } = await import("../sync/state.ts");
  const configured = readSyncState(common).configured;
  if (configured && configured.configMtime === Bun.file(`${common}/config`).lastModified) return configured.remotes;
  const { configureRemotes } = await import("../sync/remotes.ts");
  return configureRemotes(git, gitDir);
}

/**
 * Where git's own fetch brings no notes from, for this fetch or pull: the remote or URL
 * named on the command line when refspecs follow it (git then ignores the configured ones),
 * or a URL or path that is no named remote. null when git's fetch brings them itself (no
 * source named, a named remote alone, --all, a remote group) or fetches nothing (`.`).
 */
export async function sourceWithoutNotes(args: readonly string[], named: readonly string[]): Promise<string | null> {
  if (hasOption(args, ["--all", "--multiple", "--negotiate-only", "--prefetch"], FETCH_ARGS)) return null;
  const [source, ...refspecs] = operands(args, FETCH_ARGS);
  if (!source) return null;
  const isNamed = named.includes(source);
  // With --stdin the refspecs come from there: as good as given.
  if (isNamed && refspecs.length === 0 && !hasOption(args, ["--stdin"], FETCH_ARGS)) return null;
  const { isUrlOrPath, refspecsTakeNotes } = await import("../sync/remotes.ts");
  if (!isNamed && !isUrlOrPath(source)) return null;
  if (refspecsTakeNotes(refspecs)) return null;
  return source;
}

/** Fetches the notes (and shared content) of `source` alone; returns the key to merge, or null. */
async function fetchNotesOf(ctx: InterceptContext, source: string, named: readonly string[]): Promise<string | null> {
  const { autoSyncEnabled, remoteKey } = await import("../sync/remotes.ts");
  if (!autoSyncEnabled(ctx.git)) return null;
  const key = remoteKey(source, named);
  const { fetchNotes } = await import("../sync/push.ts");
  const fetched = fetchNotes(ctx.git, source, key);
  if (!fetched.ok) {
    const { warn } = await import("../base/report.ts");
    const { withoutPassword } = await import("../git/where.ts");
    warn(`notes not fetched from ${withoutPassword(source)}: ${fetched.detail ?? "git fetch failed"}`);
    return null;
  }
  return key;
}

/** Merges what fetches brought into the repository at `gitDir`; `also`: a URL's key, just fetched. */
export async function mergeArrived(git: GitRunner, gitDir: string, also: readonly string[] = []): Promise<void> {
  const { brokenNotesWarning, mergePendingContent, mergePendingNotes } = await import("../sync/merge.ts");
  const { warn } = await import("../base/report.ts");
  mergePendingNotes(git, gitDir, (key, e) => warn(brokenNotesWarning(key, e)), also);
  mergePendingContent(git, gitDir, (key) => warn(`the shared traces fetched from ${key} are not a commit (refs/traces/remotes/${key}/content); left out`), also);
}

/** The repository, from stats when that is enough (the fetch path counts milliseconds). */
async function locate(ctx: InterceptContext): Promise<RepoState | null> {
  const { gitCwd, plainGlobals } = await import("../git/globals.ts");
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
        // Before git reads the config, so that this very fetch brings the notes (into the
        // submodules too, when git's fetch goes into them).
        let named: readonly string[] | null = null;
        let submodules: string[] = [];
        try {
          named = await ensureRefspecs(ctx.git, state.gitDir);
          const { runnerIn, submoduleGitDirs } = await import("../sync/submodules.ts");
          submodules = submoduleGitDirs(commonDir(state.gitDir));
          for (const dir of submodules) await ensureRefspecs(runnerIn(ctx.real.path, dir, ctx.env), dir);
        } catch {
          // only this fetch's notes are missed; the next one tries again
        }
        return { state, named, submodules };
      },
      after: async (ctx, { state, named, submodules }) => {
        ctx.gitDir = state.gitDir;
        const also: string[] = [];
        // (Without the remotes' names, when finding them failed, no second fetch: at worst
        // this fetch's notes come with the next.)
        const source = await sourceWithoutNotes(inv.commandArgs, named ?? []);
        if (source) {
          const key = await fetchNotesOf(ctx, source, named ?? []);
          if (key) also.push(key);
        }
        await mergeArrived(ctx.git, state.gitDir, also);
        if (submodules.length) {
          const { runnerIn } = await import("../sync/submodules.ts");
          for (const dir of submodules) await mergeArrived(runnerIn(ctx.real.path, dir, ctx.env), dir);
        }
      },
      gitDirOf: ({ state }) => state.gitDir,
    });
  };
}

export const fetch = fetchLike(false);
export const pull = fetchLike(true);
