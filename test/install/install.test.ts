// scripts/install.sh in a temporary HOME and prefix: git is the shim in a new login shell,
// doctor is clean, a second install changes nothing, uninstall restores every start-up
// file byte for byte.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, makeSandbox, ROOT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

const INSTALL = join(ROOT, "scripts", "install.sh");

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("install");
});
afterAll(() => box?.cleanup());

/** A HOME with the start-up files a real user has, some of them unusual. */
function makeHome(name: string): { home: string; files: Record<string, string | null> } {
  const home = join(box.dir, name);
  mkdirSync(join(home, ".config", "fish"), { recursive: true });
  mkdirSync(join(home, "dotfiles"), { recursive: true });
  writeFileSync(join(home, ".bashrc"), "# my bashrc\nalias ll='ls -l'\nexport PATH=\"$HOME/.local/bin:$PATH\"\n");
  writeFileSync(join(home, ".profile"), "# no final newline here\nexport EDITOR=vi"); // no final newline
  writeFileSync(join(home, "dotfiles", "zshrc"), "setopt autocd\n");
  symlinkSync(join(home, "dotfiles", "zshrc"), join(home, ".zshrc")); // a dotfiles manager's symlink
  writeFileSync(join(home, ".config", "fish", "config.fish"), "set -g fish_greeting\n");
  return { home, files: snapshot(home) };
}

const RC = [
  ".profile",
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".zshrc",
  "dotfiles/zshrc",
  ".config/fish/config.fish",
];

function snapshot(home: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of RC) {
    const p = join(home, f);
    out[f] = existsSync(p) ? readFileSync(p, "latin1") : null;
  }
  return out;
}

function install(home: string, prefix: string, ...extra: string[]) {
  return run(["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix, ...extra], {
    env: { HOME: home, PATH: "/usr/bin:/bin", SHELL: "/bin/bash", LC_ALL: "C" },
  });
}

function loginShell(home: string, shell: string[], script: string) {
  // A new login shell that starts from nothing but HOME and the system PATH.
  return run(["/usr/bin/env", "-i", `HOME=${home}`, "PATH=/usr/bin:/bin", "TERM=dumb", ...shell, script]);
}

describe("install, reinstall, uninstall", () => {
  let home: string;
  let before: Record<string, string | null>;
  let prefix: string;
  let afterFirst: Record<string, string | null>;
  beforeAll(() => {
    ({ home, files: before } = makeHome("home-a"));
    prefix = join(box.dir, "prefix-a");
  });

  test("install puts the shim first in new bash and sh login shells", () => {
    const r = install(home, prefix);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain(`recorded the real git: /usr/bin/git`);
    expect(r.out).toContain("git traces doctor"); // says what to run next
    // cc is there: the C front door is git, the Bun binary stays git-traces.
    expect(r.out).toContain("installed the c front door as");
    expect(lstatSync(join(prefix, "bin", "git")).isSymbolicLink()).toBe(false);
    expect(loginShell(home, ["/bin/bash", "-lc"], "command -v git").out).toBe(`${prefix}/bin/git\n`);
    expect(loginShell(home, ["/bin/sh", "-lc"], "command -v git").out).toBe(`${prefix}/bin/git\n`);
    // Interactive bash reads .bashrc, whose own PATH line comes before our block.
    expect(loginShell(home, ["/bin/bash", "-ic"], "command -v git").out).toBe(`${prefix}/bin/git\n`);
    afterFirst = snapshot(home);
    expect(afterFirst[".profile"]).toContain("# >>> git-traces >>>");
    expect(afterFirst["dotfiles/zshrc"]).toContain(`${prefix}/bin`); // written through the symlink
    expect(lstatSync(join(home, ".zshrc")).isSymbolicLink()).toBe(true);
    expect(afterFirst[".config/fish/config.fish"]).toContain(`set -gx PATH "${prefix}/bin" $PATH`);
    expect(afterFirst[".bash_profile"]).toBeNull(); // not created: bash reads .profile then
  });

  test("git traces doctor is clean in a new login shell", () => {
    const r = loginShell(home, ["/bin/bash", "-lc"], "git traces doctor");
    expect(r.err).toBe("No problems found.\n");
    expect(r.out).toContain("shim_first_on_path=yes");
    expect(r.out).toContain("front_door=c (agrees with the shim)");
    expect(r.out).toContain(`recorded_git=${prefix}/libexec/git-traces/git -> /usr/bin/git`);
    expect(r.exitCode).toBe(0);
  });

  test("a second install changes nothing", () => {
    const binStat = lstatSync(join(prefix, "bin", "git-traces"));
    const doorStat = lstatSync(join(prefix, "bin", "git"));
    const r = install(home, prefix);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("is up to date");
    expect(r.out).toContain("already recorded");
    expect(r.out).not.toContain("added");
    expect(snapshot(home)).toEqual(afterFirst);
    expect(lstatSync(join(prefix, "bin", "git-traces")).ino).toBe(binStat.ino);
    expect(r.out).toContain("the c front door in");
    expect(lstatSync(join(prefix, "bin", "git")).ino).toBe(doorStat.ino);
  });

  test("uninstall leaves every start-up file byte-identical and the prefix gone", () => {
    const r = run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], {
      env: { HOME: home, PATH: "/usr/bin:/bin" },
    });
    expect(r.exitCode).toBe(0);
    expect(snapshot(home)).toEqual(before);
    expect(existsSync(prefix)).toBe(false);
    expect(lstatSync(join(home, ".zshrc")).isSymbolicLink()).toBe(true);
    expect(loginShell(home, ["/bin/bash", "-lc"], "command -v git").out).toBe("/usr/bin/git\n");
  });
});

