// The frame of every interceptor: run the real git as a child with full fidelity, then do
// trace work only if git succeeded, and end exactly as git ended whatever happens.

import { exitLike, runChild } from "../../git/exec.ts";
import { contextTokens } from "../../git/globals.ts";
import { locateRealGit, type RealGit } from "../../git/locate.ts";
import { passThrough } from "../../git/passthrough.ts";
import { GitRunner, NESTED_ENV } from "../../git/runner.ts";
import { rewriteRefOptions } from "../../git/notes.ts";
import { commonDirQuick, gitDirQuick, refExistsOnDisk, repoState, resolveCommit } from "../../git/repo.ts";
import { gitCwd, plainGlobals } from "../../git/globals.ts";
import type { Invocation } from "../invocation.ts";
import { flushWarnings, reportFailure } from "../../base/report.ts";
import { traceMark } from "../../git/trace.ts";
import { anyPending } from "../../jobs/hint.ts";
import { quietOutput } from "./args.ts";

export interface InterceptContext {
  inv: Invocation;
  real: RealGit;
  /** Runner for the tool's own git calls, with the user's -C/-c/--git-dir applied. */
  git: GitRunner;
  env: Record<string, string | undefined>;
  /** Set by trace work once it knows the repository: failures are logged there. */
  gitDir?: string;
}

export interface Plan<S> {
  /** Global options put before the user's own (e.g. `-c notes.rewriteRef=...`); a function is asked after before(). */
  globals?: readonly string[] | ((ctx: InterceptContext) => readonly string[]);
  /**
   * Looks at the repository before git runs. undefined/null: no trace work afterwards. Without it, after() always
   * runs.
   */
  before?(ctx: InterceptContext): S | null | undefined | Promise<S | null | undefined>;
  /**
   * Work started as soon as git is running, awaited when it has finished: what can be
   * done before the outcome is known, done while git works. A failure here only means
   * after() gets no head start (undefined).
   */
  during?(ctx: InterceptContext, state: S): Promise<unknown>;
  /** Trace work after git succeeded. Errors are reported as one warning, never raised. */
  after?(ctx: InterceptContext, state: S, early?: unknown): Promise<void> | void;
  /** The git directory, for the log of a failure. */
  gitDirOf?(state: S): string | null;
}

const NOTES_REF = "refs/notes/traces";

/** Rewrites keep our notes: git copies them itself when told which ref (adds to the user's own values). */
const REWRITE_NOTES = rewriteRefOptions(NOTES_REF);

/**
 * REWRITE_NOTES once our notes ref exists, else nothing: git warns "notes ref ... is invalid"
 * on every rewrite when the ref is missing, even with -q, and without the ref there is no
 * note to copy. On disk when the git directory is known, else one git call.
 */
export function rewriteNotes(gitDir: string | null, git: GitRunner | null): readonly string[] {
  let exists = gitDir ? refExistsOnDisk(gitDir, NOTES_REF) : undefined;
  exists ??= git ? resolveCommit(git, NOTES_REF) !== null : true;
  return exists ? REWRITE_NOTES : [];
}

/**
 * Background trace work of this repository lands first (this command may read or move its
 * notes), and work cut short is redone (src/jobs/settle.ts). One stat when nothing is
 * pending anywhere.
 */
async function settleRepository(inv: Invocation, git: GitRunner, quiet: boolean): Promise<void> {
  const env = process.env;
  if (!anyPending(env)) return;
  const gitDir = (plainGlobals(inv) ? await gitDirQuick(gitCwd(inv), env) : null) ?? repoState(git)?.gitDir ?? null;
  if (!gitDir) return;
  const { settle } = await import("../../jobs/settle.ts");
  await settle(env, commonDirQuick(gitDir), { quiet });
}

export async function intercept<S>(inv: Invocation, plan: Plan<S>): Promise<never> {
  traceMark(`intercept ${inv.command}`);
  const real = locateRealGit();
  if (!real) passThrough(); // reports the missing git and exits 127
  const env = process.env;
  const ctx: InterceptContext = {
    inv,
    real,
    git: new GitRunner({ git: real.path, context: contextTokens(inv.globals), env }),
    env,
  };
  const quiet = quietOutput(inv.commandArgs, { withValue: [] });
  try {
    await settleRepository(inv, ctx.git, quiet);
  } catch (e) {
    reportFailure(null, inv.command, "could not settle earlier background trace work", e);
  }
  // What background work of earlier commands could not say (a notes push that failed).
  flushWarnings(env, quiet);
  let state: S | null | undefined;
  try {
    state = plan.before ? await plan.before(ctx) : ({} as S);
  } catch (e) {
    reportFailure(null, inv.command, "could not read the repository state", e);
    state = undefined;
  }
  traceMark("running git");
  let running;
  try {
    const globals = typeof plan.globals === "function" ? plan.globals(ctx) : (plan.globals ?? []);
    running = runChild(real.path, [inv.argv0, ...globals, ...inv.args], { ...env, [NESTED_ENV]: "1" });
  } catch (e) {
    // Could not start git as a child: let the user's command run as if the shim were not here.
    reportFailure(null, inv.command, "could not run git as a child; running it directly, without trace work", e);
    passThrough();
  }
  // git is running (the spawn happened inside runChild before its first await).
  const early =
    state !== undefined && state !== null && plan.during
      ? plan.during(ctx, state).catch(() => undefined)
      : Promise.resolve(undefined);
  let result;
  try {
    result = await running;
  } catch (e) {
    reportFailure(null, inv.command, "could not run git as a child; running it directly, without trace work", e);
    passThrough();
  }
  traceMark("git done");
  if (result.code === 0 && !result.signal && state !== undefined && state !== null && plan.after) {
    try {
      await plan.after(ctx, state, await early);
    } catch (e) {
      reportFailure(
        ctx.gitDir ?? plan.gitDirOf?.(state) ?? null,
        inv.command,
        `could not record traces for this ${inv.command}`,
        e,
      );
    }
  }
  traceMark("trace work done");
  exitLike(result);
}
