// Every case runs twice in a fresh copy of the same repository at the same path: once with
// the real git, once through the compiled shim as `git`. stdout, stderr and the exit
// status must be byte-identical.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, removeTree, requireBinary, run, settle, sh, type Sandbox } from "../helpers/sandbox.ts";

interface Case {
  name: string;
  args: string[];
  /** Directory to run in, relative to the work area (default: the repo). */
  cwd?: string;
  input?: string | Uint8Array;
  env?: Record<string, string> | ((work: string) => Record<string, string>);
  /** Extra preparation of the fresh copy, run with the real git. */
  prepare?: string;
}

let box: Sandbox;
let template: string;
let work: string;

const BINARY_BLOB = Uint8Array.from({ length: 256 }, (_, i) => i);

const PATCH = `diff --git a/a.txt b/a.txt
--- a/a.txt
+++ b/a.txt
@@ -1 +1,2 @@
 alpha
+patched
`;

beforeAll(() => {
  requireBinary();
  box = makeSandbox("diff");
  template = join(box.dir, "template");
  work = join(box.dir, "work");
  const repo = join(template, "repo");
  mkdirSync(repo, { recursive: true });
  const env = box.realEnv;
  sh("git init -q -b main && git config user.name T && git config user.email t@example.com", { cwd: repo, env });
  writeFileSync(join(repo, "a.txt"), "alpha\n");
  writeFileSync(join(repo, "b.txt"), "bravo\nfoo bar\n");
  writeFileSync(join(repo, "blob.bin"), BINARY_BLOB);
  mkdirSync(join(repo, "dir with spaces"));
  writeFileSync(join(repo, "dir with spaces", "file with space.txt"), "space\n");
  writeFileSync(join(repo, "fichier-é.txt"), "accent\n");
  sh("git add -A && git commit -q -m 'first commit' && git tag v0.1", { cwd: repo, env });
  writeFileSync(join(repo, "a.txt"), "alpha\nsecond line\n");
  sh("git commit -q -am 'second commit' && git branch feature && git tag -a v0.2 -m 'release 0.2'", { cwd: repo, env });
  sh(
    "git checkout -q feature && echo feature > f.txt && git add f.txt && git commit -q -m 'feature work' && git checkout -q main",
    {
      cwd: repo,
      env,
    },
  );
  // A nested repository, and a bare one.
  mkdirSync(join(repo, "sub"));
  sh("git init -q -b main && echo s > s.txt && git add s.txt && git commit -q -m 'sub commit'", {
    cwd: join(repo, "sub"),
    env,
  });
  sh(`git init -q --bare -b main ${JSON.stringify(join(template, "bare.git"))}`, { cwd: template, env });
  // Hooks that run git again.
  const hooks = join(repo, ".git", "hooks");
  writeFileSync(
    join(hooks, "pre-commit"),
    '#!/bin/sh\necho "pre-commit sees $(git rev-parse --short HEAD)" >&2\ngit status --porcelain >&2\n',
  );
  writeFileSync(join(hooks, "post-commit"), '#!/bin/sh\necho "post-commit: $(git log -1 --format=%s)"\n');
  chmodSync(join(hooks, "pre-commit"), 0o755);
  chmodSync(join(hooks, "post-commit"), 0o755);
  mkdirSync(join(template, "dir with spaces é"), { recursive: true });
});

afterAll(() => box?.cleanup());

function runCase(c: Case, viaShim: boolean) {
  removeTree(work);
  cpSync(template, work, { recursive: true });
  const repo = join(work, "repo");
  const extra = typeof c.env === "function" ? c.env(work) : c.env;
  const env = { ...(viaShim ? box.env : box.realEnv), ...extra };
  if (c.prepare) sh(c.prepare, { cwd: repo, env: box.realEnv });
  const gitPath = viaShim ? join(box.bin, "git") : REAL_GIT;
  const cwd = c.cwd ? join(work, c.cwd) : repo;
  const p = Bun.spawnSync({
    cmd: [gitPath, ...c.args],
    argv0: "git",
    cwd,
    env,
    stdin: c.input === undefined ? "ignore" : new Blob([c.input as string]),
    stdout: "pipe",
    stderr: "pipe",
  });
  // Background work (the notes push after a push) ends before the next case replaces the tree.
  if (viaShim) settle(box.home);
  return {
    stdout: Buffer.from(p.stdout).toString("latin1"),
    stderr: Buffer.from(p.stderr).toString("latin1"),
    exitCode: p.exitCode,
    signal: p.signalCode ?? null,
  };
}

