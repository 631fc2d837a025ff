// Other tools' notes, read-only (docs/notes-format.md, "Other tools' notes"): git-ai's
// refs/notes/ai, git-atrace's refs/notes/atrace, Hugging Face's refs/notes/hf-traces.
// Each parser is pure and total: garbage gives no trace, never an exception. IDs are checked
// here and again by attached.ts; nothing read here is ever used as a path or run.

import * as v from "valibot";
import { MAX_NOTE_TRACES } from "../notes/format.ts";
import { looseRanges, mergeRanges } from "../notes/ranges.ts";
import { isTraceId } from "../traces/id.ts";
import type { AttachedTrace, ForeignNotes, NoteTraces } from "./attached.ts";

/** A note bigger than this is not one of theirs (git-ai's logs are kilobytes). */
const MAX_NOTE = 4 * 1024 * 1024;
/** No note contributes more traces than this (as for ours); the rest is left out, and counted. */
const MAX_TRACES = MAX_NOTE_TRACES;
const none = (): NoteTraces => ({ traces: [], leftOut: 0 });
const MAX_FILES = 500;
const MAX_LABEL = 100;
const HTTP_URL = /^https?:\/\/[^\s\u0000-\u001f\u007f]+$/;

function lines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** A short label (tool, model) from untrusted text: a string, bounded; sanitised when printed. */
function label(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return t === "" ? undefined : t.slice(0, MAX_LABEL);
}

function httpUrl(value: unknown): string | undefined {
  return typeof value === "string" && value.length <= 2048 && HTTP_URL.test(value) ? value : undefined;
}

/** A repository-relative file name as git could track it: no absolute path, no `..`, no `.git`. */
function repoPath(path: string): string | undefined {
  if (path === "" || path.startsWith("/") || path.includes("\0")) return undefined;
  const parts = path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === ".." || p.toLowerCase() === ".git")) return undefined;
  return path;
}

/** The names other tools give agents, as git-traces names them where it knows the agent. */
const AGENT_NAMES: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  claude: "claude-code",
  "claude-code": "claude-code",
  codex: "codex",
  cursor: "cursor",
  gemini: "gemini-cli",
  "gemini-cli": "gemini-cli",
  opencode: "opencode",
  "copilot-cli": "copilot-cli",
});

function agentName(tool: string | undefined): string | undefined {
  if (tool === undefined) return undefined;
  const known = AGENT_NAMES[tool.toLowerCase()];
  return known ?? tool;
}

// --- git-ai: refs/notes/ai, "authorship/3.0.0" -------------------------------------------
//
//   src/main.rs                                  a file path (quoted when it has spaces)
//     s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10    <key> <line ranges>, indented two spaces
//     h_31dce776f88375 25-30                     a known human: no trace
//   ---
//   {"schema_version":"authorship/3.0.0", "sessions": {"s_...": {"agent_id": {...}}}, "prompts": {...}}

const AgentIdSchema = v.looseObject({
  tool: v.optional(v.unknown()),
  id: v.optional(v.unknown()),
  model: v.optional(v.unknown()),
});

const SessionRecordSchema = v.looseObject({
  agent_id: AgentIdSchema,
  messages_url: v.optional(v.unknown()),
});

const GitAiMetaSchema = v.looseObject({
  schema_version: v.pipe(v.string(), v.startsWith("authorship/")),
  git_ai_version: v.optional(v.unknown()),
  base_commit_sha: v.optional(v.unknown()),
  prompts: v.optional(v.record(v.string(), v.unknown())),
  sessions: v.optional(v.record(v.string(), v.unknown())),
  humans: v.optional(v.unknown()),
});

/**
 * The attestation section: session key (`s_<hex>` or a legacy hash) -> the files it wrote
 * lines of, in order, each with those lines' ranges (of the commit's version).
 */
function gitAiAttestations(section: readonly string[]): Map<string, Map<string, [number, number][]>> {
  const files = new Map<string, Map<string, [number, number][]>>();
  let file: string | undefined;
  for (const line of section) {
    if (line === "") continue;
    if (line.startsWith("  ")) {
      const m = /^ {2}(\S+) (\S+)$/.exec(line);
      if (!m || file === undefined) continue;
      const key = m[1]!.split("::")[0]!;
      if (key.startsWith("h_")) continue; // a known human
      const byFile = files.get(key) ?? new Map<string, [number, number][]>();
      const known = byFile.get(file);
      if (known) byFile.set(file, mergeRanges([...known, ...looseRanges(m[2]!)]));
      else if (byFile.size < MAX_FILES) byFile.set(file, looseRanges(m[2]!));
      files.set(key, byFile);
      continue;
    }
    if (/^\s/.test(line)) {
      file = undefined;
      continue;
    }
    const quoted = /^"(.*)"$/.exec(line);
    file = repoPath(quoted ? quoted[1]! : line);
  }
  return files;
}

export function parseGitAiNote(text: string): AttachedTrace[] {
  return readGitAiNote(text).traces;
}

