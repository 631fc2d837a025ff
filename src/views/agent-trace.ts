// Agent Trace records (spec 0.1.0, agent-trace.dev): which conversation wrote which lines of
// a commit. Pure: the commit, its traces (from the notes), the lines it added (diff-hunks.ts)
// and what this machine knows of each trace go in; one record comes out. The rules are in
// docs/agent-trace.md; the schema below describes exactly what we write.

import * as v from "valibot";
import type { CommitStamp } from "../git/revisions.ts";
import { modelId } from "../traces/model-id.ts";
import { type AttachedTrace, rangesOf } from "./attached.ts";
import type { AddedRange, FileAdditions } from "./diff-hunks.ts";

export const AGENT_TRACE_VERSION = "0.1.0";
/** The reverse-domain key of our part of `metadata`. */
export const METADATA_KEY = "dev.git-traces";

const codePoints = (max: number) =>
  v.check<string, string>((s) => Array.from(s).length <= max, `at most ${max} characters`);

const ContributorSchema = v.object({
  type: v.picklist(["human", "ai", "mixed", "unknown"]),
  model_id: v.optional(v.pipe(v.string(), codePoints(250))),
});

const RangeSchema = v.object({
  start_line: v.pipe(v.number(), v.integer(), v.minValue(1)),
  end_line: v.pipe(v.number(), v.integer(), v.minValue(1)),
  content_hash: v.pipe(v.string(), v.regex(/^murmur3:[0-9a-f]{8}$/)),
});

const ConversationSchema = v.object({
  url: v.optional(v.pipe(v.string(), v.url())),
  contributor: ContributorSchema,
  ranges: v.array(RangeSchema),
});

const TraceMetadataSchema = v.object({
  id: v.string(),
  source: v.string(),
  agent: v.optional(v.string()),
  models: v.array(v.string()),
  title: v.optional(v.string()),
  /** The files of the commit the note says the trace edited; absent when the note does not say. */
  files: v.optional(v.array(v.string())),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
});

export const AgentTraceRecordSchema = v.object({
  version: v.literal(AGENT_TRACE_VERSION),
  id: v.pipe(v.string(), v.uuid()),
  timestamp: v.pipe(v.string(), v.isoTimestamp()),
  vcs: v.object({ type: v.literal("git"), revision: v.string() }),
  tool: v.object({ name: v.literal("git-traces"), version: v.string() }),
  files: v.array(v.object({ path: v.string(), conversations: v.array(ConversationSchema) })),
  metadata: v.object({
    [METADATA_KEY]: v.object({
      /** The commit the lines were diffed against: the first parent, null for a root commit. */
      diff_base: v.nullable(v.string()),
      traces: v.array(TraceMetadataSchema),
      /** Notes of the commit that named more traces than are read from one note: how many were left out. */
      left_out: v.optional(
        v.array(v.object({ ref: v.string(), traces: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
      ),
    }),
  }),
});

export type AgentTraceRecord = v.InferOutput<typeof AgentTraceRecordSchema>;
export type Conversation = v.InferOutput<typeof ConversationSchema>;
type TraceMetadata = v.InferOutput<typeof TraceMetadataSchema>;

/** What this machine knows of a trace beyond its note: its transcript, when it is here. */
export interface LocalTrace {
  /** `file://` URL of the transcript. */
  url?: string;
  /** The provider the transcript names (Codex records `openai`). */
  provider?: string;
  /** The transcript's main model, for notes that do not name one. */
  model?: string;
}

export interface RecordInput {
  commit: CommitStamp;
  /** The commit's traces, in the order the notes name them. */
  traces: readonly AttachedTrace[];
  /** The lines the commit added, per file (against its first parent). */
  files: readonly FileAdditions[];
  /** By trace ID; a trace missing here has no transcript on this machine. */
  local: ReadonlyMap<string, LocalTrace>;
  toolVersion: string;
  /** The commit's notes that named more traces than are read from one note. */
  leftOut?: readonly { ref: string; traces: number }[];
}

// ---- identifiers and hashes --------------------------------------------------------------

/** Our UUIDv5 namespace for record IDs (a random UUID, fixed once). */
export const RECORD_NAMESPACE = "bcf11918-ce83-4213-bd67-d58a22fde567";

/** RFC 9562 UUID version 5: SHA-1 of the namespace's 16 bytes and the name's UTF-8. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = new Bun.CryptoHasher("sha1").update(ns).update(name).digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The record's ID: the same for the same commit and format, on every machine, every time. */
export function recordId(commit: string): string {
  return uuidV5(RECORD_NAMESPACE, `agent-trace:${commit}`);
}

/**
 * `murmur3:` and 8 lowercase hex digits: MurmurHash3 (x86, 32-bit, seed 0) of the range's
 * bytes in the file at the commit, every line with its line end (`\n`, or `\r\n` as the
 * file has it), the file's last line without one when the file has none.
 */
export function contentHash(bytes: Uint8Array): string {
  return `murmur3:${(Bun.hash.murmur32v3(bytes, 0) >>> 0).toString(16).padStart(8, "0")}`;
}

// ---- URLs --------------------------------------------------------------------------------

/** Everything RFC 3986 allows in a path, query or fragment, and `%` starting an escape. */
const NOT_URI = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]/g;

/**
 * A URL as an RFC 3986 URI, or undefined when it is not one of `schemes`. WHATWG parsing,
 * credentials dropped (never exported), and what WHATWG leaves unescaped but RFC 3986 does
 * not allow (`|`, `^`, `[`, ...) percent-encoded.
 */
export function toUri(url: string, schemes: readonly string[] = ["http:", "https:"]): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!schemes.includes(u.protocol)) return undefined;
  const rest = `${u.pathname}${u.search}${u.hash}`.replace(NOT_URI, (c) => encodeURIComponent(c));
  return `${u.protocol}//${u.host}${rest}`;
}

