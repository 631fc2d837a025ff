// The note format of refs/notes/traces (docs/notes-format.md): pure parse, render and
// merge, no I/O. One record per line so that a union of lines is always a correct merge.
//
//   traces:<id>[ <url>]                 byte-compatible with the traces.com CLI
//   traces-meta:<id> <one-line JSON>    what a collaborator needs without the transcript

import { mergeRanges, parseRanges } from "./ranges.ts";
import * as v from "valibot";
import { isTraceId } from "../traces/id.ts";
import { cutTitle } from "../traces/title.ts";

export const NOTES_REF = "refs/notes/traces";

/** The traces.com CLI's own pattern for its lines; ours must always match it. */
export const TRACES_LINE = /^traces:([a-zA-Z0-9_-]+)(?:\s+(https?:\/\/\S+))?$/;
const META_LINE = /^traces-meta:([A-Za-z0-9_-]{1,128}) (\{.*\})$/;

/** Lines longer than this are kept but not parsed: a note is no place for megabytes. */
export const MAX_LINE = 64 * 1024;
const MAX_TITLE = 200;
const MAX_FILES = 500;

export const META_VERSION = 1;

export const TraceMetaSchema = v.looseObject({
  v: v.optional(v.number()),
  agent: v.optional(v.string()),
  agentVersion: v.optional(v.string()),
  model: v.optional(v.string()),
  models: v.optional(v.array(v.string())),
  title: v.optional(v.string()),
  files: v.optional(v.array(v.string())),
  /** File -> the lines of the commit's version this session wrote (`3-10,15`; notes/ranges.ts). */
  lines: v.optional(v.record(v.string(), v.string())),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  tools: v.optional(v.record(v.string(), v.number())),
  tokens: v.optional(v.record(v.string(), v.number())),
});
export type TraceMeta = v.InferOutput<typeof TraceMetaSchema>;

/** Everything a note says about one trace, its meta lines combined. */
export interface NoteTrace {
  id: string;
  url?: string;
  meta?: TraceMeta;
}

export interface NoteProblem {
  line: number;
  reason: string;
}

export interface ParsedNote {
  /** Traces in order of first mention (the first `maxTraces` of them when parseNote was given a cap). */
  traces: NoteTrace[];
  /** Lines that are not ours (other tools, comments): kept by writers, ignored by readers. */
  other: string[];
  problems: NoteProblem[];
  /** Traces the note names beyond the cap (distinct IDs), left out of `traces`; 0 without a cap. */
  leftOut: number;
}

/** Several meta lines for one ID (after a merge): newest `end` first, files and line ranges united. */
export function combineMeta(metas: readonly TraceMeta[]): TraceMeta | undefined {
  if (metas.length === 0) return undefined;
  const sorted = [...metas].sort((a, b) =>
    (b.end ?? "") > (a.end ?? "") ? 1 : (b.end ?? "") < (a.end ?? "") ? -1 : 0,
  );
  const out: TraceMeta = {};
  for (const m of sorted) for (const [k, val] of Object.entries(m)) if (out[k] === undefined) out[k] = val;
  const files = new Set<string>();
  for (const m of sorted) for (const f of m.files ?? []) files.add(f);
  if (files.size) out.files = [...files];
  // Line ranges unite file by file (the lines of one commit, from two writers or a squash).
  if (sorted.filter((m) => m.lines).length > 1) {
    const byFile = new Map<string, [number, number][]>();
    for (const m of sorted)
      for (const [f, text] of Object.entries(m.lines ?? {})) {
        const r = parseRanges(text);
        if (r) byFile.set(f, [...(byFile.get(f) ?? []), ...r]);
      }
    const lines: Record<string, string> = Object.create(null);
    for (const [f, r] of byFile)
      lines[f] = mergeRanges(r)
        .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
        .join(",");
    out.lines = lines;
  }
  return out;
}

/** How many traces a reader takes from one note (as from other tools' notes): the rest is left out, and counted. */
export const MAX_NOTE_TRACES = 1000;

export interface ParseOptions {
  /**
   * Read at most this many traces (the first named); the others are counted in `leftOut`,
   * and the first line naming one is a problem. Readers pass MAX_NOTE_TRACES; writers, which
   * must keep every line, pass nothing.
   */
  maxTraces?: number;
}

interface Gathered {
  url?: string;
  metas: TraceMeta[];
}

