// A GitHub Copilot CLI session (~/.copilot/session-state/<id>/events.jsonl) into a Trace.
// Every line is an event {type, data, id, timestamp, parentId}; event types and fields:
// ../shared/fixtures/copilot-cli/README.md. A tool call shows twice, as a request on
// assistant.message and as tool.execution_start (when it ran): both are one call, joined
// by toolCallId, timed by the start. Formats drift between releases: arguments as an
// object or a JSON string, the model on the message or only in session.model_change.

import * as v from "valibot";
import { readTranscriptJsonl } from "../shared/jsonl.ts";
import { count, isObj, type Obj, parseJson, str } from "../shared/json.ts";
import { absolute, relativize } from "../shared/paths.ts";
import { CountSchema, lenient, TextSchema } from "../shared/schemas.ts";
import { TraceDraft } from "../shared/trace-draft.ts";
import { copilotWrites } from "./writes.ts";
import { patchFiles } from "../codex/read.ts";
import { emptyTokens, type FileWrite, type ToolCall, type Trace } from "../../traces/model.ts";
import type { ReadOptions } from "../types.ts";

/** The session folder's name: the ID when the events do not say. */
function folderId(path: string): string {
  const parts = path.split("/");
  return parts.length >= 2 ? parts[parts.length - 2]! : "";
}

/** `arguments` are an object in 1.0.x, a JSON string in some releases; a patch may be bare text. */
function parseArgs(raw: unknown): Obj {
  if (isObj(raw)) return raw;
  if (typeof raw !== "string") return {};
  const parsed = parseJson(raw);
  return isObj(parsed) ? parsed : { input: raw };
}

const READ_TOOLS = new Set(["view", "read_file", "read"]);
const EDIT_TOOLS = new Set(["create", "edit", "str_replace", "insert", "write", "write_file", "multi_edit"]);
const SHELL_TOOLS = new Set(["bash", "powershell", "shell", "run_in_terminal"]);

/** One tool call in the common model, from the tool's name and arguments. */
export function copilotToolCall(
  name: string,
  args: Obj,
  at: string | undefined,
  cwd: string | undefined,
  roots: readonly string[],
): ToolCall {
  const file = str(args.path) ?? str(args.file_path) ?? str(args.filePath);
  const paths = file ? [relativize(absolute(file, cwd), roots)] : undefined;
  if (READ_TOOLS.has(name)) return { kind: "read", name, at, ...(paths ? { paths } : {}) };
  if (EDIT_TOOLS.has(name)) return { kind: "edit", name, at, ...(paths ? { paths } : {}) };
  // The older single editor tool: {command: view|create|str_replace|insert|undo_edit, path}.
  if (name === "str_replace_editor") {
    return { kind: args.command === "view" ? "read" : "edit", name, at, ...(paths ? { paths } : {}) };
  }
  if (name === "apply_patch") {
    const patch = str(args.input) ?? str(args.patch) ?? "";
    return { kind: "edit", name, at, paths: patchFiles(patch).map((f) => relativize(absolute(f, cwd), roots)) };
  }
  if (SHELL_TOOLS.has(name))
    return { kind: "shell", name, at, ...(str(args.command) ? { command: str(args.command) } : {}) };
  if (name === "web_fetch") return { kind: "web_fetch", name, at, ...(str(args.url) ? { url: str(args.url) } : {}) };
  if (name === "web_search")
    return { kind: "web_search", name, at, ...(str(args.query) ? { query: str(args.query) } : {}) };
  const detail = str(args.description) ?? str(args.pattern) ?? str(args.intent) ?? str(args.agent_type);
  return { kind: "other", name, at, ...(detail ? { detail } : {}) };
}

/** Prompts Copilot injects itself (skills, other agents, autopilot) rather than the person typing. */
function injected(data: Obj): boolean {
  const source = str(data.source);
  return data.isAutopilotContinuation === true || (source !== undefined && /^(skill-|agent-|system)/.test(source));
}

// The events that describe the session rather than one step of it: its start and each
// resume, and each shutdown with the totals so far. Every field is lenient (schemas.ts): a
// value of another type reads as absent, a count as 0.
const SessionStartSchema = v.looseObject({
  /** Any string: an invalid one is refused (not replaced by the folder's name). */
  sessionId: lenient(v.string()),
  copilotVersion: lenient(TextSchema),
  startTime: lenient(TextSchema),
  selectedModel: lenient(TextSchema),
  context: lenient(v.looseObject({ cwd: lenient(TextSchema), branch: lenient(TextSchema) })),
});

/** Per model, its usage; a model without one is left out. */
const ShutdownSchema = v.looseObject({
  modelMetrics: lenient(
    v.record(
      v.string(),
      lenient(
        v.looseObject({
          usage: v.looseObject({
            inputTokens: CountSchema,
            outputTokens: CountSchema,
            cacheReadTokens: CountSchema,
            cacheWriteTokens: CountSchema,
            reasoningTokens: CountSchema,
          }),
        }),
      ),
    ),
  ),
});

