// Git's own command line, read the way git.c reads it: global options first, then the
// subcommand. Pure string work with no imports, because the shim runs it on every call.
// The front door (scripts/lib/front-door.ts) is generated from the sets exported here.

/** Global options that take their value as the next argument (or after `=` for long ones). */
export const WITH_VALUE: ReadonlySet<string> = new Set([
  "-C",
  "-c",
  "--git-dir",
  "--work-tree",
  "--namespace",
  "--super-prefix",
  "--config-env",
  "--attr-source",
  "--shallow-file",
]);

/**
 * Long options git also accepts glued as `--opt=value` (the short `-C` / `-c` never are).
 * `--exec-path` only counts glued: alone it prints the path and exits.
 */
export const LONG_WITH_VALUE: readonly string[] = [...[...WITH_VALUE].filter((o) => o.startsWith("--")), "--exec-path"];

/** Global options without a value that still let git go on to a subcommand. */
export const FLAGS: ReadonlySet<string> = new Set([
  "-p",
  "--paginate",
  "-P",
  "--no-pager",
  "--no-replace-objects",
  "--bare",
  "--literal-pathspecs",
  "--glob-pathspecs",
  "--noglob-pathspecs",
  "--icase-pathspecs",
  "--no-optional-locks",
  "--no-lazy-fetch",
  "--no-advice",
]);

/** Options that change which repository, config or environment a nested git would see. */
const CONTEXT = new Set([
  "-C",
  "-c",
  "--git-dir",
  "--work-tree",
  "--namespace",
  "--config-env",
  "--bare",
  "--no-replace-objects",
  "--attr-source",
]);

export interface GlobalOption {
  /** The option name, e.g. `-C` or `--git-dir` (without any `=value`). */
  name: string;
  /** Its value, when it takes one. */
  value?: string;
  /** The argv tokens it occupied, exactly as given. */
  tokens: string[];
}

export type ParsedCommandLine =
  | {
      kind: "command";
      /** Global options before the subcommand, in order. */
      globals: GlobalOption[];
      /** The subcommand as typed (may be an alias). */
      command: string;
      /** Everything after the subcommand. */
      args: string[];
    }
  | {
      /** `--version`, `--help`, `--exec-path`, no subcommand, or something git will reject itself. */
      kind: "other";
    };

/** Splits argv (without argv[0]) into global options, subcommand and its arguments. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const globals: GlobalOption[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg[0] !== "-") break;
    if (WITH_VALUE.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined) return { kind: "other" };
      globals.push({ name: arg, value, tokens: [arg, value] });
      i++;
      continue;
    }
    const long = LONG_WITH_VALUE.find((o) => arg.startsWith(o + "="));
    if (long) {
      globals.push({ name: long, value: arg.slice(long.length + 1), tokens: [arg] });
      continue;
    }
    if (FLAGS.has(arg)) {
      globals.push({ name: arg, tokens: [arg] });
      continue;
    }
    // --version, --help, --exec-path, --html-path, --list-cmds=..., unknown options:
    // git answers these itself without running a subcommand we care about.
    return { kind: "other" };
  }
  const command = argv[i];
  if (command === undefined) return { kind: "other" };
  return { kind: "command", globals, command, args: argv.slice(i + 1) };
}

/** The argv tokens of the options that decide which repository and config a git call sees. */
export function contextTokens(globals: readonly GlobalOption[]): string[] {
  return globals.filter((g) => CONTEXT.has(g.name)).flatMap((g) => g.tokens);
}

/** True for options that git refuses inside an alias ("alias changes environment variables"). */
export function changesEnvironment(globals: readonly GlobalOption[]): boolean {
  return globals.some((g) => CONTEXT.has(g.name) && g.name !== "--no-replace-objects");
}

/**
 * Splits an alias value into words the way git's split_cmdline() does: blanks separate
 * words, single quotes are literal, double quotes allow backslash escapes. Returns null
 * on an unclosed quote, which git reports as an error.
 */
export function splitCommandLine(line: string): string[] | null {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"') {
        if (i + 1 >= line.length) return null;
        word += line[++i];
      } else word += c;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 >= line.length) return null; // git: "cmdline ends with \\"
      word += line[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

/** The cwd git runs in: ours, moved by any -C the user gave. */
export function gitCwd(inv: { globals: readonly GlobalOption[] }): string {
  let cwd = process.cwd();
  for (const g of inv.globals) {
    if (g.name !== "-C" || !g.value) continue;
    cwd = g.value.startsWith("/") ? g.value : `${cwd}/${g.value}`;
  }
  return cwd;
}

/** No --git-dir, --work-tree or --bare: the repository can be found from the cwd alone. */
export const plainGlobals = (inv: { globals: readonly GlobalOption[] }) =>
  !inv.globals.some((g) => g.name === "--git-dir" || g.name === "--work-tree" || g.name === "--bare");