const cases: Case[] = [
  // Version, help, no subcommand.
  { name: "--version", args: ["--version"] },
  { name: "version", args: ["version"] },
  { name: "-v", args: ["-v"] },
  { name: "-C then --version", args: ["-C", ".", "--version"] },
  { name: "no arguments (usage, exit 1)", args: [] },
  { name: "-h (usage, exit 129)", args: ["-h"] },
  { name: "help -a", args: ["help", "-a"] },
  { name: "help -g", args: ["help", "-g"] },
  { name: "--exec-path", args: ["--exec-path"] },
  { name: "--exec-path=dir status", args: ["--exec-path=/usr/lib/git-core", "status", "--short"] },
  { name: "--html-path", args: ["--html-path"] },
  { name: "--list-cmds=main", args: ["--list-cmds=main"] },
  { name: "unknown global option (129)", args: ["--frobnicate", "status"] },
  { name: "-c without value", args: ["-c"] },
  // Global options, both forms.
  { name: "-C dir status", args: ["-C", "sub", "status"] },
  { name: "-C twice", args: ["-C", "dir with spaces", "-C", "..", "rev-parse", "--show-prefix"] },
  { name: "--git-dir= --work-tree=", args: ["--git-dir=.git", "--work-tree=.", "status", "--short"] },
  { name: "--git-dir --work-tree (separate)", args: ["--git-dir", ".git", "--work-tree", ".", "log", "--oneline"] },
  {
    name: "-c pairs then commit",
    args: ["-c", "user.name=Other", "-c", "user.email=o@example.com", "commit", "--allow-empty", "-m", "via -c"],
  },
  { name: "--no-pager log", args: ["--no-pager", "log", "--oneline"] },
  { name: "-P log", args: ["-P", "log", "-1"] },
  { name: "-p log", args: ["-p", "log", "-1", "--format=%H %s"] },
  { name: "--paginate show", args: ["--paginate", "show", "--stat", "HEAD"] },
  { name: "--namespace= for-each-ref", args: ["--namespace=foo", "for-each-ref"] },
  { name: "--namespace show-ref (exit 1)", args: ["--namespace", "foo", "show-ref"] },
  { name: "--bare rev-parse", args: ["--bare", "rev-parse", "--is-bare-repository"], cwd: "bare.git" },
  { name: "--no-replace-objects log", args: ["--no-replace-objects", "log", "-1", "--format=%s"] },
  { name: "--literal-pathspecs", args: ["--literal-pathspecs", "ls-files", "*.txt"] },
  { name: "--glob-pathspecs", args: ["--glob-pathspecs", "ls-files", "*.txt"] },
  { name: "--icase-pathspecs", args: ["--icase-pathspecs", "ls-files", "A.TXT"] },
  { name: "--no-optional-locks status", args: ["--no-optional-locks", "status", "--porcelain"] },
  {
    name: "--config-env=",
    args: ["--config-env=core.editor=EDITOR_X", "config", "core.editor"],
    env: { EDITOR_X: "vim -f" },
  },
  {
    name: "--config-env (separate)",
    args: ["--config-env", "core.editor=EDITOR_X", "config", "core.editor"],
    env: { EDITOR_X: "nano" },
  },
  // Aliases.
  { name: "alias to builtin", args: ["-c", "alias.st=status --short", "st"] },
  { name: "alias chain", args: ["-c", "alias.a=b", "-c", "alias.b=log --oneline -2", "a"] },
  { name: "alias to commit", args: ["-c", "alias.ci=commit", "ci", "--allow-empty", "-m", "aliased"] },
  { name: "alias with quoted args", args: ["-c", 'alias.l=log -1 "--format=%s | %an"', "l"] },
  { name: "shell alias", args: ["-c", 'alias.hello=!echo hello "$1" from shell', "hello", "wide world"] },
  {
    name: "shell alias sees the environment",
    args: ["-c", "alias.e=!env | grep ^MYVAR", "e"],
    env: { MYVAR: "kept as is" },
  },
  { name: "alias loop", args: ["-c", "alias.x=y", "-c", "alias.y=x", "x"] },
  { name: "alias from config file", args: ["sl"], prepare: "git config alias.sl 'log --format=%s'" },
  // Failures with git's exit statuses.
  { name: "unknown command (1)", args: ["frobnicate"] },
  { name: "diff --exit-code (1)", args: ["diff", "--exit-code"], prepare: "echo changed >> a.txt" },
  { name: "bad revision (128)", args: ["rev-parse", "--verify", "nope"] },
  { name: "not a repo (128)", args: ["status"], cwd: "." },
  { name: "bad option (129)", args: ["log", "--bogus-option"] },
  { name: "commit -h (129)", args: ["commit", "-h"] },
  { name: "nothing to commit (1)", args: ["commit", "-m", "nothing"] },
  // Binary output.
  { name: "cat-file -p binary blob", args: ["cat-file", "-p", "HEAD:blob.bin"] },
  { name: "archive tar", args: ["archive", "--format=tar", "HEAD"] },
  { name: "archive zip", args: ["archive", "--format=zip", "HEAD"] },
  { name: "show binary diff", args: ["show", "--binary", "HEAD~1", "--", "blob.bin"] },
  // stdin.
  { name: "hash-object --stdin", args: ["hash-object", "--stdin"], input: "hello\n" },
  { name: "hash-object -w --stdin binary", args: ["hash-object", "-w", "--stdin"], input: BINARY_BLOB },
  { name: "commit -F -", args: ["commit", "--allow-empty", "-F", "-"], input: "message from stdin\n\nbody\n" },
  { name: "apply from stdin", args: ["apply", "--stat", "-"], input: PATCH },
  { name: "cat-file --batch", args: ["cat-file", "--batch"], input: "HEAD\nHEAD:a.txt\nmissing\n" },
  {
    name: "mktree from stdin",
    args: ["mktree"],
    input: "100644 blob 4a58007052a65fbc2fc3f910f2855f45a4058e74\tx.txt\n",
  },
  // Hooks that call git again.
  { name: "commit runs hooks that run git", args: ["commit", "-q", "-am", "hooked"], prepare: "echo more >> b.txt" },
  // Nested repositories and the environment.
  { name: "nested -C sub", args: ["-C", "sub", "log", "--format=%s"] },
  { name: "nested rev-parse --show-toplevel", args: ["rev-parse", "--show-toplevel"], cwd: "repo/sub" },
  {
    name: "GIT_DIR and GIT_WORK_TREE",
    args: ["log", "--oneline"],
    cwd: ".",
    env: (w) => ({ GIT_DIR: join(w, "repo", ".git"), GIT_WORK_TREE: join(w, "repo") }),
  },
  // Paths with spaces and non-ASCII characters.
  { name: "ls-files quoted", args: ["ls-files"] },
  { name: "ls-files core.quotepath=false", args: ["-c", "core.quotepath=false", "ls-files"] },
  { name: "-C path with spaces", args: ["-C", "dir with spaces", "ls-files"] },
  {
    name: "add non-ASCII path",
    args: ["add", "-v", "fichier-é.txt", "dir with spaces/file with space.txt"],
    prepare: "echo x >> 'fichier-é.txt' && echo y >> 'dir with spaces/file with space.txt'",
  },
  { name: "init in a dir with spaces and é", args: ["init", "-b", "main", "dir with spaces é/new"], cwd: "." },
  { name: "log -z --name-status", args: ["log", "-z", "--name-status", "--format=%H"] },
  // Everyday commands.
  { name: "status porcelain v2", args: ["status", "--porcelain=v2", "--branch"] },
  { name: "diff with colour", args: ["-c", "color.ui=always", "diff"], prepare: "echo changed >> a.txt" },
  { name: "log graph", args: ["log", "--graph", "--oneline", "--decorate", "--all"] },
  { name: "branch -v", args: ["branch", "-v"] },
  { name: "switch -c", args: ["switch", "-c", "topic"] },
  { name: "tag and describe", args: ["describe", "--tags"] },
  { name: "merge --no-ff", args: ["merge", "--no-ff", "-m", "merge feature", "feature"] },
  { name: "cherry-pick", args: ["cherry-pick", "feature"] },
  { name: "rebase", args: ["rebase", "main"], prepare: "git checkout -q feature" },
  // Rewrites without any notes yet must stay silent (git warns about a missing notes.rewriteRef).
  {
    name: "rebase -q that rewrites",
    args: ["rebase", "-q", "main"],
    prepare: "git commit -q --allow-empty -m moved && git checkout -q feature",
  },
  {
    name: "rebase that rewrites",
    args: ["rebase", "main"],
    prepare: "git commit -q --allow-empty -m moved && git checkout -q feature",
  },
  { name: "commit --amend -q", args: ["commit", "-q", "--amend", "-m", "amended"] },
  { name: "revert", args: ["revert", "--no-edit", "HEAD"] },
  { name: "stash", args: ["stash"], prepare: "echo dirty >> a.txt" },
  { name: "notes add and show", args: ["notes", "add", "-m", "a note", "HEAD"] },
  { name: "blame", args: ["blame", "a.txt"] },
  { name: "grep", args: ["grep", "-n", "foo"] },
  { name: "format-patch --stdout", args: ["format-patch", "-1", "--stdout"] },
  { name: "clone local", args: ["clone", "repo", "copy"], cwd: "." },
  { name: "push to bare", args: ["push", "../bare.git", "main"] },
  { name: "fetch from bare (nothing)", args: ["fetch", "../bare.git"] },
  { name: "config --list --show-origin", args: ["config", "--list", "--show-origin"] },
  { name: "var -l", args: ["var", "GIT_AUTHOR_IDENT"] },
  { name: "rev-parse --sq-quote", args: ["rev-parse", "--sq-quote", "a b", "c'd"] },
  { name: "fsck", args: ["fsck"] },
];

