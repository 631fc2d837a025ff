// Uploading traces with the user's own command (`git config traces.upload`, docs/upload.md):
// after a commit (the commit's background worker), again before the notes are pushed (the
// push's background worker), and now, in the foreground (`git traces upload`). A URL the
// command prints goes into the trace's `traces:<id> <url>` line. A failure never touches
// git: the job waits in the queue (queue.ts) and one warning per kind is left for the next
// command.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { worktreeRoots } from "../attach/detect.ts";
import { commonDir, configMayMention, repoState, tracesConfig, type RepoState } from "../git/repo.ts";
import { NESTED_ENV, type GitRunner } from "../git/runner.ts";
import { clipLine } from "../traces/text.ts";
import { JOB_ENV } from "../base/env.ts";
import { deferWarning, writeLog } from "../base/report.ts";
import { parseNote, setTraceUrl } from "../notes/format.ts";
import { readBlobs } from "../git/objects.ts";
import { listNotes, readNotes, updateNotes } from "../notes/store.ts";
import { isTraceId } from "../traces/id.ts";
import { safeJson } from "../traces/safe-json.ts";
import { localTrace } from "../content/share.ts";
import { sharedForm } from "../content/trace-json.ts";
import { expandCommand, urlFromOutput } from "./command.ts";
import {
  editQueue,
  enqueue,
  MAX_ATTEMPTS,
  readQueue,
  tryRunLock,
  waitRunLock,
  type FailureKind,
  type RunLock,
  type UploadJob,
} from "./queue.ts";
import { runShellCommand } from "./run.ts";
import type { Env } from "../base/env.ts";

export interface UploadSettings {
  /** `traces.upload`, with `{id}` and `{file}` in it. */
  command: string;
  /** `traces.uploadTimeout` (seconds, default 60). */
  timeoutMs: number;
  /** `traces.uploadRetryDelay` (seconds, default 60): the wait before a commit retries, doubled each time. */
  retryDelayMs: number;
}

export const DEFAULT_TIMEOUT_S = 60;
export const DEFAULT_RETRY_DELAY_S = 60;
const MAX_TIMEOUT_S = 3600;

/** A number of seconds from config; `fallback` when absent or not a number in range. */
function seconds(value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return fallback;
  const n = Number(value);
  return n >= min && n <= max ? n : fallback;
}

/** The upload settings, or null when no upload command is set (an empty value turns a global one off). */
export function uploadSettings(git: GitRunner): UploadSettings | null {
  const cfg = tracesConfig(git);
  const command = cfg.get("traces.upload")?.at(-1)?.trim();
  if (!command) return null;
  return {
    command,
    timeoutMs: seconds(cfg.get("traces.uploadtimeout")?.at(-1), DEFAULT_TIMEOUT_S, 1, MAX_TIMEOUT_S) * 1000,
    retryDelayMs: seconds(cfg.get("traces.uploadretrydelay")?.at(-1), DEFAULT_RETRY_DELAY_S, 0, 7 * 24 * 3600) * 1000,
  };
}

export type Outcome = { ok: true; url: string } | { ok: false; kind: FailureKind; message: string; detail?: string };

/** The last line a command wrote to stderr, safe to print. */
function lastLine(text: string): string {
  const line = text.trim().split("\n").at(-1)?.trim() ?? "";
  return line ? clipLine(line, 160) : "";
}

/**
 * Uploads one trace: finds it (its transcript, else its snapshot), writes the redacted trace
 * as JSON into a private temporary file, runs the command, and reads a URL from what it
 * prints. The file is removed afterwards, whatever happened.
 */