export function readGitAiNote(text: string): NoteTraces {
  if (typeof text !== "string" || text.length > MAX_NOTE) return none();
  const all = lines(text);
  const divider = all.indexOf("---");
  if (divider < 0) return none();
  let json: unknown;
  try {
    json = JSON.parse(all.slice(divider + 1).join("\n"));
  } catch {
    return none();
  }
  const meta = v.safeParse(GitAiMetaSchema, json);
  if (!meta.success) return none();
  const files = gitAiAttestations(all.slice(0, divider));
  // Files and models gather in sets: many records of one session stay linear.
  const byId = new Map<
    string,
    { trace: AttachedTrace; files?: Map<string, [number, number][]>; models: Set<string> }
  >();
  const beyond = new Set<string>();
  // Sessions (git-ai 1.4 and later) first, then legacy prompt records.
  const records = [...Object.entries(meta.output.sessions ?? {}), ...Object.entries(meta.output.prompts ?? {})];
  for (const [key, value] of records) {
    const rec = v.safeParse(SessionRecordSchema, value);
    if (!rec.success) continue;
    const agentId = rec.output.agent_id;
    // The agent's own session ID when it is a valid one (a Claude Code or Codex session
    // then matches its transcript on this machine), else git-ai's key for the session.
    const own = typeof agentId.id === "string" && isTraceId(agentId.id) ? agentId.id : undefined;
    const id = own ?? (isTraceId(key) ? key : undefined);
    if (id === undefined) continue;
    if (!byId.has(id) && byId.size >= MAX_TRACES) {
      beyond.add(id);
      continue;
    }
    const agent = agentName(label(agentId.tool));
    const model = label(agentId.model);
    const url = httpUrl(rec.output.messages_url);
    const mine = files.get(key);
    const known = byId.get(id);
    if (known) {
      if (mine)
        for (const [f, r] of mine) {
          known.files ??= new Map();
          known.files.set(f, mergeRanges([...(known.files.get(f) ?? []), ...r]));
        }
      if (model) known.models.add(model);
      continue;
    }
    byId.set(id, {
      trace: { id, source: "git-ai", ...(url ? { url } : {}), ...(agent ? { agent } : {}), models: [] },
      ...(mine ? { files: new Map(mine) } : {}),
      models: new Set(model ? [model] : []),
    });
  }
  const traces = [...byId.values()].map(({ trace, files: f, models }) => ({
    ...trace,
    models: [...models],
    // git-ai attests lines: its ranges read as ours do (blame "match": "line").
    ...(f ? { files: [...f.keys()], lines: Object.assign(Object.create(null), Object.fromEntries(f)) } : {}),
  }));
  return { traces, leftOut: beyond.size };
}

// --- git-atrace: refs/notes/atrace, one session ID a line ---------------------------------

export function parseAtraceNote(text: string): AttachedTrace[] {
  return readAtraceNote(text).traces;
}

export function readAtraceNote(text: string): NoteTraces {
  if (typeof text !== "string" || text.length > MAX_NOTE) return none();
  const seen = new Set<string>();
  const out: AttachedTrace[] = [];
  for (const raw of lines(text)) {
    const id = raw.trim();
    if (!isTraceId(id) || seen.has(id)) continue;
    seen.add(id);
    if (out.length < MAX_TRACES) out.push({ id, source: "git-atrace", models: [] });
  }
  return { traces: out, leftOut: seen.size - out.length };
}

// --- Hugging Face hf-traces: refs/notes/hf-traces, `hf-trace: <url>` lines -----------------
//
// The URL names the uploaded transcript, `.../sessions/<agent>-<session>.jsonl`: the trace ID
// is the session's own ID when the last path segment has that shape, else the segment
// without its extension when that is a valid ID, else a short hash of the URL (stable, so
// the same URL is the same trace in every note).

const HF_LINE = /^\s*(?:hf-trace|agent-trace):\s*(\S+)\s*$/i;
const HF_AGENTS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  claude: "claude-code",
  codex: "codex",
});

function lastSegment(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segment = path.split("/").filter(Boolean).pop();
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function urlHash(url: string): string {
  return `hf-${new Bun.CryptoHasher("sha256").update(url).digest("hex").slice(0, 16)}`;
}

/** The trace ID and agent an hf-traces URL names. */
export function hfTraceId(url: string): { id: string; agent?: string } {
  const segment = lastSegment(url);
  const stem = segment?.replace(/\.(jsonl|json|txt|gz)$/i, "");
  if (stem) {
    const m = /^([a-z]+)-(.+)$/.exec(stem);
    const agent = m ? HF_AGENTS[m[1]!] : undefined;
    if (m && agent && isTraceId(m[2])) return { id: m[2]!, agent };
    if (isTraceId(stem)) return { id: stem };
  }
  return { id: urlHash(url) };
}

export function parseHfTracesNote(text: string): AttachedTrace[] {
  return readHfTracesNote(text).traces;
}

export function readHfTracesNote(text: string): NoteTraces {
  if (typeof text !== "string" || text.length > MAX_NOTE) return none();
  const byId = new Map<string, AttachedTrace>();
  // Beyond the cap, URLs are counted as they are (not hashed into IDs): one URL, one trace.
  const beyond = new Set<string>();
  for (const raw of lines(text)) {
    const m = HF_LINE.exec(raw);
    const url = m ? httpUrl(m[1]) : undefined;
    if (!url) continue;
    if (byId.size >= MAX_TRACES) {
      beyond.add(url);
      continue;
    }
    const { id, agent } = hfTraceId(url);
    if (!isTraceId(id) || byId.has(id)) continue;
    byId.set(id, { id, source: "hf-traces", url, ...(agent ? { agent } : {}), models: [] });
  }
  for (const t of byId.values()) beyond.delete(t.url!);
  return { traces: [...byId.values()], leftOut: beyond.size };
}

/** Wraps a parser so that nothing it could throw escapes (they are written not to). */
function total(parse: (text: string) => NoteTraces): (text: string) => NoteTraces {
  return (text) => {
    try {
      return parse(text);
    } catch {
      return none();
    }
  };
}

export const FOREIGN_NOTES: readonly ForeignNotes[] = [
  { source: "git-ai", ref: "refs/notes/ai", parse: total(readGitAiNote) },
  { source: "git-atrace", ref: "refs/notes/atrace", parse: total(readAtraceNote) },
  { source: "hf-traces", ref: "refs/notes/hf-traces", parse: total(readHfTracesNote) },
];
