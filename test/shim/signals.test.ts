// Ctrl-C and kill reach git through the shim, and git's ending is the shim's ending.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, REAL_GIT, requireBinary, run, type Sandbox } from "../helpers/sandbox.ts";

let box: Sandbox;
beforeAll(() => {
  requireBinary();
  box = makeSandbox("signals");
});
afterAll(() => box?.cleanup());

function processesMatching(marker: string): string {
  const r = run(["/usr/bin/pgrep", "-af", marker], { env: { PATH: "/usr/bin:/bin" } });
  return r.out.trim();
}

/** Whether a process whose command line holds `marker` is git's own binary (not the shim before its exec). */
function isRealGitRunning(marker: string): boolean {
  const pids = run(["/usr/bin/pgrep", "-f", marker], { env: { PATH: "/usr/bin:/bin" } })
    .out.split("\n")
    .filter(Boolean);
  return pids.some((pid) => {
    try {
      return realpathSync(`/proc/${pid}/exe`) === realpathSync(REAL_GIT);
    } catch {
      return false; // gone, or exec under way
    }
  });
}

/** Starts `cmd` with stdin held open, waits until git is reading it, sends `signal`. */
async function interrupt(cmd: string[], env: Record<string, string>, signal: NodeJS.Signals, marker: string) {
  const proc = Bun.spawn({
    cmd,
    argv0: cmd[0] === process.execPath ? undefined : "git",
    env,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    cwd: box.home,
  });
  // Wait for git itself to be running (it blocks on stdin): the shim's process matches the
  // marker too until it execs git, and its command line can read empty while it does.
  let running = false;
  for (let i = 0; i < 100 && !running; i++) {
    running = isRealGitRunning(marker);
    if (!running) await Bun.sleep(20);
  }
  expect(running).toBe(true);
  proc.kill(signal);
  const code = await proc.exited;
  await Bun.sleep(50);
  return { code, signal: proc.signalCode, left: processesMatching(marker) };
}

test("SIGINT ends git through the shim exactly as it ends the real git", async () => {
  const marker = `sigint-shim-${process.pid}`;
  const viaShim = await interrupt(
    [join(box.bin, "git"), "hash-object", "--stdin", `--path=${marker}`],
    box.env,
    "SIGINT",
    marker,
  );
  const marker2 = `sigint-git-${process.pid}`;
  const viaGit = await interrupt(
    [REAL_GIT, "hash-object", "--stdin", `--path=${marker2}`],
    box.realEnv,
    "SIGINT",
    marker2,
  );
  expect(viaGit.signal).toBe("SIGINT");
  expect(viaShim.signal).toBe(viaGit.signal);
  expect(viaShim.code).toBe(viaGit.code);
  expect(viaShim.left).toBe("");
});

test("a parent that waits for git forwards SIGINT and SIGTERM and dies the same way", async () => {
  const runner = join(import.meta.dir, "..", "fixtures", "run-child.ts");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const marker = `${signal}-child-${process.pid}`;
    const r = await interrupt(
      [process.execPath, runner, "hash-object", "--stdin", `--path=${marker}`],
      box.realEnv,
      signal,
      marker,
    );
    expect(r.signal).toBe(signal);
    expect(r.left).toBe(""); // no orphaned git
  }
});

test("a parent that waits for git exits with git's status", () => {
  const runner = join(import.meta.dir, "..", "fixtures", "run-child.ts");
  const env = box.realEnv;
  const bad = run([process.execPath, runner, "rev-parse", "--verify", "nope"], { env, cwd: box.home });
  const real = run([REAL_GIT, "rev-parse", "--verify", "nope"], { env, cwd: box.home });
  expect(bad.exitCode).toBe(real.exitCode);
  expect(bad.err).toBe(real.err);
  const version = run([process.execPath, runner, "--version"], { env });
  expect(version.exitCode).toBe(0);
  expect(version.out).toBe(run([REAL_GIT, "--version"], { env }).out);
});

test("signals reach git run as a child with arguments that are not UTF-8 (started through libc)", async () => {
  run(["/bin/sh", "-c", "git init -q raw-signals && git -C raw-signals commit -q --allow-empty -m first"], {
    cwd: box.home,
    env: box.realEnv,
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // git am waits on stdin for its mailbox (an interrupted one leaves its state behind); the
    // argument's last byte is not UTF-8.
    const script = (marker: string) =>
      `cd raw-signals && rm -rf .git/rebase-apply && exec git am --directory="${marker}$(printf '\\351')"`;
    // pgrep in the C locale: one byte after the marker, not the three of U+FFFD in UTF-8.
    const marker = `raw-${signal}-shim-${process.pid}`;
    const viaShim = await interrupt(["/bin/sh", "-c", script(marker)], box.env, signal, `${marker}.$`);
    const marker2 = `raw-${signal}-git-${process.pid}`;
    const viaGit = await interrupt(["/bin/sh", "-c", script(marker2)], box.realEnv, signal, `${marker2}.$`);
    expect(viaGit.signal).toBe(signal);
    expect(viaShim.signal).toBe(viaGit.signal);
    expect(viaShim.code).toBe(viaGit.code);
    expect(viaShim.left).toBe("");
  }
});
