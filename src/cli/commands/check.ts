// `git traces check <range> [--require-traces] [--max-agent-share N] [--json]`: a policy
// gate a CI job can make a required check. Exits 1 with one line per failing commit.

import { commitInfo } from "../../git/repo.ts";
import { revisionCommits, type CommitStamp } from "../../git/revisions.ts";
import { GitError } from "../../git/runner.ts";
import { clipLine } from "../../traces/text.ts";
import { tracesOfCommits } from "../../views/attached.ts";
import { checkCommits, failureLine, type CheckPolicy } from "../../views/check.ts";
import { colorArgs, defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { requireRepo } from "../shared/repo.ts";

export interface CheckOptions extends CheckPolicy {
  range: string;
  json: boolean;
}

export function parseShare(value: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n >= 0 && n <= 100)) throw new UsageError(`--max-agent-share takes a percentage from 0 to 100, not '${value}'`);
  return n;
}

export function runCheck(opts: CheckOptions, deps: Deps): number {
  if (!opts.range) throw new UsageError("which commits? give a range: git traces check origin/main..HEAD");
  if (!opts.requireTraces && opts.maxAgentShare === undefined)
    throw new UsageError("nothing to check: give --require-traces, --max-agent-share N, or both");
  requireRepo(deps);
  const git = deps.git();
  let stamps: CommitStamp[];
  try {
    stamps = revisionCommits(git, [opts.range]);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    const said = e.stderr
      .split("\n")
      .find((l) => l.startsWith("fatal: "))
      ?.slice("fatal: ".length);
    throw new CliError(clipLine(said ?? `cannot read the range ${opts.range}`, 300), "BAD_REVISION", {}, 128);
  }
  const subjects = new Map(stamps.map((s) => [s.oid, s.subject ?? ""]));
  const single = stamps.filter((s) => s.parents.length <= 1).map((s) => s.oid);
  const files = new Map(commitInfo(git, single).map((c) => [c.oid, c.files]));
  const commits = stamps.map((s) => ({
    oid: s.oid,
    subject: clipLine(subjects.get(s.oid) ?? "", 80),
    files: files.get(s.oid) ?? [],
  }));
  const attached = tracesOfCommits(
    git,
    commits.map((c) => c.oid),
  );
  const report = checkCommits(commits, attached, opts);
  const policy = { requireTraces: opts.requireTraces, maxAgentShare: opts.maxAgentShare ?? null };
  if (opts.json)
    deps.io.out(
      `${JSON.stringify({ range: opts.range, policy, ok: report.failures.length === 0, ...report }, null, 2)}\n`,
    );
  else {
    for (const f of report.failures) deps.io.out(`${failureLine(f, opts.maxAgentShare)}\n`);
    if (!report.failures.length) deps.io.err(`${report.commits} commit(s) checked: ok\n`);
  }
  return report.failures.length ? 1 : 0;
}

export default defineTracesCommand({
  meta: { name: "check", description: "Fail when commits in a range lack traces or exceed an agent share" },
  args: {
    range: { type: "positional", description: "The commits to check (A..B)", valueHint: "range", required: false },
    "require-traces": { type: "boolean", description: "Fail for each commit that changed files and has no trace" },
    "max-agent-share": {
      type: "string",
      description: "Fail for each commit whose files traces edited make more than N percent (by files)",
      valueHint: "N",
    },
    ...jsonArgs,
    ...colorArgs,
  },
  examples: [
    "git traces check origin/main..HEAD --require-traces",
    "git traces check $BASE..$HEAD --max-agent-share 80 --json",
  ],
  run: (ctx) => {
    const [range, ...rest] = ctx.args._;
    if (rest.length) throw new UsageError("check takes one range");
    const share = ctx.args["max-agent-share"] as string | undefined;
    return runCheck(
      {
        range: range ?? "",
        json: Boolean(ctx.args.json),
        requireTraces: Boolean(ctx.args["require-traces"]),
        ...(share !== undefined ? { maxAgentShare: parseShare(share) } : {}),
      },
      depsOf(ctx),
    );
  },
});
