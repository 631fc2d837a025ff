// `git traces summary [<range>...]`: what a pull-request bot posts about a range: the
// agents and models behind it, tool calls by kind, web pages and searches, files, tokens,
// and a link or ID per trace. A single commit stands alone; ranges are walked as by
// `git log`. Without a range: the current branch's commits that its upstream lacks.

import { worktreeRoots } from "../../attach/detect.ts";
import { abbrevCommits } from "../../git/revisions.ts";
import { leftOutWarning, tracesOfCommits, type LeftOut } from "../../views/attached.ts";
import { localSessions } from "../../views/sessions.ts";
import { summarize } from "../../views/summary.ts";
import { renderSummaryMarkdown, renderSummaryText } from "../../views/summary-render.ts";
import { clipLine } from "../../traces/text.ts";
import type { Trace } from "../../traces/model.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { formatArgs, outputFormat, type OutputFormat } from "../shared/format.ts";
import { knowCommitAbbrevs, knowTraceIds, painter } from "../../views/render.ts";
import { rangeCommits } from "../shared/range.ts";
import { requireRepo } from "../shared/repo.ts";
import { statsOf } from "./stats.ts";

export interface SummaryOptions {
  /** Revisions as `git log` takes them; empty: `@{upstream}..HEAD`. */
  revs: string[];
  format: OutputFormat;
}

export async function runSummary(opts: SummaryOptions, deps: Deps): Promise<number> {
  const state = requireRepo(deps);
  const git = deps.git();
  const { revs, stamps } = rangeCommits(git, state, opts.revs, "summarize");
  const commits = stamps.map((c) => ({ oid: c.oid, parents: c.parents, subject: c.subject ?? "" }));
  const leftOut: LeftOut[] = [];
  const attached = tracesOfCommits(
    git,
    commits.map((c) => c.oid),
    {
      onBroken: (ref) => deps.io.err(`warning: cannot read ${ref}; the traces it names are left out\n`),
      onLeftOut: (l) => {
        leftOut.push(l);
        deps.io.err(leftOutWarning(l));
      },
    },
  );
  const ids = [...attached.values()].flatMap((ts) => ts.map((t) => t.id));
  knowTraceIds(ids);
  if (opts.format !== "json") knowCommitAbbrevs(abbrevCommits(git, [...attached.keys()]));
  // Transcripts here, else snapshots, else content shared through git.
  const local = await localSessions(ids, deps.env, state.topLevel ? worktreeRoots(state.topLevel) : [], {
    elsewhere: { git },
  });
  const sessions = new Map<string, Trace>();
  for (const [id, s] of local) {
    if (s.trace) sessions.set(id, s.trace);
    else if (s.sharedError)
      deps.io.err(
        `git-traces: warning: the shared content of trace ${id} is not a valid trace ` +
          `(${clipLine(s.sharedError, 300)}); only its notes count\n`,
      );
  }
  const summary = summarize({ range: revs.join(" "), commits, attached, sessions, leftOut });
  if (opts.format === "json") deps.io.out(`${safeJson(summary, 2)}\n`);
  else if (opts.format === "markdown") deps.io.out(renderSummaryMarkdown(summary, statsOf(deps, revs, stamps, true)));
  else deps.io.out(renderSummaryText(summary, painter(deps.io)));
  return 0;
}

export function summaryOptions(args: { _: string[]; markdown?: boolean; json?: boolean }): SummaryOptions {
  return { revs: args._.filter((r) => r !== ""), format: outputFormat(args) };
}

export default defineTracesCommand({
  meta: {
    name: "summary",
    description: "Summarize the agent work in a range of commits, for a pull request",
  },
  args: {
    range: {
      type: "positional",
      description: "Commits to summarize: a range (A..B) or one commit; default @{upstream}..HEAD",
      valueHint: "range",
      required: false,
    },
    ...formatArgs,
  },
  examples: [
    "git traces summary origin/main..HEAD",
    "git traces summary origin/main..HEAD --markdown | gh pr comment --body-file -",
    "git traces summary HEAD",
    "git traces summary main..feature --json",
  ],
  run: (ctx) => runSummary(summaryOptions(ctx.args as never), depsOf(ctx)),
});
