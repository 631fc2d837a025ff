// The fixtures' scenario as a real repository: ~/work/shop in a sandbox HOME, first commit
// at 09:00 (before the sessions), the agents' sessions on disk, and their edits in the work
// tree, ready to be committed at 10:08.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installAgentFixtures, type OpencodeStore } from "./agents.ts";
import { run, settle, sh, type Result, type Sandbox } from "./sandbox.ts";

export const BEFORE = "2026-11-20T09:00:00Z";
export const AFTER = "2026-11-20T10:08:00Z";

export function at(env: Record<string, string>, iso: string): Record<string, string> {
  return { ...env, GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso };
}

export interface Shop {
  repo: string;
  env: Record<string, string>;
  git(args: string[], opts?: { env?: Record<string, string>; cwd?: string; input?: string }): Result;
  /** The note of a commit, or "" when it has none. */
  note(rev?: string, cwd?: string): string;
  /** Trace IDs in a commit's note. */
  traces(rev?: string, cwd?: string): string[];
}

export function makeShop(
  box: Sandbox,
  agents: readonly string[],
  opts: { path?: string; edits?: boolean; opencode?: OpencodeStore } = {},
): Shop {
  const repo = opts.path ?? join(box.home, "work", "shop");
  mkdirSync(join(repo, "src"), { recursive: true });
  mkdirSync(join(repo, "tests"), { recursive: true });
  if (agents.length) installAgentFixtures(agents, box.home, repo, opts.opencode ? { opencode: opts.opencode } : {});
  const env = box.env;
  writeFileSync(join(repo, "src", "auth.py"), '"""Authentication helpers for the shop backend."""\n');
  writeFileSync(join(repo, "README.md"), "# shop\n");
  writeFileSync(join(repo, "tests", "__init__.py"), "");
  sh("git init -q -b feature/login && git add -A && git commit -q -m 'Initial shop'", {
    cwd: repo,
    env: at(box.realEnv, BEFORE),
  });
  if (opts.edits !== false) agentEdits(repo);
  const shop: Shop = {
    repo,
    env,
    git: (args, o = {}) => {
      const r = run([join(box.bin, "git"), ...args], {
        cwd: o.cwd ?? repo,
        env: { ...at(env, AFTER), ...o.env },
        ...(o.input !== undefined ? { input: o.input } : {}),
      });
      settle(box.home);
      return r;
    },
    note: (rev = "HEAD", cwd = repo) => {
      const r = run(["/usr/bin/git", "notes", "--ref=traces", "show", rev], { cwd, env: box.realEnv });
      return r.exitCode === 0 ? r.out : "";
    },
    traces: (rev = "HEAD", cwd = repo) =>
      shop
        .note(rev, cwd)
        .split("\n")
        .map((l) => /^traces:(\S+)/.exec(l)?.[1])
        .filter((x): x is string => Boolean(x)),
  };
  return shop;
}

/** What the sessions left in the work tree: src/auth.py edited, tests/test_auth.py created. */
export function agentEdits(repo: string): void {
  writeFileSync(
    join(repo, "src", "auth.py"),
    '"""Authentication helpers for the shop backend."""\n\nclass RateLimiter:\n    pass\n',
  );
  writeFileSync(join(repo, "tests", "test_auth.py"), "def test_login():\n    assert True\n");
}
