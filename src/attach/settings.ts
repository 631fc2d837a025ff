// What trace work on the commit path asks before doing anything: is it on here, and how
// loud to be. Small on purpose: it loads on every commit.

import { contextTokens } from "../git/globals.ts";
import { configBool, configMayMention, tracesConfig } from "../git/repo.ts";
import { warn } from "../base/report.ts";
import type { TraceWork } from "./context.ts";

/** `traces.enabled` (default true); without a git call when no config could set it. */
export function tracingEnabled(ctx: TraceWork, gitDir?: string): boolean {
  if (gitDir && !configMayMention(gitDir, ctx.env, "traces", contextTokens(ctx.inv.globals))) return true;
  return configBool(tracesConfig(ctx.git).get("traces.enabled")?.at(-1), true);
}

/** An unreadable transcript is some other session's problem, not this commit's: say it only when tracing. */
export function skipQuietly(ctx: TraceWork): (path: string, reason: string) => void {
  return (path, reason) => {
    if (ctx.env.GIT_TRACES_TRACE) warn(`skipped ${path}: ${reason}`);
  };
}