test("files the installer created are removed again; --no-modify-path touches none", () => {
  const home = join(box.dir, "home-empty");
  mkdirSync(home, { recursive: true });
  const prefix = join(box.dir, "prefix-b");
  expect(install(home, prefix).exitCode).toBe(0);
  expect(readdirSync(home).sort()).toEqual([".bashrc", ".profile"]); // SHELL=bash
  expect(
    run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env: { HOME: home, PATH: "/usr/bin:/bin" } })
      .exitCode,
  ).toBe(0);
  expect(readdirSync(home)).toEqual([]);

  const r = install(home, prefix, "--no-modify-path");
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("--no-modify-path");
  expect(readdirSync(home)).toEqual([]);
  expect(
    run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env: { HOME: home, PATH: "/usr/bin:/bin" } })
      .exitCode,
  ).toBe(0);
  expect(existsSync(prefix)).toBe(false);
});

test("a changed prefix replaces the block instead of adding a second one", () => {
  const { home, files: before } = makeHome("home-c");
  const p1 = join(box.dir, "prefix-c1");
  const p2 = join(box.dir, "prefix-c2");
  expect(install(home, p1).exitCode).toBe(0);
  expect(install(home, p2).exitCode).toBe(0);
  const profile = readFileSync(join(home, ".profile"), "utf8");
  expect(profile.split("# >>> git-traces >>>").length).toBe(2);
  expect(profile).toContain(`${p2}/bin`);
  expect(profile).not.toContain(`${p1}/bin`);
  run(["/bin/sh", INSTALL, "--uninstall", "--prefix", p1], { env: { HOME: home, PATH: "/usr/bin:/bin" } });
  run(["/bin/sh", INSTALL, "--uninstall", "--prefix", p2], { env: { HOME: home, PATH: "/usr/bin:/bin" } });
  expect(snapshot(home)).toEqual(before);
});

test("bad options: a clear error and a non-zero status", () => {
  const r = run(["/bin/sh", INSTALL, "--frobnicate"], { env: { HOME: box.home, PATH: "/usr/bin:/bin" } });
  expect(r.exitCode).not.toBe(0);
  expect(r.err).toContain("unknown option: --frobnicate");
  const q = run(["/bin/sh", INSTALL, "--prefix", '/tmp/a"b'], { env: { HOME: box.home, PATH: "/usr/bin:/bin" } });
  expect(q.exitCode).not.toBe(0);
  expect(q.err).toContain("may not contain");
});

