// A remote's notes tree that holds something other than notes (a collaborator's broken tool,
// or someone trying): git's notes merge would carry it into ours as tree entries pointing at
// the wrong kind of object, and from then on fsck, gc, bundle and every notes push would
// fail. Such a tree is left out with one warning, ours stay intact, and our next push leaves
// those entries out of the remote's notes (a fast-forward: nothing is lost from its history).
// And a remote that cannot store what we push says so, instead of "kept moving".

import { afterEach, beforeEach, expect, test } from "bun:test";
import { join } from "node:path";
import { parseLongTree } from "../../src/git/trees.ts";
import { badNotesEntries, MAX_NOTE_BYTES } from "../../src/notes/store.ts";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";
import { makeRemote, makeUser, type User } from "../helpers/users.ts";

let bob: User;
let carol: User;
let dir: Sandbox;
beforeEach(() => {
  requireBinary();
  bob = makeUser("bob");
  carol = makeUser("carol");
  dir = makeSandbox("remotes");
});
afterEach(() => {
  bob?.cleanup();
  carol?.cleanup();
  dir?.cleanup();
});

const git = (cwd: string, args: string[], input?: string) => {
  const r = run([REAL_GIT, ...args], {
    cwd,
    ...(input !== undefined ? { input } : {}),
    env: {
      HOME: cwd,
      PATH: "/usr/bin:/bin",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "m",
      GIT_AUTHOR_EMAIL: "m@e",
      GIT_COMMITTER_NAME: "m",
      GIT_COMMITTER_EMAIL: "m@e",
    },
  });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r.out.trim();
};

/**
 * Waits for a commit's note: a commit's background worker can start late on a busy machine,
 * after the helpers' settle() has found nothing pending.
 */
function waitForNote(user: User, repo: string, rev: string, id: string): void {
  const deadline = Date.now() + 10_000;
  while (!user.traces(repo, rev).includes(id) && Date.now() < deadline) Bun.sleepSync(20);
  expect(user.traces(repo, rev)).toContain(id);
}

test("a fetched notes tree holding a gitlink is left out: one warning, fsck clean, our notes intact, the next push still goes", () => {
  const remote = makeRemote(dir.dir);
  const b = join(bob.box.home, "shop");
  expect(bob.git(["clone", "-q", remote, b], bob.box.home).exitCode).toBe(0);
  expect(bob.agentCommit(b, "src/one.py", "bob-1").exitCode).toBe(0);
  expect(bob.git(["push", "-q"], b).exitCode).toBe(0);
  expect(bob.agentCommit(b, "src/two.py", "bob-2").exitCode).toBe(0); // not pushed yet

  // On the remote: a notes commit on top of Bob's whose tree also holds a gitlink, at the
  // path of a note for the seed commit.
  const seed = git(remote, ["rev-parse", "main~1"]);
  const tree = git(remote, ["ls-tree", "refs/notes/traces"]);
  const evil = git(remote, ["mktree"], `${tree}\n160000 commit ${seed}\t${seed}\n`);
  const commit = git(remote, ["commit-tree", evil, "-p", "refs/notes/traces", "-m", "notes"]);
  git(remote, ["update-ref", "refs/notes/traces", commit]);
  expect(run([REAL_GIT, "fsck"], { cwd: remote }).exitCode).toBe(0); // git itself sees nothing wrong
  const warning = `git-traces: warning: the notes fetched from origin hold ${seed}, a gitlink (mode 160000), which is not a note; left out (refs/notes/remotes/origin/traces)\n`;

  // A clone made now starts without them.
  const c = join(carol.box.home, "shop");
  const clone = carol.git(["clone", "-q", remote, c], carol.box.home);
  expect(clone.exitCode).toBe(0);
  expect(clone.err).toBe(warning);
  expect(run([REAL_GIT, "rev-parse", "-q", "--verify", "refs/notes/traces"], { cwd: c }).exitCode).toBe(1);
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: c }).exitCode).toBe(0);

  waitForNote(bob, b, "HEAD", "bob-2");
  const before = git(b, ["rev-parse", "refs/notes/traces"]);
  const fetch = bob.git(["fetch", "-q"], b);
  expect(fetch.exitCode).toBe(0);
  // The merge ran in the background once git had exited: the next command a person reads tells.
  expect(fetch.err).toBe("");
  expect(bob.git(["fetch"], b).err).toBe(warning);
  const fsck = run([REAL_GIT, "fsck", "--strict"], { cwd: b });
  expect(fsck.exitCode).toBe(0);
  expect(fsck.out + fsck.err).not.toContain("broken");
  expect(git(b, ["rev-parse", "refs/notes/traces"])).toBe(before);
  expect(git(b, ["ls-tree", "-r", "refs/notes/traces"])).not.toContain("160000");
  expect(bob.traces(b, "HEAD~1")).toEqual(["bob-1"]);
  expect(bob.traces(b)).toEqual(["bob-2"]);
  // Said once: the next fetch has nothing new to say.
  expect(bob.git(["fetch", "-q"], b).err).toBe("");

  // The next push sends Bob's notes on top of the remote's, the gitlink left out.
  const push = bob.git(["push", "-q"], b);
  expect(push.exitCode).toBe(0);
  expect(push.err).toBe("");
  expect(bob.git(["status", "-s"], b).err).toBe(""); // no deferred warning either
  expect(git(remote, ["ls-tree", "-r", "refs/notes/traces"])).not.toContain("160000");
  expect(git(remote, ["rev-list", "refs/notes/traces"]).split("\n")).toContain(commit); // a fast-forward
  expect(git(remote, ["notes", "--ref=traces", "show", "main"])).toContain("traces:bob-2");
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: remote }).exitCode).toBe(0);
  expect(run([REAL_GIT, "bundle", "create", join(dir.dir, "all.bundle"), "--all"], { cwd: b }).exitCode).toBe(0);

  // Everyone gets good notes again, with no warning.
  expect(carol.git(["pull", "-q"], c).err).toBe("");
  expect(carol.allTraces(c)).toEqual(["bob-1", "bob-2"]);
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: c }).exitCode).toBe(0);
  expect(bob.git(["fetch", "-q"], b).err).toBe("");
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: b }).exitCode).toBe(0);
});

