// git fetch and git pull: every named remote carries a fetch refspec for our notes
// (src/sync/remotes.ts), so git brings them in the same round trip, into the remote's
// tracking ref (and its shared trace content, docs/sharing.md). Afterwards, notes and content
// that arrived are merged into ours (src/jobs/after-fetch.ts), never overwriting a note of ours.
// git pull also gets notes.rewriteRef, for when it rebases.
//
// git ignores configured refspecs when told what to fetch (`git fetch origin main`, `git
// pull origin main`, a URL): then, after git has succeeded, one more fetch of the notes
// refspecs alone brings them (a second round trip, only in that case; see docs/sync.md for
// why not on git's own command line). Submodules get the refspecs too, and what git's
// recursive fetch brought them is merged in each (src/sync/submodules.ts).
//
// At a terminal the shim does the cheap part (a few stats), starts a worker that waits for
// git to exit, and becomes git: a fetch costs git plus the shim's start-up, and a fetch that
// brings nothing starts no worker at all. In CI and other places nobody is at a terminal
// (src/jobs/mode.ts), git runs as a child and the work is done before the command returns.

import { contextTokens, gitCwd, plainGlobals } from "../git/globals.ts";
import { locateRealGit, type RealGit } from "../git/locate.ts";
import { passThrough } from "../git/passthrough.ts";
import { commonDir, commonDirQuick, gitDirQuick, repoState, type RepoState } from "../git/repo.ts";
import { GitRunner } from "../git/runner.ts";
import { traceMark } from "../git/trace.ts";
import { flushWarnings } from "../base/report.ts";
import { foreground } from "../jobs/mode.ts";
import { fetchStamp, settleIfPending } from "../jobs/pending.ts";
import type { FetchJob } from "../jobs/schemas.ts";
import { startWorker } from "../jobs/spawn.ts";
import { DOOR_REMOTES_FILE, readSyncState } from "../sync/state.ts";
import type { Invocation } from "./invocation.ts";
import { hasOption, operands, quietOutput } from "./shared/args.ts";
import type { InterceptContext } from "./shared/run.ts";

// Options of fetch and pull that take a value, as the next argument when not glued.
// (`--log`, `--rebase`, `--recurse-submodules`, `-S`/`--gpg-sign` take one only glued.)
const FETCH_ARGS = {
  withValue: [
    "--depth",
    "--deepen",
    "--shallow-since",
    "--shallow-exclude",
    "--refmap",
    "-o",
    "--server-option",
    "-j",
    "--jobs",
    "--negotiation-tip",
    "--upload-pack",
    "--recurse-submodules-default",
    "--submodule-prefix",
    "--filter",
    "-s",
    "--strategy",
    "-X",
    "--strategy-option",
    "--cleanup",
  ],
};

/**
 * Makes sure every named remote of the repository at `gitDir` fetches our notes; costs a
 * stat while its config is unchanged (the runner, a function, is made only when git must
 * be asked). Returns the named remotes.
 */
