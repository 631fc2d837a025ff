// `git traces carry` after merges made by a forge, where the shim never runs: a squash merge
// and a rebase merge done with plain git on the "server" clone, then carry in a fresh
// depth-1 clone (what a CI job has) brings every trace onto the new commits.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, realGitIn, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("carry");
});
afterEach(() => box?.cleanup());

const git = (cwd: string, args: string[]) => realGitIn(box, cwd, args);
const traces = (cwd: string, args: string[]) => run([join(box.bin, "git"), "traces", ...args], { cwd, env: box.env });

function note(id: string, file: string, lines?: string): string {
  const meta = { v: 1, agent: "claude-code", model: "claude-sonnet-4-5", title: `work ${id}`, files: [file] };
  return `traces:${id}\ntraces-meta:${id} ${JSON.stringify(lines ? { ...meta, lines: { [file]: lines } } : meta)}\n`;
}

/** Notes of a repository: commit -> note text. */
function notesOf(repo: string): Map<string, string> {
  const out = new Map<string, string>();
  const r = run([REAL_GIT, "notes", "--ref=traces", "list"], { cwd: repo, env: box.realEnv });
  for (const line of r.out.split("\n").filter(Boolean)) {
    const [blob, commit] = line.split(" ");
    out.set(commit!, git(repo, ["cat-file", "blob", blob!]));
  }
  return out;
}

/**
 * A server (bare), the author's clone with main and a pushed feature branch of three
 * commits, each with a note; and the forge's own clone of the server, main one unrelated
 * commit ahead of where the feature started.
 */
function setUp() {
  const server = join(box.dir, "server.git");
  git(box.dir, ["init", "-q", "--bare", "-b", "main", server]);
  const author = join(box.dir, "author");
  git(box.dir, ["clone", "-q", server, author]);
  const commit = (repo: string, file: string, text: string, msg: string) => {
    writeFileSync(join(repo, file), text);
    git(repo, ["add", file]);
    git(repo, ["commit", "-q", "-m", msg]);
    return git(repo, ["rev-parse", "HEAD"]);
  };
  commit(author, "README", "hello\n", "base");
  git(author, ["push", "-q", "origin", "HEAD:main"]);
  git(author, ["checkout", "-q", "-b", "feature"]);
  const ids = ["t-one", "t-two", "t-three"];
  const made = [
    commit(author, "one.txt", "1\n2\n", "one"),
    commit(author, "two.txt", "a\nb\n", "two"),
    commit(author, "README", "hello\nworld\n", "three"),
  ];
  const files = ["one.txt", "two.txt", "README"];
  made.forEach((c, i) => {
    git(author, ["notes", "--ref=traces", "add", "-m", note(ids[i]!, files[i]!, "1-2").trimEnd(), c]);
  });
  git(author, ["push", "-q", "origin", "feature", "refs/notes/traces"]);
  const forge = join(box.dir, "forge");
  git(box.dir, ["clone", "-q", server, forge]);
  commit(forge, "other.txt", "unrelated\n", "someone else's change");
  return { server, forge, head: made[2]!, ids, commit };
}

/** A fresh depth-1 clone of main, as CI has it, with the pull request's head and the notes fetched. */
function ciClone(server: string, head: string, name = "ci"): string {
  const ci = join(box.dir, name);
  git(box.dir, ["clone", "-q", "--depth", "1", "--branch", "main", `file://${server}`, ci]);
  git(ci, ["fetch", "-q", "origin", head]);
  git(ci, ["fetch", "-q", "origin", "refs/notes/traces:refs/notes/traces"]);
  return ci;
}

test("a forge's squash merge: carry in a depth-1 clone brings every trace onto the squash commit", () => {
  const { server, forge, head, ids } = setUp();
  git(forge, ["merge", "-q", "--squash", "origin/feature"]);
  git(forge, ["commit", "-q", "-m", "Feature (#1)"]);
  const squash = git(forge, ["rev-parse", "HEAD"]);
  git(forge, ["push", "-q", "origin", "main"]);

  // With --no-fetch, a shallow clone that lacks the squash commit's parent is a clear error.
  const bare = ciClone(server, head, "ci-no-fetch");
  const refused = traces(bare, ["carry", `${head}~3..${head}`, `${squash}~1..${squash}`, "--no-fetch"]);
  expect(refused.exitCode).toBe(1);
  expect(refused.err).toContain("shallow clone");
  expect(refused.err).not.toContain("    at ");

  const ci = ciClone(server, head);
  const r = traces(ci, ["carry", `${head}~3..${head}`, `${squash}~1..${squash}`, "--json"]);
  expect(r.exitCode).toBe(0);
  const out = JSON.parse(r.out);
  expect(out.carried).toHaveLength(1);
  expect(out.carried[0].how).toBe("squash");
  expect(out.carried[0].to).toBe(squash);
  expect(out.carried[0].traces.sort()).toEqual([...ids].sort());
  expect(out.changed).toEqual([squash]);
  const text = notesOf(ci).get(squash)!;
  for (const id of ids) expect(text).toMatch(new RegExp(`^traces:${id}$`, "m"));
  // Files mapped onto the squash commit; line ranges kept where the file is the same blob.
  const meta = JSON.parse(/^traces-meta:t-one (.*)$/m.exec(text)![1]!);
  expect(meta.files).toEqual(["one.txt"]);
  expect(meta.lines).toEqual({ "one.txt": "1-2" });

  // Carrying twice changes nothing.
  const before = git(ci, ["rev-parse", "refs/notes/traces"]);
  const again = traces(ci, ["carry", `${head}~3..${head}`, `${squash}~1..${squash}`, "--json"]);
  expect(again.exitCode).toBe(0);
  expect(JSON.parse(again.out).changed).toEqual([]);
  expect(git(ci, ["rev-parse", "refs/notes/traces"])).toBe(before);
  expect(notesOf(ci).get(squash)).toBe(text);
});

