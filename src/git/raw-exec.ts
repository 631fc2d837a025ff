// execv(3) through libc instead of process.execve. Two reasons, both measured with Bun
// 1.4.5 on Linux:
// - process.execve marks every descriptor above 2 close-on-exec first, so descriptors the
//   user handed to git (`GIT_TRACE=7 git status 7>log`, a jobserver pipe) would be lost;
// - Bun decodes argv and the environment as UTF-8, so a byte that is not valid UTF-8 (a
//   Latin-1 file name) arrives as U+FFFD. execv passes libc's own `environ`, the bytes we
//   were started with, and when argv shows a U+FFFD its exact bytes are read back from
//   /proc/self/cmdline, which the kernel keeps as given.
// It also skips converting process.env, which costs milliseconds in Bun.

import { libc } from "./libc.ts";

export function hasReplacementChar(list: readonly string[]): boolean {
  for (const s of list) if (s.includes("\uFFFD")) return true;
  return false;
}

/** NUL-terminated records -> a NULL-terminated array of pointers into `data`. */
function pointerArray(data: Uint8Array): BigUint64Array {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) count++;
  const arr = new BigUint64Array(count + 1);
  if (!data.length) return arr;
  const { ptr } = require("bun:ffi") as typeof import("bun:ffi");
  const base = ptr(data);
  let start = 0;
  let j = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) {
      arr[j++] = BigInt(base + start);
      start = i + 1;
    }
  }
  return arr;
}

function originalArgv(): Uint8Array | null {
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    return new Uint8Array(fs.readFileSync("/proc/self/cmdline"));
  } catch {
    return null;
  }
}

/**
 * Replaces the process image, keeping the environment this process started with (so it
 * must not be used after changing process.env). `argv` is this process's own argv with
 * `globals` inserted after argv[0]; when it shows a U+FFFD, the original bytes are read
 * back and `globals` inserted into them. Returns false when execv is not available; on
 * success it does not return; on failure it returns true.
 */
export function execvLibc(path: string, argv: readonly string[], globals: readonly string[] = []): boolean {
  const c = libc();
  if (!c) return false;
  const encoder = new TextEncoder();
  let argBytes: Uint8Array | null = null;
  if (hasReplacementChar(argv)) {
    const raw = originalArgv();
    if (raw) {
      const first = raw.indexOf(0);
      const inserted = encoder.encode(globals.map((g) => `${g}\0`).join(""));
      argBytes = new Uint8Array(raw.length + inserted.length);
      argBytes.set(raw.subarray(0, first + 1), 0);
      argBytes.set(inserted, first + 1);
      argBytes.set(raw.subarray(first + 1), first + 1 + inserted.length);
    }
  }
  argBytes ??= encoder.encode(argv.map((a) => `${a}\0`).join(""));
  const pointers = pointerArray(argBytes);
  c.execv(encoder.encode(`${path}\0`), pointers);
  // Still here: execv failed. Keep argBytes alive until now (the pointers refer into it).
  void argBytes;
  return true;
}
