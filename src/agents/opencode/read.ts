// An OpenCode session into a Trace, from either store (db.ts): a row of opencode.db's
// `session` table with its `message` and `part` rows (whose `data` column holds the record
// as JSON, less the IDs kept in columns), or the JSON tree's session file with
// storage/message/<session>/msg_*.json and storage/part/<message>/prt_*.json. Both give the
// same records, read by one function. Record types and fields: the OpenCode fixture's
// README. Unknown part types, tools and fields are ignored; every value is checked.

import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { absolute, relativize } from "../shared/paths.ts";
import { lenient, TextSchema } from "../shared/schemas.ts";
import { TraceDraft } from "../shared/trace-draft.ts";
import { opencodeWrites } from "./writes.ts";
import { LIMITS, readRegularText } from "../shared/safe-file.ts";
import { patchFiles } from "../codex/read.ts";
import { isTraceId, type ToolCall, type Trace } from "../../traces/model.ts";
import { TranscriptError, type ReadOptions } from "../types.ts";
import { OpencodeDbError, parseLocator, withDatabase } from "./db.ts";
import { count, isObj, type Obj, parseJson, str } from "../shared/json.ts";

/** Epoch milliseconds are plausible after 2000 and before 2200. */
const [MS_AFTER, MS_BEFORE] = [946_684_800_000, 7_258_118_400_000];
/** Epoch milliseconds, when plausible. */
const ms = (x: unknown): number | undefined => (typeof x === "number" && x > MS_AFTER && x < MS_BEFORE ? x : undefined);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** IDs of messages and parts name folders and files of the JSON tree. */
const SAFE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

// The session itself, one record per read: checked with valibot. Every field is lenient
// (schemas.ts): a value of another type, or a time that is not plausible, reads as absent.
const MillisSchema = v.pipe(v.number(), v.gtValue(MS_AFTER), v.ltValue(MS_BEFORE));
const SESSION_FIELDS = { directory: lenient(TextSchema), title: lenient(TextSchema), version: lenient(TextSchema) };

/** The session's row in opencode.db (the columns readFromDb selects). */
const SessionRowSchema = v.looseObject({
  ...SESSION_FIELDS,
  time_created: lenient(MillisSchema),
  time_updated: lenient(MillisSchema),
});

/** The session's file in the JSON tree. */
const SessionFileSchema = v.looseObject({
  id: lenient(TextSchema),
  ...SESSION_FIELDS,
  time: lenient(v.looseObject({ created: lenient(MillisSchema), updated: lenient(MillisSchema) })),
});

/** The session as both stores give it: the row's shape, with its ID. */
type SessionInfo = v.InferOutput<typeof SessionRowSchema> & { id: string };

interface MessageRecord {
  id: string;
  data: Obj;
}

interface PartRecord {
  messageId: string;
  data: Obj;
}

interface Records {
  session: SessionInfo;
  messages: MessageRecord[];
  parts: PartRecord[];
  transcript: string;
}

// --- the common mapping ------------------------------------------------------------------

const EDIT_TOOLS = new Set(["edit", "write", "multiedit"]);
const PATCH_TOOLS = new Set(["patch", "apply_patch"]);

export function opencodeToolCall(
  name: string,
  input: Obj,
  at: string | undefined,
  cwd: string | undefined,
  roots: readonly string[],
): ToolCall {
  const file = str(input.filePath) ?? str(input.file_path) ?? str(input.path);
  const paths = file ? [relativize(absolute(file, cwd), roots)] : undefined;
  if (name === "read") return { kind: "read", name, at, paths };
  if (EDIT_TOOLS.has(name)) return { kind: "edit", name, at, paths };
  if (PATCH_TOOLS.has(name)) {
    const patch = str(input.patchText) ?? str(input.patch) ?? "";
    return { kind: "edit", name, at, paths: patchFiles(patch).map((f) => relativize(absolute(f, cwd), roots)) };
  }
  if (name === "bash") return { kind: "shell", name, at, command: str(input.command) };
  if (name === "webfetch") return { kind: "web_fetch", name, at, url: str(input.url) };
  if (name === "websearch" || name === "codesearch") return { kind: "web_search", name, at, query: str(input.query) };
  const detail = str(input.description) ?? str(input.pattern) ?? str(input.subagent_type) ?? file;
  return { kind: "other", name, at, ...(detail ? { detail } : {}) };
}

/** Text parts the person typed or the model wrote (not OpenCode's own synthetic ones). */
function textOf(parts: readonly Obj[]): string | undefined {
  const texts = parts
    .filter((p) => p.type === "text" && p.synthetic !== true && p.ignored !== true)
    .map((p) => str(p.text) ?? "");
  const text = texts.filter((t) => t.trim() !== "").join("\n\n");
  return text === "" ? undefined : text;
}

