// The traces attached to commits, as every reader sees them (log, blame, show, list,
// summary, export): our notes in refs/notes/traces and, read-only, other tools' notes
// (foreign.ts). One shape whatever the source; IDs are validated before anyone sees them.

import type { GitRunner } from "../git/runner.ts";
import { MAX_NOTE_TRACES, NOTES_REF, parseNote, type NoteTrace } from "../notes/format.ts";
import { notesListAsync } from "../git/notes.ts";
import { blobReader, readBlobs } from "../git/objects.ts";
import { existingRefs, existingRefsAsync } from "../git/refs.ts";
import { listNotes } from "../notes/store.ts";
import { isTraceId } from "../traces/id.ts";
import { parseRanges } from "../notes/ranges.ts";
import { FOREIGN_NOTES } from "./foreign.ts";
import type { NoteCache } from "./note-cache.ts";

/** The tool whose note named the trace. */
export type NoteSource = "git-traces" | "git-ai" | "git-atrace" | "hf-traces";

export interface AttachedTrace {
  id: string;
  source: NoteSource;
  /** Where the trace can be read (traces.com, Hugging Face, ...), when the note says. */
  url?: string;
  agent?: string;
  /** Models that answered, main one first, when known. */
  models: string[];
  title?: string;
  /** The files of this commit the trace edited; undefined when the note does not say. */
  files?: string[];
  /**
   * File -> the lines of the commit's version the trace wrote (inclusive, ascending), for the
   * files whose note gives ranges (line-exact); other files in `files` are file-level.
   */
  lines?: Record<string, [number, number][]>;
  start?: string;
  end?: string;
  /** Calls per tool name (the agent's own names). */
  tools?: Record<string, number>;
  tokens?: Record<string, number>;
}

/** The trace's line ranges for one file of its commit; undefined when the note gives none (file-level). */
export function rangesOf(t: AttachedTrace, file: string): [number, number][] | undefined {
  return t.lines && Object.hasOwn(t.lines, file) ? t.lines[file] : undefined;
}

/** What one note gives: at most MAX_NOTE_TRACES traces, and how many more it named. */
export interface NoteTraces {
  traces: AttachedTrace[];
  /** Traces the note names beyond the cap, left out (distinct IDs; 0 when none). */
  leftOut: number;
}

/** A foreign tool's notes: the ref it writes and how to read one note of it. */
export interface ForeignNotes {
  source: NoteSource;
  ref: string;
  parse(text: string): NoteTraces;
}

/** A note that named more traces than a reader takes from one note. */
export interface LeftOut {
  commit: string;
  /** The notes ref the note is in. */
  ref: string;
  /** How many of its traces were left out. */
  traces: number;
}

/** What the readers report besides the traces, as it happens; both optional. */
export interface ReadHooks {
  /** A notes ref that cannot be read (someone's broken ref): skipped, its traces left out. */
  onBroken?: (ref: string) => void;
  /** A note naming more than MAX_NOTE_TRACES traces: its first ones are read, the rest left out. */
  onLeftOut?: (l: LeftOut) => void;
}

/** The one line every reading command prints (stderr) for a note it did not read whole. */
export function leftOutWarning(l: LeftOut): string {
  const n = (x: number) => x.toLocaleString("en-US");
  return (
    `git-traces: warning: the note of commit ${l.commit.slice(0, 12)} in ${l.ref} ` +
    `names more than ${n(MAX_NOTE_TRACES)} traces; ` +
    `the first ${n(MAX_NOTE_TRACES)} are read, ${n(l.traces)} more are left out\n`
  );
}

