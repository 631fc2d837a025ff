// Where the real git is (design.md section 4): GIT_TRACES_REAL_GIT, then the path the
// installer recorded, then the first git on PATH that is not this binary. The shim's hot
// path calls quickCandidates() only, which touches no file; PATH is searched on a miss.

import { nodeFs } from "../base/lazy-fs.ts";

export const REAL_GIT_ENV = "GIT_TRACES_REAL_GIT";

export type RealGitSource = "env" | "recorded" | "path";

export interface RealGit {
  path: string;
  source: RealGitSource;
}

/** Everything before the last `/` (no node:path: it costs start-up time in the shim). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The install prefix: the binary lives in `<prefix>/bin/`. */
export function installPrefix(execPath = process.execPath): string {
  return dirOf(dirOf(execPath));
}

/**
 * The installer records the real git as a symlink, `<prefix>/libexec/git-traces/git`, so
 * that the shim can exec it without reading anything first. Its name stays `git` because
 * some gits (Apple's xcrun stub) decide what to run from the name they were started by.
 */
export function recordedGitPath(execPath = process.execPath): string {
  return `${installPrefix(execPath)}/libexec/git-traces/git`;
}

/** A file the same size as this binary is a copy of the shim, never the real git. */
function looksLikeSelf(path: string, execPath: string): boolean {
  const size = Bun.file(path).size;
  return size > 0 && size === Bun.file(execPath).size;
}

/**
 * The candidate that needs no search: the override when set (an explicit choice, so no
 * fallback), else the recorded symlink. Costs nothing: the caller just tries to exec it.
 */
export function quickCandidate(
  env: Record<string, string | undefined> = process.env,
  execPath = process.execPath,
): RealGit {
  const fromEnv = env[REAL_GIT_ENV];
  if (fromEnv) return { path: fromEnv, source: "env" };
  return { path: recordedGitPath(execPath), source: "recorded" };
}

/** Why a GIT_TRACES_REAL_GIT value cannot be the real git, or null when it can. */
export function overrideProblem(path: string, execPath = process.execPath): string | null {
  if (!path.startsWith("/")) return "is not an absolute path";
  if (looksLikeSelf(path, execPath)) return "points at git-traces itself, not at git";
  return null;
}

export interface PathGit {
  /** `<dir>/git` as found on PATH. */
  path: string;
  /** Its real path. */
  real: string;
  /** True when it is this binary or a copy of it. */
  isShim: boolean;
}

/**
 * Every executable `git` on PATH, in order, each marked as the shim or not. The shim is
 * recognised by real path (a symlink to it), by size and content (a copy of it), and by the
 * front door's mark (the small program installed as `git` that starts it).
 * Empty and relative PATH entries are skipped: they would make the cwd decide.
 */
export function gitsOnPath(pathEnv: string | undefined = process.env.PATH, execPath = process.execPath): PathGit[] {
  const fs = nodeFs();
  let self: string;
  try {
    self = fs.realpathSync(execPath);
  } catch {
    self = execPath;
  }
  const out: PathGit[] = [];
  const seen = new Set<string>();
  for (const dir of (pathEnv ?? "").split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir.replace(/\/+$/, "")}/git`;
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    let real: string;
    try {
      real = fs.realpathSync(candidate);
      fs.accessSync(real, fs.constants.X_OK);
      if (!fs.statSync(real).isFile()) continue;
    } catch {
      continue;
    }
    out.push({ path: candidate, real, isShim: real === self || isCopyOf(real, self, fs) || isFrontDoor(real, fs) });
  }
  return out;
}

/** The first git on PATH that is not the shim: the real git when nothing was recorded. */
export function searchPath(pathEnv: string | undefined = process.env.PATH, execPath = process.execPath): string | null {
  return gitsOnPath(pathEnv, execPath).find((g) => !g.isShim)?.path ?? null;
}

/** Text in every front door (scripts/lib/front-door.ts), the small `git` that runs before the shim. */
export const FRONT_DOOR_MARK = "git-traces front door";

/** A small file that carries the front door's mark: it hands commands to this shim, it is not git. */
function isFrontDoor(path: string, fs: typeof import("node:fs")): boolean {
  const size = fs.statSync(path).size;
  if (size > 1 << 20) return false;
  return fs.readFileSync(path).includes(FRONT_DOOR_MARK);
}

function isCopyOf(path: string, self: string, fs: typeof import("node:fs")): boolean {
  const a = fs.statSync(path);
  const b = fs.statSync(self);
  if (a.size !== b.size) return false;
  // Same size as a ~100 MB binary: compare a sample to be sure before ruling it out.
  const sample = (p: string, pos: number) => {
    const fd = fs.openSync(p, "r");
    try {
      const buf = Buffer.alloc(65536);
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      return buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  };
  const mid = Math.floor(a.size / 2);
  return sample(path, 0).equals(sample(self, 0)) && sample(path, mid).equals(sample(self, mid));
}

/**
 * Resolves the real git for callers that will spawn it (interceptors, the CLI): the first
 * candidate that exists and is executable.
 */
export function locateRealGit(
  env: Record<string, string | undefined> = process.env,
  execPath = process.execPath,
): RealGit | null {
  const quick = quickCandidate(env, execPath);
  // Bun.file().size is a stat without loading node:fs (which costs milliseconds here): a
  // file that is there and not empty. Whether it runs, spawning it tells; callers that
  // spawn fall back to passThrough(), which reports a broken git.
  const usable = (p: string) => Bun.file(p).size > 0;
  if (quick.source === "env") {
    return overrideProblem(quick.path, execPath) === null && usable(quick.path) ? quick : null;
  }
  if (usable(quick.path)) return quick;
  const found = searchPath(env.PATH, execPath);
  return found ? { path: found, source: "path" } : null;
}
