// When the notes cannot travel: a remote that refuses them, one that cannot be reached, a
// push interrupted by Ctrl-C, a remote whose notes ref is garbage. The user's own push or
// fetch ends exactly as git's, nothing local is lost, and the message is one clear line.

import { expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REAL_GIT, run, settle, sh } from "../helpers/sandbox.ts";
import { makeRemote, usersEachTest } from "../helpers/users.ts";

const t = usersEachTest(["alice"]);

/** Two identical clones of two identical remotes: one used through the shim, one with git alone. */
function twins(setupRemote?: (remote: string) => void) {
  const remoteShim = makeRemote(join(t.dir.dir, "r1"));
  const remoteGit = makeRemote(join(t.dir.dir, "r2"));
  setupRemote?.(remoteShim);
  setupRemote?.(remoteGit);
  const a = join(t.alice.box.home, "shop");
  const g = join(t.alice.box.home, "plain");
  expect(t.alice.git(["clone", "-q", remoteShim, a], t.alice.box.home).exitCode).toBe(0);
  expect(run([REAL_GIT, "clone", "-q", remoteGit, g], { env: t.alice.box.realEnv }).exitCode).toBe(0);
  return { a, g, remoteShim, remoteGit };
}

const hook = (remote: string, name: string, body: string) => {
  writeFileSync(join(remote, "hooks", name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(remote, "hooks", name), 0o755);
};

test("a remote that refuses notes: the push is git's, one warning once, then silence", () => {
  const declineNotes =
    'while read old new ref; do case "$ref" in refs/notes/*) echo "notes are not welcome here" >&2; exit 1;; esac; done; exit 0';
  const { a, g } = twins((r) => hook(r, "pre-receive", declineNotes));
  expect(t.alice.agentCommit(a, "src/x.py", "alice-1").exitCode).toBe(0);
  sh("echo x > src-x && git add src-x && git commit -q -m same", { cwd: g, env: t.alice.box.realEnv });
  const viaShim = t.alice.git(["push", "origin", "main"], a);
  const viaGit = run([REAL_GIT, "push", "origin", "main"], { cwd: g, env: t.alice.box.realEnv });
  expect(viaShim.exitCode).toBe(viaGit.exitCode);
  expect(viaShim.err.replace(/r1\/shop\.git/g, "r2/shop.git").replace(/[0-9a-f]{7}\.\.[0-9a-f]{7}/, "X")).toBe(
    viaGit.err.replace(/[0-9a-f]{7}\.\.[0-9a-f]{7}/, "X"),
  );
  // The next command tells what happened, in one line.
  const next = t.alice.git(["status", "--short"], a);
  expect(next.err).toBe("");
  const commit = t.alice.agentCommit(a, "src/y.py", "alice-2");
  expect(commit.err.trim().split("\n")).toHaveLength(1);
  expect(commit.err).toMatch(/^git-traces: warning: .* refuses refs\/notes\/traces \(pre-receive hook declined\)/);
  // Remembered: the next push does not try, and says nothing.
  expect(t.alice.git(["push", "-q"], a).err).toBe("");
  expect(t.alice.git(["commit", "-q", "--allow-empty", "-m", "e"], a).err).toBe("");
  expect(t.alice.git(["traces", "status"], a).out).toContain("refuses refs/notes/traces: pre-receive hook declined");
  expect(t.alice.traces(a, "HEAD~1")).toEqual(["alice-2"]); // nothing local lost
});

test("an unreachable remote: git's own error, and the notes stay for the next push", () => {
  const { a, g } = twins();
  for (const d of [a, g])
    run([REAL_GIT, "remote", "set-url", "origin", "git://127.0.0.1:9/nowhere.git"], {
      cwd: d,
      env: t.alice.box.realEnv,
    });
  expect(t.alice.agentCommit(a, "src/x.py", "alice-1").exitCode).toBe(0);
  const viaShim = t.alice.git(["push", "origin", "main"], a);
  const viaGit = run([REAL_GIT, "push", "origin", "main"], { cwd: g, env: t.alice.box.realEnv });
  expect(viaShim.exitCode).toBe(128);
  expect(viaShim.exitCode).toBe(viaGit.exitCode);
  expect(viaShim.err).toBe(viaGit.err);
  expect(t.alice.traces(a)).toEqual(["alice-1"]);
  const fetch = t.alice.git(["fetch", "origin"], a);
  expect(fetch.exitCode).toBe(128);
  expect(fetch.err).toBe(run([REAL_GIT, "fetch", "origin"], { cwd: g, env: t.alice.box.realEnv }).err);
});

test("a push interrupted with SIGINT ends as git's would; nothing local is lost", async () => {
  const { a, g } = twins((r) => hook(r, "pre-receive", "sleep 3; exit 0"));
  expect(t.alice.agentCommit(a, "src/x.py", "alice-1").exitCode).toBe(0);
  sh("echo x > f && git add f && git commit -q -m same", { cwd: g, env: t.alice.box.realEnv });
  const interrupted = async (cmd: string[], cwd: string, env: Record<string, string>) => {
    const p = Bun.spawn({ cmd, cwd, env, argv0: "git", stdout: "pipe", stderr: "pipe" });
    await Bun.sleep(700);
    p.kill("SIGINT");
    await p.exited;
    return p.signalCode;
  };
  const shimSignal = await interrupted([join(t.alice.box.bin, "git"), "push", "-q", "origin", "main"], a, t.alice.env);
  const gitSignal = await interrupted([REAL_GIT, "push", "-q", "origin", "main"], g, t.alice.box.realEnv);
  expect(shimSignal).toBe(gitSignal);
  settle(t.alice.box.home);
  hook(join(t.dir.dir, "r1", "shop.git"), "pre-receive", "exit 0");
  expect(t.alice.traces(a)).toEqual(["alice-1"]);
  expect(run(["/usr/bin/pgrep", "-f", "after-push"]).out.trim()).toBe("");
  // And the next push sends everything.
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  expect(run([REAL_GIT, "for-each-ref", "refs/notes/traces"], { cwd: join(t.dir.dir, "r1", "shop.git") }).out).not.toBe(
    "",
  );
});

// At a terminal the merge runs in a background worker once git has exited, and its warning
// comes with the next command a person reads; in CI it is done, and said, before the fetch returns.
for (const [where, sync] of [
  ["at a terminal", "0"],
  ["in CI", "1"],
] as const) {
  test(`a remote whose notes ref is not a notes commit (${where}): fetch is git's, our notes stay, one clear warning`, () => {
    const { a } = twins();
    expect(t.alice.agentCommit(a, "src/x.py", "alice-1").exitCode).toBe(0);
    const remote = join(t.dir.dir, "r1", "shop.git");
    const blob = run([REAL_GIT, "hash-object", "-w", "--stdin"], { cwd: remote, input: "garbage" }).out.trim();
    run([REAL_GIT, "update-ref", "refs/notes/traces", blob], { cwd: remote });
    const warning =
      "git-traces: warning: the notes fetched from origin are not a notes commit (refs/notes/remotes/origin/traces); left out\n";
    const fetch = t.alice.git(["fetch", "-q"], a, { GIT_TRACES_SYNC: sync });
    expect(fetch.exitCode).toBe(0);
    if (sync === "1") expect(fetch.err).toBe(warning);
    else {
      expect(fetch.err).toBe("");
      // Told by the next command that is not quiet, once; that fetch brings nothing new.
      expect(t.alice.git(["fetch"], a).err).toBe(warning);
      expect(t.alice.git(["fetch"], a).err).toBe("");
    }
    expect(t.alice.traces(a)).toEqual(["alice-1"]);
    const push = t.alice.git(["push", "-q"], a);
    expect(push.exitCode).toBe(0);
    expect(push.err).toBe("");
    // The next commit tells what happened, in one line.
    const next = t.alice.agentCommit(a, "src/y.py", "alice-2");
    expect(next.err.trim().split("\n")).toHaveLength(1);
    expect(next.err).toMatch(
      /^git-traces: warning: notes not pushed to origin: its refs\/notes\/traces is not a notes commit/,
    );
    expect(t.alice.traces(a, "HEAD~1")).toEqual(["alice-1"]);
  });
}

test("no notes push for --dry-run, --delete and tag-only pushes", () => {
  const { a } = twins();
  expect(t.alice.agentCommit(a, "src/x.py", "alice-1").exitCode).toBe(0);
  const remote = join(t.dir.dir, "r1", "shop.git");
  const notesOnRemote = () => run([REAL_GIT, "for-each-ref", "refs/notes/"], { cwd: remote }).out;
  expect(t.alice.git(["push", "-q", "--dry-run"], a).exitCode).toBe(0);
  run([REAL_GIT, "tag", "v1"], { cwd: a, env: t.alice.box.realEnv });
  expect(t.alice.git(["push", "-q", "origin", "v1"], a).exitCode).toBe(0);
  expect(t.alice.git(["push", "-q", "--tags"], a).exitCode).toBe(0);
  expect(t.alice.git(["push", "-q", "origin", "--delete", "v1"], a).exitCode).toBe(0);
  expect(notesOnRemote()).toBe("");
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  expect(notesOnRemote()).toContain("refs/notes/traces");
});

test("sync --remove-config turns the automatic sync off for good, until traces.sync is unset", () => {
  const { a } = twins();
  const remote = join(t.dir.dir, "r1", "shop.git");
  const fetchSpecs = () => run([REAL_GIT, "config", "--get-all", "remote.origin.fetch"], { cwd: a }).out;
  expect(fetchSpecs()).toContain("refs/notes/traces");
  const off = t.alice.git(["traces", "sync", "--remove-config"], a);
  expect(off.exitCode).toBe(0);
  expect(off.err).toContain("traces.sync=false");
  expect(fetchSpecs()).not.toContain("refs/notes/traces");
  expect(t.alice.agentCommit(a, "src/x.py", "alice-1").exitCode).toBe(0);
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  expect(t.alice.git(["fetch", "-q"], a).exitCode).toBe(0);
  expect(fetchSpecs()).not.toContain("refs/notes/traces");
  expect(run([REAL_GIT, "for-each-ref", "refs/notes/"], { cwd: remote }).out).toBe("");
  expect(t.alice.traces(a)).toEqual(["alice-1"]); // the local note stays
  run([REAL_GIT, "config", "--unset", "traces.sync"], { cwd: a });
  expect(t.alice.git(["fetch", "-q"], a).exitCode).toBe(0);
  expect(fetchSpecs()).toContain("refs/notes/traces");
});
