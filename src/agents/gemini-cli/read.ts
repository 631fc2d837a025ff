// A Gemini CLI chat (~/.gemini/tmp/<project>/chats/session-*.jsonl, or the older single-JSON
// session-*.json) into a Trace. Fields: ../shared/fixtures/gemini-cli/README.md.
//
// The JSONL file is a log: a metadata line ({sessionId, projectHash, startTime, ...}), then
// messages ({id, timestamp, type, content, ...}), a message written again under the same id
// whenever it grows (the last copy wins), `{"$set": {...}}` metadata patches (one holding
// `messages` replaces the conversation), and `{"$rewindTo": id}` when the user rewinds the
// conversation to before message `id`. The older format is the same record as one JSON
// document with a `messages` array.
//
// Rewound messages leave the conversation, but what they did stays in the trace: their tool
// calls (a rewind need not revert files), tokens and models. Edits that failed or were
// cancelled name no file (they changed none).

import { basename, dirname, join, posix } from "node:path";
import * as v from "valibot";
import { listDir } from "../shared/discover.ts";
import { parseJsonl } from "../shared/jsonl.ts";
import { LIMITS, readRegularText } from "../shared/safe-file.ts";
import { absolute, relativize } from "../shared/paths.ts";
import { lenient, TextSchema } from "../shared/schemas.ts";
import { TraceDraft } from "../shared/trace-draft.ts";
import { type FileWrite, isTraceId, type Tokens, type ToolCall, type Trace } from "../../traces/model.ts";
import { geminiWrites } from "./writes.ts";
import { TranscriptError, type ReadOptions } from "../types.ts";
import { folderProject, HashedPaths, projectHash, readRegistry } from "./discover.ts";
import { count, isObj, type Obj, str } from "../shared/json.ts";

/** Text of a `content` in any of its shapes: a string, a part `{text}`, or a list of either. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  const parts = Array.isArray(content) ? content : [content];
  return parts
    .map((p) =>
      typeof p === "string" ? p : isObj(p) && typeof p.text === "string" && p.thought !== true ? p.text : "",
    )
    .filter((t) => t !== "")
    .join("\n");
}

/** What Gemini CLI itself does not count as a prompt: slash and `?` commands, injected context. */
function isPrompt(text: string): boolean {
  const t = text.trim();
  return (
    t !== "" &&
    !t.startsWith("/") &&
    !t.startsWith("?") &&
    !t.startsWith("<session_context>") &&
    !t.startsWith("<hook_context>")
  );
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/;

/** The first URL in a text, without the punctuation that ends its sentence. */
export function firstUrl(text: string): string | undefined {
  const m = URL_IN_TEXT.exec(text);
  if (!m) return undefined;
  let url = m[0];
  const count = (c: string) => url.split(c).length - 1;
  while (/[.,;:!?)\]}]$/.test(url)) {
    // A closing bracket that the URL itself opened stays: (https://host/a_(b)).
    const close = url.at(-1)!;
    const open = ({ ")": "(", "]": "[", "}": "{" } as Record<string, string>)[close];
    if (open && count(open) >= count(close)) break;
    url = url.slice(0, -1);
  }
  return url;
}

// Gemini CLI's tool names (one string of words: `replace` is no git command here).
const EDIT_TOOLS = new Set("replace write_file edit smart_edit".split(" "));
const FAILED = new Set(["error", "cancelled"]);

export function geminiToolCall(
  call: Obj,
  at: string | undefined,
  cwd: string | undefined,
  roots: readonly string[],
): ToolCall | undefined {
  const name = str(call.name);
  if (!name) return undefined;
  const args = isObj(call.args) ? call.args : {};
  const when = str(call.timestamp) ?? at;
  const rel = (p: string) => relativize(absolute(p, cwd), roots);
  const file = str(args.file_path) ?? str(args.absolute_path) ?? str(args.path);
  if (EDIT_TOOLS.has(name)) {
    const failed = typeof call.status === "string" && FAILED.has(call.status);
    return { kind: "edit", name, at: when, ...(file && !failed ? { paths: [rel(file)] } : {}) };
  }
  if (name === "read_file") return { kind: "read", name, at: when, ...(file ? { paths: [rel(file)] } : {}) };
  if (name === "read_many_files") {
    const list = [args.paths, args.include].find(Array.isArray) as unknown[] | undefined;
    const paths = (list ?? []).filter((p): p is string => typeof p === "string" && p !== "").map(rel);
    return { kind: "read", name, at: when, ...(paths.length ? { paths } : {}) };
  }
  if (name === "run_shell_command")
    return { kind: "shell", name, at: when, ...(str(args.command) ? { command: str(args.command) } : {}) };
  if (name === "web_fetch") {
    const url = str(args.url) ?? firstUrl(str(args.prompt) ?? "");
    return { kind: "web_fetch", name, at: when, ...(url ? { url } : {}) };
  }
  if (name === "google_web_search")
    return { kind: "web_search", name, at: when, ...(str(args.query) ? { query: str(args.query) } : {}) };
  const detail = str(args.description) ?? str(args.pattern) ?? str(args.dir_path) ?? str(args.name);
  return { kind: "other", name, at: when, ...(detail ? { detail } : {}) };
}

