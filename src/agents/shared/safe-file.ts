// Opening the files that agents' datastores and hook records name. Such a path is not
// trusted: a hook payload can name anything, and anything can sit in an agent's folder. A
// FIFO blocks whoever opens or reads it until a writer comes, /dev/zero never ends, and a
// sparse file can claim gigabytes it does not hold. So a file is read only when it is a
// regular file (stat'ed before it is opened, so that no device is ever opened, and fstat'ed
// after, opened with O_NONBLOCK, in case it was swapped meanwhile), and never past a cap.
//
// Symlinks are followed (no O_NOFOLLOW): dotfile setups link agents' folders and files, and
// what matters is what the descriptor opened is, which fstat tells. Synchronous on purpose,
// like discover.ts: no I/O thread pool to start for a few small reads.
//
// The caps, and why they fit real transcripts: docs/agents/README.md.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { TracesError } from "../../base/errors.ts";

const MiB = 1024 * 1024;

export const LIMITS = {
  /** A transcript read whole: a JSON document (Gemini CLI, OpenCode's JSON tree), Cursor's transcripts. */
  whole: 256 * MiB,
  /** A JSON Lines transcript, read as a stream of lines (Claude Code, Codex, Copilot CLI). */
  jsonl: 1024 * MiB,
  /**
   * One line of a JSON Lines transcript; a longer one is skipped (and a file whose first
   * line is longer is not JSON Lines).
   */
  line: 32 * MiB,
  /** How far into a transcript discovery looks for a header field (its cwd, its session ID). */
  head: 4 * MiB,
  /** Small side files: markers, registries, hook state. */
  small: 16 * MiB,
} as const;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** What a file that is not a regular one is, in words. */
function kind(s: Stats): string {
  if (s.isFIFO()) return "a FIFO";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  if (s.isDirectory()) return "a directory";
  if (s.isSocket()) return "a socket";
  return "not a regular file";
}

export function formatBytes(n: number): string {
  return n >= MiB ? `${Math.round(n / MiB)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** A file that is not safe to read, or too large: its message is one line. */
export class UnsafeFileError extends TracesError {
  readonly code = "FILE_NOT_READ";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(reason, { path, reason });
  }
}

/** True when `path` is (or links to) a regular file. Never opens it. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** True when `path` is a regular file or nothing yet (a transcript an agent has yet to write). */
export function regularOrAbsent(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR";
  }
}

/**
 * Opens a regular file for reading; the caller closes the descriptor. Throws an
 * UnsafeFileError for anything else (without opening it), and node's error when it is missing.
 */
export function openRegular(path: string): { fd: number; stat: Stats } {
  const before = statSync(path);
  if (!before.isFile()) throw new UnsafeFileError(path, `${kind(before)}, not a transcript`);
  const fd = openSync(path, OPEN_FLAGS);
  let stat: Stats;
  try {
    stat = fstatSync(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  if (!stat.isFile()) {
    closeSync(fd);
    throw new UnsafeFileError(path, `${kind(stat)}, not a transcript`);
  }
  return { fd, stat };
}

/** Reads `length` bytes at `position` (fewer at the end of the file) into `buf`; returns how many. */
export function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/**
 * A whole regular file of at most `max` bytes, and its stat taken after the read (every
 * byte read was on disk by its modification time). What is appended while it is read is
 * left for the next read.
 */
export function readRegular(path: string, max: number = LIMITS.whole): { bytes: Buffer; stat: Stats } {
  const { fd, stat } = openRegular(path);
  try {
    if (stat.size > max)
      throw new UnsafeFileError(
        path,
        `${formatBytes(stat.size)}, larger than the ${formatBytes(max)} a transcript may have; not read`,
      );
    const bytes = Buffer.allocUnsafe(stat.size);
    const n = readAt(fd, bytes, stat.size, 0);
    return { bytes: n === stat.size ? bytes : bytes.subarray(0, n), stat: fstatSync(fd) };
  } finally {
    closeSync(fd);
  }
}

/** readRegular() as UTF-8 text. */
export function readRegularText(path: string, max: number = LIMITS.whole): string {
  return readRegular(path, max).bytes.toString("utf8");
}

/**
 * Up to `bytes` from the start of a regular file, into `into` when it is large enough;
 * nothing (an empty buffer) when the file is missing, unreadable or not a regular file.
 */
export function readHead(path: string, bytes: number, into?: Buffer): Buffer {
  let fd: number | undefined;
  try {
    const opened = openRegular(path);
    fd = opened.fd;
    const want = Math.max(0, Math.min(bytes, opened.stat.size));
    const buf = into && want <= into.length ? into : Buffer.allocUnsafe(want);
    return buf.subarray(0, readAt(fd, buf, want, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
