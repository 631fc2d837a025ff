// A trace as `git traces show` presents it, before any rendering: what the notes say of it,
// the commits they attach it to, and the whole session when its transcript is on this
// machine. Pure: the command gathers the pieces, the renderers (show-render.ts) print them.

import type { Message, ToolCall, ToolKind, Trace } from "../traces/model.ts";
import { kindsFromToolCounts, zeroKinds } from "../traces/tool-kinds.ts";
import type { AttachedTrace } from "./attached.ts";

export interface CommitRef {
  oid: string;
  subject: string;
}

/** Lines a session wrote in one file of one commit, as the commit's note gives them. */
export interface LinesWritten {
  commit: string;
  path: string;
  /** `3-10,15`; "" when it wrote none of the lines the commit added there. */
  ranges: string;
  count: number;
}

/** The notes' line ranges of a trace (TraceUse.lines), in the order of `commits`, files as the notes list them. */
export function linesWritten(
  commits: readonly CommitRef[],
  lines: ReadonlyMap<string, Record<string, [number, number][]>> | undefined,
): LinesWritten[] {
  if (!lines) return [];
  const out: LinesWritten[] = [];
  for (const { oid } of commits)
    for (const [path, ranges] of Object.entries(lines.get(oid) ?? {}))
      out.push({
        commit: oid,
        path,
        ranges: ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(","),
        count: ranges.reduce((n, [a, b]) => n + b - a + 1, 0),
      });
  return out;
}

export interface TraceView {
  id: string;
  /** Which lines of which files it wrote, commit by commit, where the notes say (line-level attribution). */
  lines?: LinesWritten[];
  /** What the notes say of it, merged over every note naming it; absent for a session no commit names. */
  note?: AttachedTrace;
  /** The commits whose notes name it, oldest first when known. */
  commits: CommitRef[];
  /** The whole session, when its transcript, a snapshot or shared content is here. */
  trace?: Trace;
  /** Where `trace` came from (absent: its transcript). */
  source?: "transcript" | "snapshot" | "shared";
  /** For a snapshot: what it was taken from (`transcript`, `shared`); for shared content: its ref. */
  from?: string;
  /** `trace` is shown redacted, as sharing would store it. */
  redacted?: boolean;
  /** Why the transcript could not be read, when it is here but unreadable. */
  unreadable?: string;
  /** Shared content of it is here but not a valid trace: `<ref>: <why>` (untrusted text). */
  sharedError?: string;
}

export type Step = { type: "message"; message: Message } | { type: "tool"; call: ToolCall };

/**
 * Messages and tool calls in the order they happened. Each list keeps its own order; the
 * two are merged by time where both items have one (a message first on a tie), and an item
 * without a time follows the one before it in its own list. A call that says how many
 * messages preceded it (`afterMessages`) goes right there. At most `max` steps, the first.
 */
export function timeline(trace: Pick<Trace, "messages" | "tools">, max = Infinity): Step[] {
  const out: Step[] = [];
  let m = 0;
  let t = 0;
  const { messages, tools } = trace;
  while ((m < messages.length || t < tools.length) && out.length < max) {
    const msg = messages[m];
    const call = tools[t];
    let takeMessage: boolean;
    if (!msg) takeMessage = false;
    else if (!call) takeMessage = true;
    else if (call.afterMessages !== undefined) takeMessage = m < call.afterMessages;
    else if (!msg.at) takeMessage = true;
    else if (!call.at) takeMessage = false;
    else takeMessage = Date.parse(msg.at) <= Date.parse(call.at) || !Number.isFinite(Date.parse(call.at));
    if (takeMessage) out.push({ type: "message", message: messages[m++]! });
    else out.push({ type: "tool", call: tools[t++]! });
  }
  return out;
}

/** What a tool call did, in a word and its object: `edit` `src/auth.py`, `run` `pytest -q`. */
export interface ToolSummary {
  /** `read`, `edit`, `run`, `fetch`, `search`, or the agent's own name for other tools. */
  verb: string;
  /** Paths, URL, query or label; absent when the call says nothing more. */
  object?: string;
  /** For `run`: the command, which can span lines. */
  command?: string;
  url?: string;
}

const VERB: Record<ToolKind, string> = {
  read: "read",
  edit: "edit",
  shell: "run",
  web_fetch: "fetch",
  web_search: "search",
  other: "",
};

