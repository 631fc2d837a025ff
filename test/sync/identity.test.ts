// What the tool writes and pushes must pass a server's checks as the user's own work would:
// notes commits carry the user's identity (never a made-up one) and are not signed, and the
// notes push runs the user's pre-push hook unless the user's own push skipped it.

import { expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REAL_GIT, run } from "../helpers/sandbox.ts";
import { makeRemote, usersEachTest } from "../helpers/users.ts";

const t = usersEachTest(["alice", "bob"]);

test("notes commits, merged ones included, carry the users' own identities and no signature", () => {
  const remote = makeRemote(t.dir.dir);
  const a = join(t.alice.box.home, "shop");
  const b = join(t.bob.box.home, "shop");
  expect(t.alice.git(["clone", "-q", remote, a], t.alice.box.home).exitCode).toBe(0);
  expect(t.bob.git(["clone", "-q", remote, b], t.bob.box.home).exitCode).toBe(0);
  expect(t.alice.agentCommit(a, "src/a.py", "alice-1").exitCode).toBe(0);
  expect(t.bob.agentCommit(b, "src/b.py", "bob-1").exitCode).toBe(0);
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  // Bob's branch push is rejected; after pull --rebase both his branch and his notes go,
  // his notes by way of a merge with Alice's (in his repository: the remote gets a notes
  // commit on top of Alice's, docs/sync.md).
  expect(t.bob.git(["push", "-q"], b).exitCode).toBe(1);
  expect(t.bob.git(["pull", "-q", "--rebase"], b).exitCode).toBe(0);
  expect(t.bob.git(["push", "-q"], b).exitCode).toBe(0);
  const logOf = (cwd: string) =>
    run([REAL_GIT, "log", "--format=%an <%ae>|%cn <%ce>|%G?|%P", "refs/notes/traces"], { cwd }).out.trim().split("\n");
  const merges = logOf(b);
  expect(merges.some((l) => l.split("|")[3]!.includes(" "))).toBe(true); // there was a merge
  const log = [...logOf(remote), ...merges];
  expect(logOf(remote).length).toBeGreaterThan(1);
  for (const line of log) {
    const [author, committer, signature] = line.split("|");
    expect(["alice <alice@example.com>", "bob <bob@example.com>"]).toContain(author!);
    expect(committer).toBe(author!);
    expect(signature).toBe("N");
  }
});

test("the notes push runs the user's pre-push hook, and skips it only with the user's --no-verify", () => {
  const remote = makeRemote(t.dir.dir);
  const a = join(t.alice.box.home, "shop");
  expect(t.alice.git(["clone", "-q", remote, a], t.alice.box.home).exitCode).toBe(0);
  const seen = join(t.alice.box.home, "pre-push.log");
  const hook = join(a, ".git", "hooks", "pre-push");
  writeFileSync(hook, `#!/bin/sh\ncat >> ${JSON.stringify(seen)}\n`);
  chmodSync(hook, 0o755);
  // `<local ref> <local oid> <remote ref> <remote oid>`: the notes push sends a commit built for the remote, by ID.
  const notesPushes = () =>
    existsSync(seen)
      ? readFileSync(seen, "utf8")
          .split("\n")
          .filter((l) => l.split(" ")[2] === "refs/notes/traces").length
      : 0;

  expect(t.alice.agentCommit(a, "src/a.py", "alice-1").exitCode).toBe(0);
  expect(t.alice.git(["push", "-q"], a).exitCode).toBe(0);
  expect(notesPushes()).toBe(1);

  expect(t.alice.agentCommit(a, "src/b.py", "alice-2").exitCode).toBe(0);
  expect(t.alice.git(["push", "-q", "--no-verify"], a).exitCode).toBe(0);
  expect(notesPushes()).toBe(1); // not run for the notes either
  expect(run([REAL_GIT, "notes", "--ref=traces", "show", "main"], { cwd: remote }).out).toContain("traces:alice-2");
});
