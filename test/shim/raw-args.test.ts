// Arguments that are not UTF-8 reach git byte for byte when git runs as the shim's child
// (push, fetch, pull, clone, merge, cherry-pick, revert, am, and commit under
// GIT_TRACES_SYNC=1), as they do when the shim hands over with execve.
//
// Bun.spawn turns every argument into UTF-8 (a Buffer becomes "br\uFFFD"), so each case is
// a shell script that makes its bytes with printf. Each runs twice in a fresh copy of the
// same tree at the same path, once with the real git and once through the shim; then the
// real git inspects the result (refs, directory names, commit bytes).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, requireBinary, run, settle, sh, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
let template: string;
let work: string;

/** Shell words for the bytes "br\xe9", "caf\xe9", "d\xe9st". */
const BR = `"$(printf 'br\\351')"`;
const CAFE = `"$(printf 'caf\\351')"`;
const DEST = `"$(printf 'd\\351st')"`;

interface Case {
  name: string;
  /** Shell script run in the repository with the git under test first on PATH. */
  script: string;
  /** Preparation of the fresh copy, with the real git. */
  prepare?: string;
  /** Shell script run afterwards with the real git: what git left behind. */
  inspect: string;
  cwd?: string;
  /** git itself fails. */
  fails?: boolean;
}

beforeAll(() => {
  requireBinary();
  box = makeSandbox("raw-args");
  template = join(box.dir, "template");
  work = join(box.dir, "work");
  const repo = join(template, "repo");
  mkdirSync(repo, { recursive: true });
  const env = box.realEnv;
  sh("git init -q -b main && git config user.name T && git config user.email t@example.com", { cwd: repo, env });
  sh("echo a > a.txt && git add a.txt && git commit -q -m first && echo b >> a.txt && git commit -q -am second", {
    cwd: repo,
    env,
  });
  sh(
    `git branch feature && git checkout -q feature && echo f > f.txt && git add f.txt && git commit -q -m feature && git checkout -q main`,
    { cwd: repo, env },
  );
  // A branch whose name is not UTF-8, one commit ahead of main.
  sh(
    `git checkout -q -b ${BR} && echo e > e.txt && git add e.txt && git commit -q -m accented && git checkout -q main`,
    { cwd: repo, env },
  );
  // A bare remote holding main and that branch; the repository's origin.
  sh(`git clone -q --bare repo r.git && git -C repo remote add origin ../r.git && git -C repo fetch -q origin`, {
    cwd: template,
    env,
  });
  // A patch in a file whose name is not UTF-8.
  sh(`git format-patch -q -1 --stdout feature > ${`"$(printf 'caf\\351.patch')"`}`, { cwd: repo, env });
});

afterAll(() => {
  if (!box) return;
  // node:fs, like Bun.spawn, names files in UTF-8: the shell removes what it cannot name.
  if (!process.env.KEEP_TRASH) run(["/bin/rm", "-rf", template, work]);
  box.cleanup();
});

function od(cmd: string): string {
  return `{ ${cmd}; } | od -An -c`;
}

const REFS = od("git for-each-ref --format='%(refname) %(objectname)'");
const HEAD_COMMIT = od("git cat-file commit HEAD");

