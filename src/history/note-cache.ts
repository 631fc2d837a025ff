// Notes already read, remembered by blob: a note's blob never changes, so what it says is
// read and parsed once per repository, not on every `git traces log` (with a thousand
// commits, reading and parsing their notes cost more than git log itself). A cache in
// <git common dir>/traces/cache/notes.json: lost or damaged, it is rebuilt; two writers at
// once, the last one wins; what it holds is checked again before use.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commonDir } from "../git/repo.ts";
import { isTraceId } from "../traces/model.ts";
import { VERSION } from "../cli/version.ts";
import type { AttachedTrace, NoteSource } from "./attached.ts";

/** Bump when a parser changes what it makes of a note (with the tool's version, it keys the file). */
const CACHE_VERSION = 1;

export interface NoteCache {
  get(source: NoteSource, blob: string): AttachedTrace[] | undefined;
  set(source: NoteSource, blob: string, traces: AttachedTrace[]): void;
  /** Writes the cache back if something was added, keeping the entries of `keep` only. */
  save(keep: Iterable<[NoteSource, string]>): void;
}

function key(source: NoteSource, blob: string): string {
  return `${source} ${blob}`;
}

function usable(value: unknown, source: NoteSource): value is AttachedTrace[] {
  return Array.isArray(value) && value.every((t) => t && typeof t === "object" && isTraceId(t.id) && t.source === source && Array.isArray(t.models));
}

export function openNoteCache(gitDir: string): NoteCache {
  const path = join(commonDir(gitDir), "traces", "cache", "notes.json");
  let entries: Record<string, unknown> = Object.create(null);
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as { v?: unknown; tool?: unknown; entries?: unknown };
    if (data.v === CACHE_VERSION && data.tool === VERSION && data.entries && typeof data.entries === "object") {
      entries = Object.assign(Object.create(null), data.entries);
    }
  } catch {
    // none yet, or unreadable: start over
  }
  let dirty = false;
  return {
    get(source, blob) {
      const value = entries[key(source, blob)];
      return usable(value, source) ? value : undefined;
    },
    set(source, blob, traces) {
      entries[key(source, blob)] = traces;
      dirty = true;
    },
    save(keep) {
      if (!dirty) return;
      const kept: Record<string, unknown> = {};
      for (const [source, blob] of keep) {
        const k = key(source, blob);
        if (k in entries) kept[k] = entries[k];
      }
      try {
        mkdirSync(join(path, ".."), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ v: CACHE_VERSION, tool: VERSION, entries: kept }));
        renameSync(tmp, path);
        dirty = false;
      } catch {
        // a read-only repository, a full disk: next time
      }
    },
  };
}
