// `git traces log` takes git log's own options, revisions and paths: this splits its command
// line into what git gets (everything that picks commits: -n, ranges, --author, paths, ...)
// and what shapes the output. git's own output options (-p, --stat, --graph, --format, ...)
// are kept apart: git renders with them and the traces are added under each commit. Pure.

import type { LogLayout } from "../../views/log.ts";
import { UsageError } from "../errors.ts";
import type { IO } from "../io.ts";

export interface LogOptions {
  /** Passed to `git log` as they are: options that pick commits, revisions, `-- <paths>`. */
  gitArgs: string[];
  oneline: boolean;
  json: boolean;
  /** Only the commits that have traces. */
  tracesOnly: boolean;
  /** `--color[=when]` / `--no-color`; undefined leaves it to the terminal and NO_COLOR. */
  color?: boolean;
  /** Show the full commit ID (undefined: full unless --oneline). */
  abbrevCommit?: boolean;
  /** `--decorate[=...]` / `--no-decorate`; undefined: decorations only on a terminal, as git does. */
  decorate?: boolean;
  /** `<`, `>`, `=`, `+` marks before commit IDs, as `--left-right` and `--cherry-mark` ask. */
  marks: boolean;
  /** `-g` / `--walk-reflogs`: each entry says which reflog entry it is. */
  reflog: boolean;
  /**
   * git's own output options (-p, --stat, --graph, --format, ...): git renders each commit
   * with them and the traces are added under it. Empty: the tool lays the commits out.
   */
  renderArgs: string[];
  /** --format/--pretty of the user's own (not medium and its kin): traces as indented lines, not a block. */
  compact: boolean;
}

/** Output options git cannot mix with the traces added under each commit. */
const NOT_MIXED = new Set(["-z", "--output", "-m", "-L"]);

/** Layouts with a message body, under which the Traces: block fits as it does in git's medium. */
const BLOCK_LAYOUTS = new Set(["medium", "full", "fuller", "raw", "email", "mboxrd", "reference"]);

/** git log options that take their value as the next argument when written without `=`. */
const TAKES_VALUE = new Set([
  "-n",
  "--max-count",
  "--skip",
  "--since",
  "--after",
  "--until",
  "--before",
  "--since-as-filter",
  "--author",
  "--committer",
  "--grep",
  "--grep-reflog",
  "--min-parents",
  "--max-parents",
  "--exclude",
  "--decorate-refs",
  "--decorate-refs-exclude",
  "-S",
  "-G",
  "-O",
]);

/** Options that change what git prints (patches, stats, its own formats): not ours to mix in. */
const FORMAT_OPTIONS = [
  "--pretty",
  "--format",
  "-p",
  "-u",
  "--patch",
  "--patch-with-stat",
  "--patch-with-raw",
  "--stat",
  "--numstat",
  "--shortstat",
  "--dirstat",
  "--dirstat-by-file",
  "--cumulative",
  "--summary",
  "--compact-summary",
  "--name-only",
  "--name-status",
  "--raw",
  "--binary",
  "--check",
  "--word-diff",
  "--color-words",
  "-W",
  "--function-context",
  "-m",
  "-c",
  "--cc",
  "--dd",
  "--diff-merges",
  "--remerge-diff",
  "--graph",
  "-z",
  "--notes",
  "--show-notes",
  "--standard-notes",
  "--show-signature",
  "--log-size",
  "--show-linear-break",
  "--output",
  "-L",
];

function refusedFormat(arg: string): string | undefined {
  const name = arg.startsWith("--") ? arg.split("=")[0]! : arg;
  if (FORMAT_OPTIONS.includes(name)) return name;
  // -L<range>:<file>, -U<n> (context lines: a patch), --stat=<n>, --dirstat=...
  if (/^-(L|U)./.test(arg) || /^--unified(=|$)/.test(arg)) return arg.slice(0, 2);
  return undefined;
}

function colorWhen(value: string): boolean | undefined {
  if (value === "always" || value === "true") return true;
  if (value === "never" || value === "false") return false;
  if (value === "auto") return undefined;
  throw new UsageError(`invalid --color value '${value}' (always, never or auto)`, { option: "--color", value });
}

export function parseLogArgs(raw: readonly string[]): LogOptions {
  const opts: LogOptions = {
    gitArgs: [],
    oneline: false,
    json: false,
    tracesOnly: false,
    marks: false,
    reflog: false,
    renderArgs: [],
    compact: false,
  };
  for (let i = 0; i < raw.length; i++) {
    const arg = raw[i]!;
    if (arg === "--") {
      opts.gitArgs.push(...raw.slice(i));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      opts.gitArgs.push(arg);
      continue;
    }
    switch (arg) {
      case "--json":
        opts.json = true;
        continue;
      case "--traces-only":
      case "--with-traces":
        opts.tracesOnly = true;
        continue;
      case "--oneline":
        opts.oneline = true;
        continue;
      case "--abbrev-commit":
        opts.abbrevCommit = true;
        continue;
      case "--no-abbrev-commit":
        opts.abbrevCommit = false;
        continue;
      case "--color":
        opts.color = true;
        continue;
      case "--no-color":
        opts.color = false;
        continue;
      case "--no-decorate":
        opts.decorate = false;
        opts.gitArgs.push(arg);
        continue;
    }
    if (arg.startsWith("--color=")) {
      opts.color = colorWhen(arg.slice("--color=".length));
      continue;
    }
    const format = refusedFormat(arg);
    if (format) {
      if (NOT_MIXED.has(format) || format.startsWith("--diff-merges")) {
        throw new UsageError(
          `git traces log cannot add traces to git log's '${format}' output (use git log, or --json)`,
          {
            option: format,
          },
        );
      }
      opts.renderArgs.push(arg);
      if (arg === "-L" && i + 1 < raw.length) opts.renderArgs.push(raw[++i]!);
      if (format === "--pretty" || format === "--format") {
        const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : "medium";
        opts.compact = format === "--format" || !BLOCK_LAYOUTS.has(value);
      }
      continue;
    }
    if (arg === "--decorate" || arg.startsWith("--decorate=")) opts.decorate = true;
    if (arg === "--left-right" || arg === "--cherry-mark" || arg === "--cherry") opts.marks = true;
    if (arg === "-g" || arg === "--walk-reflogs") opts.reflog = true;
    opts.gitArgs.push(arg);
    if (TAKES_VALUE.has(arg) && i + 1 < raw.length) opts.gitArgs.push(raw[++i]!);
  }
  // With git's own rendering, --oneline and the ID options are git's to apply too.
  if (opts.renderArgs.length) {
    if (opts.json)
      throw new UsageError("--json cannot be combined with git log's output options", { option: "--json" });
    if (opts.oneline) {
      opts.renderArgs.unshift("--oneline");
      opts.compact = true;
      opts.oneline = false;
    }
    if (opts.abbrevCommit !== undefined)
      opts.renderArgs.unshift(opts.abbrevCommit ? "--abbrev-commit" : "--no-abbrev-commit");
  }
  return opts;
}

/** How the commits are laid out, from the options and the terminal (decorations on a terminal, as git). */
export function logLayout(opts: LogOptions, io: Pick<IO, "stdoutIsTTY">): LogLayout {
  return {
    oneline: opts.oneline,
    abbrevCommit: opts.abbrevCommit ?? opts.oneline,
    decorate: opts.decorate ?? io.stdoutIsTTY,
    marks: opts.marks,
    reflog: opts.reflog,
  };
}
