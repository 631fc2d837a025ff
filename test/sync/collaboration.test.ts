// Notes travel with push, fetch, pull and clone, over every transport: bare repositories
// by path, `git daemon` and smart HTTP (`git http-backend`) on 127.0.0.1. Collaborators
// have HOMEs of their own; every note made anywhere ends up everywhere, once.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireBinary, run } from "../helpers/sandbox.ts";
import { startDaemon, startHttp, type Server } from "../../scripts/lib/git-servers.ts";
import { makeRemote, makeUser, type User } from "../helpers/users.ts";

let root: string;
let daemon: Server;
let http: Server;

beforeAll(async () => {
  requireBinary();
  root = realpathSync(mkdtempSync(join(tmpdir(), "git-traces-sync-")));
  mkdirSync(join(root, "served"), { recursive: true });
  daemon = await startDaemon(join(root, "served"));
  http = await startHttp(join(root, "served"));
});
afterAll(async () => {
  await Promise.all([daemon?.stop(), http?.stop()]);
  if (!process.env.KEEP_TRASH) rmSync(root, { recursive: true, force: true });
});

const transports: [string, (name: string) => string][] = [
  ["a bare repository by path", (name) => join(root, "served", name)],
  ["git daemon on 127.0.0.1", (name) => daemon.url(name)],
  ["smart HTTP (git http-backend) on 127.0.0.1", (name) => http.url(name)],
];

let n = 0;

for (const [label, urlOf] of transports) {
  describe(label, () => {
    let alice: User;
    let bob: User;
    let url: string;
    beforeAll(() => {
      const name = `shop-${n++}.git`;
      makeRemote(join(root, "served"), name);
      url = urlOf(name);
      alice = makeUser("alice");
      bob = makeUser("bob");
    });
    afterAll(() => {
      alice?.cleanup();
      bob?.cleanup();
    });

    test("a note made by one clone reaches the other with push and clone, then pull brings the reply", () => {
      const a = join(alice.box.home, "shop");
      const b = join(bob.box.home, "shop");
      expect(alice.git(["clone", "-q", url, a], alice.box.home).exitCode).toBe(0);
      expect(alice.agentCommit(a, "src/login.py", "alice-1").exitCode).toBe(0);
      expect(alice.traces(a)).toEqual(["alice-1"]);
      const push = alice.git(["push", "-q", "origin", "main"], a);
      expect(push.exitCode).toBe(0);
      expect(push.err).toBe("");

      expect(bob.git(["clone", "-q", url, b], bob.box.home).exitCode).toBe(0);
      expect(bob.traces(b)).toEqual(["alice-1"]);
      expect(bob.agentCommit(b, "src/signup.py", "bob-1").exitCode).toBe(0);
      expect(bob.git(["push", "-q"], b).exitCode).toBe(0);

      expect(alice.git(["pull", "-q", "--no-rebase"], a).exitCode).toBe(0);
      expect(alice.allTraces(a)).toEqual(["alice-1", "bob-1"]);
      expect(alice.traces(a, "HEAD")).toEqual(["bob-1"]);
    });

    test("a push rejected because the branch moved, pull --rebase, push again: every note, once", () => {
      const a = join(alice.box.home, "shop");
      const b = join(bob.box.home, "shop");
      expect(bob.git(["pull", "-q"], b).exitCode).toBe(0);
      expect(alice.agentCommit(a, "src/a2.py", "alice-2").exitCode).toBe(0);
      expect(bob.agentCommit(b, "src/b2.py", "bob-2").exitCode).toBe(0);
      expect(alice.git(["push", "-q"], a).exitCode).toBe(0);
      const rejected = bob.git(["push", "-q"], b);
      expect(rejected.exitCode).toBe(1); // git's own verdict, untouched
      expect(rejected.err).toContain("[rejected]");
      expect(bob.git(["pull", "-q", "--rebase"], b).exitCode).toBe(0);
      expect(bob.traces(b)).toEqual(["bob-2"]); // the rebased commit kept its note
      expect(bob.git(["push", "-q"], b).exitCode).toBe(0);
      expect(alice.git(["fetch", "-q"], a).exitCode).toBe(0);
      for (const [user, dir] of [
        [alice, a],
        [bob, b],
      ] as const) {
        expect(user.allTraces(dir, "origin/main")).toEqual(["alice-1", "alice-2", "bob-1", "bob-2"]);
      }
    });

    test("a local note not pushed yet survives fetch and pull", () => {
      const a = join(alice.box.home, "shop");
      const b = join(bob.box.home, "shop");
      expect(alice.agentCommit(a, "src/a3.py", "alice-3").exitCode).toBe(0); // not pushed
      expect(bob.agentCommit(b, "src/b3.py", "bob-3").exitCode).toBe(0);
      expect(bob.git(["push", "-q"], b).exitCode).toBe(0);
      expect(alice.git(["fetch", "-q"], a).exitCode).toBe(0);
      expect(alice.allTraces(a)).toContain("alice-3");
      expect(alice.git(["pull", "-q", "--rebase"], a).exitCode).toBe(0);
      expect(alice.allTraces(a)).toContain("alice-3");
      expect(alice.allTraces(a)).toContain("bob-3");
      expect(alice.traces(a)).toEqual(["alice-3"]);
    });
  });
}

