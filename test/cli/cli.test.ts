// `git traces` as users meet it: through the shim and as git-traces, help, version,
// usage errors (status 129), hidden commands, doctor.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";
import type { AnyTracesCommand } from "../../src/cli/command.ts";
import { COMMANDS } from "../../src/cli/commands/index.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("cli");
});
afterAll(() => box?.cleanup());

const git = (args: string[], env: Record<string, string> = {}, cwd?: string) =>
  run(["/bin/sh", "-c", 'exec git "$@"', "sh", ...args], { env: { ...box.env, ...env }, cwd: cwd ?? box.home });

test("git traces --help lists the commands, not the hidden ones", () => {
  const r = git(["traces", "--help"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("doctor");
  expect(r.out).not.toContain("find-real-git");
  expect(r.out).not.toContain("\u001b["); // a pipe gets no colour
  expect(r.err).toBe("");
});

test("no arguments shows the help", () => {
  const r = git(["traces"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toContain("USAGE");
});

test("--version, through the shim and as git-traces", () => {
  const a = git(["traces", "--version"]);
  const b = run([join(box.bin, "git-traces"), "--version"], { env: box.env });
  expect(a.out).toMatch(/^git-traces \d+\.\d+\.\d+\n$/);
  expect(b.out).toBe(a.out);
});

/** Every command and subcommand as `git traces` words, with whether it is hidden. */
async function commandList(): Promise<{ words: string[]; hidden: boolean; def: AnyTracesCommand }[]> {
  const out: { words: string[]; hidden: boolean; def: AnyTracesCommand }[] = [];
  const walk = async (words: string[], def: AnyTracesCommand, hidden: boolean) => {
    out.push({ words, hidden, def });
    const subs = (await (typeof def.subCommands === "function" ? def.subCommands() : def.subCommands)) as
      | Record<string, AnyTracesCommand>
      | undefined;
    for (const [name, sub] of Object.entries(subs ?? {})) await walk([...words, name], sub, hidden);
  };
  for (const [name, load] of Object.entries(COMMANDS)) {
    const def = await load();
    await walk([name], def, Boolean((def.meta as { hidden?: boolean } | undefined)?.hidden));
  }
  return out;
}

test("every command has --help: its name, its description, its flags and examples, status 0", async () => {
  const visible = (await commandList()).filter((c) => !c.hidden);
  expect(visible.map((c) => c.words.join(" "))).toContain("hooks install");
  for (const { words, def } of visible) {
    const r = git(["traces", ...words, "--help"]);
    const meta = def.meta as { name: string; description: string };
    expect({ words, exitCode: r.exitCode, err: r.err }).toEqual({ words, exitCode: 0, err: "" });
    expect(r.out).toContain(`git traces ${words.slice(0, -1).concat(meta.name).join(" ")}`);
    expect(r.out).toContain(meta.description);
    expect({ words, examples: (def.examples ?? []).length > 0 }).toEqual({ words, examples: true });
    for (const e of def.examples ?? []) expect(r.out).toContain(`$ ${e}`);
    const args = (typeof def.args === "function" ? await def.args() : def.args) ?? {};
    for (const [name, a] of Object.entries(args)) {
      if ((a as { type?: string }).type !== "positional")
        expect({
          words,
          // A flag on by default is shown as its --no- form.
          flag: r.out.includes(
            `--${(a as { default?: unknown }).default === true ? "no-" : ""}${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          ),
        }).toEqual({
          words,
          flag: true,
        });
    }
  }
});

test("the help lists every visible command and no hidden one", async () => {
  const top = (await commandList()).filter((c) => c.words.length === 1);
  const help = git(["traces", "--help"]).out;
  const listed = new Set([...help.matchAll(/^ +([a-z-]+) {2,}/gm)].map((m) => m[1]));
  expect(
    top
      .filter((c) => !c.hidden)
      .map((c) => c.words[0])
      .filter((n) => !listed.has(n)),
  ).toEqual([]);
  expect(
    top
      .filter((c) => c.hidden)
      .map((c) => c.words[0])
      .filter((n) => listed.has(n)),
  ).toEqual([]);
  expect(top.filter((c) => c.hidden).length).toBeGreaterThan(0);
});

test("an unknown command is a usage error: status 129 and one last line", () => {
  const r = git(["traces", "frobnicate"]);
  expect(r.exitCode).toBe(129);
  expect(r.err.trimEnd().split("\n").pop()).toBe(
    "git-traces: 'frobnicate' is not a git traces command. See 'git traces --help'.",
  );
  expect(r.out).toBe("");
});

test("an unknown flag is a usage error, not silently ignored", () => {
  const r = git(["traces", "doctor", "--jsno"]);
  expect(r.exitCode).toBe(129);
  expect(r.err).toBe(
    "git-traces: unknown option '--jsno'; did you mean '--json'?\nusage: git traces doctor [OPTIONS]\n",
  );
});

test("a null-prototype command map: Object's methods are not commands", () => {
  expect(git(["traces", "constructor"]).exitCode).toBe(129);
  expect(git(["traces", "__proto__"]).exitCode).toBe(129);
});

test("hidden commands still run", () => {
  const r = git(["traces", "find-real-git"]);
  expect(r.exitCode).toBe(0);
  expect(r.out).toBe("/usr/bin/git\n");
});

test("doctor: key=value facts, and the shim not first on PATH is a problem with a fix", () => {
  const ok = git(["traces", "doctor"]);
  expect(ok.exitCode).toBe(0);
  expect(ok.out).toContain("shim_first_on_path=yes\n");
  expect(ok.out).toContain("real_git_version=");
  expect(ok.out).not.toContain("problem"); // stdout is the facts alone
  expect(ok.err).toBe("No problems found.\n");
  const behind = run([join(box.bin, "git-traces"), "doctor", "--json"], {
    env: { ...box.env, PATH: `/usr/bin:${box.bin}:/bin` },
  });
  expect(behind.exitCode).toBe(1);
  const report = JSON.parse(behind.out);
  expect(report.facts.shim_first_on_path).toBe("no");
  expect(report.problems.map((p: { code: string }) => p.code)).toEqual(["SHIM_NOT_FIRST_ON_PATH"]);
  expect(report.problems[0].fix).toContain(`export PATH="${box.bin}:$PATH"`);
});

test("doctor names a missing real git and a disabled shim", () => {
  const r = run([join(box.bin, "git-traces"), "doctor"], {
    env: { ...box.env, PATH: box.bin, GIT_TRACES_DISABLE: "1" },
  });
  expect(r.exitCode).toBe(1);
  expect(r.err).toStartWith("2 problems found:\n  - the real git was not found");
  expect(r.err).toContain("  - GIT_TRACES_DISABLE is set");
  expect(r.out).toContain("GIT_TRACES_DISABLE=1\n");
  expect(r.out).not.toContain("problem");
});

test("git -C dir traces runs in dir: that repository's remotes, not the current one's", () => {
  const here = join(box.home, "here");
  const there = join(here, "there");
  for (const [dir, remote] of [
    [here, "remote-of-here"],
    [there, "remote-of-there"],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    run(["/usr/bin/git", "init", "-q"], { cwd: dir, env: box.realEnv });
    run(["/usr/bin/git", "remote", "add", remote, `/nonexistent/${remote}.git`], { cwd: dir, env: box.realEnv });
  }
  const remotes = (r: { out: string }) =>
    (JSON.parse(r.out) as { remotes: { remote: string }[] }).remotes.map((x) => x.remote);
  expect(remotes(git(["traces", "status", "--json"], {}, here))).toEqual(["remote-of-here"]);
  // Relative to where git was started, as git's own -C is, and one -C after another.
  expect(remotes(git(["-C", "there", "traces", "status", "--json"], {}, here))).toEqual(["remote-of-there"]);
  expect(remotes(git(["-C", "here", "-C", "there", "traces", "status", "--json"], {}, box.home))).toEqual([
    "remote-of-there",
  ]);
  const outside = git(["traces", "status"], {}, box.home);
  expect(outside.exitCode).toBe(1);
  expect(git(["-C", here, "traces", "status"], {}, box.home).exitCode).toBe(0);
});

test("git -C to a missing directory fails like git: one line, status 128", () => {
  const r = git(["-C", "/nonexistent/dir", "traces", "doctor"], { GIT_TRACES_DEBUG: "" });
  expect(r.exitCode).toBe(128);
  expect(r.err).toBe("git-traces: cannot change to '/nonexistent/dir': No such file or directory\n");
});

test("note check: a valid note passes, every problem is named by line", () => {
  const ok = run([join(box.bin, "git-traces"), "note", "check", "-"], {
    env: box.env,
    input: 'traces:abc\ntraces-meta:abc {"v":1}\n',
  });
  expect(ok.exitCode).toBe(0);
  expect(ok.out).toContain("valid: 1 trace(s)");
  const bad = run([join(box.bin, "git-traces"), "note", "check", "-"], {
    env: box.env,
    input: "traces:../x\ntraces-meta:abc nope\nother: kept\n",
  });
  expect(bad.exitCode).toBe(1);
  expect(bad.out).toContain("line 1:");
  expect(bad.out).toContain("line 2:");
  expect(bad.out).not.toContain("line 3:");
  expect(git(["traces", "--help"]).out).not.toMatch(/^\s+note\s/m);
});

test("logs: a helpful empty state outside failures, and a clear error outside a repository", () => {
  const repo = join(box.home, "logs-repo");
  mkdirSync(repo, { recursive: true });
  run(["/usr/bin/git", "init", "-q"], { cwd: repo, env: box.realEnv });
  const empty = git(["traces", "logs"], {}, repo);
  expect(empty.exitCode).toBe(0);
  expect(empty.err).toContain("No logs");
  const outside = git(["traces", "logs"], {}, box.home);
  expect(outside.exitCode).toBe(1);
  expect(outside.err).toBe("git-traces: not a git repository; run inside one or pass -C <dir>\n");
});

test("a repository git refuses for its owner (safe.directory) is named as such, with git's fix", () => {
  if (process.getuid?.() !== 0) return; // needs root to give the repository to another user
  const repo = join(box.dir, "not-mine");
  mkdirSync(repo, { recursive: true });
  run(["/usr/bin/git", "init", "-q", repo], { env: box.realEnv });
  run(["chown", "-R", "nobody", repo]);
  const r = git(["traces", "status"], {}, repo);
  expect(r.exitCode).not.toBe(0);
  expect(r.err).toContain("detected dubious ownership in repository at");
  expect(r.err).toContain("git config --global --add safe.directory");
  expect(r.err).not.toContain("not a git repository");
});
