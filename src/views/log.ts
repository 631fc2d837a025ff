// What `git traces log` prints, as pure functions: each commit git listed, in git log's
// medium or one-line layout, with its traces under it; or one JSON object per commit,
// described by LogJsonSchema (schemas.ts). Every text that came from a commit or a note is sanitised.

import type { LogCommit, LogText } from "../git/log.ts";
import { sanitize, sanitizeLine, traceLine, type Paint } from "./render.ts";
import type { AttachedTrace, LeftOut } from "./attached.ts";
import type { LogCommitJson } from "./schemas.ts";
import { clipLine } from "../traces/text.ts";
import { noteForJson } from "./view.ts";

export interface LogEntry {
  commit: LogCommit;
  traces: AttachedTrace[];
  /** The commit's notes that named more traces than are read from one note. */
  leftOut?: readonly LeftOut[];
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

/** LogJsonSchema (schemas.ts): one object per commit. */
export function logJson(entries: readonly LogEntry[]): LogCommitJson[] {
  return entries.map(({ commit: c, traces, leftOut }) => ({
    commit: c.oid,
    parents: c.parents,
    author: { name: c.authorName, email: c.authorEmail },
    date: c.authorDate,
    subject: c.subject,
    refs: c.refs === "" ? [] : c.refs.split(", "),
    traces: traces.map(noteForJson),
    ...(leftOut?.length ? { leftOut: leftOut.map((l) => ({ ...l })) } : {}),
  }));
}

// --- text -------------------------------------------------------------------------------

/** git's decoration, coloured the way git colours it: ` (HEAD -> main, tag: v1)`. */
function decoration(refs: string, paint: Paint): string {
  if (refs === "") return "";
  const parts = sanitizeLine(refs)
    .split(", ")
    .map((r) => {
      if (r.startsWith("HEAD -> "))
        return `${paint.cyan(paint.bold("HEAD"))}${paint.yellow(" -> ")}${paint.green(paint.bold(r.slice(8)))}`;
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

/** A crafted note can hold megabytes in one field: a log line shows a bounded part of it. */
function bounded(t: AttachedTrace): AttachedTrace {
  return {
    ...t,
    ...(t.agent !== undefined ? { agent: clipLine(t.agent, MAX_LABEL) } : {}),
    models: t.models.slice(0, 1).map((m) => clipLine(m, MAX_LABEL)),
    ...(t.title !== undefined ? { title: clipLine(t.title, MAX_TITLE) } : {}),
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
  return out + tracesBlock(entry.traces, paint);
}

/** The block under a commit's message in the medium layout: one line per trace, its URL under it. */
function tracesBlock(traces: readonly AttachedTrace[], paint: Paint): string {
  if (traces.length === 0) return "";
  let out = `\n${paint.bold("Traces:")}\n`;
  for (const t of traces) {
    out += `    ${traceLine(bounded(t), paint)}\n`;
    if (t.url) out += `        ${paint.dim(clipLine(t.url, 2048))}\n`;
  }
  return out;
}

const HEAD_LINE = /^commit ((?:[<>=+-] )?[0-9a-f]+)(?: \((.*)\))?$/;

/**
 * A commit as git log printed it (git's medium layout, streamLogText), made safe, coloured
 * as git colours it, with its Traces: block.
 */
export function renderGitText(entry: { commit: LogText; traces: AttachedTrace[] }, paint: Paint): string {
  let text = sanitize(entry.commit.text);
  if (!text.endsWith("\n")) text += "\n";
  const nl = text.indexOf("\n");
  const head = HEAD_LINE.exec(text.slice(0, nl));
  // git coloured nothing (color.ui=never): the first line is painted here, as git paints it.
  if (head)
    text =
      `${paint.yellow(`commit ${head[1]}`)}` +
      `${head[2] !== undefined ? decoration(head[2], paint) : ""}${text.slice(nl)}`;
  return text + tracesBlock(entry.traces, paint);
}

function oneline(entry: LogEntry, layout: LogLayout, paint: Paint): string {
  const c = entry.commit;
  const id = commitId(c, layout);
  const reflog =
    layout.reflog && c.reflogSelector
      ? `${sanitizeLine(c.reflogSelector)}: ${sanitizeLine(c.reflogSubject)}`
      : sanitizeLine(c.subject);
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

/** git's own colours (SGR sequences); everything else that is a control character is made visible. */
const SGR = /(\u001b\[[0-9;]*m)/;

function sanitizeKeepingColour(text: string): string {
  return text
    .split(SGR)
    .map((part, i) => (i % 2 ? part : sanitize(part)))
    .join("");
}

/** The graph columns of a --graph line, carried on under the commit (`| * ` -> `| | `). */
function graphPrefix(text: string): string {
  const lines = text.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
  const last = lines.filter((l) => l.trim()).at(-1) ?? "";
  const m = /^[|*\\/_ .-]*?(?=[^|*\\/_ .-]|$)/.exec(last);
  const cols = (m?.[0] ?? "").replace(/[*\\/_.-]/g, "|");
  return /[|]/.test(cols) ? cols.replace(/\s*$/, " ") : "";
}

/**
 * A commit as git rendered it with the user's own options (-p, --stat, --graph, --format),
 * made safe (git's colours kept), with its traces under it: the Traces: block after a
 * message layout, indented lines after a one-line format; in the graph's columns.
 */
export function renderRendered(
  entry: { commit: LogText; traces: AttachedTrace[] },
  paint: Paint,
  opts: { compact: boolean; graph: boolean },
): string {
  const text = sanitizeKeepingColour(entry.commit.text);
  const prefix = opts.graph ? graphPrefix(text) : "";
  // Under --graph the blank line between commits carries the graph's columns, as git draws it.
  let end = entry.commit.end ?? "";
  if (end && prefix && text.endsWith("\n")) end = `${prefix}${end}`;
  if (!entry.traces.length) return text + end;
  const lines: string[] = opts.compact ? [] : ["", paint.bold("Traces:")];
  for (const t of entry.traces) {
    lines.push(`    ${traceLine(bounded(t), paint)}`);
    if (t.url && !opts.compact) lines.push(`        ${paint.dim(clipLine(t.url, 2048))}`);
  }
  const block = lines.map((l) => `${prefix}${l}`.trimEnd()).join("\n");
  // A layout with a body ends in a newline and is followed by a blank line: the block goes
  // between; a one-line format's line gets its traces under it.
  return text.endsWith("\n") ? `${text}${block}\n${end}` : `${text}\n${block}\n`;
}
