// History rewrites keep the traces: amend, rebase, pull --rebase (git copies the notes,
// told by notes.rewriteRef), cherry-pick and squash merges (the shim copies them).

import { afterEach, beforeEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, run, sh, type Sandbox } from "../helpers/sandbox.ts";
import { at, makeShop, type Shop } from "../helpers/shop.ts";

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("rewrite");
});
afterEach(() => box?.cleanup());

/** The shop with the sessions' work committed (and noted) on feature/login. */
function shopWithNote(): Shop {
  const shop = makeShop(box, ["claude-code"]);
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "-m", "Add login"]).exitCode).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.claude]);
  return shop;
}

const rev = (shop: Shop, r: string) =>
  run(["/usr/bin/git", "rev-parse", r], { cwd: shop.repo, env: box.realEnv }).out.trim();

test("commit --amend keeps the note on the new commit", () => {
  const shop = shopWithNote();
  const before = rev(shop, "HEAD");
  expect(
    shop.git(["commit", "-q", "--amend", "-m", "Add login (reworded)"], { env: at(box.env, "2026-11-20T10:30:00Z") })
      .exitCode,
  ).toBe(0);
  expect(rev(shop, "HEAD")).not.toBe(before);
  expect(shop.traces()).toEqual([SESSIONS.claude]);
  // Once, not twice: the copied note and the re-detected session merge.
  expect(
    shop
      .note()
      .split("\n")
      .filter((l) => l.startsWith("traces:")),
  ).toHaveLength(1);
});

test("an amend made during an agent session also gets that session", () => {
  const shop = makeShop(box, ["claude-code"]);
  writeFileSync(join(shop.repo, "README.md"), "# shop, by hand\n");
  shop.git(["commit", "-q", "-am", "Docs"], { env: at(box.env, "2026-11-20T09:30:00Z") });
  expect(shop.traces()).toEqual([]);
  shop.git(["add", "-A"]);
  expect(shop.git(["commit", "-q", "--amend", "--no-edit"]).exitCode).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.claude]);
});

test("rebase keeps the notes of the rebased commits", () => {
  const shop = shopWithNote();
  sh(
    "git checkout -q -b main HEAD~1 && echo upstream > UPSTREAM && git add UPSTREAM && git commit -q -m upstream && git checkout -q feature/login",
    {
      cwd: shop.repo,
      env: at(box.realEnv, "2026-11-20T10:40:00Z"),
    },
  );
  const old = rev(shop, "HEAD");
  const r = shop.git(["rebase", "-q", "main"], { env: at(box.env, "2026-11-20T10:45:00Z") });
  expect(r.exitCode).toBe(0);
  expect(rev(shop, "HEAD")).not.toBe(old);
  expect(shop.traces()).toEqual([SESSIONS.claude]);
});

test("pull --rebase keeps the notes of the local commits it replays", () => {
  const shop = shopWithNote();
  const remote = join(box.dir, "remote.git");
  const other = join(box.dir, "other");
  sh(`git init -q --bare '${remote}' && git push -q '${remote}' HEAD~1:refs/heads/feature/login`, {
    cwd: shop.repo,
    env: box.realEnv,
  });
  sh(
    `git clone -q -b feature/login '${remote}' '${other}' && cd '${other}' && echo theirs > THEIRS && git add THEIRS && git commit -q -m theirs && git push -q origin HEAD`,
    {
      env: at(box.realEnv, "2026-11-20T10:40:00Z"),
    },
  );
  sh(`git remote add origin '${remote}' && git fetch -q origin && git branch -q -u origin/feature/login`, {
    cwd: shop.repo,
    env: box.realEnv,
  });
  const r = shop.git(["pull", "-q", "--rebase"], { env: at(box.env, "2026-11-20T10:45:00Z") });
  expect(r.exitCode).toBe(0);
  expect(run(["/usr/bin/git", "log", "--format=%s", "-2"], { cwd: shop.repo, env: box.realEnv }).out).toBe(
    "Add login\ntheirs\n",
  );
  expect(shop.traces()).toEqual([SESSIONS.claude]);
});

test("cherry-pick copies the source commit's traces", () => {
  const shop = shopWithNote();
  const source = rev(shop, "HEAD");
  sh("git checkout -q -b release HEAD~1", { cwd: shop.repo, env: box.realEnv });
  const r = shop.git(["cherry-pick", source], { env: at(box.env, "2026-11-20T11:00:00Z") });
  expect(r.exitCode).toBe(0);
  expect(rev(shop, "HEAD")).not.toBe(source);
  expect(shop.traces()).toEqual([SESSIONS.claude]);
});