// What a chat says about itself: its first record (the legacy document's top level), then
// `$set` patches. Few records a chat, so checked with valibot; every field is lenient
// (schemas.ts): a value of another type reads as absent.
const ChatMetaSchema = v.looseObject({
  /** Any string: an invalid one is refused (the file's name does not say the ID). */
  sessionId: lenient(v.string()),
  projectHash: lenient(TextSchema),
  startTime: lenient(TextSchema),
  lastUpdated: lenient(TextSchema),
});
/** Who the chat is: its ID and its project's hash. */
type ChatMeta = Pick<v.InferOutput<typeof ChatMetaSchema>, "sessionId" | "projectHash">;

interface Parsed {
  meta: ChatMeta;
  /** The conversation as Gemini CLI resumes it: message id -> last copy. */
  conversation: Map<string, Obj>;
  /** Every message ever written, rewound or replaced ones too: id -> last copy. */
  written: Map<string, Obj>;
  times: string[];
}

/** Replays a chat's records (JSONL lines, or the one legacy document). */
export function replay(records: readonly unknown[]): Parsed {
  let meta: ChatMeta = {};
  const conversation = new Map<string, Obj>();
  const written = new Map<string, Obj>();
  const times: string[] = [];
  const addMessage = (m: unknown) => {
    if (!isObj(m)) return;
    const id = str(m.id);
    if (!id) return;
    conversation.set(id, m);
    written.set(id, m);
  };
  // A metadata record's fields over the ones before; its times are the session's.
  const patch = (fields: Obj) => {
    const parsed = v.safeParse(ChatMetaSchema, fields);
    if (!parsed.success) return;
    const p = parsed.output;
    meta = { sessionId: p.sessionId ?? meta.sessionId, projectHash: p.projectHash ?? meta.projectHash };
    for (const time of [p.startTime, p.lastUpdated]) if (time) times.push(time);
  };
  for (const r of records) {
    if (!isObj(r)) continue;
    if (typeof r.$rewindTo === "string") {
      let found = false;
      for (const id of [...conversation.keys()]) {
        if (id === r.$rewindTo) found = true;
        if (found) conversation.delete(id);
      }
      if (!found) conversation.clear();
    } else if (typeof r.id === "string") {
      addMessage(r);
    } else if (isObj(r.$set)) {
      const { messages, ...rest } = r.$set;
      if (Array.isArray(messages)) {
        conversation.clear();
        messages.forEach(addMessage);
      }
      patch(rest);
    } else if (typeof r.sessionId === "string") {
      const { messages, ...rest } = r;
      patch(rest);
      if (Array.isArray(messages)) messages.forEach(addMessage);
    }
  }
  return { meta, conversation, written, times };
}

function parseChat(path: string, text: string): unknown[] {
  if (path.endsWith(".json")) {
    try {
      return [JSON.parse(text)];
    } catch {
      // not one document: read it line by line below
    }
  }
  return parseJsonl(text).records;
}

/** Tool calls, models and tokens of messages, in order, each call once. */
function activity(
  messages: Iterable<Obj>,
  cwd: string | undefined,
  roots: readonly string[],
  out: { tools: ToolCall[]; writes: FileWrite[]; models: string[]; tokens: Tokens; times: string[] },
): void {
  const seenCalls = new Set<string>();
  for (const m of messages) {
    const at = str(m.timestamp);
    if (at) out.times.push(at);
    if (m.type !== "gemini") continue;
    const model = str(m.model);
    if (model && !out.models.includes(model)) out.models.push(model);
    if (isObj(m.tokens)) {
      out.tokens.input += count(m.tokens.input) + count(m.tokens.tool);
      out.tokens.output += count(m.tokens.output);
      out.tokens.cacheRead += count(m.tokens.cached);
      out.tokens.reasoning += count(m.tokens.thoughts);
    }
    if (!Array.isArray(m.toolCalls)) continue;
    for (const call of m.toolCalls) {
      if (!isObj(call)) continue;
      const callId = str(call.id);
      if (callId) {
        if (seenCalls.has(callId)) continue;
        seenCalls.add(callId);
      }
      const t = geminiToolCall(call, at, cwd, roots);
      if (!t) continue;
      if (t.at) out.times.push(t.at);
      out.tools.push(t);
      if (t.kind === "edit")
        out.writes.push(...geminiWrites(t.name, isObj(call.args) ? call.args : {}, t.paths?.[0], t.at));
    }
  }
}

