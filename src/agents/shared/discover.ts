// Walking an agent's data directory for transcripts, cheaply: stat first, then read only
// the head of the files that pass the time filter.

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { firstStringField, readHead } from "./jsonl.ts";

export interface FileEntry {
  path: string;
  mtimeMs: number;
  size: number;
}

/** Directory entries, or nothing when the directory does not exist or cannot be read. */
export async function listDir(dir: string): Promise<{ name: string; isDir: boolean; isFile: boolean }[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile() }));
  } catch {
    return [];
  }
}

/** Files in `dir` whose name passes `keep`, with their times, skipping those older than `sinceMs`. */
export async function filesIn(dir: string, keep: (name: string) => boolean, sinceMs?: number): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const entries = (await listDir(dir)).filter((e) => e.isFile && keep(e.name));
  await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      try {
        const s = await stat(path);
        if (sinceMs !== undefined && s.mtimeMs < sinceMs) return;
        out.push({ path, mtimeMs: s.mtimeMs, size: s.size });
      } catch {
        // vanished while we looked
      }
    }),
  );
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The first string value of `key` in a transcript, reading as little as possible: the
 * first 16 KiB, then 256 KiB, then everything.
 */
export async function headField(path: string, key: string, size: number): Promise<string | undefined> {
  for (const bytes of [16 * 1024, 256 * 1024, size]) {
    const head = await readHead(path, bytes);
    const value = firstStringField(head, key);
    if (value !== undefined || bytes >= size) return value;
  }
  return undefined;
}
