// The tools of `git traces mcp` (docs/mcp.md): their JSON schemas, and what each answers.
// Pure of the protocol: server.ts hands each call here and sends back what it returns. A
// request that cannot be answered is an McpRequestError (a tool error result), never a crash.

import * as v from "valibot";
import { blamePorcelain } from "../../git/blame.ts";
import { historyCommits } from "../../git/history.ts";
import { resolveCommit } from "../../git/repo.ts";
import { commitStamps } from "../../git/revisions.ts";
import { GitError } from "../../git/runner.ts";
import { isTraceId, type Message, type ToolCall, type Trace } from "../../traces/model.ts";
import { clipLine } from "../../traces/text.ts";
import { sharedForm } from "../../content/trace-json.ts";
import { matchTraceId, type AttachedTrace, type TraceUse } from "../attached.ts";
import { attributeBlame, type AttributedLine } from "../blame.ts";
import { parsePorcelain } from "../blame-porcelain.ts";
import { renderTraceMarkdown } from "../show-render.ts";
import { noteForJson, type CommitRef, type TraceView } from "../view.ts";
import type { McpRepo } from "./repo.ts";
import { MAX_ANSWER_CHARS, McpRequestError, safeAnswer } from "./safe.ts";

export interface ToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: {
    type: "object";
    properties: Record<string, unknown>;
    required?: string[];
    additionalProperties: false;
  };
}

/** The most lines one blame request covers. */
export const MAX_BLAME_LINES = 10_000;
const PROMPT_CHARS = 1_500;
/** Lines of one request whose text is looked for in transcripts; the others get the file's last edit. */
const MAX_SEARCHES = 500;

const positive = { type: "integer", minimum: 1 } as const;

export const TOOLS: readonly ToolDefinition[] = [
  {
    name: "traces_blame",
    title: "Why was this line written?",
    description:
      "For each line of a file in this repository: the agent session that wrote it (trace ID, agent, model, " +
      "title, commit), the user prompt that led to the edit and the edit call, or 'written by a person'. " +
      "Give {path, line} or {path, start, end}; rev blames the file as of a commit (default: the work tree).",
    inputSchema: {
      type: "object",
      properties: {
        path: { type: "string", description: "File path, relative to the repository's top" },
        line: { ...positive, description: "One line" },
        start: { ...positive, description: "First line of a range" },
        end: { ...positive, description: "Last line of a range (at most 10,000 lines)" },
        rev: { type: "string", description: "A commit to blame the file at (default: the work tree)" },
      },
      required: ["path"],
      additionalProperties: false,
    },
  },
  {
    name: "traces_show",
    title: "Show a session",
    description:
      "A whole agent session by trace ID (or a unique prefix of at least 4 characters), redacted: prompts, " +
      "replies, tool calls, the commits it landed in. format: markdown (default) or json.",
    inputSchema: {
      type: "object",
      properties: {
        id: { type: "string", description: "Trace ID or unique prefix" },
        format: { type: "string", enum: ["markdown", "json"] },
      },
      required: ["id"],
      additionalProperties: false,
    },
  },
  {
    name: "traces_log",
    title: "Commits and their sessions",
    description:
      "Commits, newest first, with the agent sessions attached to each. range: a revision or range " +
      "(default HEAD); path: only commits that touched it; limit: at most this many (default 20, at most 200).",
    inputSchema: {
      type: "object",
      properties: {
        range: { type: "string", description: "A revision or range, e.g. main..HEAD" },
        path: { type: "string", description: "Only commits that touched this path" },
        limit: { ...positive, maximum: 200 },
      },
      additionalProperties: false,
    },
  },
  {
    name: "traces_search",
    title: "Find sessions",
    description:
      "Agent sessions attached to this repository's commits whose prompts, titles, files or commands " +
      "contain the query (case-insensitive), newest first, with the commits they landed in.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", description: "Words to look for" },
        limit: { ...positive, maximum: 100 },
      },
      required: ["query"],
      additionalProperties: false,
    },
  },
];

