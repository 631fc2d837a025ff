// Which traces belong to a commit (design.md section 5, refined in docs/architecture.md):
// 1. sessions the agent hooks recorded as active in this worktree, and sessions from every
//    agent's datastore whose cwd lies in the worktree (hooks add, never hide); only
//    sessions active within a week before the commit are looked at;
// 2. a session belongs to a commit when it edited one of the commit's files, before the
//    commit and after the last earlier commit that changed that file (its edit was not
//    committed yet). A commit made from inside an agent's own shell also gets that agent's
//    latest session. A commit nobody's session explains gets nothing.

import { existsSync, realpathSync } from "node:fs";
import { agent, agents } from "../agents/index.ts";
import type { Env, ReportedFacts, SessionRef } from "../agents/types.ts";
import type { CommitInfo, RepoState } from "../git/repo.ts";
import { lastChanged } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import type { AgentName, Trace } from "../traces/model.ts";
import { traceMark } from "../git/trace.ts";
import { join } from "node:path";

/** Sessions idle for longer than this before a commit are not looked at. */
export const WINDOW_S = 7 * 24 * 3600;
/** Commit times are whole seconds; transcript times are milliseconds. */
const SLACK_S = 2;

export interface Attachment {
  commit: string;
  trace: Trace;
  /** The commit's files this session edited (may be empty for a commit made by the agent itself). */
  files: string[];
}

export interface DetectOptions {
  git: GitRunner;
  state: RepoState;
  commits: readonly CommitInfo[];
  env: Env;
  /** Set when the commit runs inside an agent's shell (e.g. CLAUDECODE=1). */
  insideAgent?: AgentName;
  /** Called for a transcript that could not be read; detection goes on without it. */
  onSkip?: (path: string, reason: string) => void;
  /** Asked once, when some session might belong to the commits, before any transcript is read. */
  beforeRead?: () => boolean;
}

/** The agent whose shell this process runs in, from the variables agents set for their tools. */
export function agentFromEnv(env: Env): AgentName | undefined {
  if (env.CLAUDECODE === "1") return "claude-code";
  if (env.GEMINI_CLI === "1") return "gemini-cli";
  return undefined;
}

export function worktreeRoots(topLevel: string): string[] {
  const roots = [topLevel];
  try {
    const real = realpathSync(topLevel);
    if (real !== topLevel) roots.push(real);
  } catch {
    // the worktree is there: git just told us
  }
  return roots;
}

/**
 * Candidate sessions for commits made at or after `earliestS`: hook records, then every
 * agent's datastore. Hook records add candidates (and what the hooks reported); they never
 * hide a session that did not report (started before the hooks were installed, another
 * window). Loads no reader and no schema unless there is something to look at: this runs
 * on every commit.
 */
export async function candidateSessions(
  state: RepoState,
  roots: readonly string[],
  earliestS: number,
  env: Env,
): Promise<SessionRef[]> {
  const refs = new Map<string, SessionRef>();
  if (existsSync(join(state.gitDir, "traces", "active.json"))) {
    const { readActive } = await import("../agents/shared/active.ts");
    for (const s of readActive(state.gitDir)) {
      const last = Date.parse(s.lastActivity);
      if (!(last / 1000 >= earliestS)) continue;
      const a = agent(s.agent);
      let path = s.transcript?.startsWith("/") && existsSync(s.transcript) ? s.transcript : null;
      if (!path && a) path = await (await a.sessions()).find(s.id, env);
      const reported = {
        ...(s.model ? { model: s.model } : {}),
        ...(s.agentVersion ? { agentVersion: s.agentVersion } : {}),
        firstSeen: s.firstSeen,
      };
      if (path)
        refs.set(`${s.agent}:${s.id}`, {
          agent: s.agent,
          id: s.id,
          path,
          ...(s.cwd ? { cwd: s.cwd } : {}),
          mtimeMs: last,
          size: 0,
          reported,
        });
    }
    traceMark("hook records read");
  }
  for (const a of agents()) {
    const { discover } = await a.sessions();
    const found = await discover({ roots, sinceMs: earliestS * 1000, env });
    traceMark(`${a.name}: ${found.length} sessions here`);
    for (const ref of found) if (!refs.has(`${ref.agent}:${ref.id}`)) refs.set(`${ref.agent}:${ref.id}`, ref);
  }
  return [...refs.values()];
}

interface Edit {
  file: string;
  atS: number | undefined;
}

function editsOf(trace: Trace): Edit[] {
  const out: Edit[] = [];
  for (const t of trace.tools) {
    if (t.kind !== "edit") continue;
    const at = t.at ? Date.parse(t.at) / 1000 : undefined;
    for (const p of t.paths ?? [])
      if (!p.startsWith("/") && !p.startsWith("../") && p !== ".")
        out.push({ file: p, atS: Number.isFinite(at) ? at : undefined });
  }
  return out;
}

/** What a transcript does not say, taken from what the agent's hooks reported. */
function withReported(trace: Trace, reported: ReportedFacts | undefined): Trace {
  if (!reported) return trace;
  return {
    ...trace,
    ...(trace.models.length === 0 && reported.model ? { models: [reported.model] } : {}),
    ...(!trace.agentVersion && reported.agentVersion ? { agentVersion: reported.agentVersion } : {}),
    // First seen by the hooks is a start only if it is no later than the last activity.
    ...(!trace.start && reported.firstSeen && !(trace.end && Date.parse(reported.firstSeen) > Date.parse(trace.end))
      ? { start: reported.firstSeen }
      : {}),
  };
}

