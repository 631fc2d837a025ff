// Which traces belong to a commit (design.md section 5, refined in docs/architecture.md):
// 1. sessions the agent hooks recorded as active in this worktree; for agents whose hooks
//    did not report here, sessions from their datastores whose cwd lies in the worktree;
//    only sessions active within a week before the commit are looked at;
// 2. a session belongs to a commit when it edited one of the commit's files, before the
//    commit and after the last earlier commit that changed that file (its edit was not
//    committed yet). A commit made from inside an agent's own shell also gets that agent's
//    latest session. A commit nobody's session explains gets nothing.

import { realpathSync } from "node:fs";
import { allAdapters, adapter as loadAdapter } from "../agents/index.ts";
import { readActive } from "../agents/shared/active.ts";
import type { Env, SessionRef } from "../agents/types.ts";
import type { CommitInfo, RepoState } from "../git/repo.ts";
import { lastChanged } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import type { AgentName, Trace } from "../traces/model.ts";

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

/** Candidate sessions for commits made at or after `earliestS`: hook records first, then datastores. */
export async function candidateSessions(state: RepoState, roots: readonly string[], earliestS: number, env: Env): Promise<SessionRef[]> {
  const refs = new Map<string, SessionRef>();
  const hooked = new Set<AgentName>();
  for (const s of readActive(state.gitDir)) {
    const last = Date.parse(s.lastActivity);
    if (!(last / 1000 >= earliestS)) continue;
    hooked.add(s.agent);
    const a = await loadAdapter(s.agent);
    let path = s.transcript && s.transcript.startsWith("/") && (await Bun.file(s.transcript).exists()) ? s.transcript : null;
    if (!path && a?.find) path = await a.find(s.id, env);
    if (path) refs.set(`${s.agent}:${s.id}`, { agent: s.agent, id: s.id, path, ...(s.cwd ? { cwd: s.cwd } : {}), mtimeMs: last, size: 0 });
  }
  for (const a of await allAdapters()) {
    if (hooked.has(a.name)) continue;
    for (const ref of await a.discover({ roots, sinceMs: earliestS * 1000, env })) {
      if (!refs.has(`${ref.agent}:${ref.id}`)) refs.set(`${ref.agent}:${ref.id}`, ref);
    }
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
    for (const p of t.paths ?? []) if (!p.startsWith("/") && !p.startsWith("../") && p !== ".") out.push({ file: p, atS: Number.isFinite(at) ? at : undefined });
  }
  return out;
}

export async function detectTraces(opts: DetectOptions): Promise<Attachment[]> {
  const { state, commits, env, git } = opts;
  if (!state.topLevel || commits.length === 0) return [];
  const roots = worktreeRoots(state.topLevel);
  const earliestS = Math.min(...commits.map((c) => c.time)) - WINDOW_S;
  const refs = await candidateSessions(state, roots, earliestS, env);
  if (refs.length === 0) return [];
  if (opts.beforeRead && !opts.beforeRead()) return [];

  const traces: Trace[] = [];
  for (const ref of refs) {
    const a = await loadAdapter(ref.agent);
    if (!a) continue;
    try {
      traces.push(await a.read(ref.path, { roots }));
    } catch (e) {
      opts.onSkip?.(ref.path, (e as Error).message);
    }
  }
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
      const files = [...new Set([...relevant.values()].flat().map((e) => e.file))];
      const times = [...relevant.values()].flat().map((e) => e.atS).filter((x): x is number => x !== undefined);
      const since = (times.length ? Math.min(...times) : earliestS) - SLACK_S;
      // An edit some parent's history already holds (a merge brings the other side's) was
      // committed before. Commits before the parent are no newer than it: when every edit
      // came after the (only) parent was made, git need not be asked.
      const editsAfterParent =
        commit.parents.length === 1 && commit.parentTime !== undefined && times.length === [...relevant.values()].flat().length && since > commit.parentTime;
      const committedAt = commit.parents.length && !editsAfterParent ? lastChanged(git, commit.parents, files, since) : new Map<string, number>();
      for (const [t, list] of relevant) {
        const pending = list.filter((e) => e.atS === undefined || !committedAt.has(e.file) || e.atS > committedAt.get(e.file)!);
        const overlap = [...new Set(pending.map((e) => e.file))].sort();
        if (overlap.length) {
          out.push({ commit: commit.oid, trace: t, files: overlap });
          attached.add(t);
        }
      }
    }
    if (opts.insideAgent) {
      const own = traces
        .filter((t) => t.agent === opts.insideAgent && !attached.has(t))
        .filter((t) => !t.start || Date.parse(t.start) / 1000 <= latest)
        .sort((a, b) => ((b.end ?? "") > (a.end ?? "") ? 1 : -1))[0];
      if (own && ![...attached].some((t) => t.agent === opts.insideAgent)) {
        const mine = new Set(edits.get(own)!.map((e) => e.file));
        out.push({ commit: commit.oid, trace: own, files: commit.files.filter((f) => mine.has(f)).sort() });
      }
    }
  }
  return out;
}