const Int = v.pipe(v.number(), v.integer(), v.minValue(1));
const Schemas = {
  traces_blame: v.strictObject({
    path: v.string(),
    line: v.optional(Int),
    start: v.optional(Int),
    end: v.optional(Int),
    rev: v.optional(v.string()),
  }),
  traces_show: v.strictObject({ id: v.string(), format: v.optional(v.picklist(["markdown", "json"])) }),
  traces_log: v.strictObject({
    range: v.optional(v.string()),
    path: v.optional(v.string()),
    limit: v.optional(v.pipe(Int, v.maxValue(200))),
  }),
  traces_search: v.strictObject({ query: v.string(), limit: v.optional(v.pipe(Int, v.maxValue(100))) }),
};

type ToolName = keyof typeof Schemas;

export interface ToolAnswer {
  text: string;
  isError: boolean;
}

function parseArgs<N extends ToolName>(name: N, args: unknown): v.InferOutput<(typeof Schemas)[N]> {
  const r = v.safeParse(Schemas[name], args ?? {});
  if (r.success) return r.output as v.InferOutput<(typeof Schemas)[N]>;
  const issue = r.issues[0];
  const where = issue?.path?.map((p) => String(p.key)).join(".") ?? "";
  throw new McpRequestError(`invalid arguments for ${name}${where ? ` (${where})` : ""}: ${issue?.message}`, {
    tool: name,
  });
}

/** A revision from a request: a commit, never an option. */
function commitOf(repo: McpRepo, rev: string): string {
  if (rev === "" || rev.startsWith("-") || rev.includes("\0"))
    throw new McpRequestError(`'${clipLine(rev, 80)}' is not a revision`, { rev });
  const oid = resolveCommit(repo.git, rev);
  if (!oid) throw new McpRequestError(`'${clipLine(rev, 80)}' names no commit here`, { rev });
  return oid;
}

/** Answers one tool call. Never throws: a bad request is an error answer. */
export async function callTool(repo: McpRepo, name: string, args: unknown): Promise<ToolAnswer> {
  try {
    if (!Object.hasOwn(Schemas, name)) throw new McpRequestError(`unknown tool '${clipLine(name, 80)}'`, { name });
    // traces_blame reads the notes itself, while git blame works.
    if (name !== "traces_blame") repo.refresh();
    let text: string;
    if (name === "traces_blame") text = await blame(repo, parseArgs("traces_blame", args));
    else if (name === "traces_show") text = await show(repo, parseArgs("traces_show", args));
    else if (name === "traces_log") text = log(repo, parseArgs("traces_log", args));
    else text = await search(repo, parseArgs("traces_search", args));
    return { text: safeAnswer(text, repo.home), isError: false };
  } catch (e) {
    const message =
      e instanceof McpRequestError
        ? e.message
        : e instanceof GitError
          ? `git failed: ${e.message}`
          : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    return { text: safeAnswer(`error: ${message}`, repo.home, 4_000), isError: true };
  }
}

// --- traces_blame ----------------------------------------------------------------------------

/** The lines asked for; no end: to the end of the file (MAX_BLAME_LINES at most). */
function lineRange(a: { line?: number; start?: number; end?: number }): [number, number | null] {
  if (a.line !== undefined) {
    if (a.start !== undefined || a.end !== undefined)
      throw new McpRequestError("give either line, or start and end, not both");
    return [a.line, a.line];
  }
  const start = a.start ?? 1;
  const end = a.end ?? null;
  if (end !== null && end < start) throw new McpRequestError(`end (${end}) is before start (${start})`);
  if (end !== null && end - start + 1 > MAX_BLAME_LINES)
    throw new McpRequestError(`at most ${MAX_BLAME_LINES} lines per request; ask for a narrower range`);
  return [start, end];
}