/** The valid ranges of a note's `lines`, for files the note lists; bad values are left out (file-level). */
function linesOf(
  lines: Record<string, string> | undefined,
  files: readonly string[] | undefined,
): { lines?: Record<string, [number, number][]> } {
  if (!lines || !files) return {};
  const out: Record<string, [number, number][]> = Object.create(null);
  let any = false;
  for (const f of files) {
    const text = Object.hasOwn(lines, f) ? lines[f] : undefined;
    const ranges = typeof text === "string" ? parseRanges(text) : null;
    if (ranges) {
      out[f] = ranges;
      any = true;
    }
  }
  return any ? { lines: out } : {};
}

export function fromNoteTrace(t: NoteTrace): AttachedTrace {
  const m = t.meta ?? {};
  const models = [...new Set([...(m.model ? [m.model] : []), ...(m.models ?? [])])];
  return {
    id: t.id,
    source: "git-traces",
    ...(t.url ? { url: t.url } : {}),
    ...(m.agent ? { agent: m.agent } : {}),
    models,
    ...(m.title !== undefined ? { title: m.title } : {}),
    ...(m.files ? { files: m.files } : {}),
    ...linesOf(m.lines, m.files),
    ...(m.start ? { start: m.start } : {}),
    ...(m.end ? { end: m.end } : {}),
    ...(m.tools ? { tools: m.tools } : {}),
    ...(m.tokens ? { tokens: m.tokens } : {}),
  };
}

/** Our note's traces, in the order the note names them (at most MAX_NOTE_TRACES). */
export function parseOurNote(text: string): AttachedTrace[] {
  return readOurNote(text).traces;
}

export function readOurNote(text: string): NoteTraces {
  const note = parseNote(text, { maxTraces: MAX_NOTE_TRACES });
  return { traces: note.traces.map(fromNoteTrace), leftOut: note.leftOut };
}

const SOURCES: readonly ForeignNotes[] = [
  { source: "git-traces", ref: NOTES_REF, parse: readOurNote },
  ...FOREIGN_NOTES,
];

