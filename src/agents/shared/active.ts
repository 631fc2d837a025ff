// The sessions agent hooks saw in a worktree: <git dir>/traces/active.json. Written by
// `git-traces hook <agent> <event>` under a lock file (git's convention: create
// `<file>.lock` exclusively, write it, rename it over the file); read without a lock,
// since a rename is atomic.

import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { AGENTS, TraceIdSchema } from "../../traces/model.ts";
import type { HookEvent } from "../types.ts";
import { LIMITS, readRegularText } from "./safe-file.ts";
import { makeDirsUnder } from "../../base/dirs.ts";

/** Sessions quiet for this long are dropped from the file. */
export const STALE_MS = 14 * 24 * 3600 * 1000;
const LOCK_WAIT_MS = 2000;
const LOCK_STALE_MS = 10_000;

const ActiveSessionSchema = v.looseObject({
  agent: v.picklist(AGENTS),
  id: TraceIdSchema,
  transcript: v.optional(v.string()),
  cwd: v.optional(v.string()),
  model: v.optional(v.string()),
  agentVersion: v.optional(v.string()),
  firstSeen: v.string(),
  lastActivity: v.string(),
  lastEvent: v.string(),
  ended: v.optional(v.string()),
});
export type ActiveSession = v.InferOutput<typeof ActiveSessionSchema>;

const ActiveFileSchema = v.looseObject({
  version: v.literal(1),
  sessions: v.array(v.unknown()),
});

export function activeFile(gitDir: string): string {
  return join(gitDir, "traces", "active.json");
}

/** The recorded sessions; a missing or damaged file reads as none (bad entries are skipped). */
export function readActive(gitDir: string): ActiveSession[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularText(activeFile(gitDir), LIMITS.small));
  } catch {
    return [];
  }
  const file = v.safeParse(ActiveFileSchema, raw);
  if (!file.success) return [];
  const out: ActiveSession[] = [];
  for (const s of file.output.sessions) {
    const parsed = v.safeParse(ActiveSessionSchema, s);
    if (parsed.success) out.push(parsed.output);
  }
  return out;
}

function acquireLock(lock: string): number {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return openSync(lock, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock); // a crashed writer
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by another process`);
      Bun.sleepSync(5);
    }
  }
}

/** Updates the file under its lock: `change` gets the current sessions and returns the new list. */
export function updateActive(gitDir: string, change: (sessions: ActiveSession[]) => ActiveSession[]): void {
  const path = activeFile(gitDir);
  makeDirsUnder(gitDir, join(gitDir, "traces"));
  const lock = `${path}.lock`;
  const fd = acquireLock(lock);
  try {
    const next = change(readActive(gitDir));
    writeSync(fd, `${JSON.stringify({ version: 1, sessions: next }, null, 1)}\n`);
    closeSync(fd);
    renameSync(lock, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(lock);
    } catch {
      // nothing to clean
    }
    throw e;
  }
}

/** Records that a session was active now; drops sessions quiet for too long. */
export function recordActivity(gitDir: string, ev: HookEvent, now: Date): void {
  const at = now.toISOString();
  updateActive(gitDir, (sessions) => {
    const fresh = sessions.filter((s) => now.getTime() - Date.parse(s.lastActivity) < STALE_MS);
    const existing = fresh.find((s) => s.agent === ev.agent && s.id === ev.sessionId);
    const ended = /^(SessionEnd|sessionEnd)$/.test(ev.event) ? at : undefined;
    if (existing) {
      existing.lastActivity = at;
      existing.lastEvent = ev.event;
      if (ev.transcript) existing.transcript = ev.transcript;
      if (ev.cwd) existing.cwd = ev.cwd;
      if (ev.model) existing.model = ev.model;
      if (ev.agentVersion) existing.agentVersion = ev.agentVersion;
      if (ended) existing.ended = ended;
      return fresh;
    }
    return [
      ...fresh,
      {
        agent: ev.agent,
        id: ev.sessionId,
        ...(ev.transcript ? { transcript: ev.transcript } : {}),
        ...(ev.cwd ? { cwd: ev.cwd } : {}),
        ...(ev.model ? { model: ev.model } : {}),
        ...(ev.agentVersion ? { agentVersion: ev.agentVersion } : {}),
        firstSeen: at,
        lastActivity: at,
        lastEvent: ev.event,
        ...(ended ? { ended } : {}),
      },
    ];
  });
}