function buildTrace(r: Records, opts: ReadOptions): Trace {
  const { session } = r;
  const t = new TraceDraft("opencode", r.transcript, opts);
  t.id = session.id;
  t.agentVersion = session.version;
  t.cwd = session.directory;
  const { roots, tokens } = t;
  const partsOf = new Map<string, Obj[]>();
  for (const p of r.parts) {
    const list = partsOf.get(p.messageId);
    if (list) list.push(p.data);
    else partsOf.set(p.messageId, [p.data]);
  }
  const messages = r.messages
    .map((m) => ({ ...m, created: ms(isObj(m.data.time) ? m.data.time.created : undefined) }))
    .sort((a, b) => (a.created ?? 0) - (b.created ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  let first = session.time_created;
  let last = session.time_updated;
  const seen = (time: number | undefined) => {
    if (time === undefined) return;
    if (first === undefined || time < first) first = time;
    if (last === undefined || time > last) last = time;
  };

  for (const m of messages) {
    const data = m.data;
    const time = isObj(data.time) ? data.time : {};
    seen(m.created);
    seen(ms(time.completed));
    const parts = partsOf.get(m.id) ?? [];
    const at = iso(m.created);
    if (data.role === "user") {
      const text = textOf(parts);
      if (text !== undefined) {
        t.titleFrom(text);
        t.messages.push({ role: "user", text: t.summary ? "" : text, ...(at ? { at } : {}) });
      }
      if (!t.provider && isObj(data.model)) t.provider = str(data.model.providerID);
      continue;
    }
    if (data.role !== "assistant") continue;
    const model = str(data.modelID);
    t.usedModel(model);
    t.provider ??= str(data.providerID);
    if (!t.cwd && isObj(data.path)) t.cwd = str(data.path.cwd);
    if (isObj(data.tokens)) {
      const n = data.tokens;
      tokens.input += count(n.input);
      tokens.output += count(n.output);
      tokens.reasoning += count(n.reasoning);
      if (isObj(n.cache)) {
        tokens.cacheRead += count(n.cache.read);
        tokens.cacheWrite += count(n.cache.write);
      }
    }
    const text = textOf(parts);
    if (text !== undefined)
      t.messages.push({
        role: "assistant",
        text: t.summary ? "" : text,
        ...(at ? { at } : {}),
        ...(model ? { model } : {}),
      });
    for (const p of parts) {
      if (p.type !== "tool") continue;
      const name = str(p.tool);
      if (!name) continue;
      const state = isObj(p.state) ? p.state : {};
      const started = isObj(state.time) ? ms(state.time.start) : undefined;
      seen(started);
      seen(isObj(state.time) ? ms(state.time.end) : undefined);
      const input = isObj(state.input) ? state.input : {};
      const call = opencodeToolCall(name, input, iso(started) ?? at, t.cwd, roots);
      t.tools.push(call);
      if (call.kind === "edit" && state.status !== "error") {
        const resolve = (f: string) => relativize(absolute(f, t.cwd), roots);
        t.writes.push(...opencodeWrites(name, input, call.paths?.[0], call.at, resolve));
      }
    }
  }
  if (session.title) t.titleFrom(session.title);
  t.start = iso(first);
  t.end = iso(last);
  return t.finish();
}

// --- opencode.db -------------------------------------------------------------------------

/**
 * A summary takes from each part only what a note needs, extracted by SQLite itself: tool
 * outputs and file contents (the bulk of the table) never reach JavaScript. Rows whose
 * JSON is damaged are left out instead of failing the query.
 */
const SUMMARY_PARTS = `SELECT message_id, data ->> '$.type' AS type, data ->> '$.tool' AS tool,
  data -> '$.state.input' AS input,
  data ->> '$.state.time.start' AS started, data ->> '$.state.time.end' AS ended,
  CASE WHEN data ->> '$.type' = 'text' THEN data ->> '$.text' END AS text,
  data ->> '$.synthetic' AS synthetic, data ->> '$.ignored' AS ignored
  FROM part WHERE session_id = ?1 AND json_valid(data) ORDER BY id`;

interface SummaryPartRow {
  message_id: unknown;
  type: unknown;
  tool: unknown;
  input: unknown;
  started: unknown;
  ended: unknown;
  text: unknown;
  synthetic: unknown;
  ignored: unknown;
}

function summaryPart(row: SummaryPartRow): Obj {
  if (row.type === "tool")
    return {
      type: "tool",
      tool: row.tool,
      state: { input: parseJson(row.input), time: { start: row.started, end: row.ended } },
    };
  if (row.type === "text")
    return { type: "text", text: row.text, synthetic: row.synthetic === 1, ignored: row.ignored === 1 };
  return { type: row.type };
}

function readFromDb(locator: string, dbPath: string, id: string, opts: ReadOptions): Records {
  if (!isTraceId(id)) throw new TranscriptError(locator, "the session ID is not a valid trace ID");
  if (Bun.file(dbPath).size === 0) throw new TranscriptError(locator, "the database is missing or empty");
  try {
    return withDatabase(dbPath, (db) =>
      // One read transaction: the three tables as of one moment, whatever OpenCode writes meanwhile.
      db.transaction(() => {
        const row: unknown = db
          .prepare("SELECT id, directory, title, version, time_created, time_updated FROM session WHERE id = ?1")
          .get(id);
        const parsed = v.safeParse(SessionRowSchema, row);
        if (!parsed.success) throw new TranscriptError(locator, "no such session in the database");
        const session: SessionInfo = { ...parsed.output, id };
        const messages: MessageRecord[] = [];
        for (const m of db.prepare("SELECT id, data FROM message WHERE session_id = ?1").all(id) as {
          id: unknown;
          data: unknown;
        }[]) {
          const data = parseJson(m.data);
          if (typeof m.id === "string" && isObj(data)) messages.push({ id: m.id, data });
        }
        const parts: PartRecord[] = [];
        if (opts.summary) {
          for (const p of db.prepare(SUMMARY_PARTS).all(id) as SummaryPartRow[])
            if (typeof p.message_id === "string") parts.push({ messageId: p.message_id, data: summaryPart(p) });
        } else {
          for (const p of db.prepare("SELECT message_id, data FROM part WHERE session_id = ?1 ORDER BY id").all(id) as {
            message_id: unknown;
            data: unknown;
          }[]) {
            const data = parseJson(p.data);
            if (typeof p.message_id === "string" && isObj(data)) parts.push({ messageId: p.message_id, data });
          }
        }
        return { session, messages, parts, transcript: dbPath };
      })(),
    );
  } catch (e) {
    if (e instanceof TranscriptError) throw e;
    throw new TranscriptError(
      locator,
      e instanceof OpencodeDbError ? e.reason : String((e as Error)?.message ?? e).split("\n")[0]!,
    );
  }
}

// --- the JSON tree -------------------------------------------------------------------------

/** A record file of the tree, when it is a regular file holding JSON (safe-file.ts). */
function readJson(path: string): unknown {
  try {
    return parseJson(readRegularText(path, LIMITS.whole));
  } catch {
    return undefined;
  }
}

/** Files `<dir>/<prefix>*.json` in name order (IDs sort by time), or none. */
function recordFiles(dir: string, prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith(".json"))
    .sort()
    .map((n) => join(dir, n));
}

function readFromTree(path: string): Records {
  // <storage>/session/<project>/<id>.json
  const name = path.slice(path.lastIndexOf("/") + 1);
  let text: string;
  try {
    text = readRegularText(path, LIMITS.whole);
  } catch (e) {
    throw new TranscriptError(path, (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (e as Error).message);
  }
  if (text.trim() === "") throw new TranscriptError(path, "empty");
  const parsed = v.safeParse(SessionFileSchema, parseJson(text));
  const info = parsed.success ? parsed.output : {};
  const id = info.id ?? name.replace(/\.json$/, "");
  if (!isTraceId(id)) throw new TranscriptError(path, "the session ID is not a valid trace ID");
  const session: SessionInfo = {
    id,
    directory: info.directory,
    title: info.title,
    version: info.version,
    time_created: info.time?.created,
    time_updated: info.time?.updated,
  };

  const storage = dirname(dirname(dirname(path)));
  const messages: MessageRecord[] = [];
  const parts: PartRecord[] = [];
  for (const file of recordFiles(join(storage, "message", id), "msg_")) {
    const data = readJson(file);
    if (!isObj(data)) continue;
    const messageId = str(data.id) ?? file.slice(file.lastIndexOf("/") + 1, -".json".length);
    if (!SAFE_NAME.test(messageId)) continue;
    messages.push({ id: messageId, data });
    for (const pf of recordFiles(join(storage, "part", messageId), "prt_")) {
      const part = readJson(pf);
      if (isObj(part)) parts.push({ messageId, data: part });
    }
  }
  return { session, messages, parts, transcript: path };
}

export async function readOpencodeSession(path: string, opts: ReadOptions = {}): Promise<Trace> {
  const loc = parseLocator(path);
  const records = loc ? readFromDb(path, loc.db, loc.id, opts) : readFromTree(path);
  return buildTrace(records, opts);
}
