// A Cursor agent transcript (~/.cursor/projects/<folder>/agent-transcripts/<id>.jsonl, or
// the older plain-text <id>.txt) into a Trace. Format: ../shared/fixtures/cursor/README.md.
// The transcript holds prompts, replies and tool calls, and nothing else: no ID (the file
// name is), no model, no cwd, no times. The workspace comes from the project folder's name
// checked against the paths the session used (./discover.ts), times from the file's
// modification time and what earlier reads saw (./clock.ts), the model from the hooks
// (src/attach/detect.ts fills it in from active.json).

import { parseJsonl } from "../shared/jsonl.ts";
import { LIMITS, readRegular } from "../shared/safe-file.ts";
import { absolute, relativize } from "../shared/paths.ts";
import { TraceDraft } from "../shared/trace-draft.ts";
import { cursorWrites } from "./writes.ts";
import { isTraceId, type ToolCall, type Trace } from "../../traces/model.ts";
import { TranscriptError, type ReadOptions } from "../types.ts";
import { LineClock } from "./clock.ts";
import { guessWorkspace, projectFolderOf, projectKey, transcriptId, workspaceFrom } from "./discover.ts";
import { isObj, type Obj, str } from "../shared/json.ts";

/** A prompt, a reply or a tool call, with the byte offset just past it in the file. */
type Entry = { end: number } & (
  | { kind: "message"; role: "user" | "assistant"; text: string }
  | { kind: "tool"; name: string; input: Obj }
);

const READ_TOOLS = new Set(["Read", "ReadFile", "read_file"]);
const EDIT_TOOLS = new Set([
  "StrReplace",
  "MultiStrReplace",
  "Write",
  "Edit",
  "MultiEdit",
  "Delete",
  "DeleteFile",
  "EditNotebook",
  "search_replace",
  "edit_file",
  "write",
  "delete_file",
]);
const SHELL_TOOLS = new Set(["Shell", "run_terminal_cmd", "RunTerminalCommand", "Bash"]);
const FETCH_TOOLS = new Set(["WebFetch", "mcp_web_fetch", "web_fetch", "FetchUrl"]);
const SEARCH_TOOLS = new Set(["WebSearch", "web_search"]);

/** The file a tool's input names, in any of the spellings releases use. */
function fileOf(input: Obj): string | undefined {
  return (
    str(input.path) ??
    str(input.file_path) ??
    str(input.filePath) ??
    str(input.target_file) ??
    str(input.target_notebook)
  );
}

export function cursorToolCall(
  name: string,
  input: Obj,
  at: string | undefined,
  cwd: string | undefined,
  roots: readonly string[],
): ToolCall {
  const file = fileOf(input);
  const paths = file ? [relativize(absolute(file, cwd), roots)] : undefined;
  if (READ_TOOLS.has(name)) return { kind: "read", name, at, ...(paths ? { paths } : {}) };
  if (EDIT_TOOLS.has(name)) return { kind: "edit", name, at, ...(paths ? { paths } : {}) };
  if (SHELL_TOOLS.has(name)) return { kind: "shell", name, at, command: str(input.command) };
  if (FETCH_TOOLS.has(name)) return { kind: "web_fetch", name, at, url: str(input.url) };
  if (SEARCH_TOOLS.has(name))
    return { kind: "web_search", name, at, query: str(input.query) ?? str(input.search_term) };
  const detail = str(input.description) ?? str(input.pattern) ?? str(input.query) ?? str(input.glob_pattern);
  return { kind: "other", name, at, ...(detail ? { detail } : {}) };
}

/** What the person typed: Cursor wraps it in <user_query> among context blocks of its own. */
export function promptOf(text: string): string | undefined {
  const queries = [...text.matchAll(/<user_query>\s*([\s\S]*?)\s*<\/user_query>/g)].map((m) => m[1]!);
  const prompt = queries.length ? queries.join("\n") : text.trim();
  return prompt === "" ? undefined : prompt;
}

function jsonlEntries(text: string, summary: boolean): { entries: Entry[]; skipped: number } {
  const read = parseJsonl(text, { byteEnds: true });
  const entries: Entry[] = [];
  read.records.forEach((record, i) => {
    if (!isObj(record)) return;
    const end = read.ends![i]!;
    const message = isObj(record.message) ? record.message : record;
    const role = str(record.role) ?? str(record.type) ?? str(message.role);
    if (role !== "user" && role !== "assistant") return;
    const content = message.content;
    const blocks =
      typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
    // Blocks in their order: the text before a tool call is said before it.
    let texts: string[] = [];
    const say = () => {
      if (!texts.length) return;
      if (role === "user") {
        const prompt = promptOf(texts.join("\n"));
        if (prompt) entries.push({ kind: "message", role, text: prompt, end });
      } else {
        entries.push({ kind: "message", role, text: summary ? "" : texts.join("\n\n"), end });
      }
      texts = [];
    };
    for (const block of blocks) {
      if (!isObj(block)) continue;
      if (block.type === "text") {
        const t = str(block.text);
        if (t) texts.push(t);
      } else if (block.type === "tool_use" && role === "assistant") {
        const name = str(block.name);
        if (!name) continue;
        say();
        entries.push({ kind: "tool", name, input: isObj(block.input) ? block.input : {}, end });
      }
    }
    say();
  });
  return { entries, skipped: read.skipped };
}

