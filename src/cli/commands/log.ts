// `git traces log [<git log options>] [<revisions>] [-- <paths>]`: the commits git log lists,
// each with the traces attached to it (ours and other tools').

import { streamLog, streamLogRendered, streamLogText } from "../../git/log.ts";
import { colorArgs, defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { logLayout, parseLogArgs, type LogOptions } from "../shared/log-args.ts";

export async function runLog(opts: LogOptions, deps: Deps): Promise<number> {
  const git = deps.git();
  // git log starts before anything else loads: the notes and the printing code are made
  // ready while it walks the history. The medium layout is git's own; one-line, JSON and
  // short IDs are made from git's fields.
  const layout = logLayout(opts, deps.io);
  if (opts.renderArgs.length) {
    // git's own output options: git renders each commit, the traces are added under it.
    const color = opts.color ?? deps.io.color;
    const log = streamLogRendered(git, opts.renderArgs, opts.gitArgs, { color, decorate: layout.decorate });
    const { printLog } = await import("../shared/log-print.ts");
    return printLog(opts, layout, deps, git, log, "rendered");
  }
  const native = !layout.oneline && !opts.json && !layout.abbrevCommit;
  const log = native
    ? streamLogText(git, opts.gitArgs, { decorate: layout.decorate })
    : streamLog(git, opts.gitArgs, { message: !opts.oneline && !opts.json });
  const { printLog } = await import("../shared/log-print.ts");
  return printLog(opts, layout, deps, git, log, native ? "native" : "fields");
}

export default defineTracesCommand({
  meta: {
    name: "log",
    description: "Show commits as git log does, each with the agent sessions (traces) attached to it",
  },
  args: {
    "revision-range": {
      type: "positional",
      required: false,
      description: "Commits to show, and any git log option that picks them (-n, --author, --since, -- <paths>, ...)",
    },
    oneline: { type: "boolean", description: "One line per commit, its traces indented under it" },
    "traces-only": { type: "boolean", description: "Only the commits that have traces" },
    json: {
      type: "boolean",
      description: "Print a JSON array, one object per commit (commit, parents, author, date, subject, refs, traces)",
    },
    ...colorArgs,
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
