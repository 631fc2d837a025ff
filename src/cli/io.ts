// Streams and how to write to them: decided once here (colour, TTY, width), used by every
// command. stdout carries data; messages go to stderr.

export interface IO {
  out(text: string): void;
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

/** Writes synchronously so that output and exit status stay in order; a closed pipe ends quietly. */
function writer(fd: number): (text: string) => void {
  const fs = require("node:fs") as typeof import("node:fs");
  return (text: string) => {
    try {
      fs.writeSync(fd, text);
    } catch (e) {
      // The reader went away (`git traces log | head`): not a failure, stop writing.
      if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
      throw e;
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
    out(text: string) {
      io.stdout += text;
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
