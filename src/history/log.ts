// What `git traces log` prints, as pure functions: each commit git listed, in git log's
// medium or one-line layout, with its traces under it; or one JSON object per commit,
// described by LogJsonSchema. Every text that came from a commit or a note is sanitised.

import * as v from "valibot";
import type { LogCommit } from "../git/log.ts";
import { sanitize, sanitizeLine, traceLine, type Paint } from "../cli/shared/render.ts";
import { TraceIdSchema } from "../traces/model.ts";
import type { AttachedTrace } from "./attached.ts";

export interface LogEntry {
  commit: LogCommit;
  traces: AttachedTrace[];
}

export interface LogLayout {
  oneline: boolean;
  /** Full or abbreviated commit IDs. */
  abbrevCommit: boolean;
  decorate: boolean;
  marks: boolean;
  reflog: boolean;
}

// --- JSON -------------------------------------------------------------------------------

export const AttachedTraceSchema = v.object({
  id: TraceIdSchema,
  source: v.picklist(["git-traces", "git-ai", "git-atrace", "hf-traces"]),
  url: v.optional(v.string()),
  agent: v.optional(v.string()),
  models: v.array(v.string()),
  title: v.optional(v.string()),
  files: v.optional(v.array(v.string())),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  tools: v.optional(v.record(v.string(), v.number())),
  tokens: v.optional(v.record(v.string(), v.number())),
});

export const LogCommitJsonSchema = v.object({
  commit: v.pipe(v.string(), v.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/)),
  parents: v.array(v.string()),
  author: v.object({ name: v.string(), email: v.string() }),
  /** Author date, strict ISO 8601. */
  date: v.string(),
  subject: v.string(),
  /** Branches and tags pointing at the commit (git's %D), empty when none. */
  refs: v.array(v.string()),
  traces: v.array(AttachedTraceSchema),
});
export type LogCommitJson = v.InferOutput<typeof LogCommitJsonSchema>;

/** `git traces log --json`: an array, one object per commit, in git log's order. */
export const LogJsonSchema = v.array(LogCommitJsonSchema);

function traceJson(t: AttachedTrace): v.InferOutput<typeof AttachedTraceSchema> {
  return {
    id: t.id,
    source: t.source,
    ...(t.url !== undefined ? { url: t.url } : {}),
    ...(t.agent !== undefined ? { agent: t.agent } : {}),
    models: t.models,
    ...(t.title !== undefined ? { title: t.title } : {}),
    ...(t.files !== undefined ? { files: t.files } : {}),
    ...(t.start !== undefined ? { start: t.start } : {}),
    ...(t.end !== undefined ? { end: t.end } : {}),
    ...(t.tools !== undefined ? { tools: t.tools } : {}),
    ...(t.tokens !== undefined ? { tokens: t.tokens } : {}),
  };
}

export function logJson(entries: readonly LogEntry[]): LogCommitJson[] {
  return entries.map(({ commit: c, traces }) => ({
    commit: c.oid,
    parents: c.parents,
    author: { name: c.authorName, email: c.authorEmail },
    date: c.authorDate,
    subject: c.subject,
    refs: c.refs === "" ? [] : c.refs.split(", "),
    traces: traces.map(traceJson),
  }));
}

// --- text -------------------------------------------------------------------------------

/** git's decoration, coloured the way git colours it: ` (HEAD -> main, tag: v1)`. */
function decoration(refs: string, paint: Paint): string {
  if (refs === "") return "";
  const parts = sanitizeLine(refs)
    .split(", ")
    .map((r) => {
      if (r.startsWith("HEAD -> ")) return `${paint.cyan(paint.bold("HEAD"))}${paint.yellow(" -> ")}${paint.green(paint.bold(r.slice(8)))}`;
      if (r === "HEAD") return paint.cyan(paint.bold(r));
      if (r.startsWith("tag: ")) return paint.yellow(paint.bold(r));
      return paint.green(paint.bold(r));
    });
  return ` ${paint.yellow("(")}${parts.join(paint.yellow(", "))}${paint.yellow(")")}`;
}

function commitId(c: LogCommit, layout: LogLayout): string {
  const mark = layout.marks || c.mark === "-" ? `${c.mark} ` : "";
  return `${mark}${layout.abbrevCommit ? c.abbrev : c.oid}`;
}

/** The message, indented four spaces as git log does (blank lines stay empty). */
function indented(message: string): string {
  const lines = sanitize(message).replace(/\n+$/, "").split("\n");
  return lines.map((l) => (l.trim() === "" ? "" : `    ${l}`)).join("\n");
}

const MAX_TITLE = 200;
const MAX_LABEL = 100;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A crafted note can hold megabytes in one field: a log line shows a bounded part of it. */
function bounded(t: AttachedTrace): AttachedTrace {
  return {
    ...t,
    ...(t.agent !== undefined ? { agent: clip(t.agent, MAX_LABEL) } : {}),
    models: t.models.slice(0, 1).map((m) => clip(m, MAX_LABEL)),
    ...(t.title !== undefined ? { title: clip(t.title, MAX_TITLE) } : {}),
  };
}

function medium(entry: LogEntry, layout: LogLayout, paint: Paint): string {
  const c = entry.commit;
  let out = `${paint.yellow(`commit ${commitId(c, layout)}`)}${layout.decorate ? decoration(c.refs, paint) : ""}\n`;
  if (c.abbrevParents.length > 1) out += `Merge: ${c.abbrevParents.join(" ")}\n`;
  if (layout.reflog && c.reflogSelector) {
    out += `Reflog: ${sanitizeLine(c.reflogSelector)} (${sanitizeLine(c.reflogIdent)})\n`;
    out += `Reflog message: ${sanitizeLine(c.reflogSubject)}\n`;
  }
  out += `Author: ${sanitizeLine(c.authorName)} <${sanitizeLine(c.authorEmail)}>\n`;
  out += `Date:   ${sanitizeLine(c.date)}\n`;
  const message = indented(c.message);
  out += `\n${message}${message ? "\n" : ""}`;
  if (entry.traces.length) {
    out += `\n${paint.bold("Traces:")}\n`;
    for (const t of entry.traces) {
      out += `    ${traceLine(bounded(t), paint)}\n`;
      if (t.url) out += `        ${paint.dim(sanitizeLine(clip(t.url, 2048)))}\n`;
    }
  }
  return out;
}

function oneline(entry: LogEntry, layout: LogLayout, paint: Paint): string {
  const c = entry.commit;
  const id = commitId(c, layout);
  const reflog = layout.reflog && c.reflogSelector ? `${sanitizeLine(c.reflogSelector)}: ${sanitizeLine(c.reflogSubject)}` : sanitizeLine(c.subject);
  let out = `${paint.yellow(id)}${layout.decorate ? decoration(c.refs, paint) : ""} ${reflog}\n`;
  const pad = " ".repeat(id.length + 1);
  for (const t of entry.traces) out += `${pad}${traceLine(bounded(t), paint)}\n`;
  return out;
}

/** One commit as text; entries are joined with a blank line in the medium layout, as git does. */
export function renderEntry(entry: LogEntry, layout: LogLayout, paint: Paint): string {
  return layout.oneline ? oneline(entry, layout, paint) : medium(entry, layout, paint);
}

export function renderLog(entries: readonly LogEntry[], layout: LogLayout, paint: Paint): string {
  const parts = entries.map((e) => renderEntry(e, layout, paint));
  return layout.oneline ? parts.join("") : parts.join("\n");
}

