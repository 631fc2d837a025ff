// Notes already read, remembered by blob: a note's blob never changes, so what it says is
// read and parsed once per repository, not on every `git traces log` (with a thousand
// commits, reading and parsing their notes cost more than git log itself). Each notes
// ref's listing is remembered with the ref's value too: while the ref stays, no listing. A cache in
// <git common dir>/traces/cache/notes.json: lost or damaged, it is rebuilt; two writers at
// once, the last one wins; what it holds is checked again before use. notesOnDisk() opens
// it with what the repository's files tell without running git.

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { commonDir, locateRepoOnDisk, refOidOnDisk } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import { isTraceId } from "../traces/id.ts";
import { VERSION } from "../base/version.ts";
import { MAX_NOTE_TRACES } from "../notes/format.ts";
import { NOTES_REFS, type NotesReaderOptions, type NoteSource, type NoteTraces } from "./attached.ts";
import { makeDirsUnder } from "../base/dirs.ts";

/** Bump when a parser changes what it makes of a note (with the tool's version, it keys the file). */
const CACHE_VERSION = 3;

export interface NoteCache {
  get(source: NoteSource, blob: string): NoteTraces | undefined;
  set(source: NoteSource, blob: string, read: NoteTraces): void;
  /** A notes ref's listing (annotated commit -> note blob) when the ref was at `oid`. */
  listing(ref: string, oid: string): Map<string, string> | undefined;
  setListing(ref: string, oid: string, notes: ReadonlyMap<string, string>): void;
  /**
   * Writes the cache back if something changed, keeping the entries of `keep` and the
   * listings of `refs` only.
   */
  save(keep: Iterable<[NoteSource, string]>, refs: Iterable<string>): void;
}

const HEX = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function key(source: NoteSource, blob: string): string {
  return `${source} ${blob}`;
}

function usable(value: unknown, source: NoteSource): value is NoteTraces {
  if (!value || typeof value !== "object") return false;
  const { traces, leftOut } = value as { traces?: unknown; leftOut?: unknown };
  return (
    Array.isArray(traces) &&
    traces.length <= MAX_NOTE_TRACES &&
    Number.isSafeInteger(leftOut) &&
    (leftOut as number) >= 0 &&
    traces.every((t) => t && typeof t === "object" && isTraceId(t.id) && t.source === source && Array.isArray(t.models))
  );
}

export function openNoteCache(gitDir: string): NoteCache {
  const path = join(commonDir(gitDir), "traces", "cache", "notes.json");
  let entries: Record<string, unknown> = Object.create(null);
  let listings: Record<string, unknown> = Object.create(null);
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as {
      v?: unknown;
      tool?: unknown;
      entries?: unknown;
      listings?: unknown;
    };
    if (data.v === CACHE_VERSION && data.tool === VERSION && data.entries && typeof data.entries === "object") {
      entries = Object.assign(Object.create(null), data.entries);
      if (data.listings && typeof data.listings === "object")
        listings = Object.assign(Object.create(null), data.listings);
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
    set(source, blob, read) {
      entries[key(source, blob)] = read;
      dirty = true;
    },
    listing(ref, oid) {
      const l = listings[ref] as { oid?: unknown; notes?: unknown } | undefined;
      if (!l || l.oid !== oid || !l.notes || typeof l.notes !== "object") return undefined;
      const notes = new Map<string, string>();
      for (const [commit, blob] of Object.entries(l.notes as Record<string, unknown>)) {
        if (!HEX.test(commit) || typeof blob !== "string" || !HEX.test(blob)) return undefined;
        notes.set(commit, blob);
      }
      return notes;
    },
    setListing(ref, oid, notes) {
      listings[ref] = { oid, notes: Object.fromEntries(notes) };
      dirty = true;
    },
    save(keep, refs) {
      if (!dirty) return;
      const kept: Record<string, unknown> = {};
      for (const [source, blob] of keep) {
        const k = key(source, blob);
        if (k in entries) kept[k] = entries[k];
      }
      const keptListings: Record<string, unknown> = {};
      for (const ref of refs) if (ref in listings) keptListings[ref] = listings[ref];
      try {
        makeDirsUnder(commonDir(gitDir), dirname(path));
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ v: CACHE_VERSION, tool: VERSION, entries: kept, listings: keptListings }));
        renameSync(tmp, path);
        dirty = false;
      } catch {
        // a read-only repository, a full disk: next time
      }
    },
  };
}

/**
 * What can be known from the repository's files when git would find the same: the notes
 * refs' values (no for-each-ref), and the notes listed and parsed on earlier runs.
 */
export function notesOnDisk(
  git: GitRunner,
  env: Record<string, string | undefined>,
): Pick<NotesReaderOptions, "present" | "cache"> {
  if (git.context.length || env.GIT_NAMESPACE) return {};
  const where = locateRepoOnDisk(process.cwd(), env);
  if (!where) return {};
  const cache = openNoteCache(where.gitDir);
  const present = new Map<string, string>();
  for (const ref of NOTES_REFS) {
    const oid = refOidOnDisk(where.gitDir, ref);
    if (oid === undefined) return { cache };
    if (oid) present.set(ref, oid);
  }
  return { present, cache };
}