test("what makes a notes tree bad: anything but notes and fanout directories", () => {
  const hex = "0123456789abcdef0123456789abcdef01234567";
  const blob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
  const line = (mode: string, type: string, size: string, path: string) =>
    `${mode} ${type} ${blob} ${size.padStart(7)}\t${path}`;
  const verdicts = (...entries: string[]) =>
    badNotesEntries(parseLongTree(`${entries.join("\0")}\0`)).map((b) => `${b.path}: ${b.why}`);
  // Notes, flat and fanned out, in SHA-1 and SHA-256 repositories.
  expect(
    verdicts(
      line("100644", "blob", "12", hex),
      line("040000", "tree", "-", "01"),
      line("100644", "blob", "12", `01/${hex.slice(2)}`),
    ),
  ).toEqual([]);
  expect(verdicts(`100644 blob ${"a".repeat(64)}      12\t${"b".repeat(64)}`)).toEqual([]);
  expect(
    verdicts(
      line("160000", "commit", "-", hex),
      line("120000", "blob", "3", hex),
      line("100755", "blob", "3", hex),
      line("100644", "blob", "3", ".git"),
      line("100644", "blob", "3", ".."),
      line("100644", "blob", "3", hex.toUpperCase()),
      line("100644", "blob", "3", hex.slice(1)),
      line("040000", "tree", "-", "docs"),
      line("100644", "blob", "3", `docs/${hex}`),
      line("040000", "tree", "-", "0a"),
      line("100644", "blob", "3", `0a/${hex}`),
      line("100644", "blob", String(MAX_NOTE_BYTES + 1), hex),
    ),
  ).toEqual([
    `${hex}: a gitlink (mode 160000)`,
    `${hex}: a symbolic link`,
    `${hex}: an executable file`,
    ".git: a name that is not an object ID",
    "..: a name that is not an object ID",
    `${hex.toUpperCase()}: a name that is not an object ID`,
    `${hex.slice(1)}: a name that is not an object ID`,
    "docs: a directory that is not a fanout directory",
    `0a/${hex}: a name that is not an object ID`,
    `${hex}: a note of ${MAX_NOTE_BYTES + 1} bytes, over the limit of 4 MiB`,
  ]);
});

test("a remote that cannot store the notes says why, not that its notes kept moving", () => {
  const remote = makeRemote(dir.dir);
  const b = join(bob.box.home, "shop");
  expect(bob.git(["clone", "-q", remote, b], bob.box.home).exitCode).toBe(0);
  expect(bob.agentCommit(b, "src/one.py", "bob-1").exitCode).toBe(0);
  expect(bob.git(["push", "-q"], b).exitCode).toBe(0);
  expect(bob.agentCommit(b, "src/two.py", "bob-2").exitCode).toBe(0);
  // The branch goes (git alone), then the remote stops taking packs of any size.
  expect(run([REAL_GIT, "push", "-q"], { cwd: b, env: bob.box.realEnv }).exitCode).toBe(0);
  git(remote, ["config", "receive.maxInputSize", "10"]);
  const sync = bob.git(["traces", "sync"], b);
  expect(sync.exitCode).toBe(1);
  expect(sync.out).toBe(
    `origin: no new notes; push failed: origin did not take them: unpacker error (pack exceeds maximum allowed size)\n`,
  );
  expect(bob.traces(b)).toEqual(["bob-2"]);
});
