// The frame of every interceptor: run the real git as a child with full fidelity, then do
// trace work only if git succeeded, and end exactly as git ended whatever happens.

import { exitLike, runChild } from "../../git/exec.ts";
import { contextTokens } from "../../git/globals.ts";
import { locateRealGit, type RealGit } from "../../git/locate.ts";
import { passThrough } from "../../git/passthrough.ts";
import { GitRunner, NESTED_ENV } from "../../git/runner.ts";
import type { Invocation } from "../invocation.ts";
import { reportFailure } from "./report.ts";

export interface InterceptContext {
  inv: Invocation;
  real: RealGit;
  /** Runner for the tool's own git calls, with the user's -C/-c/--git-dir applied. */
  git: GitRunner;
  env: Record<string, string | undefined>;
}

export interface Plan<S> {
  /** Global options put before the user's own (e.g. `-c notes.rewriteRef=...`). */
  globals?: readonly string[];
  /** Looks at the repository before git runs. undefined/null: no trace work afterwards. */
  before?(ctx: InterceptContext): S | null | undefined;
  /** Trace work after git succeeded. Errors are reported as one warning, never raised. */
  after?(ctx: InterceptContext, state: S): Promise<void> | void;
  /** The git directory, for the log of a failure. */
  gitDirOf?(state: S): string | null;
}

/** Rewrites keep our notes: git copies them itself when told which ref (adds to the user's own values). */
export const REWRITE_NOTES = ["-c", "notes.rewriteRef=refs/notes/traces"] as const;

export async function intercept<S>(inv: Invocation, plan: Plan<S>): Promise<never> {
  const real = locateRealGit();
  if (!real) passThrough(); // reports the missing git and exits 127
  const env = process.env;
  const ctx: InterceptContext = { inv, real, git: new GitRunner({ git: real.path, context: contextTokens(inv.globals), env }), env };
  let state: S | null | undefined;
  try {
    state = plan.before?.(ctx);
  } catch (e) {
    reportFailure(null, inv.command, "could not read the repository state", e);
    state = undefined;
  }
  const result = await runChild(real.path, [inv.argv0, ...(plan.globals ?? []), ...inv.args], { ...env, [NESTED_ENV]: "1" });
  if (result.code === 0 && !result.signal && state !== undefined && state !== null && plan.after) {
    try {
      await plan.after(ctx, state);
    } catch (e) {
      reportFailure(plan.gitDirOf?.(state) ?? null, inv.command, `could not record traces for this ${inv.command}`, e);
    }
  }
  exitLike(result);
}
