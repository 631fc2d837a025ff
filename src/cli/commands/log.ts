// `git traces log [<git log options>] [<revisions>] [-- <paths>]`: the commits git log lists,
// each with the traces attached to it (ours and other tools').

import { gitLog } from "../../git/log.ts";
import { traceMark } from "../../git/trace.ts";
import { locateRepoOnDisk, refOidOnDisk } from "../../git/repo.ts";
import type { GitRunner } from "../../git/runner.ts";
import { NOTES_REFS, tracesAmong, type AmongOptions } from "../../history/attached.ts";
import { openNoteCache } from "../../history/note-cache.ts";
import { logJson, renderLog, type LogEntry } from "../../history/log.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { parseLogArgs, type LogOptions } from "../shared/log-args.ts";
import { painter } from "../shared/render.ts";

/**
 * What can be known from the repository's files when git would find the same: the notes
 * refs' values (no for-each-ref), and the notes listed and parsed on earlier runs.
 */
function fromDisk(git: GitRunner, env: Deps["env"]): Pick<AmongOptions, "present" | "cache"> {
  if (git.context.length || env.GIT_NAMESPACE) return {};
  const where = locateRepoOnDisk(process.cwd(), env);
  if (!where) return {};
  const cache = openNoteCache(where.gitDir);
  const present = new Map<string, string>();
  for (const ref of NOTES_REFS) {
    const oid = refOidOnDisk(where.gitDir, ref);
    if (oid === undefined) return { cache };
    if (oid) present.set(ref, oid);
  }
  return { present, cache };
}

export async function runLog(opts: LogOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  const git = deps.git();
  // git lists the commits while the notes refs are listed: neither waits for the other.
  const pending = gitLog(git, opts.gitArgs, { message: !opts.oneline && !opts.json });
  const broken = new Set<string>();
  const attached = tracesAmong(
    git,
    pending.then((l) => l.commits.map((c) => c.oid)),
    { onBroken: (ref) => broken.add(ref), ...fromDisk(git, deps.env) },
  );
  const [log, traces] = await Promise.all([pending, attached]);
  traceMark("log: commits and notes read");
  if (log.exitCode !== 0) {
    // A bad revision or option, no commits yet, not a repository: git's words and status.
    io.err(log.stderr);
    return log.exitCode;
  }
  for (const ref of broken) io.err(`git-traces: warning: cannot read ${ref}; its traces are left out\n`);
  let entries: LogEntry[] = log.commits.map((commit) => ({ commit, traces: traces.get(commit.oid) ?? [] }));
  if (opts.tracesOnly) entries = entries.filter((e) => e.traces.length > 0);
  if (opts.json) {
    io.out(`${safeJson(logJson(entries), 2)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    if (io.stdoutIsTTY) io.err(log.commits.length ? "No commits with traces in this range.\n" : "No commits in this range.\n");
    return 0;
  }
  const paint = painter({ color: opts.color ?? io.color });
  const layout = {
    oneline: opts.oneline,
    abbrevCommit: opts.abbrevCommit ?? opts.oneline,
    decorate: opts.decorate ?? io.stdoutIsTTY,
    marks: opts.marks,
    reflog: opts.reflog,
  };
  io.out(renderLog(entries, layout, paint));
  traceMark("log: written");
  return 0;
}

export default defineTracesCommand({
  meta: {
    name: "log",
    description: "Show commits as git log does, each with the agent sessions (traces) attached to it",
  },
  args: {
    "revision-range": { type: "positional", required: false, description: "Commits to show, and any git log option that picks them (-n, --author, --since, -- <paths>, ...)" },
    oneline: { type: "boolean", description: "One line per commit, its traces indented under it" },
    "traces-only": { type: "boolean", description: "Only the commits that have traces" },
    json: { type: "boolean", description: "Print a JSON array, one object per commit (commit, parents, author, date, subject, refs, traces)" },
    color: { type: "string", description: "always, never or auto (default: on a terminal, unless NO_COLOR)", valueHint: "when" },
  },
  gitArgs: true,
  examples: [
    "git traces log",
    "git traces log --oneline -n 20",
    "git traces log main..feature -- src/",
    "git traces log --author=alice --since=2.weeks --traces-only",
    "git traces log --json origin/main..HEAD",
  ],
  run: (ctx) => runLog(parseLogArgs(ctx.rawArgs), depsOf(ctx)),
});
