// Sharing trace content through git (docs/sharing.md), end to end with real clones of a bare
// remote, each collaborator with a HOME of their own: private by default, redacted content
// pushed and fetched with the notes when sharing is on, read by a collaborator who has no
// agent at all, unshared, imported, and snapshots that outlive the transcript.

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REAL_GIT, requireBinary, run, settle } from "../helpers/sandbox.ts";
import { makeRemote, makeUser, type User } from "../helpers/users.ts";
import { AWS_SECRET, expectNoSecrets, remoteRefs, secretCommit, traces, transcriptOf } from "./helpers.ts";

setDefaultTimeout(30_000);

let root: string;
beforeAll(() => {
  requireBinary();
  root = realpathSync(mkdtempSync(join(tmpdir(), "git-traces-share-")));
});
afterAll(() => {
  if (!process.env.KEEP_TRASH) rmSync(root, { recursive: true, force: true });
});

describe("one author, collaborators without agents", () => {
  let alice: User;
  let bob: User;
  let remote: string;
  let a: string;
  let b: string;
  beforeAll(() => {
    remote = makeRemote(join(root, "one"));
    alice = makeUser("alice");
    bob = makeUser("bob"); // a HOME with no agent data at all
    a = join(alice.box.home, "shop");
    b = join(bob.box.home, "shop");
    expect(alice.git(["clone", "-q", remote, a], alice.box.home).exitCode).toBe(0);
  });
  afterAll(() => {
    alice?.cleanup();
    bob?.cleanup();
  });

  test("private by default: only notes are pushed, no trace content, no secret; a snapshot stays at home", () => {
    secretCommit(alice, a, "src/private.py", "alice-private");
    expect(alice.traces(a)).toEqual(["alice-private"]);
    expect(alice.git(["push", "-q"], a).exitCode).toBe(0);
    settle(alice.box.home);
    expect(remoteRefs(remote)).toContain("refs/notes/traces");
    expect(remoteRefs(remote).filter((r) => r.startsWith("refs/traces/"))).toEqual([]);
    expect(run([REAL_GIT, "for-each-ref", "refs/traces/"], { cwd: a }).out).toBe("");
    expectNoSecrets(remote, [alice.box.home]);
    // The note's title went through the redactor too: it is pushed whatever the setting.
    const note = run([REAL_GIT, "notes", "--ref=traces", "show", "HEAD"], { cwd: a }).out;
    expect(note).toContain("GITHUB_TOKEN=[REDACTED:github-token]");
    // The snapshot: the whole trace, unredacted, the user's alone.
    const dir = join(alice.box.home, ".local", "share", "git-traces", "snapshots");
    const file = join(dir, "alice-private.json");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const snap = JSON.parse(readFileSync(file, "utf8"));
    expect(snap.source).toBe("transcript");
    expect(snap.trace.messages[0].text).toContain(AWS_SECRET);
  });

  test("sharing on: the redacted trace is pushed with the notes, and nothing secret goes", () => {
    run([REAL_GIT, "config", "traces.share", "true"], { cwd: a });
    secretCommit(alice, a, "src/shared.py", "alice-shared");
    const local = run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: a }).out;
    expect(local).toBe("alice-shared.json\n"); // only what was attached after sharing was turned on
    const push = alice.git(["push", "-q"], a);
    expect(push.exitCode).toBe(0);
    expect(push.err).toBe("");
    settle(alice.box.home);
    expect(remoteRefs(remote)).toContain("refs/traces/content");
    expect(run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: remote }).out).toBe(
      "alice-shared.json\n",
    );
    expectNoSecrets(remote, [alice.box.home]);
    const blob = run([REAL_GIT, "cat-file", "blob", "refs/traces/content:alice-shared.json"], { cwd: remote }).out;
    expect(blob).toContain("AWS_SECRET_ACCESS_KEY=[REDACTED:secret]");
    expect(blob).toContain('"cwd":"~/shop"');
    expect(blob).not.toContain('"transcript"');
    // --redacted shows exactly what was shared.
    const shown = JSON.parse(traces(alice, a, ["show", "alice-shared", "--redacted", "--json"]).out);
    expect(shown.redacted).toBe(true);
    expect(shown.traces[0].source).toBe("transcript");
    expect(shown.traces[0].trace).toEqual(JSON.parse(blob));
  });

  test("a collaborator with no agent installed sees the whole shared session", () => {
    expect(bob.git(["clone", "-q", remote, b], bob.box.home).exitCode).toBe(0);
    expect(existsSync(join(bob.box.home, ".claude"))).toBe(false);
    expect(run([REAL_GIT, "config", "--get-all", "remote.origin.fetch"], { cwd: b }).out).toContain(
      "+refs/traces/content*:refs/traces/remotes/origin/content*",
    );
    const show = traces(bob, b, ["show", "alice-shared"]);
    expect(show.code).toBe(0);
    expect(show.out).toContain("Content:    shared through git (refs/traces/content), redacted");
    expect(show.out).toContain("Add login with rate limiting, GITHUB_TOKEN=[REDACTED:github-token]");
    expect(show.out).toContain("run    AWS_SECRET_ACCESS_KEY=[REDACTED:secret] pytest -q tests/test_auth.py");
    expect(show.out).not.toContain("not available here");
    const json = JSON.parse(traces(bob, b, ["show", "alice-shared", "--json"]).out);
    expect(json.traces[0].available).toBe(true);
    expect(json.traces[0].source).toBe("shared");
    expect(json.traces[0].trace.messages.length).toBeGreaterThan(2);
    // The private one: the note only.
    const priv = traces(bob, b, ["show", "alice-private"]);
    expect(priv.code).toBe(0);
    expect(priv.out).toContain("The content of this trace is not available here");
    // summary reads the shared content too.
    expect(JSON.parse(traces(bob, b, ["summary", "HEAD", "--json"]).out).traces[0].available).toBe(true);
  });

  test("from a subdirectory the same: the shared content is found, and status counts every note and shared trace", () => {
    const sub = join(b, "src");
    const show = JSON.parse(traces(bob, sub, ["show", "alice-shared", "--json"]).out);
    expect(show.traces[0].source).toBe("shared");
    const top = JSON.parse(traces(bob, b, ["status", "--json"]).out);
    expect(top.notes).toBeGreaterThan(0);
    expect(top.sharing.shared).toBe(1);
    const below = JSON.parse(traces(bob, sub, ["status", "--json"]).out);
    expect({ notes: below.notes, shared: below.sharing.shared }).toEqual({
      notes: top.notes,
      shared: top.sharing.shared,
    });
  });

  test("import keeps a shared trace on this machine, for an agent's context", () => {
    const imp = traces(bob, b, ["import", "alice-shared"]);
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(
      /^imported alice-shared from refs\/traces\/content \(redacted\) into .*snapshots\/alice-shared\.json\n$/,
    );
    const md = traces(bob, b, ["show", "alice-shared", "--markdown"]);
    expect(md.code).toBe(0);
    expect(md.out).toContain("| Content | imported from shared content (redacted) |");
    expect(md.out).toContain("### Conversation");
    expect(traces(bob, b, ["import", "alice-shared"]).out).toStartWith("already imported, unchanged: alice-shared");
    const none = traces(bob, b, ["import", "alice-private"]);
    expect(none.code).toBe(1);
    expect(none.err).toBe(
      "git-traces: no shared content for trace alice-private here: fetch first (git fetch), or ask its author to run git traces share alice-private\n",
    );
    expect(traces(bob, b, ["import", "../x"]).code).toBe(129);
    // Alice's own transcript is here: nothing to import.
    expect(traces(alice, a, ["import", "alice-shared"]).out).toBe(
      "alice-shared is on this machine already (its transcript); nothing to import\n",
    );
  });

  test("share one trace by hand, then unshare it: gone from the next push, and said plainly that pushed copies stay", () => {
    run([REAL_GIT, "config", "--unset", "traces.share"], { cwd: a });
    const share = traces(alice, a, ["share", "alice-private"]);
    expect(share.code).toBe(0);
    expect(share.out).toMatch(/^shared alice-private \(from its transcript; \d+ values redacted\)\n$/);
    expect(alice.git(["push", "-q"], a).exitCode).toBe(0);
    settle(alice.box.home);
    expect(run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: remote }).out).toBe(
      "alice-private.json\nalice-shared.json\n",
    );
    expectNoSecrets(remote, [alice.box.home]);

    const off = traces(alice, a, ["unshare", "alice-shared"]);
    expect(off.code).toBe(0);
    expect(off.out).toBe(
      "unshared alice-shared: removed from refs/traces/content; your next push removes it from origin\n",
    );
    expect(off.err).toContain("Copies already pushed stay in the remote's history");
    expect(alice.git(["push", "-q"], a).exitCode).toBe(0);
    settle(alice.box.home);
    expect(run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: remote }).out).toBe(
      "alice-private.json\n",
    );
    // A collaborator's fetch takes it away from their content too (they did not change it)...
    expect(bob.git(["fetch", "-q"], b).exitCode).toBe(0);
    expect(run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: b }).out).toBe(
      "alice-private.json\n",
    );
    // ...but what bob imported is his: it stays.
    expect(JSON.parse(traces(bob, b, ["show", "alice-shared", "--json"]).out).traces[0].source).toBe("snapshot");
    // Sharing on does not share an unshared trace again on its own.
    run([REAL_GIT, "config", "traces.share", "true"], { cwd: a });
    secretCommit(alice, a, "src/shared2.py", "alice-shared");
    expect(alice.traces(a)).toEqual(["alice-shared"]);
    expect(run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: a }).out).toBe(
      "alice-private.json\n",
    );
    expect(traces(alice, a, ["unshare", "nobody"]).out).toBe(
      "nobody was not shared here; nothing removed (it will not be shared automatically either)\n",
    );
  });

  test("sync --remove-config removes the content refspec and tracking ref too", () => {
    const off = traces(bob, b, ["sync", "--remove-config"]);
    expect(off.code).toBe(0);
    expect(run([REAL_GIT, "config", "--get-all", "remote.origin.fetch"], { cwd: b }).out).toBe(
      "+refs/heads/*:refs/remotes/origin/*\n",
    );
    expect(run([REAL_GIT, "for-each-ref", "refs/traces/remotes/"], { cwd: b }).out).toBe("");
  });
});

