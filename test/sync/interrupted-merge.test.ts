// A notes merge works on a scratch ref (refs/notes/git-traces-merge-<pid>-<n>-h<tag>) and deletes it
// when it ends; one killed midway (SIGKILL, a machine going down) cannot. The next merge
// takes such a leftover away once its process is gone, and no note is lost.

import { expect, test } from "bun:test";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { namespaceTag } from "../../src/notes/store.ts";
import { REAL_GIT, run } from "../helpers/sandbox.ts";
import { makeRemote, usersEachTest } from "../helpers/users.ts";

const t = usersEachTest(["alice", "bob"]);

/** The pid of a process that has exited. */
function deadPid(): number {
  const p = Bun.spawnSync({ cmd: ["/bin/true"] });
  return p.pid;
}

test("scratch refs left by merges whose process died are taken away by the next merge; nothing is lost", () => {
  const remote = makeRemote(t.dir.dir);
  const a = join(t.alice.box.home, "shop");
  const b = join(t.bob.box.home, "shop");
  expect(t.alice.git(["clone", "-q", remote, a], t.alice.box.home).exitCode).toBe(0);
  expect(t.bob.git(["clone", "-q", remote, b], t.bob.box.home).exitCode).toBe(0);
  expect(t.alice.agentCommit(a, "src/a.py", "alice-1").exitCode).toBe(0);
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  expect(t.bob.agentCommit(b, "src/b.py", "bob-1").exitCode).toBe(0); // his own, not pushed

  // What killed merges would have left: one of a dead process, long ago; one of a dead
  // process a moment ago (it may be a merge of another pid namespace: left for later); one
  // of a live process (this one).
  const ours = run([REAL_GIT, "rev-parse", "refs/notes/traces"], { cwd: b }).out.trim();
  const old = `refs/notes/git-traces-merge-${deadPid()}-0`;
  const young = `refs/notes/git-traces-merge-${deadPid()}-1`;
  const live = `refs/notes/git-traces-merge-${process.pid}-0`;
  // Young too, but tagged with this machine's boot and pid namespace: its pid is known dead.
  const youngHere = `refs/notes/git-traces-merge-${deadPid()}-0-h${namespaceTag()}`;
  const youngElsewhere = `refs/notes/git-traces-merge-${deadPid()}-0-h0123456789ab`;
  expect(namespaceTag()).toMatch(/^[0-9a-f]{12}$/);
  for (const ref of [old, young, live, youngHere, youngElsewhere])
    expect(run([REAL_GIT, "update-ref", ref, ours], { cwd: b }).exitCode).toBe(0);
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(join(b, ".git", old), hourAgo, hourAgo);
  utimesSync(join(b, ".git", live), hourAgo, hourAgo);

  // A fetch that brings Alice's note merges (Bob has one of his own): the merge cleans up.
  expect(t.bob.git(["pull", "-q", "--no-rebase"], b).exitCode).toBe(0);
  const left = run([REAL_GIT, "for-each-ref", "--format=%(refname)", "refs/notes/"], { cwd: b }).out.trim().split("\n");
  expect(left).not.toContain(old);
  expect(left).not.toContain(youngHere);
  expect(left).toContain(young);
  expect(left).toContain(youngElsewhere);
  expect(left).toContain(live);
  expect(left.filter((r) => r.startsWith("refs/notes/git-traces-merge-"))).toHaveLength(3);
  expect(t.bob.allTraces(b)).toEqual(["alice-1", "bob-1"]);
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: b }).exitCode).toBe(0);
});

test("a merge killed with SIGKILL leaves at most a scratch ref, and the next merge takes it away", async () => {
  const remote = makeRemote(t.dir.dir);
  const a = join(t.alice.box.home, "shop");
  const b = join(t.bob.box.home, "shop");
  expect(t.alice.git(["clone", "-q", remote, a], t.alice.box.home).exitCode).toBe(0);
  expect(t.bob.git(["clone", "-q", remote, b], t.bob.box.home).exitCode).toBe(0);
  expect(t.alice.agentCommit(a, "src/a.py", "alice-1").exitCode).toBe(0);
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  expect(t.bob.agentCommit(b, "src/b.py", "bob-1").exitCode).toBe(0);
  // Bring Alice's notes into the tracking ref with git alone, then let `git traces status`
  // merge them, killed as soon as its scratch ref appears.
  expect(run([REAL_GIT, "fetch", "-q"], { cwd: b, env: t.bob.box.realEnv }).exitCode).toBe(0);
  const status = Bun.spawn({
    cmd: [join(t.bob.box.bin, "git"), "traces", "status"],
    cwd: b,
    env: t.bob.env,
    stdout: "ignore",
    stderr: "ignore",
  });
  const scratch = () =>
    run([REAL_GIT, "for-each-ref", "--format=%(refname)", "refs/notes/git-traces-merge-*"], { cwd: b }).out.trim();
  const deadline = Date.now() + 10_000;
  while (!scratch() && status.exitCode === null && Date.now() < deadline) Bun.sleepSync(1);
  status.kill("SIGKILL");
  await status.exited;
  // A git it had started (the notes merge itself) is not killed with it: let it finish.
  Bun.sleepSync(500);
  // A leftover, if any, carries this machine's tag: the next merge takes it away at once.
  expect(t.bob.git(["pull", "-q", "--no-rebase"], b).exitCode).toBe(0);
  expect(scratch()).toBe("");
  expect(t.bob.allTraces(b)).toEqual(["alice-1", "bob-1"]);
  expect(run([REAL_GIT, "fsck", "--strict"], { cwd: b }).exitCode).toBe(0);
});