/** git blame, with the notes read again (when they moved) while it works. */
async function runBlame(repo: McpRepo, path: string, range: [number, number | null], rev: string | null) {
  const proc = blamePorcelain(repo.git, ["-L", `${range[0]},${range[1] ?? ""}`, ...(rev ? [rev] : []), "--", path]);
  repo.refresh();
  const chunks: Buffer[] = [];
  for await (const chunk of proc.stdout) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  const status = await proc.done;
  if (status.exitCode !== 0) {
    const reason = status.stderr.trim().split("\n").pop() ?? "";
    throw new McpRequestError(`cannot blame '${path}': ${reason.replace(/^fatal: /, "")}`, { path });
  }
  return parsePorcelain(Buffer.concat(chunks).toString("latin1"));
}

/** Whether a tool call's path names the file (repo-relative, or absolute under the top). */
function namesFile(call: ToolCall, file: string, top: string): boolean {
  return (call.paths ?? []).some((p) => p === file || p === `${top}/${file}` || p.endsWith(`/${file}`));
}

/**
 * When a line's text first appears in a transcript (ms): the record (a JSONL line) that
 * holds it, JSON-escaped, and its `timestamp`. The trace model keeps which files a call
 * wrote, not what it wrote; the transcript has the text. Undefined when it cannot be told
 * (no transcript here, a line too short to be told apart, no time on the record).
 */
export function firstWritten(transcript: string, content: string): number | undefined {
  const text = content.trim();
  if (text.length < 6 || !/[A-Za-z0-9]/.test(text)) return undefined;
  const at = transcript.indexOf(JSON.stringify(text).slice(1, -1));
  if (at < 0) return undefined;
  const start = transcript.lastIndexOf("\n", at) + 1;
  const end = transcript.indexOf("\n", at);
  const record = transcript.slice(start, end < 0 ? transcript.length : end);
  const time = /"timestamp"\s*:\s*"([^"]+)"/.exec(record)?.[1];
  const ms = time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The edit of `file` that wrote a line and the last user message before it. The edit is
 * the last one of the file at or before `written` (when the line's text was first seen in
 * the transcript), else the session's last edit of the file before the commit (`before`, ms).
 */
export function editAndPrompt(
  trace: Trace,
  file: string,
  top: string,
  before: number,
  written?: number,
): { edit?: ToolCall; prompt?: Message } {
  let edit: ToolCall | undefined;
  let lastBefore: ToolCall | undefined;
  for (const call of trace.tools) {
    if (call.kind !== "edit" || !namesFile(call, file, top)) continue;
    const at = call.at ? Date.parse(call.at) : Number.NaN;
    if (!Number.isNaN(at) && at > before + 1000) continue;
    lastBefore = call;
    if (written !== undefined && (Number.isNaN(at) || at <= written + 1000)) edit = call;
  }
  edit ??= lastBefore;
  const users = trace.messages.filter((m) => m.role === "user");
  let prompt: Message | undefined;
  if (edit?.afterMessages !== undefined) {
    prompt = trace.messages.slice(0, edit.afterMessages).findLast((m) => m.role === "user");
  } else if (edit?.at) {
    const at = Date.parse(edit.at);
    prompt = users.findLast((m) => !m.at || Date.parse(m.at) <= at) ?? users[0];
  } else prompt = users.at(-1);
  return { ...(edit ? { edit } : {}), ...(prompt ? { prompt } : {}) };
}

function traceHead(t: AttachedTrace): string {
  const model = t.models[0] ? `, ${t.models[0]}` : "";
  const title = t.title ? ` "${clipLine(t.title, 120)}"` : "";
  return `session ${t.id} (${t.agent ?? t.source}${model})${title}`;
}

function quote(text: string, max: number): string {
  return clipLine(text.replace(/\s+/g, " ").trim(), max);
}

