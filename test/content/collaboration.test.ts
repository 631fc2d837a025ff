// Sharing trace content with several clones at once (docs/sharing.md): two clones pushing
// their shared traces at the same moment both keep them, a newer version of a trace reaches
// the other side, and a remote that refuses the content ref still gets the notes.

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REAL_GIT, requireBinary, run, settle } from "../helpers/sandbox.ts";
import { at } from "../helpers/shop.ts";
import { makeRemote, makeUser, type User } from "../helpers/users.ts";
import { expectNoSecrets, remoteRefs, secretCommit, traces, transcriptOf } from "./helpers.ts";

setDefaultTimeout(30_000);

let root: string;
beforeAll(() => {
  requireBinary();
  root = realpathSync(mkdtempSync(join(tmpdir(), "git-traces-share-collab-")));
});
afterAll(() => {
  if (!process.env.KEEP_TRASH) rmSync(root, { recursive: true, force: true });
});

test("two clones sharing at once both keep their content; a newer version of a shared trace reaches the other", async () => {
  const dave = makeUser("dave");
  const erin = makeUser("erin");
  try {
    const remote = makeRemote(join(root, "two"));
    const d = join(dave.box.home, "shop");
    const e = join(erin.box.home, "shop");
    for (const [u, dir] of [
      [dave, d],
      [erin, e],
    ] as const) {
      expect(u.git(["clone", "-q", remote, dir], u.box.home).exitCode).toBe(0);
      run([REAL_GIT, "config", "traces.share", "true"], { cwd: dir });
      run([REAL_GIT, "checkout", "-q", "-b", u.name], { cwd: dir });
      secretCommit(u, dir, `src/${u.name}.py`, `${u.name}-1`);
    }
    // Both push their branch at the same moment: the two notes and content pushes race.
    const push = (u: User, dir: string) =>
      Bun.spawn({
        cmd: [join(u.box.bin, "git"), "push", "-q", "origin", u.name],
        cwd: dir,
        env: at(u.env, "2026-11-20T10:08:00Z"),
        stdout: "pipe",
        stderr: "pipe",
      });
    const ps = [push(dave, d), push(erin, e)];
    expect(await Promise.all(ps.map((p) => p.exited))).toEqual([0, 0]);
    settle(dave.box.home);
    settle(erin.box.home);
    expect(run([REAL_GIT, "ls-tree", "--name-only", "refs/traces/content"], { cwd: remote }).out).toBe(
      "dave-1.json\nerin-1.json\n",
    );
    // Each remote content commit is a fast-forward of the last: the merge keeps both parents.
    expect(run([REAL_GIT, "rev-list", "--count", "--merges", "refs/traces/content"], { cwd: remote }).out.trim()).toBe(
      "1",
    );
    expectNoSecrets(remote, [dave.box.home, erin.box.home]);
    for (const [u, dir, other] of [
      [dave, d, "erin-1"],
      [erin, e, "dave-1"],
    ] as const) {
      expect(u.git(["fetch", "-q"], dir).exitCode).toBe(0);
      const shown = JSON.parse(traces(u, dir, ["show", other, "--json"]).out);
      expect(shown.traces[0].source).toBe("shared");
    }

    // The same trace on both sides (erin imported dave's and shared it on), then dave's
    // session goes on and he shares it again: the newer version reaches erin.
    expect(traces(erin, e, ["import", "dave-1"]).code).toBe(0);
    expect(traces(erin, e, ["share", "dave-1"]).out).toStartWith("already shared, unchanged: dave-1");
    const transcript = transcriptOf(dave, d, "dave-1");
    appendFileSync(
      transcript,
      `${JSON.stringify({ parentUuid: null, isSidechain: false, userType: "external", cwd: d, sessionId: "dave-1", version: "2.0.69", type: "user", message: { role: "user", content: "One more thing" }, uuid: "0f0f0f0f-0000-4000-8000-000000000002", timestamp: "2026-11-20T10:07:45.000Z" })}\n`,
    );
    expect(traces(dave, d, ["share", "dave-1"]).out).toStartWith("shared dave-1");
    expect(dave.git(["push", "-q", "origin", "dave"], d).exitCode).toBe(0);
    settle(dave.box.home);
    expect(erin.git(["fetch", "-q"], e).exitCode).toBe(0);
    const later = JSON.parse(run([REAL_GIT, "cat-file", "blob", "refs/traces/content:dave-1.json"], { cwd: e }).out);
    expect(later.end).toBe("2026-11-20T10:07:45.000Z");
    // Erin's import is older than what is shared now: show takes the newer, import refreshes it.
    const shown = JSON.parse(traces(erin, e, ["show", "dave-1", "--json"]).out).traces[0];
    expect([shown.source, shown.trace.end]).toEqual(["shared", "2026-11-20T10:07:45.000Z"]);
    expect(traces(erin, e, ["import", "dave-1"]).out).toStartWith("imported dave-1");
  } finally {
    dave.cleanup();
    erin.cleanup();
  }
});

test("a remote that refuses refs/traces/content: the notes still go, one warning once, then silence", () => {
  const frank = makeUser("frank");
  try {
    const remote = makeRemote(join(root, "refuse"));
    writeFileSync(
      join(remote, "hooks", "update"),
      '#!/bin/sh\nif [ "$1" = refs/traces/content ]; then echo "no shared traces here" >&2; exit 1; fi\n',
    );
    chmodSync(join(remote, "hooks", "update"), 0o755);
    const f = join(frank.box.home, "shop");
    expect(frank.git(["clone", "-q", remote, f], frank.box.home).exitCode).toBe(0);
    run([REAL_GIT, "config", "traces.share", "true"], { cwd: f });
    secretCommit(frank, f, "src/f.py", "frank-1");
    const push = frank.git(["push", "-q"], f);
    expect(push.exitCode).toBe(0);
    expect(push.err).toBe("");
    expect(remoteRefs(remote)).toContain("refs/notes/traces");
    expect(remoteRefs(remote)).not.toContain("refs/traces/content");
    // The next command says it, once.
    writeFileSync(join(f, "x.txt"), "x\n");
    run([REAL_GIT, "add", "x.txt"], { cwd: f, env: frank.box.realEnv });
    const next = frank.git(["commit", "-m", "x"], f);
    expect(next.err).toBe(
      "git-traces: warning: origin refuses refs/traces/content (hook declined); git-traces will stop pushing shared traces there (retry: git traces sync origin)\n",
    );
    expect(frank.git(["push", "-q"], f).err).toBe("");
    writeFileSync(join(f, "y.txt"), "y\n");
    run([REAL_GIT, "add", "y.txt"], { cwd: f, env: frank.box.realEnv });
    expect(frank.git(["commit", "-q", "-m", "y"], f).err).toBe("");
    expect(frank.traces(f, "HEAD~2")).toEqual(["frank-1"]);
    // A sync tries again, and says what happened.
    const sync = traces(frank, f, ["sync"]);
    expect(sync.code).toBe(1);
    expect(sync.out).toContain("origin: shared traces push refused: hook declined");
  } finally {
    frank.cleanup();
  }
});
