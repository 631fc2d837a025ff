// `git traces summary <range>`: what a pull-request bot would post about a range of
// commits. Pure aggregation: the commits, what their notes say, and the sessions whose
// transcripts are on this machine in; one Summary out (renderers in summary-render.ts).
// A trace counts once however many commits of the range name it; commits no note names
// are the humans' (merges apart).

import * as v from "valibot";
import { TOOL_KINDS, type ToolKind, type Trace } from "../traces/model.ts";
import { zeroKinds } from "../traces/tool-kinds.ts";
import type { AttachedTrace, LeftOut, NoteSource } from "./attached.ts";
import { LeftOutListSchema, NOTE_SOURCES } from "./schemas.ts";
import { TOKEN_KINDS, tokensOf, toolKinds, type TokenCounts } from "./view.ts";

export interface RangeCommit {
  oid: string;
  subject: string;
  parents: string[];
}

export interface SummaryInput {
  /** The range as the user gave it (`origin/main..HEAD`). */
  range: string;
  /** The commits of the range, oldest first. */
  commits: readonly RangeCommit[];
  /** The traces each commit's notes name. */
  attached: ReadonlyMap<string, readonly AttachedTrace[]>;
  /** Sessions whose transcripts are on this machine, by trace ID. */
  sessions: ReadonlyMap<string, Trace>;
  /** Notes of the range that named more traces than are read from one note. */
  leftOut?: readonly LeftOut[];
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const KindCountsSchema = v.object(
  Object.fromEntries(TOOL_KINDS.map((k) => [k, count])) as Record<ToolKind, typeof count>,
);
const TokensSchema = v.object(
  Object.fromEntries(TOKEN_KINDS.map((k) => [k, count])) as Record<(typeof TOKEN_KINDS)[number], typeof count>,
);

export const SummarySchema = v.object({
  range: v.string(),
  commits: v.object({
    total: count,
    /** Commits at least one note names a trace on. */
    withTraces: count,
    /** Commits without traces that are not merges. */
    human: count,
    /** Merge commits without traces. */
    merges: count,
  }),
  agents: v.array(v.object({ agent: v.string(), source: v.picklist(NOTE_SOURCES), commits: count, traces: count })),
  models: v.array(v.object({ model: v.string(), agents: v.array(v.string()), commits: count, traces: count })),
  tools: v.object({ ...KindCountsSchema.entries, total: count }),
  web: v.object({
    fetched: v.array(v.object({ url: v.string(), count })),
    searches: v.array(v.object({ query: v.string(), count })),
    /** Traces whose transcript is here: only those tell which pages and searches. */
    tracesWithContent: count,
  }),
  files: v.array(v.object({ path: v.string(), traces: v.array(v.string()) })),
  tokens: TokensSchema,
  traces: v.array(
    v.object({
      id: v.string(),
      source: v.picklist(NOTE_SOURCES),
      agent: v.nullable(v.string()),
      models: v.array(v.string()),
      title: v.nullable(v.string()),
      url: v.nullable(v.string()),
      /** Commits of the range that name it, oldest first. */
      commits: v.array(v.string()),
      /** Whether its transcript is on this machine. */
      available: v.boolean(),
      /** Seconds from the session's first record to its last, when both are known. */
      durationS: v.nullable(count),
      /** Its tokens, when its transcript or note says. */
      tokens: v.nullable(TokensSchema),
    }),
  ),
  humanCommits: v.array(v.object({ oid: v.string(), subject: v.string() })),
  leftOut: LeftOutListSchema,
});
export type Summary = v.InferOutput<typeof SummarySchema>;

interface Seen {
  trace: AttachedTrace;
  commits: string[];
  session?: Trace;
}

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Whole seconds between two ISO times; null when either is missing or they make no sense. */
export function durationOf(start: string | undefined, end: string | undefined): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : null;
}

