// What `git traces list` shows, as pure functions: the sessions of a repository (found on
// this machine, or only named in its notes), newest first, each with the commits it is
// attached to; grouped by repository for --all. Text for a terminal (aligned, coloured,
// relative times), tab-separated rows for a pipe (RFC 3339 times), or JSON (ListJsonSchema
// in schemas.ts).

import type { CommitSummary } from "../git/log.ts";
import { sanitizeLine, shortCommit, traceLine, type Paint } from "./render.ts";
import type { Trace } from "../traces/model.ts";
import type { AttachedTrace, NoteSource, TraceUse } from "./attached.ts";
import type { FoundSession } from "./discovered.ts";
import { NOTE_SOURCES, type RepositoryGroup, type SessionCommit, type SessionRow } from "./schemas.ts";
import { clipLine } from "../traces/text.ts";

export type { RepositoryGroup, SessionRow };

// --- building rows ----------------------------------------------------------------------

/** Per trace ID, the sources whose notes name it. */
export function sourcesById(attached: ReadonlyMap<string, AttachedTrace[]>): Map<string, Set<NoteSource>> {
  const out = new Map<string, Set<NoteSource>>();
  for (const traces of attached.values()) {
    for (const t of traces) {
      const set = out.get(t.id) ?? new Set<NoteSource>();
      set.add(t.source);
      out.set(t.id, set);
    }
  }
  return out;
}

function commitRefs(commits: readonly string[], summaries: ReadonlyMap<string, CommitSummary>): SessionCommit[] {
  return commits
    .map((oid) => {
      const s = summaries.get(oid);
      return {
        oid,
        abbrev: s?.abbrev ?? null,
        subject: s?.subject ?? null,
        date: s ? new Date(s.time * 1000).toISOString() : null,
      };
    })
    .sort((a, b) => (b.date ?? "").localeCompare(a.date ?? ""));
}

function definedOnly<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, val]) => val !== undefined)) as T;
}

function fromTranscript(s: FoundSession): Omit<SessionRow, "attachedBy" | "commits"> {
  const t: Partial<Trace> = s.trace ?? {};
  return definedOnly({
    id: s.ref.id,
    agent: s.ref.agent,
    title: t.title || undefined,
    models: t.models ?? [],
    start: t.start,
    end: t.end,
    // The transcript's last record; its file time when it has none (a copy moves file times).
    lastActivity: t.end ?? new Date(s.ref.mtimeMs).toISOString(),
    cwd: s.ref.cwd ?? t.cwd,
    transcript: s.ref.path,
  });
}

function fromNotes(t: AttachedTrace): Omit<SessionRow, "attachedBy" | "commits"> {
  return definedOnly({
    id: t.id,
    agent: t.agent,
    title: t.title,
    models: t.models,
    start: t.start,
    end: t.end,
    lastActivity: t.end ?? t.start,
    transcript: null,
    url: t.url,
  });
}

export interface RowsInput {
  found: readonly FoundSession[];
  /** traceIndex() of the repository's notes. */
  index: ReadonlyMap<string, TraceUse>;
  sources: ReadonlyMap<string, ReadonlySet<NoteSource>>;
  summaries: ReadonlyMap<string, CommitSummary>;
  /** Also the sessions only the notes know (their transcript is elsewhere). */
  notesOnly: boolean;
}

/** The sessions, newest first; a session on this machine and in the notes is one row. */
export function sessionRows(input: RowsInput): SessionRow[] {
  const rows: SessionRow[] = [];
  const seen = new Set<string>();
  for (const s of input.found) {
    seen.add(s.ref.id);
    const use = input.index.get(s.ref.id);
    const row: SessionRow = {
      ...fromTranscript(s),
      attachedBy: sortedSources(input.sources.get(s.ref.id)),
      commits: commitRefs(use?.commits ?? [], input.summaries),
    };
    if (use?.trace.url) row.url = use.trace.url;
    if (!row.title && use?.trace.title) row.title = use.trace.title;
    if (!row.models.length && use?.trace.models.length) row.models = use.trace.models;
    rows.push(row);
  }
  if (input.notesOnly) {
    for (const [id, use] of input.index) {
      if (seen.has(id)) continue;
      rows.push({
        ...fromNotes(use.trace),
        attachedBy: sortedSources(input.sources.get(id)),
        commits: commitRefs(use.commits, input.summaries),
      });
    }
  }
  return rows.sort(newestFirst);
}

