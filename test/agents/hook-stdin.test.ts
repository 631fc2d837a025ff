// `git traces hook <agent> <event>` reads its payload on stdin, and must never keep the
// agent waiting: an agent (or a wrapper) that never closes the hook's stdin gets it back
// within the bound (src/cli/commands/hook.ts STDIN_WAIT_MS, 3 s), exit status 0. A whole
// payload that came without its end of input still counts.

import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SESSIONS } from "../helpers/agents.ts";
import { makeSandbox, requireBinary, type Sandbox } from "../helpers/sandbox.ts";
import { makeShop } from "../helpers/shop.ts";

/** The bound plus start-up, with room for a loaded machine; the spawn is killed at HANG_MS. */
const BOUND_MS = 8_000;
const HANG_MS = 20_000;

let box: Sandbox;
beforeEach(() => {
  requireBinary();
  box = makeSandbox("hook-stdin");
});
afterEach(() => box?.cleanup());

/** Runs the hook with a stdin pipe that receives `input` and is never closed. */
async function hookWithOpenStdin(
  cwd: string,
  input: string,
): Promise<{ code: number | null; ms: number; err: string }> {
  const started = performance.now();
  const child = Bun.spawn({
    cmd: [join(box.bin, "git-traces"), "hook", "claude-code", "Stop"],
    cwd,
    env: box.env,
    stdin: "pipe",
    stdout: "ignore",
    stderr: "pipe",
  });
  if (input) {
    child.stdin.write(input);
    child.stdin.flush();
  }
  const killer = setTimeout(() => child.kill("SIGKILL"), HANG_MS);
  const code = await child.exited;
  clearTimeout(killer);
  const ms = performance.now() - started;
  const err = await new Response(child.stderr).text();
  try {
    child.stdin.end();
  } catch {
    // already gone
  }
  return { code, ms, err };
}

test("stdin never closed, nothing sent: exits 0 within the bound, one line on stderr", async () => {
  const shop = makeShop(box, [], { edits: false });
  const r = await hookWithOpenStdin(shop.repo, "");
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(BOUND_MS);
  expect(r.err.trim().split("\n")).toHaveLength(1);
  expect(existsSync(join(shop.repo, ".git", "traces", "active.json"))).toBe(false);
}, 30_000);

test("stdin never closed, half a payload sent: exits 0 within the bound, nothing recorded", async () => {
  const shop = makeShop(box, [], { edits: false });
  const r = await hookWithOpenStdin(shop.repo, `{"session_id":"${SESSIONS.claude}","cwd":`);
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(BOUND_MS);
  expect(existsSync(join(shop.repo, ".git", "traces", "active.json"))).toBe(false);
}, 30_000);

test("stdin never closed after a whole payload: exits 0 within the bound, the session recorded", async () => {
  const shop = makeShop(box, [], { edits: false });
  const r = await hookWithOpenStdin(
    shop.repo,
    JSON.stringify({ session_id: SESSIONS.claude, cwd: shop.repo, hook_event_name: "Stop" }),
  );
  expect(r.code).toBe(0);
  expect(r.ms).toBeLessThan(BOUND_MS);
  expect(r.err).toBe("");
  const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
  expect(active.sessions.map((s: { id: string }) => s.id)).toEqual([SESSIONS.claude]);
}, 30_000);

test("a transcript path naming a FIFO or a device is not recorded; the session is", async () => {
  const shop = makeShop(box, [], { edits: false });
  const payload = {
    session_id: SESSIONS.claude,
    cwd: shop.repo,
    hook_event_name: "Stop",
    transcript_path: "/dev/zero",
  };
  const child = Bun.spawnSync({
    cmd: [join(box.bin, "git-traces"), "hook", "claude-code", "Stop"],
    cwd: shop.repo,
    env: box.env,
    stdin: new Blob([JSON.stringify(payload)]),
    timeout: HANG_MS,
  });
  expect(child.exitCode).toBe(0);
  const active = JSON.parse(readFileSync(join(shop.repo, ".git", "traces", "active.json"), "utf8"));
  expect(active.sessions).toHaveLength(1);
  expect(active.sessions[0].id).toBe(SESSIONS.claude);
  expect(active.sessions[0].transcript).toBeUndefined();
});
