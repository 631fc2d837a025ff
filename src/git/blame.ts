// `git blame` for the tool's own work: the porcelain formats only, never the human view.

import type { GitRunner, RunResult } from "./runner.ts";

/**
 * Runs `git blame --porcelain` (or `--line-porcelain`) with the user's own blame options
 * and arguments (`-L`, `-w`, `-M`, `-C`, revisions, `--`, the file), in the current
 * directory like git itself. stdout is a byte string (latin1) so that content keeps its
 * bytes. Never throws: git's status and stderr say what went wrong.
 */
export function blamePorcelain(git: GitRunner, args: readonly string[], linePorcelain = false): Promise<RunResult> {
  // quotepath off: non-ASCII file names as UTF-8; the others git still C-quotes.
  return git.runAsync(["-c", "core.quotepath=off", "blame", linePorcelain ? "--line-porcelain" : "--porcelain", ...args], { latin1: true });
}

/** The current directory relative to the top of the work tree (`src/`), "" at the top; null outside one. */
export async function showPrefix(git: GitRunner): Promise<string | null> {
  const r = await git.runAsync(["rev-parse", "--show-prefix"]);
  return r.exitCode === 0 ? r.stdout.replace(/\n$/, "") : null;
}
