// Named questions about a repository, each answered by one git call in a machine format.

import { configEntries } from "./config.ts";
import type { GitRunner } from "./runner.ts";
import { nodeFs } from "../base/lazy-fs.ts";

export interface RepoState {
  /** The repository directory of this worktree (`.git`, or `.git/worktrees/<name>`). */
  gitDir: string;
  /** The worktree's top level; null in a bare repository. */
  topLevel: string | null;
  /** The commit HEAD points at; null on an unborn branch. */
  head: string | null;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

const STATE_ARGS = ["rev-parse", "--absolute-git-dir", "--show-toplevel", "HEAD"];

/** Where we are, in one call; null outside a repository. */
export function repoState(git: GitRunner): RepoState | null {
  return parseRepoState(git.run(STATE_ARGS).stdout);
}

/**
 * Why git would not take the cwd as a repository, in git's own words, when it is one it
 * refuses (safe.directory: "detected dubious ownership"); null when it is simply none.
 */
export function refusedRepository(git: GitRunner): string | null {
  const r = git.run(["rev-parse", "--git-dir"]);
  if (r.exitCode === 0) return null;
  const m = /^fatal: (detected dubious ownership in repository at .*)$/m.exec(r.stderr);
  if (!m) return null;
  const fix = /git config --global --add safe\.directory .+$/m.exec(r.stderr)?.[0];
  return `${m[1]}${fix ? `; if you trust it: ${fix.trim()}` : ""}`;
}

export async function repoStateAsync(git: GitRunner): Promise<RepoState | null> {
  return parseRepoState((await git.runAsync(STATE_ARGS)).stdout);
}

function parseRepoState(stdout: string): RepoState | null {
  const lines = stdout.split("\n");
  const gitDir = lines[0]?.trim();
  if (!gitDir?.startsWith("/")) return null;
  const second = lines[1]?.trim() ?? "";
  // In a bare repository --show-toplevel fails and HEAD comes second.
  if (OID.test(second)) return { gitDir, topLevel: null, head: second };
  const third = lines[2]?.trim() ?? "";
  return { gitDir, topLevel: second.startsWith("/") ? second : null, head: OID.test(third) ? third : null };
}

export interface CommitInfo {
  oid: string;
  parents: string[];
  /** Committer time, seconds since the epoch. */
  time: number;
  /** Committer time of the first parent, when known. */
  parentTime?: number;
  committerName: string;
  committerEmail: string;
  /** Files changed against the first parent (all files for a root commit). */
  files: string[];
}

const COMMIT_FORMAT = "--format=%x01%m%H%x00%P%x00%ct%x00%cn%x00%ce";

/**
 * The commits a command added on top of `before` (null: the branch was unborn), oldest
 * first, following first parents only: a merge counts once, not with the commits it brought.
 */
export function commitsSince(git: GitRunner, before: string | null, tip = "HEAD", limit = 1000): CommitInfo[] {
  // --boundary adds `before` itself (marked "-"): its time tells how recent the history is.
  const range = before ? ["--boundary", `${before}..${tip}`] : [tip];
  const out = git.out([
    "log",
    "--reverse",
    "--first-parent",
    "--diff-merges=first-parent",
    `--max-count=${limit}`,
    COMMIT_FORMAT,
    "-z",
    "--name-only",
    ...range,
    "--",
  ]);
  return parseCommitLog(out);
}

/** The commit `tip` alone, with its parents' times (the boundary of `tip^!`). */
export async function tipCommit(git: GitRunner, tip = "HEAD"): Promise<CommitInfo | null> {
  const r = await git.runAsync([
    "log",
    "--boundary",
    "--diff-merges=first-parent",
    COMMIT_FORMAT,
    "-z",
    "--name-only",
    `${tip}^!`,
    "--",
  ]);
  return r.exitCode === 0 ? (parseCommitLog(r.stdout)[0] ?? null) : null;
}

/** Commits by name, with their files (for `git traces attach <commit>`). */
export function commitInfo(git: GitRunner, commits: readonly string[]): CommitInfo[] {
  if (commits.length === 0) return [];
  const out = git.out([
    "log",
    "--no-walk=unsorted",
    "--diff-merges=first-parent",
    COMMIT_FORMAT,
    "-z",
    "--name-only",
    ...commits,
    "--",
  ]);
  return parseCommitLog(out);
}

function parseCommitLog(out: string): CommitInfo[] {
  const commits: CommitInfo[] = [];
  const times = new Map<string, number>();
  for (const record of out.split("\x01")) {
    if (!record) continue;
    const [marked, parents, time, name, email, ...names] = record.split("\0");
    const boundary = marked?.startsWith("-");
    const oid = marked?.replace(/^[-<>^+]/, "") ?? "";
    if (!OID.test(oid)) continue;
    times.set(oid, Number(time) || 0);
    if (boundary) continue;
    commits.push({
      oid,
      parents: (parents ?? "").split(" ").filter(Boolean),
      time: Number(time) || 0,
      committerName: name ?? "",
      committerEmail: email ?? "",
      files: names.map((n) => n.replace(/^\n/, "")).filter(Boolean),
    });
  }
  for (const c of commits) {
    const t = c.parents[0] ? times.get(c.parents[0]) : undefined;
    if (t !== undefined) c.parentTime = t;
  }
  return commits;
}

/** Resolves revisions to commit IDs; null for one that does not name a commit. */
export function resolveCommit(git: GitRunner, rev: string): string | null {
  const r = git.run(["rev-parse", "--verify", "-q", "--end-of-options", `${rev}^{commit}`]);
  const oid = r.stdout.trim();
  return r.exitCode === 0 && OID.test(oid) ? oid : null;
}

/** The commits on `tip` (newest first, at most `limit`) made since `sinceSec`; none when `tip` names nothing. */
export function commitsSinceTime(git: GitRunner, tip: string, sinceSec: number, limit: number): string[] {
  const r = git.run(["rev-list", `--max-count=${limit}`, `--since=@${Math.floor(sinceSec)}`, tip, "--"]);
  return r.exitCode === 0 ? r.stdout.split("\n").filter(Boolean) : [];
}

/**
 * When each file was last changed by a commit reachable from `tips`, looking back no
 * further than `sinceSec`. Files not changed in that window are absent from the map.
 */
export function lastChanged(
  git: GitRunner,
  tips: readonly string[],
  files: readonly string[],
  sinceSec: number,
): Map<string, number> {
  const out = new Map<string, number>();
  if (files.length === 0 || tips.length === 0) return out;
  const log = git.out([
    "log",
    `--since=@${Math.floor(sinceSec)}`,
    "--format=%x01%ct",
    "-z",
    "--name-only",
    ...tips,
    "--",
    ...files,
  ]);
  for (const record of log.split("\x01")) {
    const [time, ...names] = record.split("\0");
    const t = Number(time);
    if (!t) continue;
    for (const n of names.map((x) => x.replace(/^\n/, "")).filter(Boolean)) {
      if (!out.has(n) || out.get(n)! < t) out.set(n, t);
    }
  }
  return out;
}

/** All values of `traces.*` config keys (lower-cased names), from git's own config reader. */
export function tracesConfig(git: GitRunner): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { key, value } of configEntries(git, "^traces\\.")) {
    const name = key.toLowerCase();
    out.set(name, [...(out.get(name) ?? []), value ?? ""]);
  }
  return out;
}

