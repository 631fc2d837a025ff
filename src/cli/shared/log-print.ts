// What `git traces log` prints as git log lists the commits (log.ts starts git log and loads
// this meanwhile): each commit with the traces its notes name, or one JSON array.

import type { LogCommit, LogStream, LogText } from "../../git/log.ts";
import type { GitRunner } from "../../git/runner.ts";
import { traceMark } from "../../git/trace.ts";
import {
  leftOutWarning,
  notesReader,
  type AttachedTrace,
  type LeftOut,
  type NotesReader,
} from "../../views/attached.ts";
import { notesOnDisk } from "../../views/note-cache.ts";
import { logJson, renderEntry, renderGitText, renderRendered, type LogEntry, type LogLayout } from "../../views/log.ts";
import { safeJson } from "../../traces/safe-json.ts";
import type { Deps } from "../deps.ts";
import type { LogOptions } from "./log-args.ts";
import { knowTraceIds, painter } from "../../views/render.ts";

/**
 * Prints the commits of `log` as they come: either as parsed from git's fields (--oneline,
 * --json, --abbrev-commit), or as git itself laid them out (streamLogText), with traces.
 */
export async function printLog(
  opts: LogOptions,
  layout: LogLayout,
  deps: Deps,
  git: GitRunner,
  log: LogStream<LogCommit> | LogStream<LogText>,
  mode: "native" | "fields" | "rendered",
): Promise<number> {
  const native = mode === "native";
  const graph = opts.renderArgs.includes("--graph");
  const { io } = deps;
  // The notes refs are listed (or taken from the cache) while git log runs.
  const broken = new Set<string>();
  // Notes that named more traces than are read from one note: told on stderr, and in --json.
  const leftOut = new Map<string, LeftOut[]>();
  const onLeftOut = (l: LeftOut) => {
    leftOut.set(l.commit, [...(leftOut.get(l.commit) ?? []), l]);
    io.err(leftOutWarning(l));
  };
  let reader: NotesReader | undefined;
  const opening = notesReader(git, {
    onBroken: (ref) => broken.add(ref),
    onLeftOut,
    ...notesOnDisk(git, deps.env),
  }).then((r) => (reader = r));
  opening.catch(() => undefined); // awaited below
  const paint = painter({ color: opts.color ?? io.color });

  let listed = 0;
  let shown = 0;
  let warned = false;
  const json: LogEntry[] = [];
  const show = (commits: readonly (LogCommit | LogText)[], traces: ReadonlyMap<string, AttachedTrace[]>) => {
    if (!warned) {
      for (const ref of broken) io.err(`git-traces: warning: cannot read ${ref}; its traces are left out\n`);
      warned = true;
    }
    let text = "";
    // Short IDs stay unique among what this call prints (and what earlier parts printed).
    knowTraceIds(commits.flatMap((c) => (traces.get(c.oid) ?? []).map((t) => t.id)));
    for (const commit of commits) {
      const found = traces.get(commit.oid) ?? [];
      if (opts.tracesOnly && found.length === 0) continue;
      const separator = shown > 0 && !layout.oneline ? "\n" : "";
      if (mode === "rendered")
        text += renderRendered({ commit: commit as LogText, traces: found }, paint, { compact: opts.compact, graph });
      else if (native) text += separator + renderGitText({ commit: commit as LogText, traces: found }, paint);
      else if (opts.json)
        json.push({
          commit: commit as LogCommit,
          traces: found,
          ...(leftOut.has(commit.oid) ? { leftOut: leftOut.get(commit.oid)! } : {}),
        });
      else text += separator + renderEntry({ commit: commit as LogCommit, traces: found }, layout, paint);
      shown++;
    }
    if (text) io.out(text);
  };

  // Commits are printed as git lists them while every note they need is in the cache; from
  // the first that is not, they wait for one cat-file at the end (and so does --json).
  let held: (LogCommit | LogText)[] = [];
  let streaming = !opts.json;
  for await (const batch of log.batches) {
    listed += batch.length;
    for (const c of batch) held.push(c);
    if (!streaming || !reader) continue;
    const traces = reader.cached(held.map((c) => c.oid));
    if (!traces) streaming = false;
    else {
      show(held, traces);
      held = [];
    }
  }
  const status = await log.done;
  const notes = await opening;
  traceMark("log: commits listed");
  try {
    if (status.exitCode !== 0) {
      // A bad revision or option, no commits yet, not a repository: git's words and status.
      io.err(status.stderr);
      return status.exitCode;
    }
    if (held.length) show(held, await notes.read(held.map((c) => c.oid)));
  } finally {
    await notes.close();
  }
  if (opts.json) io.out(`${safeJson(logJson(json), 2)}\n`);
  else if (shown === 0 && io.stdoutIsTTY)
    io.err(listed ? "No commits with traces in this range.\n" : "No commits in this range.\n");
  traceMark("log: written");
  return 0;
}
