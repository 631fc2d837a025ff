// Finding the real git: never the shim itself (symlinked, copied, or twice on PATH), and a
// missing or broken git is one clear line and status 127.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { BINARY, makeSandbox, REAL_GIT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
let gitVersion: string;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("locate");
  gitVersion = run([REAL_GIT, "--version"]).out;
});
afterAll(() => box?.cleanup());

function gitVia(pathEnv: string, extra: Record<string, string> = {}) {
  return run(["/bin/sh", "-c", "exec git --version"], { env: { ...box.env, PATH: pathEnv, ...extra } });
}

function oneLineError(r: { err: string; exitCode: number | null }) {
  expect(r.exitCode).toBe(127);
  expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  expect(r.err).toStartWith("git-traces: ");
  expect(r.err).not.toContain("    at "); // no stack trace
}

test("the shim directory twice on PATH still reaches the real git", () => {
  const r = gitVia(`${box.bin}:${box.bin}:/usr/bin:/bin`);
  expect(r.exitCode).toBe(0);
  expect(r.out).toBe(gitVersion);
});

test("a copied shim ahead of a symlinked one is never taken for git", () => {
  const copies = join(box.dir, "copies");
  mkdirSync(copies, { recursive: true });
  copyFileSync(BINARY, join(copies, "git"));
  chmodSync(join(copies, "git"), 0o755);
  const r = gitVia(`${copies}:${box.bin}:${copies}:/usr/bin:/bin`);
  expect(r.exitCode).toBe(0);
  expect(r.out).toBe(gitVersion);
});

test("a symlink chain to the shim is recognised by its real path", () => {
  const chain = join(box.dir, "chain");
  mkdirSync(chain, { recursive: true });
  symlinkSync(join(box.bin, "git"), join(chain, "git"));
  const r = gitVia(`${chain}:${box.bin}:/usr/bin:/bin`);
  expect(r.out).toBe(gitVersion);
});

test("no real git anywhere: one line, status 127", () => {
  oneLineError(gitVia(box.bin));
});

test("GIT_TRACES_REAL_GIT wins, and a wrong one is reported, not worked around", () => {
  expect(gitVia(`${box.bin}:/usr/bin`, { GIT_TRACES_REAL_GIT: REAL_GIT }).out).toBe(gitVersion);
  for (const bad of ["/nonexistent/git", "relative/git", join(box.bin, "git"), "/etc/hostname"]) {
    const r = gitVia(`${box.bin}:/usr/bin`, { GIT_TRACES_REAL_GIT: bad });
    oneLineError(r);
    expect(r.err).toContain("GIT_TRACES_REAL_GIT");
  }
});

test("a real git that is not a program: one line, status 127", () => {
  const broken = join(box.dir, "broken");
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, "git"), "\x7fELF garbage");
  chmodSync(join(broken, "git"), 0o755);
  const r = gitVia(`${box.bin}:${broken}`);
  oneLineError(r);
});

test("the recorded git is used first, and a dangling record falls back to PATH", () => {
  const prefix = join(box.dir, "prefix");
  mkdirSync(join(prefix, "bin"), { recursive: true });
  mkdirSync(join(prefix, "libexec", "git-traces"), { recursive: true });
  copyFileSync(BINARY, join(prefix, "bin", "git-traces"));
  chmodSync(join(prefix, "bin", "git-traces"), 0o755);
  symlinkSync("git-traces", join(prefix, "bin", "git"));
  // The record points at a wrapper that says who it is.
  const wrapper = join(box.dir, "recorded-git");
  writeFileSync(wrapper, `#!/bin/sh\necho recorded >&2\nexec ${REAL_GIT} "$@"\n`);
  chmodSync(wrapper, 0o755);
  symlinkSync(wrapper, join(prefix, "libexec", "git-traces", "git"));
  const used = gitVia(`${prefix}/bin:/usr/bin:/bin`);
  expect(used.err).toBe("recorded\n");
  expect(used.out).toBe(gitVersion);
  const dangling = join(box.dir, "prefix2");
  mkdirSync(join(dangling, "bin"), { recursive: true });
  mkdirSync(join(dangling, "libexec", "git-traces"), { recursive: true });
  copyFileSync(BINARY, join(dangling, "bin", "git-traces"));
  chmodSync(join(dangling, "bin", "git-traces"), 0o755);
  symlinkSync("git-traces", join(dangling, "bin", "git"));
  symlinkSync("/nonexistent/git", join(dangling, "libexec", "git-traces", "git"));
  const fallback = gitVia(`${dangling}/bin:/usr/bin:/bin`);
  expect(fallback.exitCode).toBe(0);
  expect(fallback.out).toBe(gitVersion);
  expect(fallback.err).toBe("");
});