function valid(read: NoteTraces): NoteTraces {
  const seen = new Set<string>();
  const traces = read.traces.filter((t) => {
    const key = `${t.source}\0${t.id}`;
    if (!isTraceId(t.id) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { traces, leftOut: read.leftOut };
}

/** Adds one note's traces to a commit's, and reports what it left out. */
function collect(
  out: Map<string, AttachedTrace[]>,
  commit: string,
  ref: string,
  read: NoteTraces,
  hooks: ReadHooks,
): void {
  if (read.traces.length) out.set(commit, [...(out.get(commit) ?? []), ...read.traces]);
  if (read.leftOut > 0) hooks.onLeftOut?.({ commit, ref, traces: read.leftOut });
}

/**
 * The traces of each commit, ours first, then other tools'. Commits without any are absent.
 * A notes ref that cannot be read (someone's broken ref) is skipped and reported through
 * `onBroken`, never fatal: the other sources still count. A note that names more than
 * MAX_NOTE_TRACES traces gives its first ones, and is reported through `onLeftOut`.
 */
export function tracesOfCommits(
  git: GitRunner,
  commits: readonly string[],
  hooks: ReadHooks = {},
): Map<string, AttachedTrace[]> {
  const { onBroken } = hooks;
  const out = new Map<string, AttachedTrace[]>();
  if (commits.length === 0) return out;
  // One call tells which refs exist; then per ref one listing; one cat-file reads every note.
  const existing = existingRefs(git, NOTES_REFS);
  const wanted = new Set(commits);
  const hits: { source: ForeignNotes; commit: string; blob: string }[] = [];
  for (const source of SOURCES) {
    if (!existing.has(source.ref)) continue;
    try {
      for (const l of listNotes(git, source.ref, true)) if (wanted.has(l.commit)) hits.push({ source, ...l });
    } catch {
      onBroken?.(source.ref);
    }
  }
  const blobs = readBlobs(git, [...new Set(hits.map((h) => h.blob))]);
  const parsed = new Map<string, NoteTraces>(); // many commits can share one note
  for (const { source, commit, blob } of hits) {
    const key = `${source.source} ${blob}`;
    let read = parsed.get(key);
    if (!read) parsed.set(key, (read = valid(source.parse(blobs.get(blob) ?? ""))));
    collect(out, commit, source.ref, read, hooks);
  }
  return out;
}

/** Every commit with traces in the repository (all sources), and the traces of each. */
export function allAttached(git: GitRunner, hooks: ReadHooks = {}): Map<string, AttachedTrace[]> {
  const { onBroken } = hooks;
  const out = new Map<string, AttachedTrace[]>();
  for (const source of SOURCES) {
    let listed: { commit: string; blob: string }[];
    let blobs: Map<string, string>;
    try {
      listed = listNotes(git, source.ref);
      blobs = readBlobs(git, [...new Set(listed.map((l) => l.blob))]);
    } catch {
      onBroken?.(source.ref);
      continue;
    }
    const parsed = new Map<string, NoteTraces>();
    for (const { commit, blob } of listed) {
      let read = parsed.get(blob);
      if (!read) parsed.set(blob, (read = valid(source.parse(blobs.get(blob) ?? ""))));
      collect(out, commit, source.ref, read, hooks);
    }
  }
  return out;
}

export interface TraceUse {
  trace: AttachedTrace;
  /** Commits whose notes name the trace. */
  commits: string[];
  /** Commit -> the trace's line ranges there, for the commits whose notes give them. */
  lines?: Map<string, Record<string, [number, number][]>>;
}

/** Trace ID -> what the notes say of it, and the commits it is attached to. */
export function traceIndex(attached: ReadonlyMap<string, AttachedTrace[]>): Map<string, TraceUse> {
  const index = new Map<string, TraceUse>();
  for (const [commit, traces] of attached) {
    for (const t of traces) {
      let use = index.get(t.id);
      if (!use) index.set(t.id, (use = { trace: t, commits: [commit] }));
      else {
        if (!use.commits.includes(commit)) use.commits.push(commit);
        use.trace = mergeAttached(use.trace, t);
      }
      if (t.lines && !use.lines?.has(commit)) (use.lines ??= new Map()).set(commit, t.lines);
    }
  }
  return index;
}

/**
 * One trace named in several notes: the first says most, the others fill gaps, files unite.
 * Line ranges belong to one commit each: the merged trace has none (TraceUse.lines keeps them).
 */
export function mergeAttached(a: AttachedTrace, b: AttachedTrace): AttachedTrace {
  const { lines: _a, ...first } = a;
  const { lines: _b, ...second } = b;
  const out: AttachedTrace = { ...second, ...first, models: [...new Set([...a.models, ...b.models])] };
  if (a.files || b.files) out.files = [...new Set([...(a.files ?? []), ...(b.files ?? [])])];
  if (a.end && b.end && b.end > a.end) out.end = b.end;
  if (a.start && b.start && b.start < a.start) out.start = b.start;
  return out;
}

/**
 * The traces an ID or unique ID prefix names (at least 4 characters for a prefix). Several
 * matches mean an ambiguous prefix; the caller says so.
 */
export function matchTraceId(index: ReadonlyMap<string, TraceUse>, query: string): TraceUse[] {
  if (!isTraceId(query)) return [];
  const exact = index.get(query);
  if (exact) return [exact];
  if (query.length < 4) return [];
  return [...index.values()].filter((u) => u.trace.id.startsWith(query));
}

/** The notes refs every reader looks in: ours, then other tools'. */
export const NOTES_REFS: readonly string[] = SOURCES.map((s) => s.ref);

/** Above this many notes, their cache would cost more to load than it saves. */
const MAX_CACHED = 20_000;

export interface NotesReaderOptions extends ReadHooks {
  /** The value of each of NOTES_REFS that exists, when the caller could tell without git (refOidOnDisk). */
  present?: ReadonlyMap<string, string>;
  /** Notes parsed and listed on earlier runs (note-cache.ts). */
  cache?: NoteCache;
}

/**
 * The traces of commits asked about as they come (`git traces log` prints commits while git
 * log still lists them): each notes ref is listed once, or taken from the cache.
 */
export interface NotesReader {
  /** The traces of these commits when every note they need is cached; undefined when some must be read from git. */
  cached(commits: readonly string[]): Map<string, AttachedTrace[]> | undefined;
  /** The traces of these commits, reading the notes the cache lacks (one `cat-file --batch`). */
  read(commits: readonly string[]): Promise<Map<string, AttachedTrace[]>>;
  /** Saves what was parsed to the cache and lets an unused `cat-file` go. Call once, at the end. */
  close(): Promise<void>;
}

/**
 * Opens the notes for reading. Without a cache, a `cat-file --batch` starts at once (fed
 * at the first read) so that it is ready when the commits are known.
 */
export async function notesReader(git: GitRunner, opts: NotesReaderOptions = {}): Promise<NotesReader> {
  let early = opts.cache ? undefined : blobReader(git);
  const existing = opts.present
    ? new Set(opts.present.keys())
    : await existingRefsAsync(git, NOTES_REFS).catch(() => new Set<string>());
  const listings = await Promise.all(
    SOURCES.filter((s) => existing.has(s.ref)).map(async (source) => {
      const oid = opts.present?.get(source.ref);
      const known = oid ? opts.cache?.listing(source.ref, oid) : undefined;
      if (known) return { source, notes: known };
      try {
        const notes = await notesListAsync(git, source.ref);
        if (oid && notes.size <= MAX_CACHED) opts.cache?.setListing(source.ref, oid, notes);
        return { source, notes };
      } catch {
        opts.onBroken?.(source.ref);
        return { source, notes: new Map<string, string>() };
      }
    }),
  );
  const total = listings.reduce((n, l) => n + l.notes.size, 0);
  const cache = total <= MAX_CACHED ? opts.cache : undefined;
  // Parsed once per blob per source: many commits can share one note.
  const parsed = listings.map(() => new Map<string, NoteTraces>());
  const reported = new Set<string>(); // a note left in part, told once per commit

  /** The traces of these commits, from what was parsed, the cache and `texts`; the blobs none of them had. */
  const tracesOf = (commits: readonly string[], texts?: ReadonlyMap<string, string>) => {
    const out = new Map<string, AttachedTrace[]>();
    const missing = new Set<string>();
    for (const commit of commits) {
      for (let i = 0; i < listings.length; i++) {
        const { source, notes } = listings[i]!;
        const blob = notes.get(commit);
        if (blob === undefined) continue;
        let read = parsed[i]!.get(blob) ?? cache?.get(source.source, blob);
        if (!read) {
          const text = texts?.get(blob);
          if (!texts) {
            missing.add(blob);
            continue;
          }
          read = valid(source.parse(text ?? ""));
          if (text !== undefined) cache?.set(source.source, blob, read);
        }
        parsed[i]!.set(blob, read);
        const key = `${commit} ${source.ref}`;
        collect(out, commit, source.ref, read, reported.has(key) ? {} : opts);
        if (read.leftOut) reported.add(key);
      }
    }
    return { out, missing };
  };

  return {
    cached(commits) {
      const { out, missing } = tracesOf(commits);
      return missing.size ? undefined : out;
    },
    async read(commits) {
      const { out, missing } = tracesOf(commits);
      if (!missing.size) return out;
      const reader = early ?? blobReader(git);
      early = undefined;
      return tracesOf(commits, await reader([...missing])).out;
    },
    async close() {
      await early?.([]).catch(() => undefined); // never leave cat-file waiting
      early = undefined;
      cache?.save(
        listings.flatMap(({ source, notes }) =>
          [...notes.values()].map((blob): [NoteSource, string] => [source.source, blob]),
        ),
        listings.map((l) => l.source.ref),
      );
    },
  };
}