async function blame(repo: McpRepo, a: v.InferOutput<typeof Schemas.traces_blame>): Promise<string> {
  const path = repo.confine(a.path);
  const range = lineRange(a);
  const rev = a.rev !== undefined ? commitOf(repo, a.rev) : null;
  const parsed = await runBlame(repo, path, range, rev);
  const lines = attributeBlame(parsed, repo.attached);
  if (!lines.length) return `${path}: no lines from ${range[0]}`;
  if (lines.length > MAX_BLAME_LINES)
    throw new McpRequestError(`at most ${MAX_BLAME_LINES} lines per request; ask for a narrower range`);
  // Lines are taken in order until the answer is about as long as one may be: the sessions
  // of lines past that are never read (a whole file's blame names hundreds of sessions).
  let size = 0;
  let shown = 0;
  let previous = "";
  for (const l of lines) {
    if (size > MAX_ANSWER_CHARS) break;
    const k = `${l.sha} ${l.filename}`;
    if (k !== previous) size += 200 + 400 * l.traces.length;
    previous = k;
    size += l.content.length + 12;
    shown++;
  }
  const visible = lines.slice(0, shown);
  const sessions = await repo.sessionsOf([...new Set(visible.flatMap((l) => l.traces.map((t) => t.id)))]);
  // Per agent line, per trace: the edit that wrote it and the prompt before it.
  const found = new Map<AttributedLine, Found[]>();
  let searches = 0; // transcripts searched for a line's text: bounded, a transcript can be large
  // A line too short to be told apart (`}`, a blank) is taken to come from the same edit as
  // the line above it in the same commit and file.
  let above: { sha: string; filename: string; written: Map<string, number> } | undefined;
  // Runs of lines of the same commit, file and edits: what wrote them is told once.
  const callIds = new Map<ToolCall, number>();
  const callId = (call: ToolCall | undefined) => {
    if (!call) return -1;
    if (!callIds.has(call)) callIds.set(call, callIds.size);
    return callIds.get(call)!;
  };
  const key = (l: AttributedLine) =>
    `${l.sha} ${l.filename} ${(found.get(l) ?? []).map((f) => `${f.trace.id}@${callId(f.edit)}`).join(",")}`;
  const runs: AttributedLine[][] = [];
  let lastKey = "";
  for (const l of visible) {
    if (l.attribution === "agent") {
      const near = above && above.sha === l.sha && above.filename === l.filename ? above.written : undefined;
      const written = new Map<string, number>();
      found.set(
        l,
        l.traces.map((t) => {
          const trace = sessions.get(t.id)?.trace;
          if (!trace) return { trace: t };
          const transcript = repo.transcriptOf(t.id);
          let when: number | undefined;
          if (transcript !== null && searches < MAX_SEARCHES) {
            searches++;
            when = firstWritten(transcript, Buffer.from(l.content, "latin1").toString("utf8"));
          }
          when ??= near?.get(t.id);
          if (when !== undefined) written.set(t.id, when);
          return {
            trace: t,
            local: true,
            ...editAndPrompt(trace, l.filename, repo.top, l.commit.committerTime * 1000, when),
          };
        }),
      );
      above = { sha: l.sha, filename: l.filename, written };
    }
    const k = key(l);
    const last = runs.at(-1);
    if (last && k === lastKey && last.at(-1)!.line + 1 === l.line) last.push(l);
    else runs.push([l]);
    lastKey = k;
  }
  const out: string[] = [
    `${path}${rev ? ` at ${rev.slice(0, 12)}` : ""}, lines ${lines[0]!.line}-${lines.at(-1)!.line}:`,
  ];
  for (const run of runs) {
    const first = run[0]!;
    const span = run.length === 1 ? `line ${first.line}` : `lines ${first.line}-${run.at(-1)!.line}`;
    const c = first.commit;
    const commit = c.uncommitted
      ? "not committed yet"
      : `commit ${c.sha.slice(0, 12)} "${clipLine(c.summary, 100)}" by ${c.author}, ` +
        new Date(c.committerTime * 1000).toISOString();
    out.push("", `## ${span}: ${commit}`);
    if (first.attribution === "human") out.push("written by a person (no agent session is attached to this commit)");
    else if (first.attribution === "uncommitted") out.push("not committed yet: no session can be told");
    else {
      for (const f of found.get(first) ?? []) {
        const why = first.match === "commit" ? " (the note names the commit, not the file)" : "";
        out.push(`written by ${traceHead(f.trace)}${why}`);
        if (!f.local) {
          out.push("  the session itself is not on this machine: only its note is known");
          continue;
        }
        if (f.prompt) out.push(`  prompt: "${quote(f.prompt.text, PROMPT_CHARS)}"`);
        if (f.edit) {
          const where = (f.edit.paths ?? []).join(", ");
          out.push(`  edit: ${f.edit.name} ${where}${f.edit.at ? ` at ${f.edit.at}` : ""}`);
        }
      }
    }
    for (const l of run) out.push(`  ${l.line} | ${clipLine(Buffer.from(l.content, "latin1").toString("utf8"), 300)}`);
  }
  if (shown < lines.length) {
    const left = lines.length - shown;
    out.push(
      "",
      `[truncated: lines ${lines[shown]!.line}-${lines.at(-1)!.line} (${left} of ${lines.length}) were left out; ` +
        "ask for a narrower range]",
    );
  }
  return out.join("\n");
}

