// Hands the process over to the real git, or runs it as a child with the same fidelity.
// Imported by the shim's hot path: node builtins and bun:ffi only.

import { mayHaveInheritedFds, restoreInheritedFds } from "./fds.ts";
import { execvLibc, hasReplacementChar, spawnLibc } from "./raw-exec.ts";
import { TracesError } from "../base/errors.ts";
import { nodeFs } from "../base/lazy-fs.ts";

/** Signals a parent forwards to the git it waits for. */
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

const noop = () => {};

/**
 * Bun ignores SIGPIPE and SIGXFSZ, and ignored signals stay ignored across execve. A
 * listener makes them "caught", which execve resets to the default git expects (so that
 * `git log | head` ends git with SIGPIPE, as it does without the shim).
 */
function resetSignalsForExec(): void {
  process.on("SIGPIPE", noop);
  process.on("SIGXFSZ", noop);
}

export class ExecError extends TracesError {
  readonly code = "EXEC_FAILED";
  constructor(
    readonly path: string,
    readonly errno: string,
  ) {
    super(`cannot run ${path}: ${errno}`, { path, errno });
  }
}

/**
 * Replaces this process with `path`, running this process's own arguments with `globals`
 * (git options) put first, in this process's environment. Returns only on failure, by
 * throwing ExecError (ENOENT and friends) so that the caller can try the next candidate.
 */
export function execInPlace(path: string, globals: readonly string[] = []): never {
  resetSignalsForExec();
  const argv = [process.argv0, ...globals, ...process.argv.slice(2)];
  // libc is needed only to keep inherited descriptors or bytes that are not UTF-8.
  if (mayHaveInheritedFds() || hasReplacementChar(argv)) {
    restoreInheritedFds();
    if (execvLibc(path, argv)) throw new ExecError(path, execFailure(path));
  }
  // Nothing to keep, or no usable libc (not glibc Linux): Bun's own execve, which drops
  // descriptors above 2.
  try {
    if (!process.execve) throw new Error("ENOSYS");
    process.execve(path, argv, process.env);
  } catch (e) {
    throw new ExecError(path, (e as NodeJS.ErrnoException)?.code ?? String(e));
  }
  throw new ExecError(path, "execve returned");
}

/** Bun's FFI does not expose errno: tell the likely cause from the file itself. */
function execFailure(path: string): string {
  const fs = nodeFs();
  try {
    fs.accessSync(path, fs.constants.X_OK);
    return "ENOEXEC";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? "ENOENT";
  }
}

export interface ChildResult {
  code: number;
  signal: NodeJS.Signals | null;
}

/**
 * Runs git as a child with inherited stdio and descriptors, forwarding the signals a
 * terminal or supervisor sends us. The caller decides how to exit; see exitLike().
 * `argv` is this process's own argv with options of ours inserted anywhere: when Bun's
 * decoding left a U+FFFD in it, git is started through libc with the original bytes
 * (Bun.spawn can only pass UTF-8).
 */
export async function runChild(
  path: string,
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<ChildResult> {
  // Inherited descriptors keep their numbers in the child; the holes between them stay
  // holes (Bun opens nothing there; "inherit" there would name descriptors we lack).
  const stdio: (number | "inherit" | undefined)[] = ["inherit", "inherit", "inherit"];
  if (mayHaveInheritedFds()) for (const fd of restoreInheritedFds()) stdio[fd] = fd;
  const raw = hasReplacementChar(argv) ? spawnLibc(path, argv, env) : null;
  const child = raw
    ? null
    : Bun.spawn({
        cmd: [path, ...argv.slice(1)],
        argv0: argv[0],
        env,
        stdio,
      } as unknown as Parameters<typeof Bun.spawn>[0]);
  const forward = (sig: NodeJS.Signals) => {
    try {
      if (raw) process.kill(raw.pid, sig);
      else child!.kill(sig);
    } catch {
      // already gone
    }
  };
  for (const sig of FORWARDED) process.on(sig, forward);
  const result = raw
    ? fromWaitStatus(await raw.exited)
    : { code: await child!.exited, signal: (child!.signalCode as NodeJS.Signals | null) ?? null };
  for (const sig of FORWARDED) process.off(sig, forward);
  return result;
}

/** A wait(2) status: the exit code in bits 8-15, or the signal in bits 0-6 (the code then as Bun gives it). */
function fromWaitStatus(status: number): ChildResult {
  const signo = status & 0x7f;
  if (!signo) return { code: (status >> 8) & 0xff, signal: null };
  const table = signals();
  const name = Object.keys(table).find((k) => table[k] === signo) as NodeJS.Signals | undefined;
  return { code: 128 + signo, signal: name ?? null };
}

/** Ends this process the way the child ended: same exit code, or the same signal. */
export function exitLike(result: ChildResult): never {
  if (result.signal) {
    for (const sig of FORWARDED) process.removeAllListeners(sig);
    process.removeAllListeners(result.signal);
    try {
      process.kill(process.pid, result.signal);
    } catch {
      // fall through to the shell convention below
    }
    // Some signals (SIGPIPE under Bun) do not end us; report as a shell would.
    process.exit(128 + signalNumber(result.signal));
  }
  process.exit(result.code);
}

function signals(): Record<string, number> {
  return (require("node:os") as typeof import("node:os")).constants.signals;
}

function signalNumber(sig: NodeJS.Signals): number {
  const n = signals()[sig];
  return typeof n === "number" ? n : 1;
}