function sortedSources(set: ReadonlySet<NoteSource> | undefined): NoteSource[] {
  return NOTE_SOURCES.filter((s) => set?.has(s));
}

/** Newest last activity first (a session without one: by its newest commit), then by ID. */
export function newestFirst(a: SessionRow, b: SessionRow): number {
  const ta = a.lastActivity ?? a.commits[0]?.date ?? "";
  const tb = b.lastActivity ?? b.commits[0]?.date ?? "";
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Groups newest first, by their newest session. */
export function sortGroups(groups: RepositoryGroup[]): RepositoryGroup[] {
  const newest = (g: RepositoryGroup) => g.sessions[0]?.lastActivity ?? "";
  return groups.sort((a, b) => (newest(a) < newest(b) ? 1 : newest(a) > newest(b) ? -1 : a.key.localeCompare(b.key)));
}

// --- text -------------------------------------------------------------------------------

export interface ListView {
  paint: Paint;
  now: Date;
}

/** "3 hours ago", as a terminal shows a time. */
export function relativeTime(iso: string, now: Date): string {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return "";
  const s = Math.round((now.getTime() - then) / 1000);
  if (s < 0) return iso.slice(0, 10);
  const steps: [number, string][] = [
    [60, "second"],
    [60, "minute"],
    [24, "hour"],
    [30, "day"],
    [12, "month"],
    [Infinity, "year"],
  ];
  if (s < 45) return "just now";
  let n = s;
  for (const [size, unit] of steps) {
    if (n < size) return `${n} ${unit}${n === 1 ? "" : "s"} ago`;
    n = Math.floor(n / size);
  }
  return iso.slice(0, 10);
}

function asAttached(row: SessionRow): AttachedTrace {
  return {
    id: row.id,
    // Known from its transcript, or our notes: its own agent name; else the tool that named it.
    source:
      row.transcript !== null || row.attachedBy.includes("git-traces")
        ? "git-traces"
        : (row.attachedBy[0] ?? "git-traces"),
    models: row.models,
    ...(row.agent !== undefined ? { agent: row.agent } : {}),
    ...(row.title !== undefined ? { title: clipLine(row.title, 200) } : {}),
  };
}

function block(row: SessionRow, view: ListView, indent: string): string {
  const { paint } = view;
  let out = `${indent}${traceLine(asAttached(row), paint)}\n`;
  const status: string[] = [];
  if (row.lastActivity) status.push(relativeTime(row.lastActivity, view.now));
  if (row.transcript === null) status.push("transcript not on this machine");
  if (status.length) out += `${indent}    ${paint.dim(status.filter(Boolean).join(", "))}\n`;
  if (!row.commits.length) out += `${indent}    ${paint.dim("not attached")}\n`;
  for (const c of row.commits)
    out +=
      `${indent}    ${paint.yellow(c.abbrev ?? shortCommit(c.oid))} ` +
      `${c.subject !== null ? sanitizeLine(c.subject) : paint.dim("(commit not in this repository)")}\n`;
  return out;
}

export function renderSessions(rows: readonly SessionRow[], view: ListView): string {
  return rows.map((r) => block(r, view, "")).join("\n");
}

export function renderGroups(groups: readonly RepositoryGroup[], view: ListView): string {
  const { paint } = view;
  return groups
    .map((g) => {
      const where = g.git
        ? g.remote
          ? ` ${paint.dim(`(${sanitizeLine(g.path)})`)}`
          : ""
        : ` ${paint.dim("(not a git repository)")}`;
      return `${paint.bold(sanitizeLine(g.key))}${where}\n${g.sessions.map((r) => block(r, view, "  ")).join("\n")}`;
    })
    .join("\n");
}
