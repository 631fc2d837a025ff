// Collaborators for sync tests: each has a HOME of their own (their own agent sessions and
// git-traces data), the shim first on PATH, and a way to commit work an agent session did.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLAUDE_FIXTURE_TRANSCRIPT, claudeFolder, SESSIONS } from "./agents.ts";
import { afterEach, beforeEach } from "bun:test";
import { makeSandbox, requireBinary, run, settle, type Result, type Sandbox } from "./sandbox.ts";
import { at } from "./shop.ts";

export interface User {
  name: string;
  box: Sandbox;
  env: Record<string, string>;
  /** Runs git through the shim, then waits for background trace work. */
  git(args: string[], cwd: string, extra?: Record<string, string>): Result;
  /** Writes a Claude Code session `id` that edited `file` in `repo`, then edits and commits it. */
  agentCommit(repo: string, file: string, id: string, message?: string): Result;
  /** Trace IDs in a commit's note. */
  traces(repo: string, rev?: string): string[];
  /** Every trace ID on the history of `rev` (default HEAD), once per commit naming it. */
  allTraces(repo: string, rev?: string): string[];
  cleanup(): void;
}

/** Writes a Claude Code session `id` in `home` whose work (cwd `repo`) edited `file`. */
export function writeClaudeSession(home: string, repo: string, id: string, file: string): void {
  const text = readFileSync(CLAUDE_FIXTURE_TRANSCRIPT, "utf8")
    .replaceAll(SESSIONS.claude, id)
    .replaceAll("/home/dev/work/shop/src/auth.py", join(repo, file))
    .replaceAll("/home/dev/work/shop", repo);
  const dest = join(home, ".claude", "projects", claudeFolder(repo), `${id}.jsonl`);
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, text);
}

export function makeUser(name: string): User {
  const box = makeSandbox(name);
  const env = {
    ...box.env,
    GIT_AUTHOR_NAME: name,
    GIT_COMMITTER_NAME: name,
    GIT_AUTHOR_EMAIL: `${name}@example.com`,
    GIT_COMMITTER_EMAIL: `${name}@example.com`,
  };
  const realGit = (args: string[], cwd: string) => run(["/usr/bin/git", ...args], { cwd, env: box.realEnv });
  const user: User = {
    name,
    box,
    env,
    git(args, cwd, extra = {}) {
      const r = run([join(box.bin, "git"), ...args], { cwd, env: { ...at(env, "2026-11-20T10:08:00Z"), ...extra } });
      settle(box.home);
      return r;
    },
    agentCommit(repo, file, id, message) {
      // The fixture session, renamed, in this repository, editing `file` instead of src/auth.py.
      writeClaudeSession(box.home, repo, id, file);
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      writeFileSync(join(repo, file), `${id}\n`);
      realGit(["add", file], repo);
      // Not -q: a quiet commit holds the warnings of earlier background work for later.
      return user.git(["commit", "-m", message ?? `${name}: ${file}`], repo);
    },
    traces(repo, rev = "HEAD") {
      const r = realGit(["notes", "--ref=traces", "show", rev], repo);
      return r.exitCode ? [] : r.out.split("\n").flatMap((l) => /^traces:(\S+)/.exec(l)?.[1] ?? []);
    },
    allTraces(repo, rev = "HEAD") {
      // Traces on the history of `rev`, one entry per commit that names them. (A rebase
      // leaves notes on the commits it replaced, as git does; those are not history.)
      const log = realGit(["log", "--notes=traces", "--format=%x01%N", rev], repo);
      return log.out
        .split("\n")
        .flatMap((l) => /^\x01?traces:(\S+)/.exec(l)?.[1] ?? [])
        .sort();
    },
    cleanup: () => box.cleanup(),
  };
  return user;
}

/** A bare repository under `dir`, seeded with one commit. */
export function makeRemote(dir: string, name = "shop.git"): string {
  const path = join(dir, name);
  run(["/usr/bin/git", "init", "-q", "--bare", "-b", "main", path]);
  run(["/usr/bin/git", "config", "http.receivepack", "true"], { cwd: path });
  const seed = join(dir, "seed");
  mkdirSync(seed, { recursive: true });
  const env = {
    ...at({ HOME: dir, PATH: "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1" }, "2026-11-20T09:00:00Z"),
    GIT_AUTHOR_NAME: "seed",
    GIT_AUTHOR_EMAIL: "s@e",
    GIT_COMMITTER_NAME: "seed",
    GIT_COMMITTER_EMAIL: "s@e",
  };
  run(["/usr/bin/git", "init", "-q", "-b", "main"], { cwd: seed, env });
  writeFileSync(join(seed, "README.md"), "# shop\n");
  run(["/usr/bin/git", "add", "README.md"], { cwd: seed, env });
  run(["/usr/bin/git", "commit", "-q", "-m", "seed"], { cwd: seed, env });
  run(["/usr/bin/git", "push", "-q", path, "main"], { cwd: seed, env });
  return path;
}

export function copyInto(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
}

/**
 * The users `names`, made fresh before each test of the calling file with a sandbox `dir`
 * for their remotes, and removed after it: read them from the returned object (t.alice).
 */
export function usersEachTest<N extends string>(names: readonly N[]): Record<N, User> & { dir: Sandbox } {
  const t = {} as Record<N, User> & { dir: Sandbox };
  beforeEach(() => {
    requireBinary();
    for (const name of names) (t as Record<N, User>)[name] = makeUser(name);
    t.dir = makeSandbox("remotes");
  });
  afterEach(() => {
    for (const name of names) (t as Record<N, User>)[name]?.cleanup();
    t.dir?.cleanup();
  });
  return t;
}
