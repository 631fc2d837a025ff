// Submodules: git clones and fetches them itself, through its exec-path (never through the
// shim), so their notes come only by way of their own remotes' refspecs. The superproject's
// interceptors give those remotes the refspecs and merge what arrived in each submodule, the
// same way as in the superproject. Submodules are found on disk: git keeps their
// repositories under the superproject's `modules/<name>` (names may hold slashes), nested
// ones under theirs. A submodule whose repository lives in its work tree (not absorbed)
// is not seen; its notes come with fetches made in it.

import { readdirSync } from "node:fs";
import { GitRunner } from "../git/runner.ts";

/** How deep names with slashes and nested submodules are followed, at most. */
const MAX_DEPTH = 12;

/** The git directories of the submodules under this common directory, nested ones too. */
export function submoduleGitDirs(common: string): string[] {
  const out: string[] = [];
  walk(`${common}/modules`, 0, out);
  return out;
}

function walk(dir: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // none here (the common case: one failed call)
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue; // symbolic links are not followed
    const path = `${dir}/${e.name}`;
    if (Bun.file(`${path}/HEAD`).size > 0) {
      out.push(path);
      walk(`${path}/modules`, depth + 1, out);
    } else {
      walk(path, depth + 1, out); // one part of a name like libs/foo
    }
  }
}

/** Variables that point git at a repository; a runner for another repository goes without them. */
const REPO_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_COMMON_DIR",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
  "GIT_CEILING_DIRECTORIES",
];

/** A runner for the repository whose git directory is `gitDir` (git finds it from there). */
export function runnerIn(gitBinary: string, gitDir: string, env: Record<string, string | undefined>): GitRunner {
  const clean = { ...env };
  for (const v of REPO_VARS) delete clean[v];
  return new GitRunner({ git: gitBinary, cwd: gitDir, env: clean });
}