describe("the front door's forms", () => {
  const forms: [string, string[], string][] = [
    ["c", ["--front-door", "c"], "c (agrees with the shim)"],
    ["sh", ["--front-door=sh"], "sh (agrees with the shim)"],
    ["none", ["--no-front-door"], "none (the Bun binary is git)"],
  ];
  for (const [form, flags, fact] of forms) {
    test(`${form}: git runs plain and intercepted commands, doctor names it, uninstall removes it`, () => {
      const home = join(box.dir, `home-form-${form}`);
      mkdirSync(home, { recursive: true });
      const prefix = join(box.dir, `prefix-form-${form}`);
      const r = install(home, prefix, "--no-modify-path", ...flags);
      expect(r.err).toBe("");
      expect(r.exitCode).toBe(0);
      const git = join(prefix, "bin", "git");
      expect(lstatSync(git).isSymbolicLink()).toBe(form === "none");
      const env = { HOME: home, PATH: `${prefix}/bin:/usr/bin:/bin`, LC_ALL: "C" };
      const repo = join(home, "repo");
      mkdirSync(repo);
      expect(run(["git", "init", "-q"], { env, cwd: repo }).exitCode).toBe(0);
      writeFileSync(join(repo, "a.txt"), "a\n");
      const c = run(["git", "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qam", "x"], { env, cwd: repo });
      expect(run(["git", "add", "a.txt"], { env, cwd: repo }).exitCode).toBe(0);
      const commit = run(["git", "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qm", "x"], {
        env,
        cwd: repo,
      });
      expect(c.exitCode).not.toBe(0); // nothing added yet: git's own refusal, through the shim
      expect(commit.exitCode).toBe(0);
      expect(run(["git", "rev-parse", "--show-toplevel"], { env, cwd: repo }).out).toBe(`${repo}\n`);
      const d = run(["git", "traces", "doctor"], { env, cwd: repo });
      expect(d.out).toContain(`front_door=${fact}`);
      expect(d.out).toContain(`shim_first_on_path=yes`);
      expect(d.exitCode).toBe(0);
      // A reinstall over another form switches it, and finds the real git behind the front door.
      const again = install(home, prefix, "--no-modify-path", ...flags);
      expect(again.out).toContain("real git already recorded: /usr/bin/git");
      const u = run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env });
      expect(u.exitCode).toBe(0);
      expect(u.out).toContain(`removed ${git}`);
      expect(existsSync(prefix)).toBe(false);
    });
  }

  test("doctor flags a front door built from other lists than the shim's", () => {
    const home = join(box.dir, "home-stale");
    mkdirSync(home, { recursive: true });
    const prefix = join(box.dir, "prefix-stale");
    const env = { HOME: home, PATH: `${prefix}/bin:/usr/bin:/bin`, LC_ALL: "C" };
    expect(install(home, prefix, "--no-modify-path", "--front-door", "sh").exitCode).toBe(0);
    const git = join(prefix, "bin", "git");
    const text = readFileSync(git, "utf8");
    writeFileSync(git, text.replace(/lists=%s\\n' "\$d" [0-9a-f]+/, 'lists=%s\\n\' "$d" 0123456789abcdef'));
    expect(readFileSync(git, "utf8")).not.toBe(text);
    const d = run(["git", "traces", "doctor"], { env, cwd: home });
    expect(d.out).toContain("front_door=sh (lists 0123456789abcdef, the shim's ");
    expect(d.err).toContain("built from other command lists than this shim");
    expect(d.exitCode).toBe(1);
    expect(install(home, prefix, "--no-modify-path", "--front-door", "sh").out).toContain(
      "installed the sh front door",
    );
    expect(run(["git", "traces", "doctor"], { env, cwd: home }).exitCode).toBe(0);
  });

  test("without a working cc the installer writes the sh front door", () => {
    const home = join(box.dir, "home-nocc");
    mkdirSync(home, { recursive: true });
    const prefix = join(box.dir, "prefix-nocc");
    const env = { HOME: home, PATH: "/usr/bin:/bin", CC: "/bin/false", LC_ALL: "C" };
    const r = run(["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix, "--no-modify-path"], { env });
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain("installed the sh front door as");
    expect(readFileSync(join(prefix, "bin", "git"), "utf8")).toStartWith(`#!/bin/sh\nP="${prefix}"\n`);
    const c = run(
      ["/bin/sh", INSTALL, "--binary", BINARY, "--prefix", prefix, "--no-modify-path", "--front-door", "c"],
      {
        env,
      },
    );
    expect(c.exitCode).not.toBe(0);
    expect(c.err).toContain("could not build the C front door");
    expect(run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env }).exitCode).toBe(0);
    expect(existsSync(prefix)).toBe(false);
  });

  test("a reinstall switches forms in place, and a git that is not ours is left alone", () => {
    const home = join(box.dir, "home-switch");
    mkdirSync(home, { recursive: true });
    const prefix = join(box.dir, "prefix-switch");
    const env = { HOME: home, PATH: `${prefix}/bin:/usr/bin:/bin` };
    expect(install(home, prefix, "--no-modify-path", "--front-door", "sh").exitCode).toBe(0);
    expect(existsSync(join(prefix, "libexec", "git-traces", "shim", "git"))).toBe(true);
    expect(install(home, prefix, "--no-modify-path").out).toContain("installed the c front door");
    expect(existsSync(join(prefix, "libexec", "git-traces", "shim"))).toBe(false);
    expect(install(home, prefix, "--no-modify-path", "--no-front-door").exitCode).toBe(0);
    expect(lstatSync(join(prefix, "bin", "git")).isSymbolicLink()).toBe(true);
    expect(run(["/bin/sh", INSTALL, "--uninstall", "--prefix", prefix], { env }).exitCode).toBe(0);
    mkdirSync(join(prefix, "bin"), { recursive: true });
    writeFileSync(join(prefix, "bin", "git"), "#!/bin/sh\necho someone else\n");
    const r = install(home, prefix, "--no-modify-path");
    expect(r.exitCode).not.toBe(0);
    expect(r.err).toContain("exists and is not ours");
    const bad = install(home, prefix, "--no-modify-path", "--front-door", "go");
    expect(bad.err).toContain("--front-door takes c or sh");
  });
});
