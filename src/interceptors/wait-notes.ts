// Before a plain git command that reads notes passes through: wait for this repository's
// background trace work (src/jobs/pending.ts). Only loaded when some work is pending.

import type { GlobalOption } from "../git/globals.ts";
import { commonDirQuick, gitDirQuick } from "../git/repo.ts";
import { waitForRepo } from "../jobs/pending.ts";

export async function waitForNotes(
  globals: readonly GlobalOption[],
  env: Record<string, string | undefined>,
): Promise<void> {
  // Where git will look: the cwd moved by -C; with --git-dir the repository is given.
  let cwd = process.cwd();
  let gitDir: string | null = null;
  for (const g of globals) {
    if (g.name === "-C" && g.value) cwd = g.value.startsWith("/") ? g.value : `${cwd}/${g.value}`;
    if (g.name === "--git-dir" && g.value) gitDir = g.value.startsWith("/") ? g.value : `${cwd}/${g.value}`;
  }
  gitDir ??= env.GIT_DIR ? null : await gitDirQuick(cwd, env);
  if (gitDir) await waitForRepo(env, commonDirQuick(gitDir));
}