interface Found {
  trace: AttachedTrace;
  /** The session is here (its transcript, a snapshot or shared content). */
  local?: boolean;
  edit?: ToolCall;
  prompt?: Message;
}

// --- traces_show -----------------------------------------------------------------------------

function resolveId(repo: McpRepo, id: string): { id: string; use?: TraceUse } {
  if (!isTraceId(id)) throw new McpRequestError(`'${clipLine(id, 80)}' is not a valid trace ID`, { id });
  const matches = matchTraceId(repo.index, id);
  if (matches.length > 1) {
    const list = matches.slice(0, 20).map((u) => `  ${u.trace.id}`);
    throw new McpRequestError(
      `trace ID prefix '${id}' is ambiguous; it starts ${matches.length} IDs:\n${list.join("\n")}`,
    );
  }
  const [use] = matches;
  return use ? { id: use.trace.id, use } : { id };
}

async function show(repo: McpRepo, a: v.InferOutput<typeof Schemas.traces_show>): Promise<string> {
  const { id, use } = resolveId(repo, a.id);
  const local = (await repo.sessionsOf([id])).get(id) ?? {};
  if (!use && !local.trace) throw new McpRequestError(`no trace named '${clipLine(a.id, 80)}' here`, { id: a.id });
  const oids = use?.commits ?? [];
  const stamps = new Map(commitStamps(repo.git, oids).map((c) => [c.oid, c]));
  const commits: CommitRef[] = oids
    .map((oid) => ({
      oid,
      subject: stamps.get(oid)?.subject ?? "",
      time: Date.parse(stamps.get(oid)?.date ?? "") || 0,
    }))
    .sort((x, y) => x.time - y.time)
    .map(({ oid, subject }) => ({ oid, subject }));
  const trace = local.trace ? sharedForm(local.trace, repo.home) : undefined;
  const view: TraceView = {
    id,
    commits,
    ...(use ? { note: use.trace } : {}),
    ...(trace ? { trace, redacted: true } : {}),
    ...(trace && local.source && local.source !== "transcript" ? { source: local.source } : {}),
    ...(local.error && !trace ? { unreadable: local.error } : {}),
  };
  const onlyNote = trace
    ? ""
    : "This trace is known only from its note: its session is not on this machine, nor shared through git.\n\n";
  if (a.format === "json") {
    const json = {
      id,
      available: Boolean(trace),
      source: trace ? (local.source ?? "transcript") : null,
      commits,
      note: use ? noteForJson(use.trace) : null,
      trace: trace ?? null,
    };
    return `${onlyNote}${JSON.stringify(json, null, 1)}`;
  }
  return onlyNote + renderTraceMarkdown(view, { full: false });
}

// --- traces_log ------------------------------------------------------------------------------

function traceLine(t: AttachedTrace): string {
  const more = t.files && t.files.length > 10 ? ", …" : "";
  const files = t.files?.length ? ` files: ${t.files.slice(0, 10).join(", ")}${more}` : "";
  return `  - ${traceHead(t)}${files}`;
}

