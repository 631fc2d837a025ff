// The snapshot store: a copy of each attached trace in the common trace model, kept by
// git-traces itself, because agents delete old transcripts (Claude Code after 30 days by
// default). `<data home>/snapshots/<id>.json`, readable by the user alone (files 0600, the
// folder 0700), never sent anywhere: a snapshot of a transcript is not redacted.
//
// Written by the commit's background worker, refreshed by later workers and by `git traces
// show` while the session goes on; `git traces import` writes shared (redacted) content
// here too, marked as such. Every write is atomic (a temporary file, then a rename).

import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dataHome } from "../base/home.ts";
import { isTraceId, type Trace } from "../traces/model.ts";
import { decodeTrace, MAX_TRACE_BYTES } from "./trace-json.ts";
import type { Env } from "../base/env.ts";

/** Where a snapshot came from: the session's transcript here, or content shared through git (redacted). */
export type SnapshotSource = "transcript" | "shared";

export interface Snapshot {
  source: SnapshotSource;
  trace: Trace;
  /** When it was last written (ms since the epoch). */
  savedAt: number;
}

export function snapshotsDir(env: Env): string {
  return `${dataHome(env)}/snapshots`;
}

/** The file of a trace's snapshot; the ID is checked before it comes near a path. */
export function snapshotFile(env: Env, id: string): string {
  if (!isTraceId(id)) throw new Error(`not a trace ID: ${JSON.stringify(id).slice(0, 140)}`);
  return `${snapshotsDir(env)}/${id}.json`;
}

/** When the snapshot of `id` was last written (ms), 0 when there is none. */
export function snapshotTime(env: Env, id: string): number {
  try {
    return statSync(snapshotFile(env, id)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * `trace` with what `known` (an earlier read of the same session) said beyond its transcript:
 * the model, version and start an agent's hooks reported (Cursor's transcripts hold none).
 */
export function withKnown(trace: Trace, known: Trace): Trace {
  return {
    ...trace,
    ...(trace.models.length === 0 && known.models.length ? { models: known.models } : {}),
    ...(!trace.agentVersion && known.agentVersion ? { agentVersion: known.agentVersion } : {}),
    ...(!trace.start && known.start ? { start: known.start } : {}),
  };
}

function encode(trace: Trace, source: SnapshotSource): string {
  // The edit payloads (file contents) served the notes' line ranges; a snapshot keeps the session.
  const { writes: _payloads, ...kept } = trace;
  return `${JSON.stringify({ v: 1, source, trace: kept })}\n`;
}

/** The snapshot of `id`; null when there is none or it does not read as one. */
export function readSnapshot(env: Env, id: string): Snapshot | null {
  if (!isTraceId(id)) return null;
  const file = snapshotFile(env, id);
  try {
    const st = statSync(file);
    if (st.size > MAX_TRACE_BYTES) return null;
    const data = JSON.parse(readFileSync(file, "utf8")) as { v?: unknown; source?: unknown; trace?: unknown };
    if (data.v !== 1 || (data.source !== "transcript" && data.source !== "shared")) return null;
    // An imported snapshot is shared content: read as such (no transcript path from it).
    const trace = decodeTrace(data.trace, id, data.source === "shared");
    return trace ? { source: data.source, trace, savedAt: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

/**
 * Keeps `trace` as the snapshot of its ID. Writes nothing when the snapshot already holds the
 * same; returns whether it wrote. Throws when the store cannot be written.
 */
export function writeSnapshot(env: Env, trace: Trace, source: SnapshotSource): boolean {
  const file = snapshotFile(env, trace.id);
  // A transcript read again keeps what the snapshot knew beyond the transcript.
  const before = source === "transcript" ? readSnapshot(env, trace.id) : null;
  const text = encode(before?.source === "transcript" ? withKnown(trace, before.trace) : trace, source);
  try {
    if (readFileSync(file, "utf8") === text) return false;
  } catch {
    // none yet
  }
  const dir = snapshotsDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return true;
}
