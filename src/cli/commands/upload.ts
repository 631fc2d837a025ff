// `git traces upload [<trace-id>...]`: runs the upload command (`git config traces.upload`,
// docs/upload.md) now, in the foreground, and prints the URL or the error; `--list` shows
// the uploads waiting for a retry. The background workers do the same after each commit
// and before each notes push.

import { worktreeRoots } from "../../attach/detect.ts";
import { commonDir } from "../../git/repo.ts";
import { clipLine } from "../../traces/text.ts";
import { isTraceId } from "../../traces/model.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { editQueue, MAX_ATTEMPTS, readQueue, tryRunLock, waitRunLock, type UploadJob } from "../../upload/queue.ts";
import {
  commitsWithoutUrl,
  settleSuccesses,
  uploadSettings,
  uploadTrace,
  type Outcome,
  type Uploaded,
} from "../../upload/upload.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { requireRepo } from "../shared/repo.ts";

export interface UploadOptions {
  /** Trace IDs to upload; none: every upload waiting in the queue. */
  ids: string[];
  list: boolean;
  json: boolean;
}

export function uploadOptions(args: { _?: string[]; list?: boolean; json?: boolean }): UploadOptions {
  const ids = (args._ ?? []).filter((a) => a !== "");
  for (const id of ids)
    if (!isTraceId(id))
      throw new UsageError(`not a valid trace ID: '${clipLine(id, 80)}' (IDs are letters, digits, '-' and '_')`, {
        id,
      });
  if (args.list && ids.length) throw new UsageError("--list takes no trace IDs");
  return { ids: [...new Set(ids)], list: Boolean(args.list), json: Boolean(args.json) };
}

const NO_COMMAND =
  "no upload command is set; set one with: git config traces.upload '<command with {id} and {file}>' " +
  "(add --global for every repository)";

function jobJson(j: UploadJob) {
  return {
    id: j.id,
    commits: j.commits,
    attempts: j.attempts,
    maxAttempts: MAX_ATTEMPTS,
    status: j.gaveUp ? "gave-up" : "waiting",
    nextAttempt: j.gaveUp ? null : new Date(j.next).toISOString(),
    error: j.error ? { kind: j.error.kind, message: j.error.message, at: new Date(j.error.at).toISOString() } : null,
  };
}

function runList(opts: UploadOptions, deps: Deps): number {
  const state = requireRepo(deps);
  const jobs = readQueue(commonDir(state.gitDir)).jobs;
  if (opts.json) {
    deps.io.out(`${safeJson({ uploads: jobs.map(jobJson) }, 2)}\n`);
    return 0;
  }
  if (!jobs.length) {
    deps.io.err("No uploads are waiting.\n");
    return 0;
  }
  const sep = "  "; // the view, in a pipe too (--json is for scripts)
  for (const j of jobs) {
    const status = j.gaveUp
      ? "gave up"
      : j.next <= deps.now().getTime()
        ? "due"
        : `retry after ${new Date(j.next).toISOString()}`;
    const fields = [
      j.id,
      status,
      `${j.attempts}/${MAX_ATTEMPTS} attempts`,
      j.error ? clipLine(j.error.message, 200) : "",
    ];
    deps.io.out(`${fields.join(sep).trimEnd()}\n`);
  }
  if (deps.io.stderrIsTTY && jobs.some((j) => j.gaveUp))
    deps.io.err("Run 'git traces upload' to try them all again now.\n");
  return 0;
}

interface Result {
  id: string;
  outcome: Outcome;
  commits: string[];
}

