// The uploads waiting for a URL: <git common dir>/traces/uploads.json. Every change is
// made under a lock file and written with an atomic rename, so commit workers, push
// workers and `git traces upload` running at once never lose each other's jobs. A second
// lock (uploads.running) lets one process at a time run upload commands.

import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { isTraceId } from "../traces/id.ts";
import { processAlive } from "../base/process.ts";
import { makeDirsUnder } from "../base/dirs.ts";

export const FAILURE_KINDS = ["missing", "exit", "timeout", "no-url", "no-trace", "spawn"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Attempts before giving up; `git traces upload <id>` tries again any time. */
export const MAX_ATTEMPTS = 5;
/** At most this many jobs are kept: the oldest given-up ones go first. */
const MAX_JOBS = 1000;

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

const JobSchema = v.looseObject({
  id: v.pipe(
    v.string(),
    v.check((s) => isTraceId(s)),
  ),
  /** The commits whose note names the trace without a URL: the URL goes there. */
  commits: v.array(v.pipe(v.string(), v.regex(OID))),
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Not before this time (ms since the epoch) when a commit retries it; a push does not wait. */
  next: v.number(),
  added: v.number(),
  gaveUp: v.optional(v.boolean()),
  error: v.optional(v.looseObject({ kind: v.picklist(FAILURE_KINDS), message: v.string(), at: v.number() })),
});
export type UploadJob = v.InferOutput<typeof JobSchema>;

const QueueSchema = v.looseObject({
  v: v.literal(1),
  jobs: v.array(v.unknown()),
  /** Failure kinds already warned about: one warning per kind until an upload succeeds. */
  warned: v.optional(v.array(v.string())),
});

export interface Queue {
  jobs: UploadJob[];
  warned: FailureKind[];
}

export function queueDir(commonDir: string): string {
  return join(commonDir, "traces");
}

const queueFile = (commonDir: string) => join(queueDir(commonDir), "uploads.json");
const editLock = (commonDir: string) => join(queueDir(commonDir), "uploads.json.lock");
export const runLockFile = (commonDir: string) => join(queueDir(commonDir), "uploads.running");

export function readQueue(commonDir: string): Queue {
  let text: string;
  try {
    text = readFileSync(queueFile(commonDir), "utf8");
  } catch {
    return { jobs: [], warned: [] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = v.safeParse(QueueSchema, raw);
  if (!parsed.success) {
    // Someone else's file, or a broken one: kept aside, never silently dropped.
    try {
      renameSync(queueFile(commonDir), `${queueFile(commonDir)}.bad`);
    } catch {
      // gone meanwhile
    }
    return { jobs: [], warned: [] };
  }
  const jobs: UploadJob[] = [];
  for (const j of parsed.output.jobs) {
    const job = v.safeParse(JobSchema, j);
    if (job.success) jobs.push(job.output);
  }
  const warned = (parsed.output.warned ?? []).filter((k): k is FailureKind =>
    (FAILURE_KINDS as readonly string[]).includes(k),
  );
  return { jobs, warned };
}

function writeQueue(commonDir: string, q: Queue): void {
  const file = queueFile(commonDir);
  if (q.jobs.length > MAX_JOBS) {
    const given = q.jobs.filter((j) => j.gaveUp).sort((a, b) => a.added - b.added);
    const drop = new Set(given.slice(0, q.jobs.length - MAX_JOBS));
    q.jobs = q.jobs.filter((j) => !drop.has(j)).slice(-MAX_JOBS);
  }
  if (q.jobs.length === 0 && q.warned.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ v: 1, jobs: q.jobs, warned: q.warned }, null, 1)}\n`);
  renameSync(tmp, file);
}

/** Creates `path` exclusively with our pid in it; false when another live process has it. */
function tryCreateLock(path: string, staleMs: number): boolean {
  for (let i = 0; i < 3; i++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        makeDirsUnder(dirname(dirname(path)), dirname(path));
        continue;
      }
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    // Held: by a live process, or left behind by one that died (or, for short locks, hung).
    let holder: string;
    let age: number;
    try {
      holder = readFileSync(path, "utf8");
      age = Date.now() - statSync(path).mtimeMs;
    } catch {
      continue; // let go just now: try again
    }
    const pid = Number(holder.trim());
    // An empty file is a holder between creating and writing it: alive.
    const dead = holder !== "" && Number.isInteger(pid) && pid > 0 && !processAlive(pid);
    if (!dead && age <= staleMs) return false;
    // Removed only if it is still the same holder's (not one that came meanwhile).
    try {
      if (readFileSync(path, "utf8") === holder) rmSync(path, { force: true });
    } catch {
      // gone already
    }
  }
  return false;
}

/** Changes the queue under its lock; returns what `change` returns. */
export function editQueue<T>(commonDir: string, change: (q: Queue) => T): T {
  const lock = editLock(commonDir);
  const deadline = Date.now() + 5_000;
  while (!tryCreateLock(lock, 10_000)) {
    if (Date.now() > deadline) throw new Error(`${lock} is held by another process; remove it if none is running`);
    Bun.sleepSync(5);
  }
  try {
    const q = readQueue(commonDir);
    const out = change(q);
    writeQueue(commonDir, q);
    return out;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Adds the traces of a commit; a trace already waiting gains the commit (and a given-up one another go). */
export function enqueue(commonDir: string, entries: readonly { id: string; commit: string }[], now: number): void {
  if (entries.length === 0) return;
  editQueue(commonDir, (q) => {
    for (const { id, commit } of entries) {
      const job = q.jobs.find((j) => j.id === id);
      if (!job) {
        q.jobs.push({ id, commits: [commit], attempts: 0, next: now, added: now });
        continue;
      }
      if (!job.commits.includes(commit)) job.commits.push(commit);
      if (job.gaveUp) {
        // New work in the session since: worth the attempts again.
        delete job.gaveUp;
        job.attempts = 0;
        job.next = now;
      }
    }
  });
}

/** The lock for running upload commands; release() when done. null when another process runs them. */
export interface RunLock {
  /** Marks the lock as still in use (before each upload). */
  touch(): void;
  release(): void;
}

export function tryRunLock(commonDir: string): RunLock | null {
  const path = runLockFile(commonDir);
  // The holder touches it before each upload, and one upload lasts at most an hour: older
  // than two hours is a holder that died and whose pid went to another process.
  if (!tryCreateLock(path, 2 * 3600_000)) return null;
  return {
    touch: () => {
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {
        // taken from us as stale: nothing to keep fresh
      }
    },
    release: () => rmSync(path, { force: true }),
  };
}

/** tryRunLock(), waiting up to `maxMs` for the process that has it. */
export async function waitRunLock(commonDir: string, maxMs: number): Promise<RunLock | null> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const lock = tryRunLock(commonDir);
    if (lock || Date.now() > deadline) return lock;
    await Bun.sleep(50);
  }
}
