// `git traces export <commit | range> [--format agent-trace] [--jsonl] [--output FILE]`:
// the traces of commits in a format other tools read. Today one format: Agent Trace
// records (docs/agent-trace.md says what is in them and why).

import { writeFileSync } from "node:fs";
import { resolveCommit } from "../../git/repo.ts";
import { isRange } from "../../git/revisions.ts";
import { GitError } from "../../git/runner.ts";
import { leftOutWarning } from "../../views/attached.ts";
import { exportAgentTrace } from "../../views/export.ts";
import { safeJson } from "../../traces/safe-json.ts";
import { defineTracesCommand, depsOf } from "../command.ts";
import type { Deps } from "../deps.ts";
import { CliError, UsageError } from "../errors.ts";
import { sanitizeLine } from "../../views/render.ts";
import { requireRepo } from "../shared/repo.ts";
import { VERSION } from "../../base/version.ts";

export const FORMATS = ["agent-trace"] as const;
export type ExportFormat = (typeof FORMATS)[number];

export interface ExportOptions {
  /** A commit, or revisions naming a range (`A..B`, `A...B`, `^A B`, `C^!`). */
  revs: string[];
  format: ExportFormat;
  /** One record per line, also for a single commit. */
  jsonl: boolean;
  /** Write here instead of stdout (`-` is stdout). */
  output?: string;
}

/** git's complaint about a revision, without its `fatal: `. */
function gitComplaint(e: GitError): string {
  const line = e.stderr.trim().split("\n").shift() ?? "";
  return sanitizeLine(line.replace(/^(fatal|error): /, "")) || "bad revision";
}

export async function runExport(opts: ExportOptions, deps: Deps): Promise<number> {
  if (!opts.revs.length)
    throw new UsageError("name a commit or a range to export (git traces export <commit | range>)");
  requireRepo(deps);
  const git = deps.git();
  const shown = sanitizeLine(opts.revs.join(" "));
  let revs = opts.revs;
  if (!isRange(revs)) {
    const oid = resolveCommit(git, revs[0]!);
    if (!oid) throw new CliError(`'${shown}' does not name a commit`, "NOT_A_COMMIT", { rev: revs[0] }, 128);
    revs = [oid];
  }
  let result;
  try {
    result = await exportAgentTrace(
      {
        git,
        env: deps.env,
        toolVersion: VERSION,
        onBroken: (ref) => deps.io.err(`git-traces: warning: cannot read ${ref}; its traces are left out\n`),
        onLeftOut: (l) => deps.io.err(leftOutWarning(l)),
      },
      revs,
    );
  } catch (e) {
    if (e instanceof GitError) throw new CliError(gitComplaint(e), "BAD_REVISION", { revs: opts.revs }, 128);
    throw e;
  }
  if (result.commits === 0) throw new CliError(`'${shown}' names no commits`, "EMPTY_RANGE", { revs: opts.revs });
  const { records } = result;
  if (!result.range && !records.length) {
    throw new CliError(`commit ${revs[0]!.slice(0, 12)} has no traces; nothing to export`, "NO_TRACES", {
      commit: revs[0],
    });
  }
  let text: string;
  if (opts.jsonl) text = records.map((r) => `${safeJson(r)}\n`).join("");
  else text = `${safeJson(result.range ? records : records[0], 2)}\n`;
  if (opts.output !== undefined && opts.output !== "-") {
    try {
      writeFileSync(opts.output, text);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new CliError(`cannot write '${sanitizeLine(opts.output)}': ${reason}`, "WRITE_FAILED", {
        path: opts.output,
      });
    }
  } else deps.io.out(text);
  if (!records.length) deps.io.err("No commits with traces in this range.\n");
  return 0;
}

export default defineTracesCommand({
  meta: {
    name: "export",
    description: "Export the traces of a commit or a range as Agent Trace records (JSON)",
  },
  args: {
    revision: {
      type: "positional",
      description: "A commit, or a range: A..B, A...B, ^A B, C^!",
      valueHint: "commit|range",
      required: false,
    },
    format: {
      type: "enum",
      options: [...FORMATS],
      default: "agent-trace",
      description: "Output format (Agent Trace 0.1.0, the only one today)",
    },
    jsonl: {
      type: "boolean",
      description: "One record per line (JSON Lines); without it a commit gives one object, a range an array",
    },
    output: { type: "string", alias: "o", valueHint: "file", description: "Write to this file instead of stdout" },
  },
  examples: [
    "git traces export HEAD",
    "git traces export HEAD --format agent-trace --output trace.json",
    "git traces export origin/main..HEAD",
    "git traces export v1.0..v1.1 --jsonl > traces.jsonl",
  ],
  run: (ctx) =>
    runExport(
      {
        revs: ctx.args._.map(String),
        format: ctx.args.format as ExportFormat,
        jsonl: Boolean(ctx.args.jsonl),
        ...(typeof ctx.args.output === "string" ? { output: ctx.args.output } : {}),
      },
      depsOf(ctx),
    ),
});
