// Streams and how to write to them: decided once here (colour, TTY, width), used by every
// command. stdout carries data; messages go to stderr.

export interface IO {
  /** Text is written as UTF-8; bytes as they are (file content in git's own formats). */
  out(text: string | Uint8Array): void;
  err(text: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour on stdout. */
  color: boolean;
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
function writer(fd: number): (text: string | Uint8Array) => void {
  const fs = require("node:fs") as typeof import("node:fs");
  return (text: string | Uint8Array) => {
    const bytes = typeof text === "string" ? Buffer.from(text) : text;
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

export function systemIO(env: Record<string, string | undefined> = process.env): IO {
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return {
    out: writer(1),
    err: writer(2),
    stdoutIsTTY,
    stderrIsTTY,
    color: colorEnabled(env, stdoutIsTTY),
    width: stdoutIsTTY ? (process.stdout.columns ?? 80) : Infinity,
  };
}

/** An IO that collects output, for tests and for commands that render into a string. */
export function bufferIO(opts: Partial<Omit<IO, "out" | "err">> = {}): IO & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(text: string | Uint8Array) {
      io.stdout += typeof text === "string" ? text : Buffer.from(text).toString();
    },
    err(text: string) {
      io.stderr += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    color: false,
    width: Infinity,
    ...opts,
  };
  return io;
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
