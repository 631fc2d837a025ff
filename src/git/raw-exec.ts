// execv(3) through libc instead of process.execve.
// Two reasons, both measured with Bun 1.4.5 on Linux:
// - process.execve marks every descriptor above 2 close-on-exec first, so descriptors the
//   user handed to git (`GIT_TRACE=7 git status 7>log`, a jobserver pipe) would be lost;
// - Bun decodes argv and the environment as UTF-8, so a byte that is not valid UTF-8 (a
//   Latin-1 file name) arrives as U+FFFD. When argv shows a U+FFFD its exact bytes are read
//   back from /proc/self/cmdline, which the kernel keeps as given.
// execv passes libc's own `environ`, the bytes we were started with; it also skips
// converting process.env, which costs milliseconds in Bun.

import { libc } from "./libc.ts";

export function hasReplacementChar(list: readonly string[]): boolean {
  for (const s of list) if (s.includes("\uFFFD")) return true;
  return false;
}

/** This process's argv as the kernel holds it: one record per argument. */
function originalArgv(): Uint8Array[] | null {
  let raw: Uint8Array;
  try {
    const fs = require("node:fs") as typeof import("node:fs");
    raw = new Uint8Array(fs.readFileSync("/proc/self/cmdline"));
  } catch {
    return null;
  }
  const records: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0) {
      records.push(raw.subarray(start, i));
      start = i + 1;
    }
  }
  return records;
}

/**
 * The bytes of `argv`, a command line made of this process's own arguments (decoded by Bun
 * as UTF-8) with options of ours inserted anywhere (`-c notes.rewriteRef=...` after argv[0],
 * clone's `--config ...` after the subcommand). Our own arguments are found in order in
 * `argv` and given the bytes we were started with; the rest is encoded as UTF-8. An argument
 * without U+FFFD decodes and re-encodes to its own bytes, so only those with one need
 * matching; should an inserted argument decode exactly like one of ours, the bytes of the
 * two may be swapped, which makes no difference unless both hold U+FFFD.
 *
 * process.argv of a compiled binary is ["bun", "/$bunfs/...", args...] while the kernel holds
 * [argv0, args...] (`bun shim/main.ts`: ["bun", "shim/main.ts", args...]): our arguments are
 * the last records, and argv[0] is the first when it is ours.
 */
export function argvBytes(argv: readonly string[]): Uint8Array[] {
  const encoder = new TextEncoder();
  const out: Uint8Array[] = argv.map((a) => encoder.encode(a));
  const records = originalArgv();
  const ours = process.argv.slice(2);
  if (!records || records.length < ours.length + 1) return out;
  const raw = records.slice(records.length - ours.length);
  if (argv[0] === process.argv0 && records.length === ours.length + 1) out[0] = records[0]!;
  let j = 0;
  for (let i = 1; i < argv.length && j < ours.length; i++) {
    if (argv[i] === ours[j]) out[i] = raw[j++]!;
  }
  return out;
}

/** NUL-terminated copies of `list` in one buffer, and a NULL-terminated array of pointers to them. */
function cStrings(list: readonly Uint8Array[]): { data: Uint8Array; pointers: BigUint64Array } {
  let size = 0;
  for (const s of list) size += s.length + 1;
  const data = new Uint8Array(size);
  const pointers = new BigUint64Array(list.length + 1);
  if (!list.length) return { data, pointers };
  const { ptr } = require("bun:ffi") as typeof import("bun:ffi");
  const base = ptr(data);
  let at = 0;
  list.forEach((s, i) => {
    data.set(s, at);
    pointers[i] = BigInt(base + at);
    at += s.length + 1;
  });
  return { data, pointers };
}

function cString(s: string): Uint8Array {
  return new TextEncoder().encode(`${s}\0`);
}

/**
 * Replaces the process image, keeping the environment this process started with (so it
 * must not be used after changing process.env). `argv` is this process's own argv with
 * options of ours inserted (see argvBytes). Returns false when execv is not available; on
 * success it does not return; on failure it returns true.
 */
export function execvLibc(path: string, argv: readonly string[]): boolean {
  const c = libc();
  if (!c) return false;
  const encoder = new TextEncoder();
  const args = cStrings(hasReplacementChar(argv) ? argvBytes(argv) : argv.map((a) => encoder.encode(a)));
  c.execv(cString(path), args.pointers);
  // Still here: execv failed. Keep the bytes alive until now (the pointers refer into them).
  void args.data;
  return true;
}
