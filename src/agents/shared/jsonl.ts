// JSON Lines as agents write them: one record a line, appended while the session runs.
// A line that is not JSON is skipped and counted; a last line cut off mid-write is
// dropped (a later read sees it whole). Files are read through safe-file.ts, a line at a
// time: a line longer than LIMITS.line is skipped, never held whole.

import { closeSync } from "node:fs";
import { TranscriptError } from "../types.ts";
import { formatBytes, LIMITS, openRegular, readAt, UnsafeFileError } from "./safe-file.ts";

export interface JsonlRead {
  records: unknown[];
  /** Lines that were not JSON, the cut-off tail included. */
  skipped: number;
  /**
   * With `byteEnds`: for each record, the UTF-8 byte offset just past its line (its newline
   * included): how much of the file had to exist for the record to be there.
   */
  ends?: number[];
}

/** Lines at least this long are candidates for `skim`. */
const LONG_LINE = 4096;

export interface ParseOptions {
  /**
   * For long lines: true when the record cannot matter beyond its time (a tool's output, say).
   * Such a line is not parsed; its record is just `{ timestamp }`.
   */
  skim?: (line: string) => boolean;
  /** Also return each record's end as a byte offset in the file (`ends`). */
  byteEnds?: boolean;
}

const TIMESTAMP = /"timestamp"\s*:\s*"([^"\\]{10,40})"/;

/** Parses lines fed in pieces, each piece whole lines (the last one of the file may lack its newline). */
class JsonlParser {
  readonly records: unknown[] = [];
  readonly ends: number[] | undefined;
  skipped = 0;

  constructor(private readonly opts: ParseOptions) {
    this.ends = opts.byteEnds ? [] : undefined;
  }

  /** Lines of `text`, which starts at byte `at` of the file. */
  feed(text: string, at: number): void {
    const { records, ends, opts } = this;
    let start = 0;
    let bytes = at;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const raw = text.slice(start, end);
      const line = raw.trim();
      start = end + 1;
      if (ends) bytes += Buffer.byteLength(raw) + (end < text.length ? 1 : 0);
      const before = records.length;
      if (line === "") continue;
      // Cheap check before the real parse: every record is an object.
      if (line[0] !== "{") {
        this.skipped++;
        continue;
      }
      if (opts.skim && line.length >= LONG_LINE && opts.skim(line)) {
        // The time is all we take; the timestamp key comes first or last in agents' records.
        const stamp = TIMESTAMP.exec(line.slice(0, 200)) ?? TIMESTAMP.exec(line.slice(-300));
        records.push(stamp ? { timestamp: stamp[1] } : {});
        if (ends) ends.push(bytes);
        continue;
      }
      try {
        records.push(JSON.parse(line));
      } catch {
        this.skipped++;
      }
      if (ends && records.length > before) ends.push(bytes);
    }
  }

  result(): JsonlRead {
    return this.ends
      ? { records: this.records, skipped: this.skipped, ends: this.ends }
      : { records: this.records, skipped: this.skipped };
  }
}

export function parseJsonl(text: string, opts: ParseOptions = {}): JsonlRead {
  const parser = new JsonlParser(opts);
  parser.feed(text, 0);
  return parser.result();
}

/** How much of a JSON Lines file is read at a time. */
const CHUNK = 4 * 1024 * 1024;

/**
 * A JSON Lines file read as a stream of lines, with the bounds of safe-file.ts: a regular
 * file of at most LIMITS.jsonl bytes, read up to its size when opened (what is appended
 * meanwhile is for the next read), in pieces of 4 MiB. A line longer than LIMITS.line is
 * skipped (counted) without being held; a file with no line break in its first
 * LIMITS.line bytes is not JSON Lines, and is not read further.
 */
export function readJsonlFile(path: string, opts: ParseOptions = {}): JsonlRead {
  const { fd, stat } = openRegular(path);
  try {
    const size = stat.size;
    if (size > LIMITS.jsonl)
      throw new UnsafeFileError(
        path,
        `${formatBytes(size)}, larger than the ${formatBytes(LIMITS.jsonl)} a transcript may have; not read`,
      );
    const parser = new JsonlParser(opts);
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size)));
    // The line being read: its start in the file, and its bytes so far when they span pieces.
    let lineAt = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let skipping = false; // inside a line too long to keep
    let pos = 0;
    while (pos < size) {
      const n = readAt(fd, buf, Math.min(buf.length, size - pos), pos);
      if (n === 0) break; // truncated meanwhile
      const piece = buf.subarray(0, n);
      const pieceAt = pos;
      pos += n;
      let from = 0;
      const first = piece.indexOf(0x0a);
      if (first < 0) {
        if (!skipping) {
          pending.push(Buffer.from(piece));
          pendingBytes += n;
          if (pendingBytes > LIMITS.line) {
            if (lineAt === 0)
              throw new UnsafeFileError(path, `no line break in its first ${formatBytes(LIMITS.line)}: not JSON Lines`);
            parser.skipped++;
            pending = [];
            pendingBytes = 0;
            skipping = true;
          }
        }
        continue;
      }
      // The line that began in an earlier piece ends here.
      if (skipping || pendingBytes > 0) {
        if (!skipping && pendingBytes + first + 1 <= LIMITS.line) {
          parser.feed(Buffer.concat([...pending, piece.subarray(0, first + 1)]).toString("utf8"), lineAt);
        } else if (!skipping) {
          parser.skipped++;
        }
        pending = [];
        pendingBytes = 0;
        skipping = false;
        from = first + 1;
        lineAt = pieceAt + from;
      }
      const last = piece.lastIndexOf(0x0a);
      if (last >= from) {
        parser.feed(piece.toString("utf8", from, last + 1), pieceAt + from);
        from = last + 1;
        lineAt = pieceAt + from;
      }
      if (from < n) {
        pending.push(Buffer.from(piece.subarray(from)));
        pendingBytes = n - from;
      }
    }
    // A last line without its newline.
    if (pendingBytes > 0) parser.feed(Buffer.concat(pending).toString("utf8"), lineAt);
    return parser.result();
  } finally {
    closeSync(fd);
  }
}

/** readJsonlFile() for a transcript: a file that cannot be read is a TranscriptError. */
export async function readTranscriptJsonl(path: string, opts: ParseOptions = {}): Promise<JsonlRead> {
  try {
    return readJsonlFile(path, opts);
  } catch (e) {
    throw new TranscriptError(path, (e as Error).message);
  }
}

/** The first `"key":"value"` string in raw JSON text, unescaped; for headers read in part. */
export function firstStringField(text: string, key: string): string | undefined {
  const m = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return undefined;
  }
}
