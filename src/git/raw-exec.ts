// execv(3) and posix_spawn(3) through libc instead of Bun's process.execve and Bun.spawn.
// Two reasons, both measured with Bun 1.4.5 on Linux:
// - process.execve marks every descriptor above 2 close-on-exec first, so descriptors the
//   user handed to git (`GIT_TRACE=7 git status 7>log`, a jobserver pipe) would be lost;
// - Bun decodes argv and the environment as UTF-8, so a byte that is not valid UTF-8 (a
//   Latin-1 file name) arrives as U+FFFD, and Bun.spawn encodes every argument as UTF-8
//   again (a Buffer too: it becomes its UTF-8 decoding). When argv shows a U+FFFD its exact
//   bytes are read back from /proc/self/cmdline, which the kernel keeps as given.
// execv passes libc's own `environ`, the bytes we were started with; it also skips
// converting process.env, which costs milliseconds in Bun.

import { libc, libcSpawn } from "./libc.ts";
import { nodeFs } from "../base/lazy-fs.ts";

export function hasReplacementChar(list: readonly string[]): boolean {
  for (const s of list) if (s.includes("\uFFFD")) return true;
  return false;
}

/** This process's argv as the kernel holds it: one record per argument. */
function originalArgv(): Uint8Array[] | null {
  let raw: Uint8Array;
  try {
    const fs = nodeFs();
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

export interface RawChild {
  pid: number;
  /** Resolves once the child has ended, with its wait(2) status. */
  exited: Promise<number>;
}

const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const WNOHANG = 1;
/** Larger than glibc's posix_spawnattr_t (336 bytes on x86-64) and sigset_t (128). */
const ATTR_SIZE = 512;
const SIGSET_SIZE = 128;
/** How often the child is looked at should SIGCHLD not say so; it also keeps Bun's event loop alive. */
const POLL_MS = 50;

/**
 * Starts `path` with argv (see argvBytes) and environment `env`, stdio and every descriptor
 * without close-on-exec inherited, like Bun.spawn with "inherit": every signal at its default
 * and none blocked. Returns null when posix_spawn is not available; throws when it fails.
 */
export function spawnLibc(
  path: string,
  argv: readonly string[],
  env: Record<string, string | undefined>,
): RawChild | null {
  const c = libcSpawn();
  if (!c) return null;
  const encoder = new TextEncoder();
  const args = cStrings(argvBytes(argv));
  const vars: Uint8Array[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) vars.push(encoder.encode(`${k}=${v}`));
  const envp = cStrings(vars);
  const attr = new Uint8Array(ATTR_SIZE);
  // Every bit set, not sigfillset(): that leaves out glibc's own signals (32 and 33), which
  // posix_spawn then leaves ignored in the child.
  const all = new Uint8Array(SIGSET_SIZE).fill(0xff);
  const none = new Uint8Array(SIGSET_SIZE);
  c.posix_spawnattr_init(attr);
  c.posix_spawnattr_setsigdefault(attr, all);
  c.posix_spawnattr_setsigmask(attr, none);
  c.posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  const pidOut = new Int32Array(1);
  const status = new Int32Array(1);
  let settle!: (status: number) => void;
  const exited = new Promise<number>((resolve) => (settle = resolve));
  let pid = 0;
  const look = () => {
    if (!pid) return;
    const r = c.waitpid(pid, status, WNOHANG);
    if (r === 0) return; // still running
    // r === -1: reaped elsewhere, its status lost; a failure is the honest answer.
    process.off("SIGCHLD", look);
    clearInterval(timer);
    settle(r === pid ? status[0]! : 1 << 8);
  };
  // Listening before the spawn: a child that ends at once still finds us listening.
  process.on("SIGCHLD", look);
  const timer = setInterval(look, POLL_MS);
  const err = c.posix_spawn(pidOut, cString(path), null, attr, args.pointers, envp.pointers);
  c.posix_spawnattr_destroy(attr);
  void args.data;
  void envp.data;
  if (err !== 0) {
    process.off("SIGCHLD", look);
    clearInterval(timer);
    const code = (require("node:os") as typeof import("node:os")).constants.errno;
    const name = Object.keys(code).find((k) => code[k as keyof typeof code] === err) ?? `errno ${err}`;
    throw Object.assign(new Error(`cannot run ${path}: ${name}`), { code: name });
  }
  pid = pidOut[0]!;
  look();
  return { pid, exited };
}