describe("the shim is byte-identical to git", () => {
  test("at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
  for (const c of cases) {
    test(c.name, () => {
      const real = runCase(c, false);
      const shim = runCase(c, true);
      expect(shim.stderr).toBe(real.stderr);
      expect(shim.stdout).toBe(real.stdout);
      expect(shim.exitCode).toBe(real.exitCode);
      expect(shim.signal).toBe(real.signal);
    });
  }
});

test("GIT_TRACES_DISABLE=1 is a pure pass-through", () => {
  const c: Case = { name: "disabled", args: ["log", "--oneline"], env: { GIT_TRACES_DISABLE: "1" } };
  expect(runCase(c, true)).toEqual(runCase(c, false));
});

test("inherited file descriptors reach git (GIT_TRACE to fd 7)", () => {
  const script = `exec 7>"$OUT"; GIT_TRACE=7 git rev-parse HEAD >/dev/null; exec 7>&-; grep -c 'trace: built-in: git rev-parse' "$OUT"`;
  const viaShim = run(["/bin/sh", "-c", script], {
    cwd: join(template, "repo"),
    env: { ...box.env, OUT: join(box.dir, "trace-shim.txt") },
  });
  const viaGit = run(["/bin/sh", "-c", script], {
    cwd: join(template, "repo"),
    env: { ...box.realEnv, OUT: join(box.dir, "trace-git.txt") },
  });
  expect(viaGit.out.trim()).toBe("1");
  expect(viaShim.out.trim()).toBe("1");
});

test("file names that are not UTF-8 reach git byte for byte", () => {
  const script = `f=$(printf 'lat\\351n1.txt'); echo x > "$f"; git add -- "$f"; git ls-files -z -- "$f" | od -An -c | tr -s ' '`;
  const run1 = () => {
    removeTree(work);
    cpSync(template, work, { recursive: true });
  };
  run1();
  const viaGit = run(["/bin/sh", "-c", script], { cwd: join(work, "repo"), env: box.realEnv });
  run1();
  const viaShim = run(["/bin/sh", "-c", script], { cwd: join(work, "repo"), env: box.env });
  expect(viaGit.out).toContain("351");
  expect(viaShim.out).toBe(viaGit.out);
  expect(viaShim.err).toBe(viaGit.err);
});

test("a broken pipe ends git with SIGPIPE, as without the shim", () => {
  // Bun ignores SIGPIPE; an ignored signal would survive execve and turn git's death by
  // SIGPIPE (status 141 in the shell) into a write error.
  const script = `git cat-file -p HEAD:big.txt | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
  const repo = join(template, "repo");
  writeFileSync(join(repo, "big.txt"), "y\n".repeat(1 << 20));
  sh("git add big.txt && git commit -q -m big", { cwd: repo, env: box.realEnv });
  const viaGit = run(["/bin/bash", "-c", script], { cwd: repo, env: box.realEnv });
  const viaShim = run(["/bin/bash", "-c", script], { cwd: repo, env: box.env });
  expect(viaGit.out.trim()).toBe("141");
  expect(viaShim.out.trim()).toBe("141");
});
