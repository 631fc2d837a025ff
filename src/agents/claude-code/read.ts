// A Claude Code transcript (~/.claude/projects/<folder>/<sessionId>.jsonl) into a Trace.
// Record types and fields: ../shared/fixtures/claude-code/README.md. Unknown record types,
// content blocks and fields are ignored; every value is checked before use.

import { readTranscriptJsonl } from "../shared/jsonl.ts";
import { count, isObj, type Obj, str } from "../shared/json.ts";
import { absolute, relativize } from "../shared/paths.ts";
import { TraceDraft } from "../shared/trace-draft.ts";
import type { ToolCall, Trace } from "../../traces/model.ts";
import type { ReadOptions } from "../types.ts";
import { claudeWrites } from "./writes.ts";

function fileStem(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.endsWith(".jsonl") ? base.slice(0, -6) : base;
}

/** A user message that is the person typing, not a tool result or Claude Code's own note. */
function promptText(record: Obj): string | undefined {
  if (record.isMeta === true) return undefined;
  const message = record.message;
  if (!isObj(message)) return undefined;
  const content = message.content;
  let text: string | undefined;
  if (typeof content === "string") text = content;
  else if (Array.isArray(content)) {
    const parts = content
      .filter(isObj)
      .filter((b) => b.type === "text")
      .map((b) => str(b.text) ?? "");
    if (parts.length === 0) return undefined; // tool results only
    text = parts.join("\n");
  }
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  // Slash commands and their output, and the caveat Claude Code adds before them.
  if (
    trimmed === "" ||
    trimmed.startsWith("<command-") ||
    trimmed.startsWith("<local-command-") ||
    trimmed.startsWith("Caveat: ")
  ) {
    return undefined;
  }
  return text;
}

const READ_TOOLS = new Set(["Read", "NotebookRead"]);
const EDIT_TOOLS = new Set(["Edit", "MultiEdit", "Write", "NotebookEdit"]);

export function claudeToolCall(
  name: string,
  input: Obj,
  at: string | undefined,
  cwd: string | undefined,
  roots: readonly string[],
): ToolCall {
  const file = str(input.file_path) ?? str(input.notebook_path) ?? str(input.path);
  const paths = file ? [relativize(absolute(file, cwd), roots)] : undefined;
  if (READ_TOOLS.has(name)) return { kind: "read", name, at, paths };
  if (EDIT_TOOLS.has(name)) return { kind: "edit", name, at, paths };
  if (name === "Bash") return { kind: "shell", name, at, command: str(input.command) };
  if (name === "WebFetch") return { kind: "web_fetch", name, at, url: str(input.url) };
  if (name === "WebSearch") return { kind: "web_search", name, at, query: str(input.query) };
  const detail = str(input.description) ?? str(input.pattern) ?? str(input.subagent_type);
  return { kind: "other", name, at, ...(detail ? { detail } : {}) };
}

export async function readClaudeTranscript(path: string, opts: ReadOptions = {}): Promise<Trace> {
  // A summary skips tool results, the bulk of a transcript: they hold no tool call.
  const read = await readTranscriptJsonl(
    path,
    opts.summary ? { skim: (l) => l.includes('"tool_result"') && !/"type":\s?"tool_use"/.test(l) } : {},
  );
  const t = new TraceDraft("claude-code", path, opts);
  t.provider = "anthropic";
  const { messages, tokens } = t;
  const countedUsage = new Set<string>();
  // Blocks of one API response arrive as separate records sharing message.id.
  let lastAssistantId: string | undefined;

  for (const record of read.records) {
    if (!isObj(record)) continue;
    const at = str(record.timestamp);
    t.seen(at);
    const type = record.type;
    if (type !== "user" && type !== "assistant") continue;
    t.id ??= str(record.sessionId);
    t.cwd ??= str(record.cwd);
    t.branch ??= str(record.gitBranch);
    t.agentVersion ??= str(record.version);
    // Claude Code's own stand-in for a failed API call, not something the model said.
    if (record.isApiErrorMessage === true) continue;
    const message = record.message;
    if (!isObj(message)) continue;

    if (type === "user") {
      const text = promptText(record);
      if (text !== undefined) {
        messages.push({ role: "user", text, at });
        t.titleFrom(text);
      }
      lastAssistantId = undefined;
      continue;
    }

    const model = str(message.model);
    const realModel = model && model !== "<synthetic>" ? model : undefined;
    t.usedModel(realModel);
    const messageId = str(message.id);
    const usage = message.usage;
    if (isObj(usage) && messageId && !countedUsage.has(messageId)) {
      countedUsage.add(messageId);
      tokens.input += count(usage.input_tokens);
      tokens.output += count(usage.output_tokens);
      tokens.cacheRead += count(usage.cache_read_input_tokens);
      tokens.cacheWrite += count(usage.cache_creation_input_tokens);
    }
    const blocks =
      typeof message.content === "string"
        ? [{ type: "text", text: message.content }]
        : Array.isArray(message.content)
          ? message.content
          : [];
    for (const block of blocks) {
      if (!isObj(block)) continue;
      if (block.type === "text") {
        const text = str(block.text);
        if (!text) continue;
        const prev = messages[messages.length - 1];
        const kept = t.summary ? "" : text;
        if (prev && prev.role === "assistant" && messageId && lastAssistantId === messageId)
          prev.text += t.summary ? "" : `\n\n${text}`;
        else messages.push({ role: "assistant", text: kept, at, ...(realModel ? { model: realModel } : {}) });
        lastAssistantId = messageId;
      } else if (block.type === "tool_use") {
        const name = str(block.name);
        if (!name) continue;
        const input = isObj(block.input) ? block.input : {};
        const call = claudeToolCall(name, input, at, t.cwd, t.roots);
        t.tools.push(call);
        if (call.kind === "edit") t.writes.push(...claudeWrites(name, input, call.paths?.[0], at));
      }
    }
  }

  t.id ??= fileStem(path);
  return t.finish();
}
