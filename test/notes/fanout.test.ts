// Past a few dozen notes git splits the notes tree into xx/ subtrees (fanout). Readers and
// writers must handle any layout: 150 commits with notes, written by git and by us.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { GitRunner } from "../../src/git/runner.ts";
import { mergeIntoNote, parseNote } from "../../src/notes/format.ts";
import { listNotes, readNotes, updateNotes } from "../../src/notes/store.ts";
import { installAgentFixtures, SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
let repo: string;
let git: GitRunner;
let commits: string[];

beforeAll(() => {
  requireBinary();
  box = makeSandbox("fanout");
  repo = join(box.home, "work", "shop");
  sh(`mkdir -p '${repo}'`);
  let stream = "";
  for (let i = 1; i <= 150; i++) {
    stream += `commit refs/heads/main\nmark :${i}\ncommitter Dev <dev@example.com> ${1795160000 + i} +0000\ndata ${`c${i}`.length}\nc${i}\n`;
    if (i > 1) stream += `from :${i - 1}\n`;
    stream += `M 644 inline file.txt\ndata ${String(i).length + 1}\n${i}\n\n`;
  }
  sh("git init -q && git fast-import --quiet && git checkout -q main", { cwd: repo, env: box.realEnv, input: stream });
  git = new GitRunner({ git: REAL_GIT, cwd: repo, env: box.realEnv });
  commits = git.out(["rev-list", "--reverse", "main"]).trim().split("\n");
  // git's own notes command fans the tree out as it grows.
  const script = commits.map((c, i) => `git notes --ref=traces add -m 'traces:session-${i}' ${c}`).join(" && ");
  sh(script, { cwd: repo, env: box.realEnv });
});
afterAll(() => box?.cleanup());

test("git fanned the notes tree out", () => {
  const top = git.out(["ls-tree", "refs/notes/traces"]).trim().split("\n");
  expect(top.some((l) => / tree [0-9a-f]+\t[0-9a-f]{2}$/.test(l))).toBe(true);
  expect(top.length).toBeLessThan(150);
});

test("every note reads back through the fanout", () => {
  expect(listNotes(git)).toHaveLength(150);
  const notes = readNotes(git, commits);
  expect(notes.size).toBe(150);
  for (const [i, c] of commits.entries())
    expect(parseNote(notes.get(c)!).traces.map((t) => t.id)).toEqual([`session-${i}`]);
});

test("writing into a fanned-out tree keeps every note, and git reads the result", () => {
  const changed = updateNotes(git, commits, (c, current) => mergeIntoNote(current, [`traces:extra-${c.slice(0, 8)}`]));
  expect(changed).toHaveLength(150);
  expect(listNotes(git)).toHaveLength(150);
  const sample = commits[77]!;
  const shown = run([REAL_GIT, "notes", "--ref=traces", "show", sample], { cwd: repo, env: box.realEnv }).out;
  expect(shown).toBe(`traces:extra-${sample.slice(0, 8)}\ntraces:session-77\n`);
  expect(run([REAL_GIT, "fsck", "--no-progress"], { cwd: repo, env: box.realEnv }).exitCode).toBe(0);
  // Idempotent: the same lines again change nothing and make no notes commit.
  const head = git.out(["rev-parse", "refs/notes/traces"]);
  expect(updateNotes(git, commits, (c, current) => mergeIntoNote(current, [`traces:extra-${c.slice(0, 8)}`]))).toEqual(
    [],
  );
  expect(git.out(["rev-parse", "refs/notes/traces"])).toBe(head);
});

test("the compiled CLI attaches to a commit deep in the fanned-out tree", () => {
  installAgentFixtures(["claude-code"], box.home, repo);
  const target = commits[123]!;
  const r = run([join(box.bin, "git"), "traces", "attach", target, SESSIONS.claude], { cwd: repo, env: box.env });
  expect(r.exitCode).toBe(0);
  const ids = parseNote(readNotes(git, [target]).get(target)!).traces.map((t) => t.id);
  expect(ids.sort()).toEqual([SESSIONS.claude, `extra-${target.slice(0, 8)}`, "session-123"].sort());
  expect(listNotes(git)).toHaveLength(150);
});