/** git's boolean spelling: yes/on/true/1 and no/off/false/0 (and "" for a bare key: true). */
export function configBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (["", "true", "yes", "on", "1"].includes(v)) return true;
  if (["false", "no", "off", "0"].includes(v)) return false;
  return fallback;
}

/**
 * Who wrote each commit, when, and its subject: what cherry-pick keeps, so a picked commit
 * can be told by it.
 */
export function authorKeys(git: GitRunner, commits: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (commits.length === 0) return out;
  const text = git.out(["log", "--no-walk=unsorted", "--format=%H%x00%an%x00%ae%x00%at%x00%s%x01", ...commits, "--"]);
  for (const record of text.split("\x01")) {
    const [oid, ...rest] = record.trim().split("\0");
    if (oid && OID.test(oid)) out.set(oid, rest.join("\0"));
  }
  return out;
}

/** The commits revisions name, as cherry-pick reads them: single commits alone, ranges walked. */
export function listRevisions(git: GitRunner, revs: readonly string[]): string[] {
  if (revs.length === 0) return [];
  const r = git.run(["rev-list", "--no-walk=unsorted", ...revs, "--"]);
  if (r.exitCode !== 0) return [];
  return r.stdout.split("\n").filter((l) => OID.test(l));
}

/**
 * Variables that change where git finds the repository: with any of them set, only git can
 * tell (the front door's light fetch checks the same list: scripts/lib/front-door.ts).
 */