const cases: Case[] = [
  {
    name: "push origin <branch not UTF-8>",
    prepare: `git -C ../r.git branch -D ${BR}`,
    script: `git push origin ${BR}`,
    inspect: od("git -C ../r.git for-each-ref --format='%(refname) %(objectname)'"),
  },
  {
    name: "push origin <missing branch not UTF-8> (exit 1)",
    script: `git push origin "$(printf 'nope\\351')"`,
    inspect: od("git -C ../r.git for-each-ref"),
    fails: true,
  },
  {
    // Our notes cannot follow to a remote we cannot name: nothing is tried, nothing is said.
    name: "push <remote not UTF-8> HEAD:main, then a fetch that would show a failed notes push",
    prepare: `git remote add ${`"$(printf 'or\\351')"`} ../r.git && git notes --ref=traces add -m x HEAD && git commit -q --allow-empty -m third`,
    script: `git push ${`"$(printf 'or\\351')"`} HEAD:main && git fetch origin`,
    inspect: od("git -C ../r.git for-each-ref --format='%(refname) %(objectname)'"),
  },
  {
    name: "fetch origin <branch not UTF-8>",
    prepare: `git -C ../r.git branch -f ${BR} feature`,
    script: `git fetch origin ${BR}`,
    inspect: `${REFS}; ${od("cat .git/FETCH_HEAD")}`,
  },
  {
    name: "pull origin <branch not UTF-8>",
    prepare: `git -C ../r.git branch -f ${BR} feature`,
    script: `git pull --no-rebase origin ${BR}`,
    inspect: `${REFS}; ${HEAD_COMMIT}`,
  },
  { name: "am <patch file not UTF-8>", script: `git am "$(printf 'caf\\351.patch')"`, inspect: HEAD_COMMIT },
  {
    name: "clone r.git <directory not UTF-8>",
    cwd: ".",
    script: `git clone r.git ${DEST}`,
    inspect: `ls | od -An -c; cd ${DEST} && ${REFS}`,
  },
  {
    name: "merge --no-ff -m <message not UTF-8>",
    script: `git merge --no-ff -m ${CAFE} feature`,
    inspect: HEAD_COMMIT,
  },
  { name: "cherry-pick <branch not UTF-8>", script: `git cherry-pick ${BR}`, inspect: HEAD_COMMIT },
  {
    name: "revert <branch not UTF-8>",
    prepare: `git branch -f ${BR} HEAD`,
    script: `git revert --no-edit ${BR}`,
    inspect: HEAD_COMMIT,
  },
  {
    name: "commit -m <message not UTF-8> under GIT_TRACES_SYNC=1",
    script: `GIT_TRACES_SYNC=1 git commit --allow-empty -m ${CAFE}`,
    inspect: HEAD_COMMIT,
  },
  // Options of ours inserted before the user's (notes.rewriteRef once our notes exist), by execve.
  {
    name: "commit --amend -m <message not UTF-8>",
    prepare: "git notes --ref=traces add -m x HEAD",
    script: `git commit --amend -m ${CAFE}`,
    inspect: HEAD_COMMIT,
  },
  // git as a child holds the descriptors (an inherited fd 7 too) and signal dispositions it holds without the shim
  // (looked at once git has settled down to wait for its hook: it closes a few of its own).
  {
    name: "git started with bytes that are not UTF-8 holds what it holds without the shim",
    prepare: `printf '#!/bin/sh\\nsleep 0.2; ls /proc/$PPID/fd | sort -n | tr "\\\\n" " " >&2; grep -E "^Sig(Blk|Ign)" /proc/$PPID/status >&2\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit`,
    script: `GIT_TRACES_SYNC=1 git commit --allow-empty -m ${CAFE} 7>/dev/null`,
    inspect: HEAD_COMMIT,
  },
];

function runCase(c: Case, viaShim: boolean) {
  // cp and rm, not node:fs: its paths are UTF-8 strings, and these trees hold names that are not.
  sh(`rm -rf "$W" && cp -a "$T" "$W"`, { env: { T: template, W: work } });
  const repo = join(work, "repo");
  const cwd = c.cwd ? join(work, c.cwd) : repo;
  if (c.prepare) sh(c.prepare, { cwd: repo, env: box.realEnv });
  const r = run(["/bin/sh", "-c", c.script], { cwd, env: viaShim ? box.env : box.realEnv });
  // Background work (the notes push after a push) ends before the tree is looked at.
  if (viaShim) settle(box.home);
  const left = run(["/bin/sh", "-c", c.inspect], { cwd, env: box.realEnv });
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: r.stdout.toString("latin1"),
    stderr: r.stderr.toString("latin1"),
    left: left.out + left.err,
  };
}

describe("arguments that are not UTF-8 reach git as a child byte for byte", () => {
  for (const c of cases) {
    test(c.name, () => {
      const real = runCase(c, false);
      const shim = runCase(c, true);
      expect(real.exitCode === 0).toBe(!c.fails);
      expect(shim.stderr).toBe(real.stderr);
      expect(shim.stdout).toBe(real.stdout);
      expect(shim.exitCode).toBe(real.exitCode);
      expect(shim.signal).toBe(real.signal);
      expect(shim.left).toBe(real.left);
    });
  }
});