test("a forge's rebase merge: each trace goes to the commit that holds its change", () => {
  const { server, forge, head, ids } = setUp();
  git(forge, ["cherry-pick", `${head}~3..${head}`]);
  const tip = git(forge, ["rev-parse", "HEAD"]);
  git(forge, ["push", "-q", "origin", "main"]);
  const rebased = git(forge, ["rev-list", "--reverse", `${tip}~3..${tip}`]).split("\n");

  const ci = ciClone(server, head);
  const r = traces(ci, ["carry", `${head}~3..${head}`, `${tip}~3..${tip}`]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("carried t-one from");
  const notes = notesOf(ci);
  rebased.forEach((c, i) => {
    expect(notes.get(c)).toMatch(new RegExp(`^traces:${ids[i]}$`, "m"));
    expect(notes.get(c)).toContain(`"lines":{`);
  });
  const before = git(ci, ["rev-parse", "refs/notes/traces"]);
  const again = traces(ci, ["carry", `${head}~3..${head}`, `${tip}~3..${tip}`, "--json"]);
  expect(again.exitCode).toBe(0);
  expect(JSON.parse(again.out).changed).toEqual([]);
  expect(JSON.parse(again.out).carried.every((c: { already: string[] }) => c.already.length === 1)).toBe(true);
  expect(git(ci, ["rev-parse", "refs/notes/traces"])).toBe(before);
});

test("ranges that do not correspond carry nothing, say why, and exit 0", () => {
  const { server, forge, head } = setUp();
  const other = git(forge, ["rev-parse", "HEAD"]);
  git(forge, ["push", "-q", "origin", "main"]);
  const ci = ciClone(server, head);
  const r = traces(ci, ["carry", `${head}~3..${head}`, `${other}~1..${other}`]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toBe("");
  expect(r.err).toContain("no commit of the second range has the same change");
  expect(r.err).toContain("nothing to carry");
  expect(notesOf(ci).has(other)).toBe(false);
  const json = JSON.parse(traces(ci, ["carry", `${head}~3..${head}`, `${other}~1..${other}`, "--json"]).out);
  expect(json.carried).toEqual([]);
  expect(json.notCarried).toHaveLength(3);

  // A range with no traces at all: nothing to carry, exit 0.
  const none = traces(ci, ["carry", `${other}~1..${other}`, `${head}~1..${head}`]);
  expect(none.exitCode).toBe(0);
  expect(none.err).toContain("no commit of the first range has traces");
});

test("bad ranges are a clear error", () => {
  const { forge } = setUp();
  const r = traces(forge, ["carry", "nope..HEAD", "HEAD~1..HEAD"]);
  expect(r.exitCode).toBe(1);
  expect(r.err).toContain("git-traces: ");
  expect(r.err).not.toContain("    at ");
  expect(traces(forge, ["carry", "HEAD~1..HEAD"]).exitCode).toBe(129);
});

test("line ranges are kept where the file is the same blob, left out (and said) where it is not", () => {
  const server = join(box.dir, "server.git");
  git(box.dir, ["init", "-q", "--bare", "-b", "main", server]);
  const author = join(box.dir, "author");
  git(box.dir, ["clone", "-q", server, author]);
  const write = (repo: string, file: string, text: string, msg: string) => {
    writeFileSync(join(repo, file), text);
    git(repo, ["add", file]);
    git(repo, ["commit", "-q", "-m", msg]);
    return git(repo, ["rev-parse", "HEAD"]);
  };
  write(author, "story.txt", "l1\nl2\nl3\nl4\nl5\nl6\n", "base");
  git(author, ["push", "-q", "origin", "HEAD:main"]);
  git(author, ["checkout", "-q", "-b", "feature"]);
  const mine = write(author, "story.txt", "l1\nl2\nl3\nl4\nl5\nl6 by the agent\n", "agent edit");
  const meta = { v: 1, agent: "codex", files: ["story.txt"], lines: { "story.txt": "6" } };
  git(author, ["notes", "--ref=traces", "add", "-m", `traces:t-six\ntraces-meta:t-six ${JSON.stringify(meta)}`, mine]);
  // On main, someone changes the first line: the rebased commit holds the same change, in another blob.
  git(author, ["checkout", "-q", "main"]);
  write(author, "story.txt", "L1\nl2\nl3\nl4\nl5\nl6\n", "other edit");
  git(author, ["cherry-pick", mine]);
  const rebased = git(author, ["rev-parse", "HEAD"]);
  const r = traces(author, ["carry", `${mine}~1..${mine}`, `${rebased}~1..${rebased}`, "--json"]);
  expect(r.exitCode).toBe(0);
  const out = JSON.parse(r.out);
  expect(out.carried[0].how).toBe("patch-id");
  expect(out.carried[0].linesDropped).toEqual(["story.txt"]);
  const note = notesOf(author).get(rebased)!;
  const carried = JSON.parse(/^traces-meta:t-six (.*)$/m.exec(note)![1]!);
  expect(carried.files).toEqual(["story.txt"]);
  expect(carried.lines).toBeUndefined();
  expect(traces(author, ["carry", `${mine}~1..${mine}`, `${rebased}~1..${rebased}`, "--dry-run"]).err).toBe("");
});
