// Streams and how to write to them: decided once here (colour, TTY, width), used by every
// command. stdout carries data; messages go to stderr.

import { nodeFs } from "../base/lazy-fs.ts";
import type { Pager } from "./terminal.ts";

export interface IO {
  /**
   * Text is written as UTF-8; bytes as they are (file content in git's own formats), and
   * so is a byte string (one character per byte) with encoding "latin1".
   */
  out(text: string | Uint8Array, encoding?: "latin1"): void;
  err(text: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour on stdout. */
  color: boolean;
  /** Colour on stderr (messages, src/cli/messages.ts): the same rules, for that stream. */
  errColor: boolean;
  /** Terminal width for stdout, or Infinity when it is not a terminal. */
  width: number;
}

/**
 * NO_COLOR (any value) turns colour off, CLICOLOR_FORCE (not 0) turns it on, CLICOLOR=0
 * turns it off; otherwise colour follows whether the stream is a terminal.
 */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== "" && env.CLICOLOR_FORCE !== "0") return true;
  if (env.CLICOLOR === "0") return false;
  return isTTY && env.TERM !== "dumb";
}

/**
 * Writes synchronously so that output and exit status stay in order; a closed pipe ends
 * quietly. Large outputs (a long blame or log) may be taken in parts by a pipe, or refused
 * for a moment by a non-blocking one: the rest is written until all of it is out.
 */
function writer(fd: number): IO["out"] {
  return (text: string | Uint8Array, encoding?: "latin1") => {
    const fs = nodeFs();
    const bytes = typeof text === "string" ? Buffer.from(text, encoding ?? "utf8") : text;
    let done = 0;
    while (done < bytes.length) {
      try {
        done += fs.writeSync(fd, bytes, done, bytes.length - done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // The reader went away (`git traces log | head`): not a failure, stop writing.
        if (code === "EPIPE") process.exit(0);
        if (code === "EAGAIN") {
          Bun.sleepSync(1);
          continue;
        }
        throw e;
      }
    }
  };
}

/**
 * Whether the descriptor is a terminal. process.stdout.isTTY and node:tty cost about 8 ms
 * of module loading, more than some whole commands: only a character device can be a
 * terminal, and the commonest other one, /dev/null (scripts, `>/dev/null`), is told apart
 * by its device number; node:tty decides the rest.
 */
export function isTerminal(fd: number): boolean {
  const fs = nodeFs();
  try {
    const st = fs.fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    if (st.rdev === fs.statSync("/dev/null").rdev) return false;
  } catch {
    return false;
  }
  return (require("node:tty") as typeof import("node:tty")).isatty(fd);
}

/**
 * The process's own streams. What they are connected to is found out when first asked,
 * so that a command can start git before anything is loaded for it (node:fs).
 */
export interface SystemIO extends IO {
  /**
   * What main() decided for this call (src/cli/terminal.ts): how colour is settled (asked
   * once, when first needed), and the pager stdout goes to instead of the terminal.
   */
  setTerminal(choice: { color?: () => boolean; pager?: Pager }): void;
}

export function systemIO(env: Record<string, string | undefined> = process.env): SystemIO {
  let stdoutIsTTY: boolean | undefined;
  let stderrIsTTY: boolean | undefined;
  let decideColor: (() => boolean) | undefined;
  let color: boolean | undefined;
  let pager: Pager | undefined;
  const toTerminal = writer(1);
  return {
    out(text, encoding) {
      if (!pager) return toTerminal(text, encoding);
      const bytes = typeof text === "string" ? Buffer.from(text, encoding ?? "utf8") : text;
      // The user quit the pager: stop, as git does; that is not a failure.
      if (!pager.write(bytes)) process.exit(0);
    },
    err: writer(2),
    setTerminal(choice) {
      if (choice.color) {
        decideColor = choice.color;
        color = undefined;
      }
      if (choice.pager) pager = choice.pager;
    },
    get stdoutIsTTY() {
      return (stdoutIsTTY ??= isTerminal(1));
    },
    get stderrIsTTY() {
      return (stderrIsTTY ??= isTerminal(2));
    },
    get color() {
      if (decideColor) return (color ??= decideColor());
      return colorEnabled(env, this.stdoutIsTTY);
    },
    get errColor() {
      return colorEnabled(env, this.stderrIsTTY);
    },
    get width() {
      return this.stdoutIsTTY ? (process.stdout.columns ?? 80) : Infinity;
    },
  };
}

/** An IO that collects output, for tests and for commands that render into a string. */
export function bufferIO(opts: Partial<Omit<IO, "out" | "err">> = {}): IO & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(text: string | Uint8Array, encoding?: "latin1") {
      io.stdout +=
        typeof text === "string"
          ? encoding
            ? Buffer.from(text, encoding).toString()
            : text
          : Buffer.from(text).toString();
    },
    err(text: string) {
      io.stderr += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    color: false,
    errColor: false,
    width: Infinity,
    ...opts,
  };
  return io;
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