/** A transcript's absolute path as a `file://` URI. */
export function fileUri(path: string): string | undefined {
  if (!path.startsWith("/")) return undefined;
  return toUri(Bun.pathToFileURL(path).href, ["file:"]);
}

// ---- the record --------------------------------------------------------------------------

function ranges(list: readonly AddedRange[]) {
  return list.map((r) => ({ start_line: r.start, end_line: r.end, content_hash: contentHash(r.bytes) }));
}

/** The parts of added ranges whose lines `keep` says yes to, bytes cut at the line ends. */
function pick(list: readonly AddedRange[], keep: (line: number) => boolean): AddedRange[] {
  const out: AddedRange[] = [];
  for (const r of list) {
    let off = 0;
    let from = -1;
    let fromOff = 0;
    for (let n = r.start; n <= r.end; n++) {
      const nl = r.bytes.indexOf(10, off);
      const end = nl < 0 ? r.bytes.length : nl + 1;
      if (keep(n)) {
        if (from < 0) [from, fromOff] = [n, off];
      } else if (from >= 0) {
        out.push({ start: from, end: n - 1, bytes: r.bytes.subarray(fromOff, off) });
        from = -1;
      }
      off = end;
    }
    if (from >= 0) out.push({ start: from, end: r.end, bytes: r.bytes.subarray(fromOff, off) });
  }
  return out;
}

/** Whether line `n` is in sorted inclusive ranges. */
function holds(ranges: readonly [number, number][], n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid]!;
    if (n < a) hi = mid - 1;
    else if (n > b) lo = mid + 1;
    else return true;
  }
  return false;
}

function conversationOf(t: AttachedTrace, local: LocalTrace | undefined, rs: Conversation["ranges"]): Conversation {
  const url = (t.url ? toUri(t.url) : undefined) ?? local?.url;
  const model = modelId(t.models[0] ?? local?.model, local?.provider);
  return {
    ...(url ? { url } : {}),
    contributor: { type: "ai", ...(model ? { model_id: model } : {}) },
    ranges: rs,
  };
}

function traceMetadata(t: AttachedTrace): TraceMetadata {
  return {
    id: t.id,
    source: t.source,
    ...(t.agent !== undefined ? { agent: t.agent } : {}),
    models: [...t.models],
    ...(t.title !== undefined ? { title: t.title } : {}),
    ...(t.files ? { files: [...t.files] } : {}),
    ...(t.start ? { start: t.start } : {}),
    ...(t.end ? { end: t.end } : {}),
  };
}

/**
 * One record for one commit. Each file the commit added lines to gets one conversation per
 * trace whose note lists that file. Where the note gives the trace's line ranges for the file,
 * the conversation holds those lines only, and the added lines no such trace holds go to the
 * traces that list the file without ranges, or to a `human` conversation; a trace without
 * ranges gets all of the file's added ranges (its note tells the file, not the lines). A file
 * no trace lists gets one conversation of contributor `human`, or `unknown` when some trace's
 * note does not say which files it edited; merges leave such files out (their lines came from
 * the merged commits).
 */
export function buildRecord(input: RecordInput): AgentTraceRecord {
  const { commit, traces } = input;
  const merge = commit.parents.length > 1;
  const filesUnknown = traces.some((t) => !t.files);
  const listed = traces.map((t) => new Set(t.files ?? []));
  const files: AgentTraceRecord["files"] = [];
  for (const f of [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const rs = ranges(f.ranges);
    const writers = traces.filter((_t, i) => listed[i]!.has(f.path));
    const exact = writers.filter((t) => rangesOf(t, f.path));
    let conversations: Conversation[];
    if (exact.length) {
      const of = (t: AttachedTrace) => rangesOf(t, f.path)!;
      conversations = exact
        .map((t) => conversationOf(t, input.local.get(t.id), ranges(pick(f.ranges, (n) => holds(of(t), n)))))
        .filter((c) => c.ranges.length);
      const rest = ranges(pick(f.ranges, (n) => !exact.some((t) => holds(of(t), n))));
      const loose = writers.filter((t) => !rangesOf(t, f.path));
      if (rest.length)
        conversations.push(
          ...(loose.length
            ? loose.map((t) => conversationOf(t, input.local.get(t.id), rest))
            : [{ contributor: { type: "human" as const }, ranges: rest }]),
        );
    } else if (writers.length) conversations = writers.map((t) => conversationOf(t, input.local.get(t.id), rs));
    else if (merge) continue;
    else conversations = [{ contributor: { type: filesUnknown ? "unknown" : "human" }, ranges: rs }];
    files.push({ path: f.path, conversations });
  }
  return {
    version: AGENT_TRACE_VERSION,
    id: recordId(commit.oid),
    timestamp: commit.date,
    vcs: { type: "git", revision: commit.oid },
    tool: { name: "git-traces", version: input.toolVersion },
    files,
    metadata: {
      [METADATA_KEY]: {
        diff_base: commit.parents[0] ?? null,
        traces: traces.map(traceMetadata),
        ...(input.leftOut?.length ? { left_out: input.leftOut.map((l) => ({ ref: l.ref, traces: l.traces })) } : {}),
      },
    },
  };
}
