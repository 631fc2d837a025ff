// `git traces blame [<rev>] [-L <range>...] [-w] [-M] [-C] [--] <file>`: git blame, plus
// the agent, model and trace of every line (docs/blame.md). git's own blame does the
// blaming (`--porcelain`, with the user's options); the notes of the blamed commits say
// which traces wrote which file.

import { blamePorcelain, showPrefix } from "../../git/blame.ts";
import type { TextOptions } from "../../views/blame-render.ts";
import { colorArgs, defineTracesCommand, depsOf, jsonArgs } from "../command.ts";
import type { Deps } from "../deps.ts";
import { UsageError } from "../errors.ts";

export type BlameFormat = "text" | "porcelain" | "line-porcelain" | "json";

export type BlameTextFlags = Omit<TextOptions, "paint" | "terminal" | "path" | "columns">;

export interface BlameOptions {
  format: BlameFormat;
  /** The summary footer (text) or object (--json). */
  summary: boolean;
  /** The text view's own options (-e, -s, -l, -t, -n, -f, -b, --abbrev). */
  text: BlameTextFlags;
  /** What goes to `git blame --porcelain`: options that choose the lines and commits, revisions, `--`, the file. */
  gitArgs: string[];
  /** The file as given, or null when none was. */
  file: string | null;
}

const FORMAT_FLAGS: Record<string, BlameFormat> = {
  "--json": "json",
  "--porcelain": "porcelain",
  "-p": "porcelain",
  "--line-porcelain": "line-porcelain",
};

/** git blame options passed on as they are, without a value. */
const GIT_FLAGS = new Set(["-w", "--root", "--minimal", "--first-parent"]);
/** git blame options that take a value (`--opt v` or `--opt=v`). */
const GIT_VALUE_OPTIONS = new Set(["--ignore-rev", "--ignore-revs-file", "--contents", "--since", "-S"]);

type TextSwitch = Exclude<keyof BlameTextFlags, "abbrev">;

const TEXT_FLAGS: Record<string, TextSwitch> = {
  "-e": "showEmail",
  "--show-email": "showEmail",
  "-s": "suppressAuthor",
  "-l": "longHash",
  "-t": "rawTime",
  "-n": "showNumber",
  "--show-number": "showNumber",
  "-f": "showName",
  "--show-name": "showName",
  "-b": "blankBoundary",
};

/** Options of git blame this command does not take, and why. */
const REFUSED: Record<string, string> = {
  "-c": "git annotate's format is not available; use the default view, --porcelain or --json",
  "--incremental": "use --porcelain or --json",
  "--score-debug": "not available here; use git blame",
  "--show-stats": "not available here; use git blame",
  "--date": "dates show as git blame's default (ISO 8601), or raw with -t",
  "--color-lines": "not available here; colours follow the terminal",
  "--color-by-age": "not available here; colours follow the terminal",
  "--reverse": "it names the last commit a line was seen in, not the one that wrote it",
  "--progress": "not available here",
  "--encoding": "not available here",
};

const SUPPORTED =
  "-L <range>, -w, -M[<n>], -C[<n>], --root, --first-parent, --minimal, --ignore-rev, --ignore-revs-file, " +
  "--since, --contents, -S, -e, -s, -l, -t, -n, -f, -b, --abbrev[=<n>], --porcelain, --line-porcelain, --json, " +
  "--no-summary";

function refuse(option: string): never {
  const reason = REFUSED[option];
  if (reason) throw new UsageError(`option '${option}' is not supported by git traces blame: ${reason}`, { option });
  throw new UsageError(`unknown option '${option}'; git traces blame takes ${SUPPORTED}`, { option });
}

/** Expands `-wL1,5` and `-sM20` into separate options, as git's option parser does. */
function expandShort(arg: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === "L" || c === "S") {
      out.push(`-${c}`);
      if (i + 1 < arg.length) out.push(arg.slice(i + 1));
      return out;
    }
    if (c === "M" || c === "C") {
      const score = /^\d*/.exec(arg.slice(i + 1))![0];
      out.push(`-${c}${score}`);
      i += score.length;
      continue;
    }
    out.push(`-${c}`);
  }
  return out;
}