/** Candidate sessions found and read, ready to be matched with commits. */
export interface Prepared {
  traces: Trace[];
  /** Sessions found in this worktree's window, read or not. */
  candidates: number;
  /** Used when `since` (the search window) is not given per commit. */
  earliestS: number;
}

export interface PrepareOptions {
  state: RepoState;
  env: Env;
  /** Look at sessions active since this time (seconds since the epoch). */
  sinceS: number;
  onSkip?: (path: string, reason: string) => void;
  /** Asked once, when some session might belong to the commits, before any transcript is read. */
  beforeRead?: () => boolean;
}

/**
 * The first half of detection: find the sessions that may belong to commits of this
 * worktree, and read them. Needs no commit, so the commit interceptor runs it while git
 * is still committing.
 */
export async function prepareDetection(opts: PrepareOptions): Promise<Prepared> {
  const { state, env } = opts;
  const none = { traces: [], candidates: 0, earliestS: opts.sinceS };
  if (!state.topLevel) return none;
  const roots = worktreeRoots(state.topLevel);
  traceMark("finding sessions");
  const refs = await candidateSessions(state, roots, opts.sinceS, env);
  traceMark(`${refs.length} candidate sessions`);
  if (refs.length === 0) return none;
  if (opts.beforeRead && !opts.beforeRead()) return { ...none, candidates: refs.length };
  const traces: Trace[] = [];
  for (const ref of refs) {
    const read = await agent(ref.agent)?.read();
    if (!read) continue;
    try {
      traces.push(withReported(await read(ref.path, { roots, summary: true, env }), ref.reported));
    } catch (e) {
      opts.onSkip?.(ref.path, (e as Error).message);
    }
  }
  traceMark(`${traces.length} sessions read`);
  return { traces, candidates: refs.length, earliestS: opts.sinceS };
}

/** The second half: which of the prepared sessions belong to which commit. */
export function matchTraces(
  git: GitRunner,
  prepared: Prepared,
  commits: readonly CommitInfo[],
  insideAgent?: AgentName,
): Attachment[] {
  const { traces, earliestS } = prepared;
  if (traces.length === 0) return [];
  const edits = new Map(traces.map((t) => [t, editsOf(t)]));

  const out: Attachment[] = [];
  for (const commit of commits) {
    const changed = new Set(commit.files);
    const latest = commit.time + SLACK_S;
    // Edits of this commit's files made before it.
    const relevant = new Map<Trace, Edit[]>();
    for (const t of traces) {
      const started = t.start ? Date.parse(t.start) / 1000 : undefined;
      if (started !== undefined && started > latest) continue;
      const list = edits.get(t)!.filter((e) => changed.has(e.file) && (e.atS === undefined || e.atS <= latest));
      if (list.length) relevant.set(t, list);
    }
    const attached = new Set<Trace>();
    if (relevant.size) {
      const all = [...relevant.values()].flat();
      const files = [...new Set(all.map((e) => e.file))];
      const times = all.map((e) => e.atS).filter((x): x is number => x !== undefined);
      const since = (times.length ? Math.min(...times) : earliestS) - SLACK_S;
      // An edit some parent's history already holds (a merge brings the other side's) was
      // committed before. Commits before the parent are no newer than it: when every edit
      // came after the (only) parent was made, git need not be asked.
      const editsAfterParent =
        commit.parents.length === 1 &&
        commit.parentTime !== undefined &&
        times.length === all.length &&
        since > commit.parentTime;
      const committedAt =
        commit.parents.length && !editsAfterParent
          ? lastChanged(git, commit.parents, files, since)
          : new Map<string, number>();
      for (const [t, list] of relevant) {
        const pending = list.filter(
          (e) => e.atS === undefined || !committedAt.has(e.file) || e.atS > committedAt.get(e.file)!,
        );
        const overlap = [...new Set(pending.map((e) => e.file))].sort();
        if (overlap.length) {
          out.push({ commit: commit.oid, trace: t, files: overlap });
          attached.add(t);
        }
      }
    }
    if (insideAgent && ![...attached].some((t) => t.agent === insideAgent)) {
      const own = traces
        .filter((t) => t.agent === insideAgent)
        .filter((t) => !t.start || Date.parse(t.start) / 1000 <= latest)
        .sort((a, b) => ((b.end ?? "") > (a.end ?? "") ? 1 : -1))[0];
      if (own) {
        const mine = new Set(edits.get(own)!.map((e) => e.file));
        out.push({ commit: commit.oid, trace: own, files: commit.files.filter((f) => mine.has(f)).sort() });
      }
    }
  }
  return out;
}

/** Both halves, for callers that have the commits already (attach, other interceptors). */
export async function detectTraces(opts: DetectOptions): Promise<Attachment[]> {
  if (opts.commits.length === 0) return [];
  const sinceS = Math.min(...opts.commits.map((c) => c.time)) - WINDOW_S;
  const prepared = await prepareDetection({
    state: opts.state,
    env: opts.env,
    sinceS,
    ...(opts.onSkip ? { onSkip: opts.onSkip } : {}),
    ...(opts.beforeRead ? { beforeRead: opts.beforeRead } : {}),
  });
  return matchTraces(opts.git, prepared, opts.commits, opts.insideAgent);
}