/**
 * The session's cwd: the project path of its folder (tmp/<project>/chats/<file>), from the
 * folder's marker or projects.json, else the worktree root whose hash the chat names.
 */
function projectPath(path: string, meta: ChatMeta, roots: readonly string[]): string | undefined {
  const chats = dirname(path);
  if (basename(chats) === "chats") {
    const folder = dirname(chats);
    const registry = readRegistry(dirname(dirname(folder)));
    const found = folderProject(folder, basename(folder), registry, new HashedPaths([...roots, ...registry.values()]));
    if (found) return found;
  }
  const hash = meta.projectHash;
  return hash ? roots.find((r) => projectHash(r) === hash) : undefined;
}

const MAX_HASHED = 256;

/**
 * The project path of a chat nothing else names (an older hash-named folder no registry
 * knows): the folder of a file its tools used, or one above, whose sha256 is the chat's
 * `projectHash`. A hash that matches is proof; nothing is guessed.
 */
function projectFromToolPaths(hash: string, messages: Iterable<Obj>): string | undefined {
  const tried = new Set<string>();
  for (const m of messages) {
    if (!Array.isArray(m.toolCalls)) continue;
    for (const call of m.toolCalls) {
      const args = isObj(call) && isObj(call.args) ? call.args : {};
      for (const key of ["file_path", "absolute_path", "path", "dir_path"]) {
        const p = str(args[key]);
        if (!p?.startsWith("/")) continue;
        for (let dir = posix.normalize(p); dir !== "/" && dir !== "."; dir = posix.dirname(dir)) {
          if (tried.has(dir)) break;
          if (tried.size >= MAX_HASHED) return undefined;
          tried.add(dir);
          if (projectHash(dir) === hash) return dir;
        }
      }
    }
  }
  return undefined;
}

/** Subagents' chats: chats/<session id>/*.jsonl next to the session's own file. */
function subagentChats(path: string, id: string): Obj[][] {
  const dir = join(dirname(path), id);
  const out: Obj[][] = [];
  for (const e of listDir(dir)) {
    if (!e.isFile || !e.name.endsWith(".jsonl")) continue;
    try {
      out.push([...replay(parseJsonl(readRegularText(join(dir, e.name), LIMITS.whole)).records).written.values()]);
    } catch {
      // unreadable: the session without it
    }
  }
  return out;
}

export async function readGeminiChat(path: string, opts: ReadOptions = {}): Promise<Trace> {
  let text: string;
  try {
    text = readRegularText(path, LIMITS.whole);
  } catch (e) {
    throw new TranscriptError(path, (e as Error).message);
  }
  const t = new TraceDraft("gemini-cli", path, opts);
  t.provider = "google";
  const { roots, messages } = t;
  const { meta, conversation, written, times } = replay(parseChat(path, text));
  const id = meta.sessionId;
  // Checked before it names a folder (subagents' chats).
  if (!isTraceId(id)) throw new TranscriptError(path, "the session ID is not a valid trace ID");
  t.id = id;
  const hash = meta.projectHash;
  t.cwd = projectPath(path, meta, roots) ?? (hash ? projectFromToolPaths(hash, written.values()) : undefined);

  const acc = { tools: t.tools, writes: t.writes, models: t.models, tokens: t.tokens, times };
  activity(written.values(), t.cwd, roots, acc);
  if (basename(dirname(path)) === "chats") for (const sub of subagentChats(path, id)) activity(sub, t.cwd, roots, acc);

  for (const m of conversation.values()) {
    const at = str(m.timestamp);
    if (m.type === "user") {
      const said = contentText(m.displayContent ?? m.content);
      if (!isPrompt(said)) continue;
      messages.push({ role: "user", text: said, ...(at ? { at } : {}) });
      t.titleFrom(said);
    } else if (m.type === "gemini") {
      const said = contentText(m.content);
      if (said.trim() === "") continue;
      const model = str(m.model);
      messages.push({
        role: "assistant",
        text: t.summary ? "" : said,
        ...(at ? { at } : {}),
        ...(model ? { model } : {}),
      });
    }
  }

  for (const at of acc.times) if (!Number.isNaN(Date.parse(at))) t.seen(at);
  return t.finish();
}