test("a snapshot is refreshed while the session goes on, and outlives its transcript", () => {
  const carol = makeUser("carol");
  try {
    const remote = makeRemote(join(root, "snap"));
    const c = join(carol.box.home, "shop");
    expect(carol.git(["clone", "-q", remote, c], carol.box.home).exitCode).toBe(0);
    secretCommit(carol, c, "src/a.py", "carol-1");
    // The session goes on after the commit...
    const transcript = transcriptOf(carol, c, "carol-1");
    appendFileSync(
      transcript,
      `${JSON.stringify({ parentUuid: null, isSidechain: false, userType: "external", cwd: c, sessionId: "carol-1", version: "2.0.69", type: "user", message: { role: "user", content: "Now also log failed logins" }, uuid: "0f0f0f0f-0000-4000-8000-000000000001", timestamp: "2026-11-20T10:07:30.000Z" })}\n`,
    );
    // ...and the next commit's worker sees it again (a human commit: nothing attached).
    writeFileSync(join(c, "NOTES.txt"), "by hand\n");
    run([REAL_GIT, "add", "NOTES.txt"], { cwd: c, env: carol.box.realEnv });
    expect(carol.git(["commit", "-q", "-m", "by hand"], c).exitCode).toBe(0);
    expect(carol.traces(c)).toEqual([]);
    rmSync(transcript);
    const show = traces(carol, c, ["show", "carol-1"]);
    expect(show.code).toBe(0);
    expect(show.out).toContain("Content:    a snapshot kept on this machine (the transcript is not here)");
    expect(show.out).toContain("Now also log failed logins");
    // Sharing it later works from the snapshot.
    expect(traces(carol, c, ["share", "carol-1"]).out).toStartWith("shared carol-1 (from its snapshot;");
  } finally {
    carol.cleanup();
  }
});