/** One pass over the lines, in time linear in the note's size whatever it holds. */
export function parseNote(text: string, opts: ParseOptions = {}): ParsedNote {
  const max = opts.maxTraces ?? Infinity;
  // A Map keeps the order of first mention, and finds an ID in constant time.
  const byId = new Map<string, Gathered>();
  const beyond = new Set<string>();
  const other: string[] = [];
  const problems: NoteProblem[] = [];
  /** The record of an ID, a new one while under the cap; undefined (and counted) beyond it. */
  const mention = (id: string, line: number): Gathered | undefined => {
    let g = byId.get(id);
    if (g) return g;
    if (byId.size >= max) {
      if (beyond.size === 0)
        problems.push({
          line,
          reason:
            `names more than ${max.toLocaleString("en-US")} traces: ` +
            "readers leave out this one and every other trace first named after it",
        });
      beyond.add(id);
      return undefined;
    }
    g = { metas: [] };
    byId.set(id, g);
    return g;
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") continue;
    if (line.length > MAX_LINE) {
      problems.push({ line: i + 1, reason: `longer than ${MAX_LINE} characters` });
      other.push(line);
      continue;
    }
    if (line.startsWith("traces:")) {
      const m = TRACES_LINE.exec(line);
      if (!m || !isTraceId(m[1])) {
        problems.push({ line: i + 1, reason: "a traces: line that is not `traces:<id>[ <url>]`" });
        other.push(line);
        continue;
      }
      const g = mention(m[1]!, i + 1);
      if (g && m[2]) g.url = m[2];
      continue;
    }
    if (line.startsWith("traces-meta:")) {
      const m = META_LINE.exec(line);
      // A trace beyond the cap is only counted: its JSON is not read.
      if (m && !byId.has(m[1]!) && byId.size >= max) {
        mention(m[1]!, i + 1);
        continue;
      }
      let parsed: unknown;
      try {
        parsed = m ? JSON.parse(m[2]!) : undefined;
      } catch {
        parsed = undefined;
      }
      const meta = v.safeParse(TraceMetaSchema, parsed);
      if (!m || !meta.success) {
        problems.push({ line: i + 1, reason: "a traces-meta: line that is not `traces-meta:<id> <JSON object>`" });
        other.push(line);
        continue;
      }
      // Bad ranges cost only themselves (readers treat them as absent): said, the rest kept.
      for (const [file, ranges] of Object.entries(meta.output.lines ?? {}))
        if (parseRanges(ranges) === null || !meta.output.files?.includes(file))
          problems.push({
            line: i + 1,
            reason: `"lines" of ${JSON.stringify(file).slice(0, 200)}: not ranges of a file in "files" (\`3-10,15\`)`,
          });
      mention(m[1]!, i + 1)?.metas.push(meta.output);
      continue;
    }
    other.push(line);
  }
  const traces: NoteTrace[] = [];
  for (const [id, { url, metas }] of byId) {
    const meta = combineMeta(metas);
    traces.push({ id, ...(url ? { url } : {}), ...(meta ? { meta } : {}) });
  }
  return { traces, other, problems, leftOut: beyond.size };
}

/** The `traces:` line for a trace, exactly as the traces.com CLI writes it. */
export function tracesLine(id: string, url?: string): string {
  if (!isTraceId(id)) throw new Error(`not a valid trace ID: ${JSON.stringify(id)}`);
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) throw new Error(`not an http(s) URL: ${JSON.stringify(url)}`);
  return url ? `traces:${id} ${url}` : `traces:${id}`;
}

/** The meta line: one line of JSON (JSON.stringify escapes every control character). */
export function metaLine(id: string, meta: TraceMeta): string {
  if (!isTraceId(id)) throw new Error(`not a valid trace ID: ${JSON.stringify(id)}`);
  const bounded: TraceMeta = { v: META_VERSION, ...meta };
  if (bounded.title !== undefined && bounded.title.length > MAX_TITLE)
    bounded.title = cutTitle(bounded.title, MAX_TITLE);
  if (bounded.files && bounded.files.length > MAX_FILES) bounded.files = bounded.files.slice(0, MAX_FILES);
  let line = `traces-meta:${id} ${JSON.stringify(bounded)}`;
  // Too long with its line ranges: without them (the files keep file-level meaning).
  if (line.length > MAX_LINE && bounded.lines) {
    const { lines: _ranges, ...rest } = bounded;
    line = `traces-meta:${id} ${JSON.stringify(rest)}`;
  }
  if (line.length > MAX_LINE)
    return `traces-meta:${id} ${JSON.stringify({ v: META_VERSION, agent: meta.agent, model: meta.model })}`;
  return line;
}

/** The canonical text of a note: each line once, sorted by bytes, newline-terminated. */
export function renderNote(lines: Iterable<string>): string {
  const unique = [...new Set([...lines].filter((l) => l !== ""))];
  unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return unique.length ? `${unique.join("\n")}\n` : "";
}

/**
 * Adds lines to a note. A trace already named keeps its `traces:` line (and its URL); its
 * meta lines are replaced by the new one, so re-attaching never writes a trace twice.
 * Lines that are not ours stay as they are.
 */
export function mergeIntoNote(existing: string, add: readonly string[]): string {
  const replacedMeta = new Set<string>();
  const addTraces = new Set<string>();
  for (const l of add) {
    const meta = META_LINE.exec(l);
    if (meta) replacedMeta.add(meta[1]!);
    const t = TRACES_LINE.exec(l);
    if (t) addTraces.add(t[1]!);
  }
  const kept: string[] = [];
  const named = new Set<string>();
  for (const raw of existing.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") continue;
    const meta = META_LINE.exec(line);
    if (meta && replacedMeta.has(meta[1]!)) continue;
    const t = TRACES_LINE.exec(line);
    if (t) named.add(t[1]!);
    kept.push(line);
  }
  const fresh = add.filter((l) => {
    const t = TRACES_LINE.exec(l);
    return !(t && named.has(t[1]!) && !t[2]);
  });
  return renderNote([...kept, ...fresh]);
}

/** Removes every line about the given traces (detach). Other lines stay. */
export function removeFromNote(existing: string, ids: ReadonlySet<string>): string {
  const kept = existing.split("\n").filter((line) => {
    const t = TRACES_LINE.exec(line);
    if (t && ids.has(t[1]!)) return false;
    const m = META_LINE.exec(line);
    return !(m && ids.has(m[1]!));
  });
  return renderNote(kept);
}

/**
 * Gives a trace named in a note its URL: the bare `traces:<id>` line becomes
 * `traces:<id> <url>`. null (leave the note) when the note does not name the trace, or
 * already gives it a URL: a URL someone else wrote is not replaced.
 */
export function setTraceUrl(existing: string, id: string, url: string): string | null {
  const line = tracesLine(id, url);
  let named = false;
  const kept: string[] = [];
  for (const raw of existing.split("\n")) {
    const l = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const t = TRACES_LINE.exec(l);
    if (t && t[1] === id) {
      if (t[2]) return null;
      named = true;
      continue;
    }
    kept.push(l);
  }
  return named ? renderNote([...kept, line]) : null;
}