export function summarizeTool(call: ToolCall): ToolSummary {
  const verb = VERB[call.kind] || call.name;
  switch (call.kind) {
    case "read":
    case "edit":
      return { verb, ...(call.paths?.length ? { object: call.paths.join(", ") } : {}) };
    case "shell":
      return { verb, ...(call.command !== undefined ? { object: call.command, command: call.command } : {}) };
    case "web_fetch":
      return { verb, ...(call.url ? { object: call.url, url: call.url } : {}) };
    case "web_search":
      return { verb, ...(call.query !== undefined ? { object: call.query } : {}) };
    default:
      return { verb, ...(call.detail ? { object: call.detail } : {}) };
  }
}

export interface FileUse {
  path: string;
  read: boolean;
  edited: boolean;
}

/**
 * The files a session read or edited, in order of first use; from the note's files
 * (edited, in the commits) when there is no transcript.
 */
export function filesTouched(view: Pick<TraceView, "trace" | "note">): FileUse[] {
  const files = new Map<string, FileUse>();
  const use = (path: string, how: "read" | "edited") => {
    const f = files.get(path) ?? { path, read: false, edited: false };
    f[how] = true;
    files.set(path, f);
  };
  if (view.trace) {
    for (const c of view.trace.tools) {
      if (c.kind === "read") for (const p of c.paths ?? []) use(p, "read");
      if (c.kind === "edit") for (const p of c.paths ?? []) use(p, "edited");
    }
  }
  for (const p of view.note?.files ?? []) use(p, "edited");
  return [...files.values()];
}

/** Calls per kind: from the session when it is here, else from the note's counts by tool name. */
export function toolKinds(view: Pick<TraceView, "trace" | "note">): Record<ToolKind, number> {
  if (view.trace) {
    const out = zeroKinds();
    for (const c of view.trace.tools) out[c.kind]++;
    return out;
  }
  return kindsFromToolCounts(view.note?.tools ?? {});
}

export const TOKEN_KINDS = ["input", "output", "cacheRead", "cacheWrite", "reasoning"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];
export type TokenCounts = Record<TokenKind, number>;

/** Token counts from the session, else from the note (untrusted: only whole non-negative numbers count). */
export function tokensOf(view: Pick<TraceView, "trace" | "note">): TokenCounts | undefined {
  const source: Readonly<Record<string, number>> | undefined = view.trace?.tokens ?? view.note?.tokens;
  if (!source) return undefined;
  const out = Object.fromEntries(TOKEN_KINDS.map((k) => [k, 0])) as TokenCounts;
  for (const k of TOKEN_KINDS) {
    const n = source[k];
    if (typeof n === "number" && Number.isFinite(n) && n >= 0)
      out[k] = Math.min(Math.round(n), Number.MAX_SAFE_INTEGER);
  }
  return out;
}

/** The agent, models, title and times: from the session when here, else from the note. */
export function headline(view: TraceView): {
  agent?: string;
  agentVersion?: string;
  models: string[];
  title?: string;
  start?: string;
  end?: string;
} {
  const t = view.trace;
  const n = view.note;
  if (t) {
    return {
      agent: t.agent,
      ...(t.agentVersion ? { agentVersion: t.agentVersion } : {}),
      models: t.models.length ? t.models : (n?.models ?? []),
      title: t.title || n?.title,
      ...((t.start ?? n?.start) ? { start: t.start ?? n?.start } : {}),
      ...((t.end ?? n?.end) ? { end: t.end ?? n?.end } : {}),
    };
  }
  return {
    ...(n?.agent ? { agent: n.agent } : {}),
    models: n?.models ?? [],
    ...(n?.title !== undefined ? { title: n.title } : {}),
    ...(n?.start ? { start: n.start } : {}),
    ...(n?.end ? { end: n.end } : {}),
  };
}

function finiteCounts(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => Number.isFinite(n)));
}

/** What the notes say, fit for JSON: a count a note wrote as 1e400 (Infinity) would print as null. */
export function noteForJson(note: AttachedTrace): AttachedTrace {
  return {
    ...note,
    ...(note.tools ? { tools: finiteCounts(note.tools) } : {}),
    ...(note.tokens ? { tokens: finiteCounts(note.tokens) } : {}),
  };
}