export const DISCOVERY_ENV = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_CEILING_DIRECTORIES",
  "GIT_DISCOVERY_ACROSS_FILESYSTEM",
  "GIT_COMMON_DIR",
] as const;

function discoveryOverridden(env: Record<string, string | undefined>): boolean {
  return DISCOVERY_ENV.some((name) => env[name]);
}

/**
 * Where the repository is, found on the file system the way git finds it in the plain case
 * (a `.git` directory, or a `.git` file naming the directory, in the cwd or above). Returns
 * null whenever git's answer could differ: GIT_DIR / GIT_WORK_TREE / GIT_CEILING_DIRECTORIES
 * / GIT_DISCOVERY_ACROSS_FILESYSTEM set, or a core.worktree or core.bare in the repository's
 * config. Then the caller asks git. Saves a git call where every millisecond counts.
 */
export function locateRepoOnDisk(cwd: string, env: Record<string, string | undefined>): Omit<RepoState, "head"> | null {
  if (discoveryOverridden(env)) return null;
  const fs = nodeFs();
  const path = require("node:path") as typeof import("node:path");
  let dir = cwd;
  for (;;) {
    const dotGit = path.join(dir, ".git");
    let stat;
    try {
      stat = fs.statSync(dotGit);
    } catch {
      stat = null;
    }
    if (stat) {
      let gitDir: string;
      if (stat.isDirectory()) gitDir = dotGit;
      else {
        const m = /^gitdir: (.+?)\s*$/m.exec(fs.readFileSync(dotGit, "utf8"));
        if (!m) return null;
        gitDir = path.resolve(dir, m[1]!);
      }
      try {
        if (!fs.statSync(path.join(gitDir, "HEAD")).isFile()) return null;
        // A linked worktree's settings live in the common directory's config.
        const common = fs.existsSync(path.join(gitDir, "commondir"))
          ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, "commondir"), "utf8").trim())
          : gitDir;
        const config = fs.readFileSync(path.join(common, "config"), "utf8");
        if (/^\s*(worktree|bare\s*=\s*true)/im.test(config)) return null;
      } catch {
        return null;
      }
      return { gitDir: fs.realpathSync(gitDir), topLevel: fs.realpathSync(dir) };
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The repository's common directory (absolute), as git finds it. */
export function gitCommonDir(git: GitRunner): string {
  return git.out(["rev-parse", "--path-format=absolute", "--git-common-dir"]).trim();
}

/** The repository's common directory (a linked worktree's `commondir`, else the git dir itself). */
export function commonDir(gitDir: string): string {
  const fs = nodeFs();
  const path = require("node:path") as typeof import("node:path");
  try {
    return path.resolve(gitDir, fs.readFileSync(path.join(gitDir, "commondir"), "utf8").trim());
  } catch {
    return gitDir;
  }
}

/**
 * Whether a ref exists, from the files-backend layout (a loose ref file, or a line in
 * packed-refs); undefined when the repository keeps refs some other way (reftable).
 */
export function refExistsOnDisk(gitDir: string, ref: string): boolean | undefined {
  const fs = nodeFs();
  const path = require("node:path") as typeof import("node:path");
  const common = commonDir(gitDir);
  if (fs.existsSync(path.join(common, "reftable"))) return undefined;
  if (fs.existsSync(path.join(common, ref))) return true;
  try {
    return fs.readFileSync(path.join(common, "packed-refs"), "utf8").includes(` ${ref}\n`);
  } catch {
    return false;
  }
}

const SYSTEM_CONFIGS = [
  "/etc/gitconfig",
  "/usr/local/etc/gitconfig",
  "/opt/homebrew/etc/gitconfig",
  "/Library/Developer/CommandLineTools/usr/share/git-core/gitconfig",
];