test("cherry-pick of a range copies each commit's traces to its copy", () => {
  const shop = shopWithNote();
  writeFileSync(join(shop.repo, "README.md"), "# shop\n\nhuman docs\n");
  sh("git commit -q -am 'Human docs'", { cwd: shop.repo, env: at(box.realEnv, "2026-11-20T10:20:00Z") });
  sh("git checkout -q -b release HEAD~2", { cwd: shop.repo, env: box.realEnv });
  expect(
    shop.git(["cherry-pick", "feature/login~2..feature/login"], { env: at(box.env, "2026-11-20T11:00:00Z") }).exitCode,
  ).toBe(0);
  expect(shop.traces("HEAD")).toEqual([]);
  expect(shop.traces("HEAD~1")).toEqual([SESSIONS.claude]);
});

test("a squash merge's commit carries the traces of the commits it squashed", () => {
  const shop = shopWithNote();
  sh("git checkout -q -b main HEAD~1", { cwd: shop.repo, env: box.realEnv });
  expect(shop.git(["merge", "-q", "--squash", "feature/login"]).exitCode).toBe(0);
  expect(
    shop.git(["commit", "-q", "-m", "Squashed login"], { env: at(box.env, "2026-11-22T12:00:00Z") }).exitCode,
  ).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.claude]);
  expect(run(["/bin/ls", join(shop.repo, ".git", "traces")]).out).not.toContain("squash-sources");
});

test("a fast-forward merge adds no note; a merge commit without agent edits none either", () => {
  const shop = shopWithNote();
  sh("git checkout -q -b main HEAD~1", { cwd: shop.repo, env: box.realEnv });
  expect(shop.git(["merge", "-q", "--ff-only", "feature/login"]).exitCode).toBe(0);
  expect(shop.traces()).toEqual([SESSIONS.claude]); // the commit's own note, nothing added
  sh("git reset -q --hard HEAD~1 && echo m > MAIN && git add MAIN && git commit -q -m main-work", {
    cwd: shop.repo,
    env: at(box.realEnv, "2026-11-20T10:50:00Z"),
  });
  expect(
    shop.git(["merge", "-q", "--no-edit", "feature/login"], { env: at(box.env, "2026-11-20T10:55:00Z") }).exitCode,
  ).toBe(0);
  expect(
    run(["/usr/bin/git", "rev-list", "--parents", "-1", "HEAD"], { cwd: shop.repo, env: box.realEnv })
      .out.trim()
      .split(" "),
  ).toHaveLength(3);
  expect(shop.traces("HEAD")).toEqual([]);
  expect(shop.traces("HEAD^2")).toEqual([SESSIONS.claude]);
});

test("git traces attach and detach by hand", () => {
  const shop = makeShop(box, ["claude-code", "codex"], { edits: false });
  writeFileSync(join(shop.repo, "NOTES"), "x\n");
  sh("git add -A && git commit -q -m manual", { cwd: shop.repo, env: at(box.realEnv, "2026-11-20T10:08:00Z") });
  expect(shop.traces()).toEqual([]);
  const a = shop.git(["traces", "attach", "HEAD", SESSIONS.codex]);
  expect(a.exitCode).toBe(0);
  expect(a.out).toContain(`attached codex ${SESSIONS.codex}`);
  expect(shop.traces()).toEqual([SESSIONS.codex]);
  expect(shop.git(["traces", "attach", "HEAD", SESSIONS.codex]).out).toContain("already attached");
  const missing = shop.git(["traces", "attach", "HEAD", "no-such-session"]);
  expect(missing.exitCode).toBe(1);
  expect(missing.err).toBe("git-traces: no session with ID no-such-session on this machine\n");
  const bad = shop.git(["traces", "attach", "HEAD", "../../etc/passwd"]);
  expect(bad.exitCode).toBe(129);
  expect(shop.git(["traces", "detach", "HEAD", SESSIONS.codex]).exitCode).toBe(0);
  expect(shop.note()).toBe("");
  expect(shop.git(["traces", "detach", "HEAD", SESSIONS.codex]).exitCode).toBe(1);
  expect(shop.git(["traces", "attach", "nope"]).err).toBe("git-traces: 'nope' does not name a commit\n");
});
