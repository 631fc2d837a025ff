// Chaos: rounds of commit, push and fetch while the shim's background workers are killed
// (SIGKILL) at random moments. Afterwards the repository is sound (fsck, no stray refs or
// locks) and, after the next command or `git traces sync`, every note is there, locally
// and on the remote. Seeded: a failure prints its seed (CHAOS_SEED=... to replay).

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, requireBinary, run, settle, sh, type Sandbox } from "../helpers/sandbox.ts";
import { AFTER, at } from "../helpers/shop.ts";
import { writeClaudeSession } from "../helpers/users.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("chaos");
});
afterAll(() => box.cleanup());

const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 50);
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 100000);

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

async function git(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; err: string }> {
  const p = Bun.spawn({ cmd: [join(box.bin, "git"), ...args], cwd, env, stdout: "pipe", stderr: "pipe" });
  const [, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, err };
}

/** The workers running for this sandbox: their hints, checked against their environment. */
function workers(): number[] {
  const dir = join(box.home, ".local", "share", "git-traces", "pending");
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8").includes(`HOME=${box.home}`);
      } catch {
        return false;
      }
    });
}

test(`${ROUNDS} rounds of commit, push and fetch with workers killed at random: nothing lost, nothing broken`, async () => {
  const random = prng(SEED);
  console.log(`chaos seed ${SEED}`);
  const remote = join(box.dir, "remote.git");
  sh(`git init -q --bare ${remote}`, { env: box.realEnv });
  const repo = join(box.home, "work", "chaos");
  mkdirSync(repo, { recursive: true });
  sh(
    `git init -q -b main && git commit -q --allow-empty -m base && git remote add origin ${remote} && git push -q origin main`,
    { cwd: repo, env: at(box.realEnv, "2026-11-20T09:00:00Z") },
  );
  writeClaudeSession(box.home, repo, "sess-chaos", "src/auth.py");
  const env = { ...at(box.env, AFTER), CLAUDECODE: "1" };

  let killed = 0;
  let stop = false;
  const killer = (async () => {
    while (!stop) {
      await Bun.sleep(Math.floor(random() * 40));
      for (const pid of workers()) {
        if (random() < 0.5) continue;
        try {
          process.kill(pid, "SIGKILL");
          killed++;
        } catch {
          // gone
        }
      }
    }
  })();
  const failures: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const args of [
      ["commit", "-q", "--allow-empty", "-m", `round ${i}`],
      ["push", "-q", "origin", "main"],
      ["fetch", "-q", "origin"],
    ]) {
      const r = await git(args, repo, env);
      // git's own result is never changed: every command succeeds.
      if (r.code !== 0) failures.push(`${args.join(" ")}: ${r.code} ${r.err}`);
    }
  }
  stop = true;
  await killer;
  expect(failures).toEqual([]);
  console.log(`chaos: ${killed} workers killed in ${ROUNDS} rounds`);

  // The next command settles what the killed workers left; sync pushes what is missing.
  settle(box.home);
  const sync = await git(["traces", "sync"], repo, env);
  expect(sync.code).toBe(0);
  settle(box.home);

  const fsck = run(["/usr/bin/git", "fsck", "--no-progress"], { cwd: repo, env: box.realEnv });
  expect([fsck.exitCode, fsck.err.split("\n").filter((l) => /error|broken|missing/i.test(l))]).toEqual([0, []]);
  const refs = sh("git for-each-ref --format='%(refname)'", { cwd: repo, env: box.realEnv })
    .split("\n")
    .filter(Boolean);
  expect(
    refs.filter(
      (r) =>
        r.startsWith("refs/notes/") && r !== "refs/notes/traces" && !/^refs\/notes\/remotes\/[^/]+\/traces$/.test(r),
    ),
  ).toEqual([]);
  // (A detached auto-gc that git started may still hold gc.log.lock for a moment.)
  let locks = "";
  for (let i = 0; i < 600; i++) {
    locks = sh("find . -name '*.lock'", { cwd: join(repo, ".git"), env: box.realEnv }).trim();
    if (locks === "" || locks !== "./gc.log.lock") break;
    Bun.sleepSync(100);
  }
  expect(locks).toBe("");
  const marks = readdirSync(join(repo, ".git", "traces", "pending"));
  expect(marks).toEqual([]);

  const commits = sh("git rev-list main~" + ROUNDS + "..main", { cwd: repo, env: box.realEnv })
    .split("\n")
    .filter(Boolean);
  expect(commits).toHaveLength(ROUNDS);
  const notedHere = new Set(
    sh("git notes --ref=traces list", { cwd: repo, env: box.realEnv })
      .split("\n")
      .map((l) => l.split(" ")[1]),
  );
  const notedThere = new Set(
    sh("git notes --ref=traces list", { cwd: remote, env: box.realEnv })
      .split("\n")
      .map((l) => l.split(" ")[1]),
  );
  expect(commits.filter((c) => !notedHere.has(c))).toEqual([]);
  expect(commits.filter((c) => !notedThere.has(c))).toEqual([]);
}, 600_000);