function log(repo: McpRepo, a: v.InferOutput<typeof Schemas.traces_log>): string {
  const path = a.path !== undefined ? repo.confine(a.path) : null;
  if (a.range !== undefined && (a.range === "" || a.range.startsWith("-") || a.range.includes("\0")))
    throw new McpRequestError(`'${clipLine(a.range, 80)}' is not a revision range`, { range: a.range });
  let commits: ReturnType<typeof historyCommits>;
  try {
    commits = historyCommits(repo.git, a.range ?? null, path, a.limit ?? 20);
  } catch (e) {
    if (e instanceof GitError)
      throw new McpRequestError(
        `git log rejected '${clipLine(a.range ?? "HEAD", 80)}': ${e.stderr.trim().split("\n")[0]}`,
      );
    throw e;
  }
  if (!commits.length) return "no commits";
  const out: string[] = [];
  for (const c of commits) {
    out.push(`${c.oid.slice(0, 12)} ${c.date} ${c.author}: ${clipLine(c.subject, 120)}`);
    const traces = repo.attached.get(c.oid) ?? [];
    if (!traces.length) out.push("  (no agent session: written by a person)");
    for (const t of traces) out.push(traceLine(t));
  }
  return out.join("\n");
}

// --- traces_search ---------------------------------------------------------------------------

async function search(repo: McpRepo, a: v.InferOutput<typeof Schemas.traces_search>): Promise<string> {
  const query = a.query.trim().toLowerCase();
  if (query === "") throw new McpRequestError("query must not be empty");
  const uses = [...repo.index.values()];
  const sessions = await repo.sessionsOf(uses.map((u) => u.trace.id));
  const hits: { use: TraceUse; time: string; why: string }[] = [];
  for (const use of uses) {
    const t = use.trace;
    const s = sessions.get(t.id)?.trace;
    const has = (text: string | undefined) => Boolean(text?.toLowerCase().includes(query));
    let why = "";
    if (has(t.title) || has(s?.title)) why = `title: ${t.title ?? s?.title}`;
    else if (t.files?.some(has)) why = `file: ${t.files.find(has)}`;
    else if (s) {
      const prompt = s.messages.find((m) => m.role === "user" && has(m.text));
      const call = s.tools.find((c) => has(c.command) || c.paths?.some(has));
      if (prompt) why = `prompt: "${quote(excerpt(prompt.text, query), 300)}"`;
      else if (call)
        why =
          call.command && has(call.command) ? `command: ${quote(call.command, 200)}` : `file: ${call.paths?.find(has)}`;
    }
    if (why) hits.push({ use, time: t.end ?? t.start ?? s?.end ?? s?.start ?? "", why });
  }
  hits.sort((x, y) => y.time.localeCompare(x.time));
  const shown = hits.slice(0, a.limit ?? 20);
  if (!shown.length) return `no session matches '${clipLine(a.query, 80)}'`;
  const stamps = new Map(
    commitStamps(repo.git, [...new Set(shown.flatMap((h) => h.use.commits))]).map((c) => [c.oid, c]),
  );
  const out = [
    `${hits.length} session${hits.length === 1 ? "" : "s"} ` +
      `match${hits.length > shown.length ? `; the newest ${shown.length}` : ""}:`,
  ];
  for (const h of shown) {
    out.push("", `${traceHead(h.use.trace)}${h.time ? ` ${h.time}` : ""}`, `  matched ${h.why}`);
    for (const oid of h.use.commits.slice(0, 10))
      out.push(`  landed in ${oid.slice(0, 12)} ${clipLine(stamps.get(oid)?.subject ?? "", 100)}`);
    if (h.use.commits.length > 10) out.push(`  … and ${h.use.commits.length - 10} more commits`);
  }
  return out.join("\n");
}

/** The part of a long text around the first match. */
function excerpt(text: string, query: string): string {
  const at = text.toLowerCase().indexOf(query);
  return at > 120 ? `…${text.slice(at - 100)}` : text;
}
