// The common trace model: one agent session, whatever agent wrote it. Defined once with
// valibot; the TypeScript types are inferred from the schemas. Adapters in src/agents/
// build these objects; everything else reads them.

import * as v from "valibot";

/** Agents whose sessions git-traces can read. */
export const AGENTS = ["claude-code", "codex", "gemini-cli", "opencode", "cursor", "copilot-cli"] as const;
export type AgentName = (typeof AGENTS)[number];

export function isAgentName(name: string): name is AgentName {
  return (AGENTS as readonly string[]).includes(name);
}

import { TRACE_ID } from "./id.ts";
import { TOOL_KINDS, type ToolKind } from "./tool-kinds.ts";

export { isTraceId, TRACE_ID } from "./id.ts";

export const TraceIdSchema = v.pipe(v.string(), v.regex(TRACE_ID, "not a valid trace ID"));

export { TOOL_KINDS, type ToolKind };

export const ToolCallSchema = v.object({
  kind: v.picklist(TOOL_KINDS),
  /** The agent's own name for the tool (`Edit`, `apply_patch`, `web_search_call`). */
  name: v.string(),
  /** When the call was made (ISO 8601), when the transcript says. */
  at: v.optional(v.string()),
  /** Files read or written: repo-relative when inside the repository, else absolute. */
  paths: v.optional(v.array(v.string())),
  command: v.optional(v.string()),
  url: v.optional(v.string()),
  query: v.optional(v.string()),
  /** A short label for tools of kind `other` (a subagent's description, say). */
  detail: v.optional(v.string()),
  /**
   * How many of the trace's messages came before this call, for transcripts whose times
   * cannot order calls among messages (Cursor's lines share the file's time).
   */
  afterMessages: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type ToolCall = v.InferOutput<typeof ToolCallSchema>;

export const MessageSchema = v.object({
  role: v.picklist(["user", "assistant"]),
  text: v.string(),
  at: v.optional(v.string()),
  model: v.optional(v.string()),
});
export type Message = v.InferOutput<typeof MessageSchema>;

export const TokensSchema = v.object({
  input: v.number(),
  output: v.number(),
  cacheRead: v.number(),
  cacheWrite: v.number(),
  reasoning: v.number(),
});
export type Tokens = v.InferOutput<typeof TokensSchema>;

export const TraceSchema = v.object({
  id: TraceIdSchema,
  agent: v.picklist(AGENTS),
  agentVersion: v.optional(v.string()),
  /** Every model that answered, in order of first use (a session can switch). */
  models: v.array(v.string()),
  /** The model provider when the agent records it (`openai`, `anthropic`). */
  provider: v.optional(v.string()),
  /** The first real prompt, on one line, shortened. */
  title: v.string(),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  cwd: v.optional(v.string()),
  branch: v.optional(v.string()),
  /** The transcript on this machine, when there is one. */
  transcript: v.optional(v.string()),
  tools: v.array(ToolCallSchema),
  messages: v.array(MessageSchema),
  tokens: TokensSchema,
});
/**
 * What one edit tool call wrote, from its own payload (line-level attribution,
 * src/attach/lines.ts). Local only: never shared, never in a note (content.ts strips it).
 * `write` sets the whole file, `replace` swaps text (every occurrence with `all`), `delete`
 * removes the file, `move` renames it. Paths are repo-relative like ToolCall.paths.
 */
export type FileWrite = { path: string; at?: string } & (
  | { op: "write"; content: string }
  | { op: "replace"; old: string; new: string; all?: boolean }
  | { op: "delete" }
  | { op: "move"; to: string }
);

export type Trace = v.InferOutput<typeof TraceSchema> & {
  /** The edit payloads, in the order made, when the reader extracts them. */
  writes?: FileWrite[];
};

export function emptyTokens(): Tokens {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
}

/** Calls per tool name, as the agent names its tools. */
export function toolCounts(trace: Pick<Trace, "tools">): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of trace.tools) counts[t.name] = (counts[t.name] ?? 0) + 1;
  return counts;
}

/** Calls per normalised kind. */
export function kindCounts(trace: Pick<Trace, "tools">): Record<ToolKind, number> {
  const counts = Object.fromEntries(TOOL_KINDS.map((k) => [k, 0])) as Record<ToolKind, number>;
  for (const t of trace.tools) counts[t.kind]++;
  return counts;
}

/** Files the session wrote, each once, in order of first edit. */
export function editedFiles(trace: Pick<Trace, "tools">): string[] {
  const seen = new Set<string>();
  for (const t of trace.tools) if (t.kind === "edit") for (const p of t.paths ?? []) seen.add(p);
  return [...seen];
}

/** The model that answered most often: the one a one-line summary names. */
export function primaryModel(trace: Pick<Trace, "models" | "messages">): string | undefined {
  const counts = new Map<string, number>();
  for (const m of trace.messages) if (m.model) counts.set(m.model, (counts.get(m.model) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = -1;
  for (const model of trace.models) {
    const c = counts.get(model) ?? 0;
    if (c > bestCount) {
      best = model;
      bestCount = c;
    }
  }
  return best;
}
