// Helpers of the sharing tests: a commit whose agent session holds secrets where the trace
// model keeps them, and the scan of everything a remote holds.

import { expect } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CLAUDE_FIXTURE_TRANSCRIPT, claudeFolder, SESSIONS } from "../helpers/agents.ts";
import { REAL_GIT, run } from "../helpers/sandbox.ts";
import type { User } from "../helpers/users.ts";

/** The fixture secret (in a tool output of every agent's fixture), and ours planted in a prompt and a command. */
export const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const GITHUB_TOKEN = "ghp_Zq8s1Yt6Vb3Nc0Xw4Lk7Jh2Gf5Dd9Ss1Aa8Q";
export const SECRETS = [AWS_SECRET, "wJalrXUtnFEMI", GITHUB_TOKEN, "ghp_Zq8s1Yt6"];

/** The transcript of session `id` in `user`'s HOME for `repo`. */
export function transcriptOf(user: User, repo: string, id: string): string {
  return join(user.box.home, ".claude", "projects", claudeFolder(repo), `${id}.jsonl`);
}

/**
 * Like agentCommit, with secrets planted where the trace model keeps them: the first prompt
 * (its title too) and a shell command. The fixture's tool output holds AWS_SECRET already.
 */
export function secretCommit(user: User, repo: string, file: string, id: string): void {
  const text = readFileSync(CLAUDE_FIXTURE_TRANSCRIPT, "utf8")
    .replaceAll(SESSIONS.claude, id)
    .replace(
      '"content":"Add login with rate limiting to src/auth.py and a test"',
      `"content":"Add login with rate limiting, GITHUB_TOKEN=${GITHUB_TOKEN} to src/auth.py and a test\\nexport AWS_SECRET_ACCESS_KEY=${AWS_SECRET}"`,
    )
    .replace(
      '"command":"pytest -q tests/test_auth.py"',
      `"command":"AWS_SECRET_ACCESS_KEY=${AWS_SECRET} pytest -q tests/test_auth.py"`,
    )
    .replaceAll("/home/dev/work/shop/src/auth.py", join(repo, file))
    .replaceAll("/home/dev/work/shop", repo);
  expect(text).toContain(GITHUB_TOKEN);
  const dest = transcriptOf(user, repo, id);
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, text);
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), `${id}\n`);
  run([REAL_GIT, "add", file], { cwd: repo, env: user.box.realEnv });
  const r = user.git(["commit", "-q", "-m", `${user.name}: ${file}`], repo);
  expect(r.exitCode).toBe(0);
  expect(r.err).toBe("");
}

/** Every object reachable from the remote's refs, as bytes, through one cat-file. */
export function remoteObjects(remote: string): Buffer {
  const oids = run([REAL_GIT, "rev-list", "--objects", "--all"], { cwd: remote })
    .out.split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ")[0]);
  return run([REAL_GIT, "cat-file", "--batch"], { cwd: remote, input: `${oids.join("\n")}\n` }).stdout;
}

export function remoteRefs(remote: string): string[] {
  return run([REAL_GIT, "for-each-ref", "--format=%(refname)"], { cwd: remote }).out.split("\n").filter(Boolean);
}

export function expectNoSecrets(remote: string, homes: string[]): void {
  const all = remoteObjects(remote).toString("latin1");
  expect(all.length).toBeGreaterThan(0);
  for (const s of SECRETS) expect(all.includes(s)).toBe(false);
  for (const h of homes) expect(all.includes(h)).toBe(false);
}

export function traces(user: User, repo: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = user.git(["traces", ...args], repo);
  return { code: r.exitCode, out: r.out, err: r.err };
}
