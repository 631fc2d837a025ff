// The terminal as git sets it up for its own commands: which pager, whether to page, whether
// to colour. Decided once per call by main() from the global options, the command's own
// --color/--no-color, the config (one `git config` read, only when an answer needs it) and
// the environment; io.ts applies the outcome.

import type { GlobalOption } from "../git/globals.ts";

/** Commands that page on a terminal unless told not to, as `git log` does. */
export const PAGED_COMMANDS: ReadonlySet<string> = new Set(["summary", "list", "log", "blame", "show"]);

/** The config keys read here, lower-cased as `git config --get-regexp` prints them. */
export const TERMINAL_CONFIG_PATTERN = "^(color\\.(ui|pager|traces)|core\\.(pager|abbrev)|pager\\.traces)$";

export interface TerminalConfig {
  /** Last value of each key; null when set without `=`; absent when not set. */
  get(key: string): string | null | undefined;
}

export function terminalConfig(entries: readonly { key: string; value: string | null }[]): TerminalConfig {
  const map = new Map<string, string | null>();
  for (const e of entries) map.set(e.key, e.value);
  return { get: (key) => (map.has(key) ? map.get(key) : undefined) };
}

/** git's boolean words; undefined for anything else. */
export function gitBool(value: string | null): boolean | undefined {
  if (value === null) return true;
  const v = value.toLowerCase();
  if (v === "true" || v === "yes" || v === "on" || v === "1") return true;
  if (v === "false" || v === "no" || v === "off" || v === "0" || v === "") return false;
  return undefined;
}

/**
 * A colour setting as git reads one (color.ui, --color=...): never/always/auto, and any other
 * true word means auto, false means never. undefined for a word git would refuse.
 */
export function colorWhen(value: string | null): "always" | "never" | "auto" | undefined {
  if (value === "always" || value === "never" || value === "auto") return value;
  const b = gitBool(value);
  return b === undefined ? undefined : b ? "auto" : "never";
}

export interface ColorFlag {
  /** The command line's say, when it had one (the last --color/--no-color wins). */
  when?: "always" | "never" | "auto";
  /** The arguments without the colour options. */
  rest: string[];
}

/**
 * Takes `--color`, `--color=<when>` and `--no-color` out of a command's arguments (up to
 * `--`). A bad value is left in place for the command's own parser to refuse.
 */
export function takeColorFlag(args: readonly string[]): ColorFlag {
  const rest: string[] = [];
  let when: ColorFlag["when"];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (a === "--color") when = "always";
    else if (a === "--no-color") when = "never";
    else if (a.startsWith("--color=")) {
      const w = colorWhen(a.slice("--color=".length));
      if (w === undefined) rest.push(a);
      else when = w;
    } else rest.push(a);
  }
  return { when, rest };
}

/**
 * Whether colour is on for stdout. The command line first, then color.traces and color.ui
 * (always/never), then NO_COLOR, CLICOLOR_FORCE and CLICOLOR, then: a terminal, or a pager
 * git would colour for (color.pager, true unless set false).
 */
export function decideColor(opts: {
  flag?: "always" | "never" | "auto";
  config: () => TerminalConfig;
  env: Record<string, string | undefined>;
  isTTY: boolean;
  paging: boolean;
}): boolean {
  const { env } = opts;
  let when = opts.flag;
  if (when === undefined || when === "auto") {
    if (when === undefined) {
      const config = opts.config();
      when = colorWhen(config.get("color.traces") ?? "auto") ?? "auto";
      if (when === "auto") when = colorWhen(config.get("color.ui") ?? "auto") ?? "auto";
    }
  }
  if (when === "always") return true;
  if (when === "never") return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== "" && env.CLICOLOR_FORCE !== "0") return true;
  if (env.CLICOLOR === "0") return false;
  if (env.TERM === "dumb") return false;
  if (opts.paging) return gitBool(opts.config().get("color.pager") ?? "true") !== false;
  return opts.isTTY;
}

/**
 * The pager command git would start for `git traces <command>`, or null for none. Never when
 * stdout is not a terminal or `--no-pager`/`-P` was given; `-p`/`--paginate` pages any
 * command; `pager.traces` turns paging off (false), on (true) or names the program. The
 * program: GIT_PAGER, core.pager, PAGER, then less; empty or `cat` means none.
 */
export function choosePager(opts: {
  command: string;
  globals: readonly GlobalOption[];
  env: Record<string, string | undefined>;
  isTTY: boolean;
  config: () => TerminalConfig;
}): string | null {
  if (!opts.isTTY) return null;
  let want: boolean | undefined;
  for (const g of opts.globals) {
    if (g.name === "-P" || g.name === "--no-pager") want = false;
    else if (g.name === "-p" || g.name === "--paginate") want = true;
  }
  if (want === false) return null;
  const config = opts.config();
  let program: string | undefined;
  if (want === undefined) {
    const setting = config.get("pager.traces");
    if (setting !== undefined) {
      const b = gitBool(setting);
      if (b === false) return null;
      if (b === undefined && setting !== null) program = setting;
      want = true;
    } else want = PAGED_COMMANDS.has(opts.command);
  }
  if (!want) return null;
  program ??= opts.env.GIT_PAGER ?? config.get("core.pager") ?? opts.env.PAGER ?? "less";
  if (program === null || program === "" || program === "cat") return null;
  return program;
}

/** The environment the pager runs in, as git gives it: LESS and LV defaults, GIT_PAGER_IN_USE. */
export function pagerEnv(env: Record<string, string | undefined>, columns: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.LESS ??= "FRX";
  out.LV ??= "-c";
  out.GIT_PAGER_IN_USE = "true";
  if (Number.isFinite(columns) && columns > 0) out.COLUMNS ??= String(columns);
  return out;
}

export interface Pager {
  /** Queues bytes for the pager; false once the pager has gone (the user quit it). */
  write(bytes: Uint8Array): boolean;
  /** Ends its input and waits until it exits. */
  close(): Promise<void>;
}

/** Starts the pager through the shell as git does, on our terminal, reading from a pipe. */
export function startPager(program: string, env: Record<string, string>): Pager {
  let gone = false;
  // As git: a signal ends the command, but only once the pager has gone, so that the
  // terminal is the pager's until the user leaves it. Listened for before the pager starts.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  let signalled: number | undefined;
  const onSignal = (signal: (typeof signals)[number]) => {
    gone = true;
    signalled = 128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1);
    Promise.resolve(proc.stdin.end())
      .catch(() => undefined)
      .then(() => proc.exited)
      .then(() => process.exit(signalled));
  };
  for (const s of signals) process.on(s, onSignal);
  const proc = Bun.spawn(["/bin/sh", "-c", program], {
    stdin: "pipe",
    stdout: "inherit",
    stderr: "inherit",
    env,
  });
  const sink = proc.stdin;
  proc.exited.then(() => {
    gone = true;
    for (const s of signals) process.off(s, onSignal);
  });
  return {
    write(bytes) {
      if (gone) return false;
      try {
        const r = sink.write(bytes);
        if (typeof r !== "number") (r as Promise<number>).catch(() => (gone = true));
        return true;
      } catch {
        gone = true;
        return false;
      }
    },
    async close() {
      try {
        await sink.end();
      } catch {
        // The pager quit before reading everything: as with git, not an error.
      }
      await proc.exited;
      if (signalled !== undefined) process.exit(signalled);
    },
  };
}
