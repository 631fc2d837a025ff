// Sharing traces, and finding a trace's whole content wherever this machine has it: its
// transcript, else its snapshot, else content shared through git (ours, then each remote's
// as fetched). Readers get the source with the trace, so that they can say which it is.

import type { Env } from "../agents/types.ts";
import { findTrace } from "../attach/find.ts";
import type { GitRunner } from "../git/runner.ts";
import { isTraceId, type Trace } from "../traces/model.ts";
import { latestVersion, readSharedVersions, updateContent, type WriteOptions } from "./content.ts";
import { readSnapshot, writeSnapshot, type SnapshotSource } from "./snapshots.ts";
import { canonicalJson, readSharedTrace, sharedForm } from "./trace-json.ts";

/** Where a trace's content was found. */
export type ContentSource = "transcript" | "snapshot" | "shared";

export interface FoundContent {
  trace: Trace;
  source: ContentSource;
  /** For a snapshot: what it was taken from; for shared content: the ref it was read from. */
  from?: SnapshotSource | string;
}

/** Stores the shared form of each trace in refs/traces/content; returns the IDs that changed. */
export function shareTraces(git: GitRunner, traces: readonly Trace[], home: string, opts: WriteOptions): string[] {
  if (!traces.length) return [];
  return updateContent(git, new Map(traces.map((t) => [t.id, canonicalJson(sharedForm(t, home))])), opts);
}

/** Shared content that is not a trace of the model (someone else's writing): where, and why. */
export type OnInvalidShared = (id: string, ref: string, error: string) => void;

/**
 * Shared content of `ids` that reads as a trace of the shared form (validated, without any
 * `transcript`), with the ref it came from. Of several valid versions, the one a merge would
 * keep; versions that are not valid are passed over, and when none is, `onInvalid` says why.
 */
export function readShared(
  git: GitRunner,
  ids: readonly string[],
  refs?: readonly string[],
  onInvalid?: OnInvalidShared,
): Map<string, { trace: Trace; ref: string }> {
  const out = new Map<string, { trace: Trace; ref: string }>();
  for (const [id, versions] of readSharedVersions(git, ids, refs)) {
    const valid: { text: string; ref: string; trace: Trace }[] = [];
    let first: { ref: string; error: string } | undefined;
    for (const { text, ref } of versions) {
      const r = readSharedTrace(text, id);
      if ("trace" in r) valid.push({ text, ref, trace: r.trace });
      else first ??= { ref, error: r.error };
    }
    const best = latestVersion(valid);
    if (best) out.set(id, { trace: best.trace, ref: best.ref });
    else if (first) onInvalid?.(id, first.ref, first.error);
  }
  return out;
}

/**
 * The content of traces whose transcript is not here: the snapshot first (this machine's own
 * copy), then shared content when a repository is at hand. An imported snapshot gives way
 * to shared content that is newer (the author shared the session again since).
 */
export function contentElsewhere(
  ids: readonly string[],
  env: Env,
  git: GitRunner | null,
  onInvalid?: OnInvalidShared,
): Map<string, FoundContent> {
  const out = new Map<string, FoundContent>();
  const ask: string[] = [];
  for (const id of new Set(ids.filter(isTraceId))) {
    const snap = readSnapshot(env, id);
    if (snap) out.set(id, { trace: snap.trace, source: "snapshot", from: snap.source });
    if (!snap || snap.source === "shared") ask.push(id);
  }
  if (!git || !ask.length) return out;
  for (const [id, { trace, ref }] of readShared(git, ask, undefined, onInvalid)) {
    const kept = out.get(id);
    if (kept && !(Date.parse(trace.end ?? "") > Date.parse(kept.trace.end ?? ""))) continue;
    out.set(id, { trace, source: "shared", from: ref });
  }
  return out;
}

/** A trace from its transcript, else its snapshot (not shared content: that is someone else's). */
export async function localTrace(id: string, env: Env, roots: readonly string[]): Promise<FoundContent | null> {
  const trace = await findTrace(id, env, roots);
  if (trace) return { trace, source: "transcript" };
  const snap = readSnapshot(env, id);
  return snap ? { trace: snap.trace, source: "snapshot", from: snap.source } : null;
}

/** Refreshes the snapshot of a trace read from its transcript; false when unchanged or it cannot be written. */
export function refreshSnapshot(env: Env, trace: Trace): boolean {
  try {
    return writeSnapshot(env, trace, "transcript");
  } catch {
    return false; // a read command does not fail over its cache
  }
}
