// `git fetch` and `git pull` at a terminal: the shim becomes git, and the merge of what
// arrived runs in a background worker once git has exited (src/jobs/after-fetch.ts). The
// notes are there for the next command that reads them; a fetch that brings nothing starts
// no worker at all; a worker killed before the end is redone by the next command.
// (The sandbox pins GIT_TRACES_SYNC=0, the background; the foreground path is the one the
// other sync tests run with GIT_TRACES_SYNC=1.)

import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, requireBinary, run, settle, type Result, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
let n = 0;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("fetch-worker");
});
afterEach(() => box?.cleanup());

/** git through the shim, nothing settled afterwards. */
function shim(args: string[], cwd: string, extra: Record<string, string> = {}): Result {
  return run([join(box.bin, "git"), ...args], { cwd, env: { ...box.env, ...extra } });
}

function real(args: string[], cwd: string): string {
  const r = run([REAL_GIT, ...args], { cwd, env: box.realEnv });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.err}`);
  return r.out.trim();
}

interface Remote {
  path: string;
  seed: string;
}

/** A bare remote whose commits each carry a note `traces:<id>`, made and pushed with plain git. */
function notedRemote(ids: readonly string[]): Remote {
  const name = `r${n++}`;
  const path = join(box.dir, "remotes", `${name}.git`);
  const seed = join(box.dir, "seeds", name);
  mkdirSync(seed, { recursive: true });
  real(["init", "-q", "--bare", "-b", "main", path], box.dir);
  real(["init", "-q", "-b", "main"], seed);
  const remote = { path, seed };
  for (const id of ids) addCommit(remote, id, true);
  return remote;
}

/** One more commit on the remote's main, with a note naming `id` when `noted`. */
function addCommit(remote: Remote, id: string, noted: boolean): void {
  writeFileSync(join(remote.seed, `${id}.txt`), `${id}\n`);
  real(["add", `${id}.txt`], remote.seed);
  real(["commit", "-q", "-m", id], remote.seed);
  if (noted) real(["notes", "--ref=traces", "add", "-m", `traces:${id}`], remote.seed);
  real(["push", "-q", remote.path, "main", ...(noted ? ["refs/notes/traces"] : [])], remote.seed);
}

/** A clone through the shim, with its first merge done. */
function cloneOf(remote: Remote): string {
  const clone = join(box.dir, `clone${n++}`);
  const r = shim(["clone", "-q", remote.path, clone], box.dir);
  expect(r.exitCode).toBe(0);
  settle(box.home);
  return clone;
}

/** Trace IDs in our own notes of `rev`, read with plain git (which waits for nothing). */
function ourTraces(repo: string, rev: string): string[] {
  const r = run([REAL_GIT, "notes", "--ref=traces", "show", rev], { cwd: repo, env: box.realEnv });
  return r.exitCode ? [] : r.out.split("\n").flatMap((l) => /^traces:(\S+)/.exec(l)?.[1] ?? []);
}

const pendingMarks = (repo: string) => readdirSync(join(repo, ".git", "traces", "pending"));
const hintDir = () => join(box.home, ".local", "share", "git-traces", "pending");
const stamp = (repo: string) => join(repo, ".git", "traces", "fetch-merged");

test("a fetch at a terminal is git's alone; the notes it brought are merged by a worker, and `git log` right after shows them", () => {
  const remote = notedRemote(["one"]);
  const clone = cloneOf(remote);
  addCommit(remote, "two", true);

  const fetch = shim(["fetch"], clone, { GIT_TRACES_TRACE: "1" });
  expect(fetch.exitCode).toBe(0);
  // The shim started the worker and became git: git was no child of it.
  expect(fetch.err).toContain("git-traces: trace: fetch worker started");
  expect(fetch.err).not.toContain("git-traces: trace: git done");
  expect(fetch.err).toContain("refs/notes/traces -> refs/notes/remotes/origin/traces");
  // Read at once through the shim: `git log` waits for the worker.
  const log = shim(["log", "--notes=traces", "--format=%s %N", "-1", "origin/main"], clone);
  expect(log.out).toBe("two traces:two\n\n");
  expect(ourTraces(clone, "origin/main")).toEqual(["two"]);
  settle(box.home);
  expect(pendingMarks(clone)).toEqual([]);
  expect(existsSync(hintDir())).toBe(false);
});

test("a fetch with refspecs whose git fetch failed fetches no notes; one that succeeded does, --no-write-fetch-head or not", () => {
  const remote = notedRemote(["one"]);
  const clone = cloneOf(remote);
  addCommit(remote, "two", true);
  const tracking = () =>
    run([REAL_GIT, "rev-parse", "-q", "--verify", "refs/notes/remotes/origin/traces"], {
      cwd: clone,
      env: box.realEnv,
    }).out.trim();
  const before = tracking();

  // git's fetch fails (no such branch): the worker must not go and fetch notes.
  const failed = shim(["fetch", "origin", "no-such-branch"], clone, { GIT_TRACES_TRACE: "1" });
  expect(failed.exitCode).toBe(128);
  expect(failed.err).toContain("git-traces: trace: fetch worker started");
  settle(box.home);
  expect(tracking()).toBe(before);
  expect(ourTraces(clone, real(["rev-parse", "main"], remote.path))).toEqual([]);

  // Without FETCH_HEAD to tell, the notes are fetched all the same.
  expect(shim(["fetch", "--no-write-fetch-head", "origin", "main"], clone).exitCode).toBe(0);
  settle(box.home);
  expect(tracking()).not.toBe(before);
  expect(ourTraces(clone, "origin/main")).toEqual(["two"]);

  addCommit(remote, "three", true);
  expect(shim(["fetch", "origin", "main"], clone).exitCode).toBe(0);
  settle(box.home);
  expect(ourTraces(clone, "origin/main")).toEqual(["three"]);
  expect(pendingMarks(clone)).toEqual([]);
});

test("a fetch that brings no notes starts no worker: its shell finds nothing newer than the last merge", () => {
  const remote = notedRemote(["one"]);
  const clone = cloneOf(remote);
  // The first fetch through the shim merges (there was no stamp yet) and leaves the stamp.
  expect(shim(["fetch"], clone).exitCode).toBe(0);
  settle(box.home);
  const first = statSync(stamp(clone), { bigint: true });

  // Nothing new, then a new commit without a note: the shell removes the marks and exits.
  // A worker that ran would have renewed the stamp (a new file), or left a failed mark.
  for (const noted of [null, false]) {
    if (noted !== null) addCommit(remote, `plain-${n}`, noted);
    const fetch = shim(["fetch"], clone, { GIT_TRACES_TRACE: "1" });
    expect(fetch.exitCode).toBe(0);
    expect(fetch.err).toContain("git-traces: trace: fetch worker started");
    settle(box.home);
    const now = statSync(stamp(clone), { bigint: true });
    expect([now.ino, now.mtimeNs]).toEqual([first.ino, first.mtimeNs]);
    expect(pendingMarks(clone)).toEqual([]);
    expect(existsSync(hintDir())).toBe(false);
  }

  // New notes: the worker runs, merges, and renews the stamp.
  addCommit(remote, "two", true);
  expect(shim(["fetch"], clone).exitCode).toBe(0);
  settle(box.home);
  expect(ourTraces(clone, "origin/main")).toEqual(["two"]);
  expect(statSync(stamp(clone), { bigint: true }).ino).not.toBe(first.ino);
  expect(pendingMarks(clone)).toEqual([]);
});

test("an after-fetch worker killed in the middle is redone by the next command", async () => {
  const remote = notedRemote(["one"]);
  const clone = cloneOf(remote);
  addCommit(remote, "two", true);
  // The remote's upload-pack, through a wrapper that hangs on its second call (the worker's
  // notes fetch) while `hang` exists.
  const hang = join(box.dir, "hang");
  const calls = join(box.dir, "calls");
  const wrapper = join(box.dir, "upload-pack");
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho x >> '${calls}'\nif [ -e '${hang}' ] && [ "$(wc -l < '${calls}')" -ge 2 ]; then : > '${hang}.reached'; exec sleep 60; fi\nexec git-upload-pack "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  real(["config", "remote.origin.uploadpack", wrapper], clone);
  writeFileSync(hang, "");

  // `git fetch origin main` brings no notes itself: the worker fetches them, and hangs there.
  expect(shim(["fetch", "origin", "main"], clone).exitCode).toBe(0);
  const deadline = Date.now() + 15_000;
  while (!existsSync(`${hang}.reached`) && Date.now() < deadline) await Bun.sleep(10);
  expect(existsSync(`${hang}.reached`)).toBe(true);
  const marks = pendingMarks(clone).filter((m) => /^\d+$/.test(m));
  expect(marks).toHaveLength(1);
  const pid = Number(marks[0]);
  process.kill(-pid, "SIGKILL"); // the worker and the git it runs (its own process group)
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await Bun.sleep(10);
  expect(ourTraces(clone, "origin/main")).toEqual([]);
  expect(pendingMarks(clone)).toContain(String(pid));

  // The next command runs the job again, in its own process: the notes fetch, the merge.
  rmSync(hang);
  const next = shim(["commit", "-q", "--allow-empty", "-m", "next"], clone);
  expect(next.exitCode).toBe(0);
  expect(next.err).toBe("");
  expect(ourTraces(clone, "origin/main")).toEqual(["two"]);
  settle(box.home);
  expect(pendingMarks(clone)).toEqual([]);
});

test("a fetch still running holds up no other command: its worker has nothing to wait for before git ends", async () => {
  const remote = notedRemote(["one"]);
  const clone = cloneOf(remote);
  addCommit(remote, "two", true);
  // The remote's upload-pack, slow while `slow` exists.
  const slow = join(box.dir, "slow");
  const wrapper = join(box.dir, "upload-pack");
  writeFileSync(
    wrapper,
    `#!/bin/sh\nif [ -e '${slow}' ]; then : > '${slow}.reached'; sleep 3; fi\nexec git-upload-pack "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  real(["config", "remote.origin.uploadpack", wrapper], clone);
  writeFileSync(slow, "");

  const fetch = Bun.spawn({
    cmd: [join(box.bin, "git"), "fetch", "-q"],
    cwd: clone,
    env: box.env,
    stdout: "ignore",
    stderr: "pipe",
  });
  const deadline = Date.now() + 15_000;
  while (!existsSync(`${slow}.reached`) && Date.now() < deadline) await Bun.sleep(10);
  expect(existsSync(`${slow}.reached`)).toBe(true);
  // The fetch's worker is marked, and its git is still at work: a commit and a `git log`
  // in the same repository go ahead at once.
  expect(pendingMarks(clone).filter((m) => /^\d+$/.test(m))).toHaveLength(1);
  const started = Date.now();
  expect(shim(["commit", "-q", "--allow-empty", "-m", "meanwhile"], clone).exitCode).toBe(0);
  expect(shim(["log", "--notes=traces", "-1", "--format=%s"], clone).out).toBe("meanwhile\n");
  expect(Date.now() - started).toBeLessThan(2000);
  expect(fetch.exitCode).toBeNull(); // still fetching

  expect(await fetch.exited).toBe(0);
  // Once git has ended, `git log` waits for the merge again.
  expect(shim(["log", "--notes=traces", "--format=%s %N", "-1", "origin/main"], clone).out).toBe("two traces:two\n\n");
  settle(box.home);
  expect(pendingMarks(clone)).toEqual([]);
});