/**
 * Whether any config git would read could set a `traces.*` key: false only when no config
 * file, -c option or config variable names "traces" and none includes another file. Lets
 * the common case skip a `git config` call; anything unsure says true and git is asked.
 */
export function configMayMention(
  gitDir: string,
  env: Record<string, string | undefined>,
  section: string,
  extraArgs: readonly string[] = [],
): boolean {
  const fs = nodeFs();
  const path = require("node:path") as typeof import("node:path");
  const needle = section.toLowerCase();
  const mentions = (text: string) => {
    const t = text.toLowerCase();
    return t.includes(needle) || t.includes("[include") || t.includes("includeif");
  };
  if (extraArgs.some(mentions) || mentions(env.GIT_CONFIG_PARAMETERS ?? "")) return true;
  if (env.GIT_CONFIG_COUNT || env.GIT_CONFIG) return true;
  const home = env.HOME ?? "";
  const files = [
    path.join(commonDir(gitDir), "config"),
    path.join(gitDir, "config.worktree"),
    env.GIT_CONFIG_GLOBAL ?? path.join(home, ".gitconfig"),
    path.join(env.XDG_CONFIG_HOME || path.join(home, ".config"), "git", "config"),
    ...(env.GIT_CONFIG_NOSYSTEM ? [] : env.GIT_CONFIG_SYSTEM ? [env.GIT_CONFIG_SYSTEM] : SYSTEM_CONFIGS),
  ];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // absent
    }
    if (mentions(text)) return true;
  }
  return false;
}

/**
 * The git directory for `cwd` in the plain case, using only stat-like Bun.file() calls (no
 * node:fs, which costs milliseconds to load): the nearest `.git` directory, or the directory
 * a `.git` file names. null when the environment could make git decide otherwise.
 */
export async function gitDirQuick(cwd: string, env: Record<string, string | undefined>): Promise<string | null> {
  if (discoveryOverridden(env)) return null;
  let dir = cwd.replace(/\/+$/, "") || "/";
  for (;;) {
    const dotGit = `${dir === "/" ? "" : dir}/.git`;
    const file = Bun.file(dotGit);
    if (file.size > 0) {
      if (Bun.file(`${dotGit}/HEAD`).size > 0) return dotGit; // a directory
      const m = /^gitdir: (.+?)\s*$/m.exec(await file.text().catch(() => ""));
      if (!m) return null;
      const target = m[1]!;
      return target.startsWith("/") ? target : `${dir}/${target}`;
    }
    if (dir === "/") return null;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
}

/**
 * A ref's object ID read from the files-backend layout: null when it does not exist,
 * undefined when the files cannot tell (reftable, a symbolic ref, something unexpected).
 */
export function refOidOnDisk(gitDir: string, ref: string): string | null | undefined {
  const fs = nodeFs();
  const path = require("node:path") as typeof import("node:path");
  const common = commonDir(gitDir);
  if (fs.existsSync(path.join(common, "reftable"))) return undefined;
  try {
    const loose = fs.readFileSync(path.join(common, ref), "utf8").trim();
    return OID.test(loose) ? loose : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
  }
  let packed: string;
  try {
    packed = fs.readFileSync(path.join(common, "packed-refs"), "utf8");
  } catch {
    return null;
  }
  const at = packed.indexOf(` ${ref}\n`);
  if (at < 0) return null;
  const oid = packed.slice(packed.lastIndexOf("\n", at) + 1, at);
  return OID.test(oid) ? oid : undefined;
}

/**
 * commonDir() without node:fs, for the commit path: a linked worktree's `commondir` file
 * (read with Bun.mmap), else the git dir itself.
 */
export function commonDirQuick(gitDir: string): string {
  const file = `${gitDir}/commondir`;
  if (Bun.file(file).size === 0) return gitDir;
  try {
    const rel = new TextDecoder().decode(Bun.mmap(file, { shared: false })).trim();
    return normalizePath(rel.startsWith("/") ? rel : `${gitDir}/${rel}`);
  } catch {
    return gitDir;
  }
}

/** `a/b/../c` -> `a/c`, for absolute paths, without node:path. */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}