test("three clones, interleaved, and two pushing notes at once: every note everywhere, none twice", async () => {
  const users = ["carol", "dave", "erin"].map(makeUser);
  try {
    const url = join(root, "served", makeRemote(join(root, "served"), "trio.git").split("/").pop()!);
    const dirs = users.map((u) => join(u.box.home, "trio"));
    for (const [i, u] of users.entries()) expect(u.git(["clone", "-q", url, dirs[i]!], u.box.home).exitCode).toBe(0);
    // Round 1: everyone commits; pushes in an order that forces rebases.
    for (const [i, u] of users.entries())
      expect(u.agentCommit(dirs[i]!, `f/${u.name}-1.txt`, `${u.name}-1`).exitCode).toBe(0);
    for (const [i, u] of users.entries()) {
      if (u.git(["push", "-q"], dirs[i]!).exitCode !== 0) {
        expect(u.git(["pull", "-q", "--rebase"], dirs[i]!).exitCode).toBe(0);
        expect(u.git(["push", "-q"], dirs[i]!).exitCode).toBe(0);
      }
    }
    // Round 2: two notes pushed at the same moment, from two clones.
    for (const [i, u] of users.entries()) expect(u.git(["pull", "-q", "--rebase"], dirs[i]!).exitCode).toBe(0);
    const [c, d] = users;
    // A note added to an existing commit: only the notes sync carries it.
    const attach = (u: User, dir: string, id: string) =>
      run(["/usr/bin/git", "notes", "--ref=traces", "append", "-m", `traces:${id}`, "HEAD"], {
        cwd: dir,
        env: u.box.realEnv,
      });
    attach(c!, dirs[0]!, "carol-extra");
    attach(d!, dirs[1]!, "dave-extra");
    const both = await Promise.all(
      [
        [c!, dirs[0]!],
        [d!, dirs[1]!],
      ].map(async ([u, dir]) => {
        const p = Bun.spawn({
          cmd: [join((u as User).box.bin, "git"), "traces", "sync"],
          cwd: dir as string,
          env: (u as User).env,
          stdout: "pipe",
          stderr: "pipe",
        });
        const code = await p.exited;
        if (code !== 0) console.error(await new Response(p.stdout).text(), await new Response(p.stderr).text());
        return code;
      }),
    );
    expect(both).toEqual([0, 0]);
    for (const [i, u] of users.entries()) expect(u.git(["traces", "sync"], dirs[i]!).exitCode).toBe(0);
    for (const [i, u] of users.entries()) expect(u.git(["pull", "-q", "--rebase"], dirs[i]!).exitCode).toBe(0);
    const expected = ["carol-1", "carol-extra", "dave-1", "dave-extra", "erin-1"];
    for (const [i, u] of users.entries()) {
      const ids = u.allTraces(dirs[i]!);
      expect([...new Set(ids)].sort()).toEqual(expected);
      expect(ids).toHaveLength(expected.length); // none twice on the history
    }
  } finally {
    for (const u of users) u.cleanup();
  }
});