const ROLE_LINE = /^(user|assistant|A):\s*$/;
const TOOL_CALL = /^\[Tool call\]\s+(\S+)/;
const ARG_LINE = /^[ \t]+([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/;

/**
 * The older plain-text transcript: `user:` / `assistant:` lines open turns, `[Tool call] Name`
 * opens a call whose arguments follow as indented `key: value` lines (only a value's first
 * line is taken: the rest of a multi-line value is not indented), `[Tool result]` and
 * `[Thinking]` open parts that are skipped.
 */
function textEntries(text: string, summary: boolean): Entry[] {
  const entries: Entry[] = [];
  let role: "user" | "assistant" | undefined;
  let lines: string[] = [];
  let linesEnd = 0;
  let tool: { name: string; input: Obj; end: number } | undefined;
  let skipping = false;
  const flush = () => {
    if (tool) entries.push({ kind: "tool", ...tool });
    tool = undefined;
    if (role && lines.length) {
      const joined = lines.join("\n");
      const t = role === "user" ? promptOf(joined) : joined.trim();
      if (t) entries.push({ kind: "message", role, text: role === "assistant" && summary ? "" : t, end: linesEnd });
    }
    lines = [];
  };
  let bytes = 0;
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = text.length;
    const line = text.slice(start, nl).replace(/\r$/, "");
    bytes += Buffer.byteLength(text.slice(start, nl)) + (nl < text.length ? 1 : 0);
    start = nl + 1;
    const turn = ROLE_LINE.exec(line);
    if (turn) {
      flush();
      role = turn[1] === "user" ? "user" : "assistant";
      skipping = false;
      continue;
    }
    const call = TOOL_CALL.exec(line);
    if (call) {
      flush();
      tool = { name: call[1]!, input: {}, end: bytes };
      skipping = false;
      continue;
    }
    if (line.startsWith("[Tool result]") || line.startsWith("[Thinking]")) {
      flush();
      skipping = line.startsWith("[Tool result]");
      continue;
    }
    if (tool) {
      const arg = ARG_LINE.exec(line);
      if (arg && !(arg[1]! in tool.input)) {
        tool.input[arg[1]!] = arg[2]!;
        tool.end = bytes;
      }
      continue; // an argument, or the rest of a multi-line one
    }
    if (skipping || !role) continue;
    lines.push(line);
    if (line.trim() !== "") linesEnd = bytes;
  }
  flush();
  return entries;
}

export async function readCursorTranscript(path: string, opts: ReadOptions = {}): Promise<Trace> {
  let bytes: Uint8Array;
  let stat;
  try {
    // The stat comes after the read: every byte read was on disk by its modification time.
    ({ bytes, stat } = readRegular(path, LIMITS.whole));
  } catch (e) {
    throw new TranscriptError(path, (e as Error).message);
  }
  const id = transcriptId(path);
  if (!isTraceId(id)) throw new TranscriptError(path, "the session ID is not a valid trace ID");
  const text = Buffer.from(bytes).toString("utf8");
  const summary = opts.summary === true;
  const entries = path.endsWith(".txt") ? textEntries(text, summary) : jsonlEntries(text, summary).entries;
  const roots = opts.roots ?? [];

  // The workspace: from the paths the session used, else the folder name.
  const folder = projectFolderOf(path);
  const key = folder ? projectKey(folder) : "";
  const used: string[] = [];
  for (const e of entries) {
    if (e.kind !== "tool") continue;
    for (const p of [fileOf(e.input), str(e.input.working_directory)]) if (p?.startsWith("/")) used.push(p);
  }
  const cwd =
    workspaceFrom(used, key) ??
    (key ? (roots.find((r) => projectKey(r) === key) ?? guessWorkspace(folder!)) : undefined);

  const t = new TraceDraft("cursor", path, opts);
  t.id = id;
  t.cwd = cwd;
  const clock = new LineClock(opts.env, path, bytes.length, stat.mtimeMs);
  let first: number | undefined;
  for (const e of entries) {
    const atMs = clock.at(e.end);
    first ??= atMs;
    if (e.kind === "tool") {
      // Every line may share the file's time: say where the call stands among the messages.
      const call = cursorToolCall(e.name, e.input, new Date(atMs).toISOString(), cwd, roots);
      t.tools.push({ ...call, afterMessages: t.messages.length });
      if (call.kind === "edit") t.writes.push(...cursorWrites(e.name, e.input, call.paths?.[0], call.at));
    } else {
      // No time: the bound is no time a person would read as when the message was written.
      t.messages.push({ role: e.role, text: e.text });
      if (e.role === "user") t.titleFrom(e.text);
    }
  }
  clock.save();

  // The start: the file's creation when the system keeps it and it makes sense, else the
  // first line's bound when earlier reads gave one better than the last write.
  const born = stat.birthtimeMs > 0 && stat.birthtimeMs <= stat.mtimeMs ? stat.birthtimeMs : undefined;
  const startMs =
    born !== undefined
      ? Math.min(born, first ?? born)
      : first !== undefined && first < stat.mtimeMs
        ? first
        : undefined;
  if (startMs !== undefined) t.start = new Date(startMs).toISOString();
  t.end = new Date(stat.mtimeMs).toISOString();
  return t.finish();
}