export async function runUpload(opts: UploadOptions, deps: Deps): Promise<number> {
  if (opts.list) return runList(opts, deps);
  const state = requireRepo(deps);
  const git = deps.git();
  const settings = uploadSettings(git);
  if (!settings) throw new CliError(NO_COMMAND, "NO_UPLOAD_COMMAND");
  const common = commonDir(state.gitDir);
  const ids = opts.ids.length ? opts.ids : readQueue(common).jobs.map((j) => j.id);
  if (!ids.length) {
    if (opts.json) deps.io.out(`${safeJson({ uploads: [] }, 2)}\n`);
    else deps.io.err("No uploads are waiting; name a trace to upload it: git traces upload <trace-id>\n");
    return 0;
  }
  // Named traces get their URL in every note that names them without one.
  const named = opts.ids.length ? commitsWithoutUrl(git, new Set(ids)) : new Map<string, string[]>();
  let lock = tryRunLock(common);
  if (!lock) {
    deps.io.err("Waiting for an upload running in the background to finish...\n");
    lock = await waitRunLock(common, settings.timeoutMs + 10_000);
    if (!lock) throw new CliError("another upload is still running; try again in a moment", "UPLOAD_BUSY");
  }
  const results: Result[] = [];
  const done: Uploaded[] = [];
  try {
    const cwd = state.topLevel ?? state.gitDir;
    const roots = state.topLevel ? worktreeRoots(state.topLevel) : [];
    for (const id of ids) {
      lock.touch();
      const outcome = await uploadTrace(id, settings, deps.env, cwd, roots);
      if (outcome.ok) {
        done.push({ id, url: outcome.url, extraCommits: named.get(id) ?? [] });
        results.push({ id, outcome, commits: [] });
        continue;
      }
      // Said here and now: the queue keeps the message, without counting an attempt.
      editQueue(common, (q) => {
        const job = q.jobs.find((j) => j.id === id);
        if (job) job.error = { kind: outcome.kind, message: outcome.message, at: Date.now() };
      });
      results.push({ id, outcome, commits: [] });
    }
    // Every URL into the notes at once: one notes commit.
    const changed = settleSuccesses(git, common, done);
    for (const r of results) r.commits = changed.get(r.id) ?? [];
  } finally {
    lock.release();
  }

  const failed = results.filter((r) => !r.outcome.ok).length;
  if (opts.json) {
    const uploads = results.map((r) =>
      r.outcome.ok
        ? { id: r.id, ok: true, url: r.outcome.url, notesUpdated: r.commits, error: null }
        : {
            id: r.id,
            ok: false,
            url: null,
            notesUpdated: [],
            error: { kind: r.outcome.kind, message: r.outcome.message },
          },
    );
    deps.io.out(`${safeJson({ uploads }, 2)}\n`);
    return failed ? 1 : 0;
  }
  for (const r of results) {
    if (r.outcome.ok) {
      deps.io.out(`${r.outcome.url}\n`);
      const n = r.commits.length;
      deps.io.err(
        n
          ? `Uploaded trace ${r.id}; the note of ${n} commit${n === 1 ? "" : "s"} now links it.\n`
          : `Uploaded trace ${r.id}; no note names it without a URL, so no note changed.\n`,
      );
    } else {
      deps.io.err(`git-traces: upload of trace ${r.id} failed: ${r.outcome.message}\n`);
    }
  }
  return failed ? 1 : 0;
}

export default defineTracesCommand({
  meta: {
    name: "upload",
    description: "Upload traces now with your upload command (traces.upload); the URL goes into their notes",
  },
  args: {
    "trace-id": {
      type: "positional",
      description: "Trace IDs to upload (several may be given); without any, every upload waiting for a retry",
      required: false,
    },
    list: { type: "boolean", description: "List the uploads waiting for a retry, with their last error" },
    ...jsonArgs,
  },
  examples: [
    "git config traces.upload 'traces share --trace-id {id} --json'",
    "git traces upload 3f6c1d2e-8b4a-4c7e-9f21-5a0d7e6b9c48",
    "git traces upload --list",
    "git traces upload            # retry everything waiting, now",
  ],
  run: (ctx) => runUpload(uploadOptions(ctx.args as never), depsOf(ctx)),
});
