// A remote gets the notes of the commits it has, and no others: pushing main to a public
// fork must not publish the notes (and titles) of an unpushed feature branch, of commits
// rebased away or of throw-away branches. The local notes stay whole; the branch's notes go
// with the push that sends the branch; collaborators get exactly what the remote has.

import { expect, test } from "bun:test";
import { join } from "node:path";
import { REAL_GIT, run } from "../helpers/sandbox.ts";
import { makeRemote, usersEachTest } from "../helpers/users.ts";

const t = usersEachTest(["alice", "bob"]);

const git = (cwd: string, args: string[]) => run([REAL_GIT, ...args], { cwd }).out.trim();

/** Annotated commit -> its trace IDs, in a repository's refs/notes/traces. */
function notesOf(repo: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const list = git(repo, ["notes", "--ref=traces", "list"]);
  for (const line of list.split("\n").filter(Boolean)) {
    const [blob, commit] = line.split(" ");
    const ids = git(repo, ["cat-file", "blob", blob!])
      .split("\n")
      .flatMap((l) => /^traces:(\S+)/.exec(l)?.[1] ?? []);
    out.set(commit!, ids);
  }
  return out;
}

/** Every object in a repository, as text: to show a note's text is nowhere in it, history included. */
const everything = (repo: string) => run([REAL_GIT, "cat-file", "--batch-all-objects", "--batch"], { cwd: repo }).out;

/**
 * Alice's clone of origin: main with two noted commits, a feature branch (noted) rebased
 * onto main (its first version stays behind with its note), a throw-away branch (noted,
 * deleted). Nothing pushed anywhere yet.
 */
function aliceWithHistory() {
  const origin = makeRemote(join(t.dir.dir, "origin"));
  const a = join(t.alice.box.home, "shop");
  expect(t.alice.git(["clone", "-q", origin, a], t.alice.box.home).exitCode).toBe(0);
  const rev = (r: string) => git(a, ["rev-parse", r]);
  expect(t.alice.agentCommit(a, "src/m1.py", "alice-main-1").exitCode).toBe(0);
  expect(t.alice.git(["checkout", "-q", "-b", "feature"], a).exitCode).toBe(0);
  expect(t.alice.agentCommit(a, "src/f1.py", "alice-feature").exitCode).toBe(0);
  const featureBefore = rev("HEAD");
  expect(t.alice.git(["checkout", "-q", "main"], a).exitCode).toBe(0);
  expect(t.alice.agentCommit(a, "src/m2.py", "alice-main-2").exitCode).toBe(0);
  expect(t.alice.git(["checkout", "-q", "feature"], a).exitCode).toBe(0);
  expect(t.alice.git(["rebase", "-q", "main"], a).exitCode).toBe(0);
  expect(t.alice.git(["checkout", "-q", "-b", "wip", "main"], a).exitCode).toBe(0);
  expect(t.alice.agentCommit(a, "src/w.py", "alice-wip").exitCode).toBe(0);
  const wip = rev("HEAD");
  expect(t.alice.git(["checkout", "-q", "main"], a).exitCode).toBe(0);
  expect(t.alice.git(["branch", "-q", "-D", "wip"], a).exitCode).toBe(0);
  const c = { m1: rev("main~1"), m2: rev("main"), feature: rev("feature"), featureBefore, wip };
  // (A commit's background worker can start late on a busy machine, after settle() looked.)
  const deadline = Date.now() + 10_000;
  while (notesOf(a).size < 5 && Date.now() < deadline) Bun.sleepSync(20);
  // Every one of them has its note here.
  const mine = notesOf(a);
  expect(mine.get(c.m1)).toEqual(["alice-main-1"]);
  expect(mine.get(c.m2)).toEqual(["alice-main-2"]);
  expect(mine.get(c.feature)).toEqual(["alice-feature"]);
  expect(mine.get(c.featureBefore)).toEqual(["alice-feature"]);
  expect(mine.get(c.wip)).toEqual(["alice-wip"]);
  return { a, c };
}