export async function readCopilotEvents(path: string, opts: ReadOptions = {}): Promise<Trace> {
  // A summary skips the results of tools that succeeded, the bulk of a session: they hold
  // no call. (A failed one is kept: it turns its edit into a non-edit.)
  const read = await readTranscriptJsonl(
    path,
    opts.summary
      ? { skim: (l) => /^\{"type":\s?"tool\.execution_complete"/.test(l) && /"success":\s?true/.test(l.slice(0, 400)) }
      : {},
  );
  const t = new TraceDraft("copilot-cli", path, opts);
  const { roots, tools, messages } = t;
  // The cwd of the moment (t.cwd is the session's first).
  let cwd: string | undefined;
  let model: string | undefined;
  // Tools in the order requested; a start only fills in the time.
  const calls = new Map<string, ToolCall>();
  const failed = new Set<string>();
  // What each edit call wrote, worked out at the end: a start can change its time, a failure undo it.
  const payloads = new Map<ToolCall, (c: ToolCall) => FileWrite[]>();
  let shutdownTokens = false;
  let outputFromMessages = 0;

  const addCall = (
    callId: string | undefined,
    name: string,
    rawArgs: unknown,
    at: string | undefined,
    started: boolean,
  ) => {
    const existing = callId ? calls.get(callId) : undefined;
    if (existing) {
      // The request came first; the start says when it ran.
      if (started && at) existing.at = at;
      return;
    }
    const args = parseArgs(rawArgs);
    const call = copilotToolCall(name, args, at, cwd, roots);
    tools.push(call);
    if (callId) calls.set(callId, call);
    if (call.kind === "edit") {
      const dir = cwd;
      payloads.set(call, (c) =>
        copilotWrites(name, args, c.paths?.[0], c.at, (f) => relativize(absolute(f, dir), roots)),
      );
    }
  };

  for (const record of read.records) {
    if (!isObj(record)) continue;
    const at = str(record.timestamp);
    t.seen(at);
    const data = record.data;
    if (!isObj(data)) continue;
    switch (record.type) {
      case "session.start":
      case "session.resume": {
        const parsed = v.safeParse(SessionStartSchema, data);
        if (!parsed.success) break;
        const session = parsed.output;
        if (record.type === "session.start") {
          t.id ??= session.sessionId;
          t.agentVersion ??= session.copilotVersion;
          const started = session.startTime;
          if (started && (!t.start || started < t.start)) t.start = started;
        }
        const here = session.context?.cwd;
        if (here) {
          t.cwd ??= here;
          cwd = here;
        }
        t.branch ??= session.context?.branch;
        model = session.selectedModel ?? model;
        break;
      }
      case "session.context_changed": {
        cwd = str(data.cwd) ?? cwd;
        break;
      }
      case "session.model_change": {
        model = str(data.newModel) ?? model;
        break;
      }
      case "user.message": {
        const text = typeof data.content === "string" ? data.content : undefined;
        if (text !== undefined && text.trim() !== "" && !injected(data)) messages.push({ role: "user", text, at });
        break;
      }
      case "assistant.message": {
        const answered = str(data.model) ?? model;
        t.usedModel(answered);
        outputFromMessages += count(data.outputTokens);
        const text = typeof data.content === "string" ? data.content : "";
        if (text.trim() !== "")
          messages.push({
            role: "assistant",
            text: t.summary ? "" : text,
            at,
            ...(answered ? { model: answered } : {}),
          });
        if (Array.isArray(data.toolRequests)) {
          for (const req of data.toolRequests) {
            if (!isObj(req)) continue;
            const name = str(req.name);
            if (name) addCall(str(req.toolCallId), name, req.arguments, at, false);
          }
        }
        break;
      }
      case "tool.execution_start": {
        const name = str(data.toolName);
        if (name) addCall(str(data.toolCallId), name, data.arguments, at, true);
        break;
      }
      case "tool.execution_complete": {
        const callId = str(data.toolCallId);
        if (callId && data.success === false) failed.add(callId);
        break;
      }
      case "session.shutdown": {
        // Totals for the whole session so far: a resumed session's later shutdown supersedes.
        const parsed = v.safeParse(ShutdownSchema, data);
        if (!parsed.success || !parsed.output.modelMetrics) break;
        const next = emptyTokens();
        for (const [name, metric] of Object.entries(parsed.output.modelMetrics)) {
          if (!metric) continue;
          t.usedModel(name);
          const u = metric.usage;
          next.input += u.inputTokens;
          next.output += u.outputTokens;
          next.cacheRead += u.cacheReadTokens;
          next.cacheWrite += u.cacheWriteTokens;
          next.reasoning += u.reasoningTokens;
        }
        t.tokens = next;
        shutdownTokens = true;
        break;
      }
    }
  }

  const fromEvents = t.id !== undefined;
  t.id ??= folderId(path);
  // A session still running (or killed) has no shutdown: its messages' output counts are all there is.
  if (!shutdownTokens) t.tokens.output = outputFromMessages;
  // A failed edit changed no file.
  for (const [callId, call] of calls) {
    if (failed.has(callId) && call.kind === "edit") {
      call.kind = "other";
      call.detail = "failed";
    }
  }
  for (const call of tools) if (call.kind === "edit") t.writes.push(...(payloads.get(call)?.(call) ?? []));
  const firstPrompt = messages.find((m) => m.role === "user");
  if (firstPrompt) t.titleFrom(firstPrompt.text);
  return t.finish(fromEvents ? undefined : "no session ID: neither a session.start event nor a session folder name");
}
