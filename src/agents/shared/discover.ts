// Walking an agent's data directory for transcripts, cheaply: stat first, then read only
// the head of the files that pass the time filter. Synchronous on purpose: for hundreds
// of small files, blocking calls are several times faster than promises (measured with Bun
// 1.4.5: 140 heads read in 2 ms against 16 ms with Bun.file().slice().text()).

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { LIMITS, readHead } from "./safe-file.ts";

export interface FileEntry {
  path: string;
  /** Last modification, or a lower bound of it when the file was not stat'ed. */
  mtimeMs: number;
  /** Size in bytes; Infinity when not stat'ed (reads stop at the end anyway). */
  size: number;
}

/** Directory entries, or nothing when the directory does not exist or cannot be read. */
export function listDir(dir: string): { name: string; isDir: boolean; isFile: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({
      name: e.name,
      isDir: e.isDirectory(),
      isFile: e.isFile(),
    }));
  } catch {
    return [];
  }
}

/** Files in `dir` whose name passes `keep`, with their times, skipping those older than `sinceMs`. */
export function filesIn(dir: string, keep: (name: string) => boolean, sinceMs?: number): FileEntry[] {
  const out: FileEntry[] = [];
  for (const e of listDir(dir)) {
    if (!e.isFile || !keep(e.name)) continue;
    const path = join(dir, e.name);
    try {
      const s = statSync(path);
      if (sinceMs !== undefined && s.mtimeMs < sinceMs) continue;
      out.push({ path, mtimeMs: s.mtimeMs, size: s.size });
    } catch {
      // vanished while we looked
    }
  }
  return out;
}

const scratch = Buffer.allocUnsafe(256 * 1024);

/**
 * Up to `bytes` from the start of a file, as text (a character cut at the end shows as
 * U+FFFD); nothing when it is not a regular file (safe-file.ts).
 */
export function headText(path: string, bytes: number): string {
  return readHead(path, Math.max(1, Math.min(bytes, LIMITS.head)), scratch).toString("utf8");
}

/** The JSON string value after the first `"key":` in raw bytes, without decoding the rest. */
function fieldIn(buf: Buffer, key: string): string | undefined {
  let at = buf.indexOf(`"${key}"`);
  while (at >= 0) {
    let i = at + key.length + 2;
    while (buf[i] === 0x20) i++;
    if (buf[i] === 0x3a /* : */) {
      i++;
      while (buf[i] === 0x20) i++;
      if (buf[i] === 0x22 /* " */) {
        let end = i + 1;
        while (end < buf.length && buf[end] !== 0x22) end += buf[end] === 0x5c /* \ */ ? 2 : 1;
        if (end >= buf.length) return undefined; // cut off: read more
        try {
          return JSON.parse(buf.subarray(i, end + 1).toString("utf8")) as string;
        } catch {
          return undefined;
        }
      }
    }
    at = buf.indexOf(`"${key}"`, at + 1);
  }
  return undefined;
}

/** A transcript's first character: JSON Lines and JSON documents alike hold objects. */
function startsLikeJson(head: Buffer): boolean {
  for (const c of head) {
    if (c === 0x7b /* { */) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}

/**
 * The first string value of `key` in a transcript, reading as little as possible: the
 * first 4 KiB, then 256 KiB, then up to LIMITS.head (4 MiB): agents write the fields
 * discovery asks for in their first records. Searched as bytes: only the value is decoded.
 * A file that does not start like JSON is not looked into further.
 */
export function headField(path: string, key: string, size: number): string | undefined {
  for (const step of [4 * 1024, 256 * 1024, LIMITS.head]) {
    const bytes = Math.min(step, size);
    const head = readHead(path, Math.max(1, bytes), scratch);
    if (step === 4 * 1024 && !startsLikeJson(head)) return undefined;
    const value = fieldIn(head, key);
    if (value !== undefined || bytes >= size || head.length < bytes) return value;
  }
  return undefined;
}
