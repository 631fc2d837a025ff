// `git traces carry <from-range> <to-range>`: after a forge rewrote a pull request's commits
// ("Squash and merge", "Rebase and merge"), the traces of the old commits carried onto the
// new ones (src/attach/carry.ts). Exit 0 when there is nothing to carry: a CI job runs it
// after every merge, and most merges have nothing to carry.

import { carryTraces, describeCarry } from "../../attach/carry.ts";
import { revisionCommits, type CommitStamp } from "../../git/revisions.ts";
import { resolveCommit } from "../../git/repo.ts";
import { GitError } from "../../git/runner.ts";
import { deepen, shallowCommits } from "../../git/shallow.ts";
import { clipLine } from "../../traces/text.ts";
import { defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { requireRepo } from "../shared/repo.ts";

export interface CarryOptions {
  from: string;
  to: string;
  json: boolean;
  dryRun: boolean;
  /** Where a shallow clone fetches the history it lacks; null: never fetch. */
  remote: string | null;
}

function commitsOf(deps: Deps, range: string): CommitStamp[] | GitError {
  try {
    return revisionCommits(deps.git(), [range]);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    return e;
  }
}

function badRange(range: string, e: GitError, shallow: boolean): CliError {
  const said = e.stderr
    .split("\n")
    .find((l) => l.startsWith("fatal: "))
    ?.slice("fatal: ".length);
  const hint = shallow ? " (a shallow clone: fetch the commits first, git fetch --deepen=<n> origin <sha>)" : "";
  return new CliError(`${clipLine(said ?? `cannot read the range ${range}`, 300)}${hint}`, "BAD_REVISION", { range });
}

/** The names a range starts from (`A..B` gives A and B, `B~2` gives B), as IDs when they resolve here. */
function tipsOf(deps: Deps, ranges: readonly string[]): string[] {
  const names = ranges
    .flatMap((r) => r.split(/\.\.\.?/))
    .map((n) => n.replace(/^\^/, "").replace(/[~^].*$/, ""))
    .filter((n) => n !== "" && !n.startsWith("-"));
  return [...new Set(names.map((n) => resolveCommit(deps.git(), n) ?? n))];
}

const DEPTHS = [1, 4, 16, 64, 256, 1024];

/**
 * Both ranges' commits, each with its parent at hand. In a shallow clone a commit at the
 * edge of the history looks like a root and its change like the whole tree: more history is
 * fetched from `remote` behind the ranges' ends until no commit of them is at the edge.
 */
function readRanges(deps: Deps, opts: CarryOptions): { from: CommitStamp[]; to: CommitStamp[] } {
  const ranges = [opts.from, opts.to];
  for (let attempt = 0; ; attempt++) {
    const shallow = shallowCommits(deps.git());
    const [from, to] = ranges.map((r) => commitsOf(deps, r)) as [CommitStamp[] | GitError, CommitStamp[] | GitError];
    const cut = [from, to].some((c) => !(c instanceof GitError) && c.some((x) => shallow.has(x.oid)));
    const failed = from instanceof GitError ? 0 : to instanceof GitError ? 1 : -1;
    if (failed < 0 && !cut) return { from: from as CommitStamp[], to: to as CommitStamp[] };
    if (!shallow.size || opts.remote === null || attempt >= DEPTHS.length) {
      if (failed >= 0) throw badRange(ranges[failed]!, (failed === 0 ? from : to) as GitError, shallow.size > 0);
      throw new CliError(
        "a commit of the ranges is at the edge of this shallow clone: fetch more history " +
          `(git fetch --deepen=<n> ${opts.remote ?? "origin"} <sha>)`,
        "SHALLOW",
      );
    }
    const depth = DEPTHS[attempt]!;
    if (!opts.json) deps.io.err(`shallow clone: fetching ${depth} more commit(s) of history from ${opts.remote}\n`);
    const why = deepen(deps.git(), opts.remote, tipsOf(deps, ranges), depth);
    if (why) throw new CliError(`cannot fetch more history from ${opts.remote}: ${clipLine(why, 300)}`, "FETCH_FAILED");
  }
}

export function runCarry(opts: CarryOptions, deps: Deps): number {
  if (!opts.from || !opts.to) throw new UsageError("give two ranges: git traces carry <from-range> <to-range>");
  requireRepo(deps);
  const { from, to } = readRanges(deps, opts);
  const result = carryTraces(deps.git(), from, to, { dryRun: opts.dryRun });
  if (opts.json) {
    deps.io.out(`${JSON.stringify({ from: opts.from, to: opts.to, dryRun: opts.dryRun, ...result }, null, 2)}\n`);
    return 0;
  }
  const said = describeCarry(result);
  for (const l of said.out) deps.io.out(`${l}\n`);
  for (const l of said.err) deps.io.err(`${l}\n`);
  return 0;
}

export default defineTracesCommand({
  meta: {
    name: "carry",
    description: "Carry traces onto the commits a forge made of them (squash or rebase merge)",
  },
  args: {
    from: { type: "positional", description: "The commits that have the traces (base..head)", valueHint: "from-range" },
    to: {
      type: "positional",
      description: "The commits that now hold their changes (before..after on the target branch)",
      valueHint: "to-range",
    },
    remote: {
      type: "string",
      description: "In a shallow clone, fetch the missing history from this remote (default origin)",
      valueHint: "name",
    },
    fetch: {
      type: "boolean",
      default: true,
      description: "In a shallow clone, fetch the history it lacks (--no-fetch: fail instead)",
    },
    "dry-run": { type: "boolean", description: "Say what would be carried, write nothing" },
    ...jsonArgs,
  },
  examples: ["git traces carry main..feature main~1..main", "git traces carry $BASE..$HEAD $BEFORE..$AFTER --json"],
  run: (ctx) => {
    const [from, to, ...rest] = ctx.args._;
    if (rest.length) throw new UsageError(`carry takes two ranges, not ${ctx.args._.length}`);
    return runCarry(
      {
        from: from ?? "",
        to: to ?? "",
        json: Boolean(ctx.args.json),
        dryRun: Boolean(ctx.args["dry-run"]),
        remote: ctx.args.fetch === false ? null : ((ctx.args.remote as string | undefined) ?? "origin"),
      },
      depsOf(ctx),
    );
  },
});