export function summarize(input: SummaryInput): Summary {
  const traces = new Map<string, Seen>();
  let withTraces = 0;
  let merges = 0;
  const humanCommits: { oid: string; subject: string }[] = [];
  const fileTraces = new Map<string, Set<string>>();
  for (const c of input.commits) {
    const named = input.attached.get(c.oid) ?? [];
    if (!named.length) {
      if (c.parents.length > 1) merges++;
      else humanCommits.push({ oid: c.oid, subject: c.subject });
      continue;
    }
    withTraces++;
    for (const t of named) {
      const seen = traces.get(t.id);
      if (seen) {
        if (!seen.commits.includes(c.oid)) seen.commits.push(c.oid);
      } else {
        const session = input.sessions.get(t.id);
        traces.set(t.id, { trace: t, commits: [c.oid], ...(session ? { session } : {}) });
      }
      for (const f of t.files ?? []) fileTraces.set(f, (fileTraces.get(f) ?? new Set()).add(t.id));
    }
  }

  const agentOf = (s: Seen) => s.session?.agent ?? s.trace.agent ?? "unknown";
  const modelsOf = (s: Seen) => (s.session?.models.length ? s.session.models : s.trace.models);

  const agents = new Map<string, { agent: string; source: NoteSource; commits: Set<string>; traces: number }>();
  const models = new Map<string, { agents: Set<string>; commits: Set<string>; traces: number }>();
  const tools = zeroKinds();
  const tokens = Object.fromEntries(TOKEN_KINDS.map((k) => [k, 0])) as TokenCounts;
  const fetched = new Map<string, number>();
  const searches = new Map<string, number>();
  let tracesWithContent = 0;

  for (const s of traces.values()) {
    const agent = agentOf(s);
    const key = `${s.trace.source}\0${agent}`;
    const a = agents.get(key) ?? { agent, source: s.trace.source, commits: new Set<string>(), traces: 0 };
    a.traces++;
    for (const c of s.commits) a.commits.add(c);
    agents.set(key, a);
    for (const model of modelsOf(s)) {
      const m = models.get(model) ?? { agents: new Set<string>(), commits: new Set<string>(), traces: 0 };
      m.traces++;
      m.agents.add(agent);
      for (const c of s.commits) m.commits.add(c);
      models.set(model, m);
    }
    const view = { note: s.trace, ...(s.session ? { trace: s.session } : {}) };
    const kinds = toolKinds(view);
    for (const k of TOOL_KINDS) tools[k] += kinds[k];
    const t = tokensOf(view);
    if (t) for (const k of TOKEN_KINDS) tokens[k] += t[k];
    if (s.session) {
      tracesWithContent++;
      for (const call of s.session.tools) {
        if (call.kind === "web_fetch" && call.url) bump(fetched, call.url);
        if (call.kind === "web_search" && call.query !== undefined) bump(searches, call.query);
      }
      // A note that does not list files (another tool's): the session's own edits stand in.
      if (!s.trace.files) {
        for (const call of s.session.tools)
          if (call.kind === "edit")
            for (const f of call.paths ?? []) fileTraces.set(f, (fileTraces.get(f) ?? new Set()).add(s.trace.id));
      }
    }
  }

  const byCount = <T extends { traces: number; commits: number }>(a: T & { name: string }, b: T & { name: string }) =>
    b.commits - a.commits || b.traces - a.traces || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  return {
    range: input.range,
    commits: { total: input.commits.length, withTraces, human: humanCommits.length, merges },
    agents: [...agents.values()]
      .map((a) => ({ name: a.agent, agent: a.agent, source: a.source, commits: a.commits.size, traces: a.traces }))
      .sort(byCount)
      .map(({ name: _name, ...rest }) => rest),
    models: [...models.entries()]
      .map(([model, m]) => ({ name: model, model, agents: [...m.agents], commits: m.commits.size, traces: m.traces }))
      .sort(byCount)
      .map(({ name: _name, ...rest }) => rest),
    tools: { ...tools, total: TOOL_KINDS.reduce((sum, k) => sum + tools[k], 0) },
    web: {
      fetched: [...fetched].map(([url, n]) => ({ url, count: n })),
      searches: [...searches].map(([query, n]) => ({ query, count: n })),
      tracesWithContent,
    },
    files: [...fileTraces]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, ids]) => ({ path, traces: [...ids] })),
    tokens,
    traces: [...traces.values()].map((s) => ({
      id: s.trace.id,
      source: s.trace.source,
      agent: s.session?.agent ?? s.trace.agent ?? null,
      models: modelsOf(s),
      title: s.session?.title || s.trace.title || null,
      url: s.trace.url ?? null,
      commits: s.commits,
      available: Boolean(s.session),
      durationS: durationOf(s.session?.start ?? s.trace.start, s.session?.end ?? s.trace.end),
      tokens: tokensOf({ note: s.trace, ...(s.session ? { trace: s.session } : {}) }) ?? null,
    })),
    humanCommits,
    ...(input.leftOut?.length ? { leftOut: input.leftOut.map((l) => ({ ...l })) } : {}),
  };
}
