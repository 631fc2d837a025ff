// Where sessions ran, in git's terms: the repository a directory belongs to, its worktrees
// and its remote. For `git traces list`, which groups sessions by repository.

import { configEntries } from "./config.ts";
import { locateRepoOnDisk } from "./repo.ts";
import { GitRunner } from "./runner.ts";
import { nodeFs } from "../base/lazy-fs.ts";

/** Every worktree of the repository `git` runs in (main one first), absolute paths. */
export function worktreePaths(git: GitRunner): string[] {
  const r = git.run(["worktree", "list", "--porcelain", "-z"]);
  if (r.exitCode !== 0) return [];
  return r.stdout
    .split("\0")
    .filter((f) => f.startsWith("worktree "))
    .map((f) => f.slice("worktree ".length))
    .filter((p) => p.startsWith("/"));
}

/**
 * The URL of the repository's `origin` remote, else of its first remote with a URL; null
 * when it has none. Credentials in the URL are left out (withoutPassword).
 */
export function remoteUrl(git: GitRunner): string | null {
  const urls: { remote: string; url: string }[] = [];
  for (const { key, value } of configEntries(git, "^remote\\..*\\.url$")) {
    if (value !== null) urls.push({ remote: key.slice("remote.".length, -".url".length), url: value });
  }
  const pick = urls.find((u) => u.remote === "origin") ?? urls[0];
  return pick ? withoutPassword(pick.url) : null;
}

/**
 * A remote URL fit to print: over http(s) the user part is a credential as often as not (a
 * token as user name), so it goes; elsewhere (ssh://git@host) only a password goes.
 */
export function withoutPassword(url: string): string {
  if (/^https?:\/\//i.test(url)) return url.replace(/^(https?:\/\/)[^/@]*@/i, "$1");
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1@");
}

export interface RepoOfDir {
  /** The worktree's top level. */
  topLevel: string;
  /** The repository's common directory: the same for all its worktrees. */
  commonDir: string;
}

/** Variables that would make git look somewhere else than the directory it is asked about. */
const ELSEWHERE = {
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_COMMON_DIR: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_CEILING_DIRECTORIES: undefined,
};

/**
 * The repository the directory `dir` is in, null when it is in none (or no longer exists).
 * Found on disk when it can be, else by asking git.
 */
export function repositoryOf(git: GitRunner, dir: string): RepoOfDir | null {
  const fs = nodeFs();
  const path = require("node:path") as typeof import("node:path");
  try {
    if (!fs.statSync(dir).isDirectory()) return null;
  } catch {
    return null;
  }
  const found = locateRepoOnDisk(dir, {});
  if (found?.topLevel) {
    let common = found.gitDir;
    try {
      common = path.resolve(found.gitDir, fs.readFileSync(path.join(found.gitDir, "commondir"), "utf8").trim());
    } catch {
      // not a linked worktree
    }
    return { topLevel: found.topLevel, commonDir: fs.realpathSync(common) };
  }
  const r = git.run(["rev-parse", "--path-format=absolute", "--git-common-dir", "--show-toplevel"], {
    cwd: dir,
    noContext: true,
    env: ELSEWHERE,
  });
  const [common, top] = r.stdout.split("\n");
  if (r.exitCode !== 0 || !common?.startsWith("/") || !top?.startsWith("/")) return null;
  return { topLevel: top, commonDir: common };
}

/** A runner for another repository than the one the command runs in. */
export function runnerFor(git: GitRunner, dir: string, env: Record<string, string | undefined>): GitRunner {
  return new GitRunner({ git: git.git, cwd: dir, env: { ...env, ...ELSEWHERE } });
}