/** Reads the command line the way git blame would, keeping ours apart. Throws UsageError. */
export function parseBlameArgs(raw: readonly string[]): BlameOptions {
  const opts: BlameOptions = { format: "text", summary: true, text: {}, gitArgs: [], file: null };
  const positionals: string[] = [];
  let format: string | null = null;
  const setFormat = (flag: string) => {
    if (format !== null && format !== flag && FORMAT_FLAGS[format] !== FORMAT_FLAGS[flag])
      throw new UsageError(`${format} and ${flag} cannot be used together`);
    format = flag;
    opts.format = FORMAT_FLAGS[flag]!;
  };
  const args = [...raw];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      const rest = args.slice(i + 1);
      opts.gitArgs.push("--", ...rest);
      if (rest.length) opts.file = rest[rest.length - 1]!;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      opts.gitArgs.push(arg);
      continue;
    }
    if (/^-[A-Za-z]{2,}/.test(arg) && !/^-[MC]\d+$/.test(arg)) {
      args.splice(i, 1, ...expandShort(arg));
      i--;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (FORMAT_FLAGS[arg]) setFormat(arg);
    else if (arg === "--no-summary") opts.summary = false;
    else if (arg === "--summary") opts.summary = true;
    else if (TEXT_FLAGS[arg]) opts.text[TEXT_FLAGS[arg]] = true;
    else if (name === "--abbrev") {
      if (eq > 0) {
        const value = arg.slice(eq + 1);
        if (!/^\d+$/.test(value)) throw new UsageError(`option '--abbrev' expects a number, not '${value}'`);
        opts.text.abbrev = Number(value);
      }
    } else if (GIT_FLAGS.has(arg) || /^-[MC]\d*$/.test(arg)) opts.gitArgs.push(arg);
    else if (arg === "-L" || arg.startsWith("-L")) {
      const value = arg.length > 2 ? arg.slice(2) : args[++i];
      if (value === undefined || value === "")
        throw new UsageError("option '-L' needs a value: -L <start>,<end> or -L :<funcname>");
      opts.gitArgs.push("-L", value);
    } else if (GIT_VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`option '${name}' needs a value`);
      opts.gitArgs.push(`${name}=${value}`.replace(/^-S=/, "-S"));
    } else refuse(name);
  }
  if (opts.file === null && positionals.length) opts.file = positionals[positionals.length - 1]!;
  if (opts.file === null) throw new UsageError("which file? git traces blame [<rev>] [-L <range>...] [--] <file>");
  return opts;
}

export async function runBlame(opts: BlameOptions, deps: Deps): Promise<number> {
  const git = deps.git();
  // git blame starts before anything else loads: the rest is made ready while it works.
  const blaming = blamePorcelain(git, opts.gitArgs, opts.format === "line-porcelain");
  const wantsPrefix = opts.format === "text" && opts.file !== null && opts.text.showName === undefined;
  const prefixed = wantsPrefix ? showPrefix(git, deps.env) : Promise.resolve(null);
  const { printBlame } = await import("../shared/blame-print.ts");
  return printBlame(opts, deps, git, blaming, prefixed);
}

export default defineTracesCommand({
  meta: {
    name: "blame",
    description: "Show what git blame shows, plus the agent, model and trace that wrote each line",
  },
  args: {
    rev: {
      type: "positional",
      required: false,
      description: "Blame the file as of this commit (default: the work tree)",
      valueHint: "rev",
    },
    file: { type: "positional", required: false, description: "The file to blame", valueHint: "file" },
    porcelain: {
      type: "boolean",
      alias: "p",
      description: "git blame's porcelain with a `trace <id> <agent> <model>` header line per trace",
    },
    "line-porcelain": { type: "boolean", description: "Likewise, with the commit's details on every line" },
    ...jsonArgs,
    ...colorArgs,
    "no-summary": {
      type: "boolean",
      description: "Leave out the closing share of lines of each agent and model, and of humans",
    },
  },
  gitOptions: {
    "-L <start>,<end>, -L :<funcname>": "only these lines (repeatable)",
    "-w": "ignore whitespace changes",
    "-M[<n>]": "find lines moved or copied within the file",
    "-C[<n>]": "also from other files of the same commit (twice or thrice: of any commit)",
    "--root, --first-parent, --minimal": "as in git blame",
    "--ignore-rev <rev>, --ignore-revs-file <file>": "as in git blame",
    "--since <date>, --contents <file>, -S <file>": "as in git blame",
    "-e, -s, -l, -t, -n, -f, -b, --abbrev[=<n>]":
      "the text view as in git blame: email, no author, long IDs, raw time, original line number, file name, " +
      "blank boundary",
  },
  examples: [
    "git traces blame src/auth.py",
    "git traces blame -L 10,20 -L 40,50 src/auth.py",
    "git traces blame -M -C HEAD~3 -- src/auth.py",
    'git traces blame --json src/auth.py | jq \'select(.type == "line" and .attribution == "agent")\'',
    "git traces blame --porcelain src/auth.py",
  ],
  gitArgs: true,
  run: (ctx) => runBlame(parseBlameArgs(ctx.rawArgs), depsOf(ctx)),
});