export async function uploadTrace(
  id: string,
  settings: UploadSettings,
  env: Env,
  cwd: string,
  roots: readonly string[],
): Promise<Outcome> {
  if (!isTraceId(id))
    return { ok: false, kind: "no-trace", message: `not a valid trace ID: ${clipLine(JSON.stringify(id), 80)}` };
  let trace;
  try {
    // Its transcript, else the snapshot kept when it was attached (agents delete old transcripts).
    trace = (await localTrace(id, env, roots))?.trace;
  } catch (e) {
    return {
      ok: false,
      kind: "no-trace",
      message: `the transcript of trace ${id} could not be read: ${clipLine((e as Error).message, 160)}`,
    };
  }
  if (!trace)
    return { ok: false, kind: "no-trace", message: `trace ${id} is not on this machine (no transcript, no snapshot)` };
  // The same form as shared content: redacted, without the local transcript's path.
  const redacted = sharedForm(trace, env.HOME ?? "");

  const dir = mkdtempSync(join(env.TMPDIR || tmpdir(), "git-traces-upload-"));
  try {
    const file = join(dir, `${id}.json`);
    writeFileSync(file, `${safeJson(redacted, 2)}\n`, { mode: 0o600, flag: "wx" });
    const childEnv: Env = { ...env, [NESTED_ENV]: "1", GIT_TRACES_UPLOAD_ID: id, GIT_TRACES_UPLOAD_FILE: file };
    delete childEnv[JOB_ENV];
    const r = await runShellCommand(expandCommand(settings.command, id, file), {
      cwd,
      env: childEnv,
      timeoutMs: settings.timeoutMs,
    });
    const said = lastLine(r.stderr);
    const detail = r.stderr.trim() ? r.stderr.trim().slice(-4000) : undefined;
    const fail = (kind: FailureKind, message: string): Outcome => ({
      ok: false,
      kind,
      message,
      ...(detail ? { detail } : {}),
    });
    if (r.spawnError !== undefined) return fail("spawn", `could not start /bin/sh: ${clipLine(r.spawnError, 160)}`);
    if (r.timedOut)
      return fail("timeout", `the upload command did not finish within ${settings.timeoutMs / 1000} s and was stopped`);
    if (r.exitCode === 127) return fail("missing", `the upload command was not found${said ? ` (${said})` : ""}`);
    if (r.exitCode !== 0) {
      const how = r.exitCode === null ? `was ended by ${r.signal ?? "a signal"}` : `exited with status ${r.exitCode}`;
      return fail("exit", `the upload command ${how}${said ? ` (${said})` : ""}`);
    }
    const url = urlFromOutput(id, r.stdout);
    if (!url) {
      const first = r.stdout.trim().split("\n")[0]?.trim() ?? "";
      return fail(
        "no-url",
        `the upload command printed no usable http(s) URL (${
          first ? `its output began: ${clipLine(first, 80)}` : "it printed nothing"
        })`,
      );
    }
    return { ok: true, url };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Uploaded {
  id: string;
  url: string;
  /** Commits to give the URL besides those queued for it (`git traces upload <id>`: every note naming it). */
  extraCommits?: readonly string[];
}

/**
 * After uploads that worked: their URLs into the notes of the commits that name the traces
 * without one, in one notes commit; their jobs out of the queue (commits queued meanwhile
 * stay). Returns, per trace ID, the commits whose note got its URL.
 */
export function settleSuccesses(git: GitRunner, common: string, done: readonly Uploaded[]): Map<string, string[]> {
  const out = new Map<string, string[]>(done.map((d) => [d.id, []]));
  if (done.length === 0) return out;
  const queued = readQueue(common).jobs;
  const targets = new Map<string, string[]>();
  const byCommit = new Map<string, Uploaded[]>();
  for (const d of done) {
    const commits = [...new Set([...(queued.find((j) => j.id === d.id)?.commits ?? []), ...(d.extraCommits ?? [])])];
    targets.set(d.id, commits);
    for (const c of commits) byCommit.set(c, [...(byCommit.get(c) ?? []), d]);
  }
  // Which URLs went into each note, as of the attempt that was written (updateNotes may retry).
  const applied = new Map<string, string[]>();
  const changed =
    byCommit.size === 0
      ? []
      : updateNotes(
          git,
          [...byCommit.keys()],
          (commit, current) => {
            let text = current;
            const ids: string[] = [];
            for (const d of byCommit.get(commit)!) {
              const next = setTraceUrl(text, d.id, d.url);
              if (next === null) continue;
              text = next;
              ids.push(d.id);
            }
            applied.set(commit, ids);
            return ids.length ? text : null;
          },
          { message: "git-traces: upload" },
        );
  for (const commit of changed) for (const id of applied.get(commit) ?? []) out.get(id)!.push(commit);
  const now = Date.now();
  editQueue(common, (q) => {
    for (const d of done) {
      const job = q.jobs.find((j) => j.id === d.id);
      if (!job) continue;
      const written = targets.get(d.id)!;
      job.commits = job.commits.filter((c) => !written.includes(c));
      if (job.commits.length === 0) q.jobs = q.jobs.filter((j) => j !== job);
      else Object.assign(job, { attempts: 0, next: now, gaveUp: undefined, error: undefined });
    }
    q.warned = []; // it works again: the next failure is news
  });
  return out;
}

const LIST_HINT = "git traces upload --list";

/** After a failed background attempt: count it, schedule the next, and say so once per kind. */
function settleFailure(
  common: string,
  gitDir: string,
  id: string,
  outcome: Extract<Outcome, { ok: false }>,
  settings: UploadSettings,
  env: Env,
): void {
  const now = Date.now();
  const warnings: string[] = [];
  editQueue(common, (q) => {
    const job = q.jobs.find((j) => j.id === id);
    if (!job) return;
    job.attempts += 1;
    job.error = { kind: outcome.kind, message: outcome.message, at: now };
    if (job.attempts >= MAX_ATTEMPTS) {
      job.gaveUp = true;
      warnings.push(
        `gave up uploading trace ${id} after ${job.attempts} attempts: ${outcome.message}; ` +
          `run 'git traces upload ${id}' to try again`,
      );
      return;
    }
    job.next = now + settings.retryDelayMs * 2 ** (job.attempts - 1);
    if (!q.warned.includes(outcome.kind)) {
      q.warned.push(outcome.kind);
      warnings.push(
        `uploading trace ${id.slice(0, 12)} failed: ${outcome.message}; ` +
          `it is tried again after the next commit or push (${LIST_HINT})`,
      );
    }
  });
  writeLog(gitDir, "upload", `trace ${id}: ${outcome.message}${outcome.detail ? `\nstderr:\n${outcome.detail}` : ""}`);
  for (const w of warnings) deferWarning(env, w);
}

/**
 * Runs the waiting uploads, one at a time, while this process holds the run lock: the due
 * ones (all of them when `force`, as before a push), each once. The queue is read again
 * before each, so that jobs other processes add meanwhile are taken too.
 */
async function drain(
  git: GitRunner,
  state: RepoState,
  env: Env,
  settings: UploadSettings,
  lock: RunLock,
  force: boolean,
  tried: Set<string>,
): Promise<void> {
  const common = commonDir(state.gitDir);
  const cwd = state.topLevel ?? state.gitDir;
  const roots = state.topLevel ? worktreeRoots(state.topLevel) : [];
  // The URLs go into the notes together at the end: one notes commit (and pack) for them all.
  const done: Uploaded[] = [];
  try {
    for (;;) {
      const job = nextJob(readQueue(common).jobs, force, tried);
      if (!job) return;
      tried.add(job.id);
      lock.touch();
      const outcome = await uploadTrace(job.id, settings, env, cwd, roots);
      if (outcome.ok) done.push({ id: job.id, url: outcome.url });
      else settleFailure(common, state.gitDir, job.id, outcome, settings, env);
    }
  } finally {
    settleSuccesses(git, common, done);
  }
}

function nextJob(
  jobs: readonly UploadJob[],
  force: boolean,
  tried: ReadonlySet<string> = new Set(),
): UploadJob | undefined {
  const now = Date.now();
  return jobs.find((j) => !tried.has(j.id) && !j.gaveUp && (force || j.next <= now));
}

/**
 * drain() under the run lock, which is let go at the end. A job another process queued
 * just as the lock was let go (it could not take the lock, so it left the job to us) is
 * taken in another round.
 */
/**
 * How a background worker runs slow work nobody should wait for: with its pending mark
 * lifted (src/jobs/pending.ts unmarked()). In the foreground, just the work.
 */
export type Hold = <T>(work: () => Promise<T>) => Promise<T>;
const noHold: Hold = (work) => work();

async function drainLocked(
  git: GitRunner,
  state: RepoState,
  env: Env,
  settings: UploadSettings,
  first: RunLock,
  force: boolean,
  hold: Hold,
): Promise<void> {
  const common = commonDir(state.gitDir);
  const tried = new Set<string>();
  let lock: RunLock | null = first;
  while (lock) {
    const held: RunLock = lock;
    try {
      // Nobody waits for uploads: the next commit or `git traces` command goes ahead.
      await hold(() => drain(git, state, env, settings, held, force, tried));
    } finally {
      held.release();
    }
    lock = nextJob(readQueue(common).jobs, force, tried) ? tryRunLock(common) : null;
  }
}

function reportDrainFailure(gitDir: string, env: Env, e: unknown): void {
  writeLog(gitDir, "upload", e);
  deferWarning(env, `uploading traces failed: ${(e as Error).message.split("\n")[0]} (git traces logs)`);
}

/**
 * The commit's background worker, once the note is written: queue the commit's traces
 * that have no URL yet, then run what is due. Never throws.
 */
export async function uploadAfterCommit(
  git: GitRunner,
  gitDir: string,
  commit: string,
  env: Env,
  hold: Hold = noHold,
): Promise<void> {
  try {
    // No config file or option names `traces`: no upload command, and no git call to ask.
    if (!configMayMention(gitDir, env, "traces", git.context)) return;
    const settings = uploadSettings(git);
    if (!settings) return;
    const common = commonDir(gitDir);
    const note = readNotes(git, [commit]).get(commit) ?? "";
    const ids = parseNote(note)
      .traces.filter((t) => !t.url)
      .map((t) => t.id);
    enqueue(
      common,
      ids.map((id) => ({ id, commit })),
      Date.now(),
    );
    if (!nextJob(readQueue(common).jobs, false)) return;
    // Another process is uploading: it takes these too.
    const lock = tryRunLock(common);
    if (!lock) return;
    const state = repoState(git);
    if (!state) return lock.release();
    await drainLocked(git, state, env, settings, lock, false, hold);
  } catch (e) {
    reportDrainFailure(gitDir, env, e);
  }
}

/**
 * The push's background worker, before it pushes the notes: every waiting upload runs
 * now, backoff or not, so that the URLs travel with this push. Never throws.
 */
export async function retryUploads(git: GitRunner, state: RepoState, env: Env, hold: Hold = noHold): Promise<void> {
  try {
    const common = commonDir(state.gitDir);
    if (!nextJob(readQueue(common).jobs, true)) return; // one file read, the usual case
    const settings = uploadSettings(git);
    if (!settings) return;
    let lock = tryRunLock(common);
    // Another process is uploading: wait for it (without holding anyone up), then go.
    lock ??= await hold(() => waitRunLock(common, settings.timeoutMs + 10_000));
    if (!lock) return;
    await drainLocked(git, state, env, settings, lock, true, hold);
  } catch (e) {
    reportDrainFailure(state.gitDir, env, e);
  }
}

/** The commits whose note names the trace without a URL (every note is read: for the foreground command). */
export function commitsWithoutUrl(git: GitRunner, ids: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const notes = listNotes(git);
  const blobs = readBlobs(git, [...new Set(notes.map((n) => n.blob))]);
  for (const { commit, blob } of notes) {
    for (const t of parseNote(blobs.get(blob) ?? "").traces) {
      if (t.url || !ids.has(t.id)) continue;
      out.set(t.id, [...(out.get(t.id) ?? []), commit]);
    }
  }
  return out;
}