export async function ensureRefspecs(git: GitRunner | (() => GitRunner), gitDir: string): Promise<string[]> {
  const common = commonDirQuick(gitDir);
  const configured = readSyncState(common).configured;
  // (The front door's copy missing: a listing writes it, after which plain fetches skip Bun.)
  if (
    configured &&
    configured.configMtime === Bun.file(`${common}/config`).lastModified &&
    Bun.file(`${common}/${DOOR_REMOTES_FILE}`).size > 0
  )
    return configured.remotes;
  const { configureRemotes } = await import("../sync/remotes.ts");
  return configureRemotes(typeof git === "function" ? git() : git, gitDir);
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

/** Merges what fetches brought into the repository at `gitDir` (src/jobs/after-fetch.ts; clone uses it too). */
export async function mergeArrived(git: GitRunner, gitDir: string, also: readonly string[] = []): Promise<void> {
  const { mergeArrived: merge } = await import("../jobs/after-fetch.ts");
  await merge(git, gitDir, also);
}

/** The repository, from stats when that is enough (the fetch path counts milliseconds). */
async function locate(ctx: InterceptContext): Promise<RepoState | null> {
  const gitDir = plainGlobals(ctx.inv) ? await gitDirQuick(gitCwd(ctx.inv), ctx.env) : null;
  return gitDir ? { gitDir, topLevel: null, head: null } : repoState(ctx.git);
}

/** The job of the fetch's trace work (src/jobs/schemas.ts FetchJobSchema). */
async function fetchJob(
  inv: Invocation,
  gitDir: string,
  common: string,
  named: readonly string[] | null,
  submodules: readonly string[],
): Promise<FetchJob> {
  let fetchHead = true;
  for (const a of inv.commandArgs) {
    if (a === "--") break;
    if (a === "--no-write-fetch-head") fetchHead = false;
    else if (a === "--write-fetch-head") fetchHead = true;
  }
  return {
    v: 1,
    pid: process.pid,
    start: Date.now(),
    cwd: process.cwd(),
    gitDir,
    commonDir: common,
    globals: inv.globals,
    source: await sourceWithoutNotes(inv.commandArgs, named ?? []),
    named: [...(named ?? [])],
    submodules: [...submodules],
    fetchHead,
  };
}

/**
 * Gives the repository's remotes, and its submodules', our refspecs before git reads the
 * config, so that this very fetch brings the notes (into the submodules too, when git's
 * fetch goes into them). Returns the named remotes (null when finding them failed) and
 * the submodules' git directories.
 */
async function prepare(
  git: () => GitRunner,
  gitDir: string,
  common: string,
  gitPath: () => string,
  env: Record<string, string | undefined>,
): Promise<{ named: readonly string[] | null; submodules: string[] }> {
  let named: readonly string[] | null = null;
  let submodules: string[] = [];
  try {
    named = await ensureRefspecs(git, gitDir);
    // (A stat first: most repositories have no submodules, and the module that finds them
    // loads node:fs, ~2 ms.)
    if (Bun.file(`${common}/modules`).size > 0) {
      const { runnerIn, submoduleGitDirs } = await import("../sync/submodules.ts");
      submodules = submoduleGitDirs(common);
      for (const dir of submodules) await ensureRefspecs(() => runnerIn(gitPath(), dir, env), dir);
    }
  } catch {
    // only this fetch's notes are missed; the next one tries again
  }
  return { named, submodules };
}

/**
 * Where a fetch leaves news for our merge, in a common directory: the remotes' tracking refs
 * (notes, shared content), or the files that hold packed refs. (The front door looks at
 * the same ones: scripts/lib/front-door.ts.)
 */
export const FETCH_NEWS = ["refs/notes/remotes", "refs/traces/remotes", "packed-refs", "reftable"] as const;

function trackingPaths(dirs: readonly string[]): string[] {
  return dirs.flatMap((d) => FETCH_NEWS.map((news) => `${d}/${news}`));
}

/**
 * At a terminal (src/jobs/mode.ts): the cheap work before git, a worker that waits for git
 * to exit (src/jobs/after-fetch.ts), then the shim becomes git. The worker's shell starts
 * it only when a notes fetch of its own is due or a tracking ref is newer than the last
 * merge, so a fetch that brings nothing starts no second Bun process. Returns only when
 * this cannot be done: the caller runs git as a child then.
 */
async function inBackground(inv: Invocation, pull: boolean): Promise<void> {
  const env = process.env;
  const gitDir = plainGlobals(inv) ? await gitDirQuick(gitCwd(inv), env) : null;
  if (!gitDir) return;
  const common = commonDirQuick(gitDir);
  const quiet = quietOutput(inv.commandArgs, FETCH_ARGS);
  await settleIfPending(env, common, { quiet });
  flushWarnings(env, quiet);
  traceMark("repository found");
  let real: RealGit | null | undefined;
  const gitPath = () => (real ??= locateRealGit(env))?.path ?? "git";
  let runner: GitRunner | undefined;
  const git = () => (runner ??= new GitRunner({ git: gitPath(), context: contextTokens(inv.globals), env }));
  const { named, submodules } = await prepare(git, gitDir, common, gitPath, env);
  const job = await fetchJob(inv, gitDir, common, named, submodules);
  // A notes fetch of its own is due: the worker always starts (it tells from FETCH_HEAD
  // whether git's fetch succeeded). Else only when something arrived since the last merge.
  const onlyIfNewer = job.source
    ? undefined
    : { paths: trackingPaths([common, ...submodules]), than: fetchStamp(common) };
  if (
    !(await startWorker("after-fetch", job, env, {
      commonDir: common,
      waitFor: process.pid,
      ...(onlyIfNewer ? { onlyIfNewer } : {}),
    }))
  )
    return;
  traceMark("fetch worker started");
  passThrough(pull ? (await import("./shared/run.ts")).rewriteNotes(gitDir, null) : []);
}

function fetchLike(pull: boolean) {
  return async (inv: Invocation): Promise<never> => {
    traceMark("fetch interceptor");
    if (hasOption(inv.commandArgs, ["--dry-run"], FETCH_ARGS)) passThrough();
    if (!foreground(process.env)) await inBackground(inv, pull);
    // Nobody at a terminal (CI, an agent's sandbox): git as a child, the work before the command returns.
    let gitDir: string | null = null;
    const { intercept, rewriteNotes } = await import("./shared/run.ts");
    return intercept(inv, {
      globals: (ctx) => (pull ? rewriteNotes(gitDir, ctx.git) : []),
      before: async (ctx) => {
        const state = await locate(ctx);
        if (!state) return null;
        gitDir = state.gitDir;
        const common = commonDir(state.gitDir);
        const { named, submodules } = await prepare(
          () => ctx.git,
          state.gitDir,
          common,
          () => ctx.real.path,
          ctx.env,
        );
        return { state, common, named, submodules };
      },
      after: async (ctx, { state, common, named, submodules }) => {
        ctx.gitDir = state.gitDir;
        const { afterFetch } = await import("../jobs/after-fetch.ts");
        const { warn } = await import("../base/report.ts");
        await afterFetch(await fetchJob(inv, state.gitDir, common, named, submodules), ctx.env, warn, {
          git: ctx.git,
          succeeded: true,
        });
      },
      gitDirOf: ({ state }) => state.gitDir,
    });
  };
}

export const fetch = fetchLike(false);
export const pull = fetchLike(true);
