// `git traces check`: the policy gate a CI job can make a required check.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, realGitIn, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
let repo: string;
const oids: string[] = [];
beforeAll(() => {
  requireBinary();
  box = makeSandbox("check");
  repo = join(box.dir, "repo");
  git(box.dir, ["init", "-q", "-b", "main", repo]);
  writeFileSync(join(repo, "README"), "hi\n");
  git(repo, ["add", "."]);
  git(repo, ["commit", "-q", "-m", "base"]);
  // 1: an agent edited one of the two files it changed (50%).
  writeFileSync(join(repo, "a.txt"), "a\n");
  writeFileSync(join(repo, "b.txt"), "b\n");
  git(repo, ["add", "."]);
  git(repo, ["commit", "-q", "-m", "half agent"]);
  const meta = { v: 1, agent: "codex", model: "gpt-5", title: "t", files: ["a.txt"] };
  git(repo, ["notes", "--ref=traces", "add", "-m", `traces:sess-1\ntraces-meta:sess-1 ${JSON.stringify(meta)}`]);
  oids.push(git(repo, ["rev-parse", "HEAD"]));
  // 2: no trace.
  writeFileSync(join(repo, "c.txt"), "c\n");
  git(repo, ["add", "."]);
  git(repo, ["commit", "-q", "-m", "by hand"]);
  oids.push(git(repo, ["rev-parse", "HEAD"]));
  // 3: changes no file: no rule applies.
  git(repo, ["commit", "-q", "--allow-empty", "-m", "empty"]);
  oids.push(git(repo, ["rev-parse", "HEAD"]));
});
afterAll(() => box?.cleanup());

const git = (cwd: string, args: string[]) => realGitIn(box, cwd, args);
const check = (...args: string[]) =>
  run([join(box.bin, "git"), "traces", "check", ...args], { cwd: repo, env: box.env });

test("--require-traces: one line per commit that changed files without a trace, exit 1", () => {
  const r = check("main~3..main", "--require-traces");
  expect(r.exitCode).toBe(1);
  expect(r.out).toBe(`${oids[1]!.slice(0, 12)} by hand: changed 1 file(s) and has no trace\n`);
  expect(check("main~3..main~2", "--require-traces").exitCode).toBe(0);
});

test("--max-agent-share: the share of a commit's files that traces edited", () => {
  const over = check("main~3..main", "--max-agent-share", "40");
  expect(over.exitCode).toBe(1);
  expect(over.out).toBe(`${oids[0]!.slice(0, 12)} half agent: agent share 50% (1 of 2 files) is above 40%\n`);
  expect(check("main~3..main", "--max-agent-share", "50%").exitCode).toBe(0);
});

test("--json says the policy, what failed, and ok", () => {
  const r = check("main~3..main", "--require-traces", "--max-agent-share", "10", "--json");
  expect(r.exitCode).toBe(1);
  const out = JSON.parse(r.out);
  expect(out.ok).toBe(false);
  expect(out.commits).toBe(3);
  expect(out.skipped).toBe(1);
  expect(out.failures.map((f: { rule: string }) => f.rule).sort()).toEqual(["max-agent-share", "require-traces"]);
});

test("usage errors: no rule, a bad share, a bad range", () => {
  expect(check("main~3..main").exitCode).toBe(129);
  const bad = check("main~3..main", "--max-agent-share", "lots");
  expect(bad.exitCode).toBe(129);
  expect(bad.err).toContain("percentage");
  const range = check("nope..main", "--require-traces");
  expect(range.exitCode).toBe(128);
  expect(range.err).not.toContain("    at ");
});