test("pushing main to a new remote publishes the notes of main's commits only; the branch's go with the branch", () => {
  const { a, c } = aliceWithHistory();
  const pub = join(t.dir.dir, "pub.git");
  run([REAL_GIT, "init", "-q", "--bare", "-b", "main", pub]);
  expect(t.alice.git(["remote", "add", "pub", pub], a).exitCode).toBe(0);
  const localBefore = git(a, ["rev-parse", "refs/notes/traces"]);

  const push = t.alice.git(["push", "-q", "pub", "main"], a);
  expect(push.exitCode).toBe(0);
  expect(push.err).toBe("");
  expect(notesOf(pub)).toEqual(
    new Map([
      [c.m1, ["alice-main-1"]],
      [c.m2, ["alice-main-2"]],
    ]),
  );
  // Not in the notes' history either.
  for (const id of ["alice-feature", "alice-wip"]) expect(everything(pub)).not.toContain(id);
  // Ours stay whole.
  expect(git(a, ["rev-parse", "refs/notes/traces"])).toBe(localBefore);
  expect(notesOf(a).size).toBe(5);
  // `git traces sync` follows the same rule, and says what stays here.
  const sync = t.alice.git(["traces", "sync", "pub"], a);
  expect(sync.exitCode).toBe(0);
  expect(sync.out).toBe(
    "pub: no new notes; it has our notes of its commits; 3 notes of commits it does not have stay here until those commits are pushed there\n",
  );
  expect(notesOf(pub).size).toBe(2);
  expect(t.alice.git(["traces", "status"], a).out).toContain(
    "pub: notes fetched with every fetch\n  not pushed yet: 0 notes\n  held back: 3 notes of commits it does not have\n",
  );

  // The feature branch's note goes with the feature branch; the note of its version before
  // the rebase and the throw-away branch's never do.
  expect(t.alice.git(["push", "-q", "pub", "feature"], a).exitCode).toBe(0);
  expect(notesOf(pub).get(c.feature)).toEqual(["alice-feature"]);
  expect(notesOf(pub).size).toBe(3);
  expect(notesOf(pub).has(c.featureBefore)).toBe(false);
  expect(everything(pub)).not.toContain("alice-wip");
  expect(git(a, ["rev-parse", "refs/notes/traces"])).toBe(localBefore);

  // A collaborator gets exactly what the remote has.
  const b = join(t.bob.box.home, "shop");
  expect(t.bob.git(["clone", "-q", pub, b], t.bob.box.home).exitCode).toBe(0);
  expect(notesOf(b)).toEqual(notesOf(pub));
  expect(t.bob.traces(b, "origin/feature")).toEqual(["alice-feature"]);
  // And what he adds comes back to Alice whole, hers untouched.
  expect(t.bob.agentCommit(b, "src/b.py", "bob-1").exitCode).toBe(0);
  expect(t.bob.git(["push", "-q", "origin", "main"], b).exitCode).toBe(0);
  expect(t.alice.git(["fetch", "-q", "pub"], a).exitCode).toBe(0);
  const merged = notesOf(a);
  expect(merged.size).toBe(6);
  expect(merged.get(c.wip)).toEqual(["alice-wip"]);
  expect(merged.get(git(a, ["rev-parse", "pub/main"]))).toEqual(["bob-1"]);
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: a }).exitCode).toBe(0);
});

test("a push to a URL that is no named remote publishes the notes of the commits it has, as asked of it", () => {
  const { a, c } = aliceWithHistory();
  const pub = join(t.dir.dir, "by-path.git");
  run([REAL_GIT, "init", "-q", "--bare", "-b", "main", pub]);
  expect(t.alice.git(["push", "-q", pub, "main"], a).exitCode).toBe(0);
  expect([...notesOf(pub).keys()].sort()).toEqual([c.m1, c.m2].sort());
  for (const id of ["alice-feature", "alice-wip"]) expect(everything(pub)).not.toContain(id);
  expect(t.alice.git(["push", "-q", pub, "feature"], a).exitCode).toBe(0);
  expect([...notesOf(pub).keys()].sort()).toEqual([c.m1, c.m2, c.feature].sort());
});

test("a note added to a commit the remote already has is published by the next push", () => {
  const { a, c } = aliceWithHistory();
  expect(t.alice.git(["push", "-q", "origin", "main"], a).exitCode).toBe(0);
  const origin = join(t.dir.dir, "origin", "shop.git");
  expect([...notesOf(origin).keys()].sort()).toEqual([c.m1, c.m2].sort());
  // A line added by hand to the note of a commit the remote has had since the last push.
  run([REAL_GIT, "notes", "--ref=traces", "append", "-m", "traces:later", c.m1], { cwd: a, env: t.alice.box.realEnv });
  expect(t.alice.git(["traces", "sync"], a).out).toContain("our notes pushed");
  expect(notesOf(origin).get(c.m1)).toEqual(["alice-main-1", "later"]);
  expect(notesOf(origin).has(c.wip)).toBe(false);
});
