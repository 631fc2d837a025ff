// `git traces export`'s work, apart from its wiring: the commits revisions name, their traces,
// the lines they added, what this machine knows of each trace, and one Agent Trace record per
// commit that has traces.

import type { Env } from "../agents/types.ts";
import { findTrace } from "../attach/find.ts";
import { firstParentPatches } from "../git/diff.ts";
import { isRange, revisionCommits, type CommitStamp } from "../git/revisions.ts";
import type { GitRunner } from "../git/runner.ts";
import { primaryModel } from "../traces/model.ts";
import { buildRecord, fileUri, type AgentTraceRecord, type LocalTrace } from "./agent-trace.ts";
import { tracesOfCommits, type AttachedTrace, type LeftOut } from "./attached.ts";
import { parsePatches } from "./diff-hunks.ts";

export interface ExportResult {
  /** Whether the revisions name a range (several records) or one commit. */
  range: boolean;
  /** Commits the revisions name. */
  commits: number;
  /** One per commit with traces, oldest first. */
  records: AgentTraceRecord[];
}

export interface ExportContext {
  git: GitRunner;
  env: Env;
  toolVersion: string;
  /** A notes ref that could not be read; its traces are left out. */
  onBroken?: (ref: string) => void;
  /** A note that named more traces than are read from one note (also in its record's metadata). */
  onLeftOut?: (l: LeftOut) => void;
}

/**
 * What this machine has of each trace: the transcript's file URL, provider and main model.
 * Looked up only for traces whose note lacks a URL or a model; unreadable transcripts count
 * as absent.
 */
async function localTraces(traces: Iterable<AttachedTrace>, env: Env): Promise<Map<string, LocalTrace>> {
  const out = new Map<string, LocalTrace>();
  const tried = new Set<string>();
  for (const t of traces) {
    if (tried.has(t.id) || (t.url && t.models.length)) continue;
    tried.add(t.id);
    const trace = await findTrace(t.id, env).catch(() => null);
    if (!trace) continue;
    const url = trace.transcript ? fileUri(trace.transcript) : undefined;
    const model = primaryModel(trace);
    out.set(t.id, {
      ...(url ? { url } : {}),
      ...(trace.provider ? { provider: trace.provider } : {}),
      ...(model ? { model } : {}),
    });
  }
  return out;
}

/** Records for the commits `revs` name (already resolved to commits for a single revision). */
export async function exportAgentTrace(ctx: ExportContext, revs: readonly string[]): Promise<ExportResult> {
  const { git } = ctx;
  const range = isRange(revs);
  const commits: CommitStamp[] = revisionCommits(git, revs);
  const leftOut = new Map<string, LeftOut[]>();
  const attached = tracesOfCommits(
    git,
    commits.map((c) => c.oid),
    {
      ...(ctx.onBroken ? { onBroken: ctx.onBroken } : {}),
      onLeftOut: (l) => {
        leftOut.set(l.commit, [...(leftOut.get(l.commit) ?? []), l]);
        ctx.onLeftOut?.(l);
      },
    },
  );
  const traced = commits.filter((c) => attached.has(c.oid));
  const patches = parsePatches(
    firstParentPatches(
      git,
      traced.map((c) => ({ oid: c.oid, parent: c.parents[0] ?? null })),
    ),
  );
  const local = await localTraces(
    traced.flatMap((c) => attached.get(c.oid)!),
    ctx.env,
  );
  const records = traced.map((c) =>
    buildRecord({
      commit: c,
      traces: attached.get(c.oid)!,
      files: patches.get(c.oid) ?? [],
      local,
      toolVersion: ctx.toolVersion,
      leftOut: leftOut.get(c.oid) ?? [],
    }),
  );
  return { range, commits: commits.length, records };
}
