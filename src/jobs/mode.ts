// Where trace work runs: in the background (the command returns as soon as git does) or in
// the foreground (done before the command returns).
//
// The background is for people at a terminal. In CI jobs, agent sandboxes and containers the
// machine may vanish the moment the command returns, killing any detached worker with it,
// so there the work finishes first. The rule (docs/architecture.md):
//   GIT_TRACES_SYNC=1 (or true): foreground; GIT_TRACES_SYNC=0 (or false): background;
//   else foreground when CI is set (not "false"/"0"), or when neither stdin nor stderr is a
//   terminal; else background.

import type { Env } from "../base/env.ts";
import { nodeFs } from "../base/lazy-fs.ts";

export const SYNC_ENV = "GIT_TRACES_SYNC";

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  const v = value.toLowerCase();
  if (v === "0" || v === "false" || v === "no" || v === "off") return false;
  return true;
}

function isTerminal(fd: number): boolean {
  const { libc } = require("../git/libc.ts") as typeof import("../git/libc.ts");
  const c = libc();
  if (c) return c.isatty(fd) === 1;
  // No libc through bun:ffi (not glibc): a character device other than /dev/null.
  const fs = nodeFs();
  try {
    const st = fs.fstatSync(fd);
    return st.isCharacterDevice() && st.rdev !== fs.statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

/** True when trace work must be done before the command returns. */
export function foreground(env: Env): boolean {
  const sync = flag(env[SYNC_ENV]);
  if (sync !== undefined) return sync;
  if (flag(env.CI)) return true;
  return !isTerminal(0) && !isTerminal(2);
}
