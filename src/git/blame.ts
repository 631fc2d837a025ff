// `git blame` for the tool's own work: the porcelain formats only, never the human view.

import { locateRepoOnDisk } from "./repo.ts";
import type { GitRunner } from "./runner.ts";
import { nodeFs } from "../base/lazy-fs.ts";

/**
 * Starts `git blame --porcelain` (or `--line-porcelain`) with the user's own blame options
 * and arguments (`-L`, `-w`, `-M`, `-C`, revisions, `--`, the file), in the current
 * directory like git itself. Its output is handed over as git writes it, as bytes (read
 * them as latin1, one character per byte, so that content keeps its bytes); git's status
 * and stderr come in `done`, and say what went wrong when it fails.
 */
export function blamePorcelain(
  git: GitRunner,
  args: readonly string[],
  linePorcelain = false,
): ReturnType<GitRunner["stream"]> {
  // quotepath off: non-ASCII file names as UTF-8; the others git still C-quotes.
  return git.stream(["-c", "core.quotepath=off", "blame", linePorcelain ? "--line-porcelain" : "--porcelain", ...args]);
}

/**
 * The current directory relative to the top of the work tree (`src/`), "" at the top; null
 * outside one. Told from the files when git would tell the same (locateRepoOnDisk), which
 * spares a git process competing with the blame.
 */
export async function showPrefix(git: GitRunner, env: Record<string, string | undefined>): Promise<string | null> {
  if (!git.context.length && !git.cwd) {
    const where = locateRepoOnDisk(process.cwd(), env);
    if (where?.topLevel) {
      const fs = nodeFs();
      const path = require("node:path") as typeof import("node:path");
      const rel = path.relative(where.topLevel, fs.realpathSync(process.cwd()));
      if (rel === "") return "";
      // Inside .git itself git answers otherwise: it is asked.
      if (!rel.startsWith("..") && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== ".git")
        return `${rel.split(path.sep).join("/")}/`;
    }
  }
  const r = await git.runAsync(["rev-parse", "--show-prefix"]);
  return r.exitCode === 0 ? r.stdout.replace(/\n$/, "") : null;
}
