// `git blame` for the tool's own work: the porcelain formats only, never the human view.

import { GitError, type GitRunner, type RunResult } from "./runner.ts";

/**
 * Runs `git blame --porcelain` (or `--line-porcelain`) with the user's own blame options
 * and arguments (`-L`, `-w`, `-M`, `-C`, revisions, `--`, the file), in the current
 * directory like git itself. stdout is a byte string (latin1, one character per byte) so
 * that content keeps its bytes. Never throws for git's failures: its status and stderr say
 * what went wrong.
 */
export function blamePorcelain(git: GitRunner, args: readonly string[], linePorcelain = false): RunResult {
  // quotepath off: non-ASCII file names as UTF-8; the others git still C-quotes.
  const argv = ["-c", "core.quotepath=off", "blame", linePorcelain ? "--line-porcelain" : "--porcelain", ...args];
  try {
    return { stdout: git.outBytes(argv).toString("latin1"), stderr: "", exitCode: 0 };
  } catch (e) {
    if (e instanceof GitError) return { stdout: "", stderr: e.stderr, exitCode: e.exitCode };
    throw e;
  }
}

/** The current directory relative to the top of the work tree (`src/`), "" at the top; null outside one. */
export async function showPrefix(git: GitRunner): Promise<string | null> {
  const r = await git.runAsync(["rev-parse", "--show-prefix"]);
  return r.exitCode === 0 ? r.stdout.replace(/\n$/, "") : null;
}
