// `git traces ...` and `git-traces ...`: finds the command, checks its flags, runs it, and
// turns the outcome into an exit status. citty defines and parses the commands; this file
// keeps two of its habits out (a parent's `run` after a subcommand, silently ignored
// unknown flags) and owns help, version and errors. citty loads only when it is used: it
// brings node:util, a few milliseconds that log and blame (which parse git's own options
// themselves) need not pay.

import type { ArgsDef, CommandContext } from "citty";
import type { GlobalOption } from "../git/globals.ts";
import { checkFlags } from "./flags.ts";
import type { TracesCommand } from "./command.ts";
import { COMMANDS, HIDDEN } from "./commands/index.ts";
import { suggest } from "./suggest.ts";
import { makeDeps, type Deps } from "./deps.ts";
import { CliError, reportError, UsageError } from "./errors.ts";
import { stripAnsi, type SystemIO, systemIO } from "./io.ts";
import {
  choosePager,
  decideColor,
  type Pager,
  pagerEnv,
  startPager,
  TERMINAL_CONFIG_PATTERN,
  type TerminalConfig,
  takeColorFlag,
  terminalConfig,
} from "./terminal.ts";
import { type ConfigEntry, configEntries, configEntriesAsync } from "../git/config.ts";
import { VERSION } from "../base/version.ts";
import { abbrevFrom } from "../views/render.ts";
import { anyPending } from "../jobs/hint.ts";

export { VERSION };

export interface CliContext {
  globals: readonly GlobalOption[];
}

const ROOT: TracesCommand = {
  meta: {
    name: "git traces",
    version: VERSION,
    description: "Link AI agent sessions (traces) to the commits they produced",
  },
  subCommands: COMMANDS,
  examples: ["git traces doctor", "git traces <command> --help"],
};

/** Runs the CLI and exits with its status. */
export async function main(args: string[], ctx: CliContext): Promise<never> {
  const env = process.env;
  const io = systemIO(env);
  let status: number;
  try {
    // `git -C dir traces ...` runs in dir, as git does for its own commands.
    for (const g of ctx.globals) if (g.name === "-C" && g.value) changeDir(g.value);
    const deps = makeDeps(
      io,
      env,
      ctx.globals.filter((g) => g.name !== "-C"),
    );
    status = await runCli(args, deps);
  } catch (e) {
    status = reportError(e, io, env);
  }
  process.exit(status);
}

function changeDir(dir: string): void {
  try {
    process.chdir(dir);
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : String((e as Error).message);
    throw new CliError(`cannot change to '${dir}': ${reason}`, "CHDIR", { dir }, 128);
  }
}

/**
 * Background work of this repository lands first, work cut short is redone and failures
 * are told (src/jobs/settle.ts): notes being written belong in what the command reads.
 */
async function settleHere(deps: Deps): Promise<void> {
  const { commonDirQuick, gitDirQuick, repoState } = await import("../git/repo.ts");
  const plain = !deps.globals.some((g) => g.name === "--git-dir" || g.name === "--work-tree");
  let gitDir = plain ? await gitDirQuick(deps.cwd, deps.env) : null;
  if (!gitDir && deps.realGit()) gitDir = repoState(deps.git())?.gitDir ?? null;
  if (!gitDir) return;
  const { settle } = await import("../jobs/settle.ts");
  await settle(deps.env, commonDirQuick(gitDir));
}

function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

async function usageText(cmd: TracesCommand, parent: TracesCommand | undefined, color: boolean): Promise<string> {
  const { renderUsage } = await import("citty");
  let text = await renderUsage({ ...cmd, args: await helpArgs(cmd) } as never, parent as never);
  const gitOptions = Object.entries(cmd.gitOptions ?? {});
  if (gitOptions.length) {
    const w = Math.max(...gitOptions.map(([o]) => o.length));
    text += `\n\nGIT OPTIONS\n\n${gitOptions.map(([o, d]) => `  ${o.padEnd(w)}    ${d}`).join("\n")}`;
  }
  if (cmd.examples?.length) {
    text += `\n\nEXAMPLES\n\n${cmd.examples.map((e) => `  $ ${e}`).join("\n")}`;
  }
  return color ? text : stripAnsi(text);
}

/**
 * The flags as help shows them: kebab-case, and a flag that is on unless turned off as its
 * `--no-` form alone (citty would print `--fetch (Default: true)` and an empty `--no-fetch`).
 */
async function helpArgs(cmd: TracesCommand): Promise<ArgsDef | undefined> {
  const args = (typeof cmd.args === "function" ? await cmd.args() : await cmd.args) as ArgsDef | undefined;
  if (!args) return args;
  const out: ArgsDef = {};
  for (const [name, def] of Object.entries(args)) {
    const kebab = def.type === "positional" ? name : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (def.type === "boolean" && def.default === true) {
      const { default: _, negativeDescription, ...rest } = def as typeof def & { negativeDescription?: string };
      out[`no-${kebab}`] = { ...rest, description: negativeDescription ?? def.description };
    } else out[kebab] = def;
  }
  return out;
}

/** `usage: git traces show [OPTIONS] [TARGET]`: the one line a usage error ends with. */
async function usageLine(cmd: TracesCommand, parent: TracesCommand | undefined): Promise<string> {
  if (cmd === ROOT) return "usage: git traces <command> [<args>]";
  const text = stripAnsi(await usageText(cmd, parent, false));
  const line = text.split("\n").find((l) => l.startsWith("USAGE "));
  return line ? `usage: ${line.slice("USAGE ".length).trim()}` : "";
}

/** A usage error as git gives one: what is wrong on one line, then the usage line; status 129. */
async function usageError(
  message: string,
  cmd: TracesCommand,
  parent: TracesCommand | undefined,
  data: Record<string, unknown> = {},
): Promise<UsageError> {
  const line = await usageLine(cmd, parent);
  return new UsageError(line ? `${message}\n${line}` : message, data);
}

async function resolveSubCommands(cmd: TracesCommand): Promise<Record<string, unknown> | undefined> {
  const subs = cmd.subCommands;
  return (typeof subs === "function" ? await subs() : await subs) as Record<string, unknown> | undefined;
}

/** Runs one CLI call; returns the exit status. Errors propagate to main(). */
export async function runCli(args: readonly string[], deps: Deps): Promise<number> {
  const { io } = deps;
  let cmd: TracesCommand = ROOT;
  let parent: TracesCommand | undefined;
  let rest = [...args];
  // Walk down to the leaf command: `hooks install --agent codex` -> hooks, install.
  for (;;) {
    const subs = await resolveSubCommands(cmd);
    if (!subs) break;
    const name = rest[0];
    if (name === undefined || name.startsWith("-")) {
      if (cmd === ROOT && name !== undefined && (name === "--version" || name === "-v")) {
        io.out(`git-traces ${VERSION}\n`);
        return 0;
      }
      if (name === undefined || wantsHelp(rest)) {
        io.out(`${await usageText(cmd, parent, io.color)}\n`);
        return 0;
      }
      throw await usageError(`unknown option '${name}'`, cmd, parent, { option: name });
    }
    // `git traces help [<command>]`, as `git help`.
    if (cmd === ROOT && name === "help") {
      const topic = rest[1];
      if (topic === undefined || topic.startsWith("-")) {
        io.out(`${await usageText(ROOT, undefined, io.color)}\n`);
        return 0;
      }
      return runCli([topic, "--help"], deps);
    }
    const load = Object.hasOwn(subs, name) ? subs[name] : undefined;
    if (!load) {
      const where = cmd === ROOT ? "git traces" : `git traces ${String((cmd.meta as { name?: string })?.name ?? "")}`;
      const visible = Object.keys(subs).filter((n) => cmd !== ROOT || !HIDDEN.has(n));
      const close = suggest(name, visible);
      const hint = close.length
        ? `\n\nThe most similar command${close.length > 1 ? "s are" : " is"}\n${close.map((c) => `\t${c}`).join("\n")}`
        : "";
      throw new UsageError(`'${name}' is not a ${where} command. See '${where} --help'.${hint}`, { command: name });
    }
    parent = cmd;
    cmd = (typeof load === "function" ? await (load as () => Promise<TracesCommand>)() : load) as TracesCommand;
    rest = rest.slice(1);
  }
  if (wantsHelp(rest)) {
    io.out(`${await usageText(cmd, parent, io.color)}\n`);
    return 0;
  }
  const argsDef = ((typeof cmd.args === "function" ? await cmd.args() : cmd.args) ?? {}) as ArgsDef;
  const name = (cmd.meta as { name?: string } | undefined)?.name ?? "";
  const pager = setUpTerminal(name, argsDef, rest, deps);
  if (pager) rest = pager.rest;
  try {
    return await runLeaf(cmd, parent, name, argsDef, rest, deps);
  } finally {
    await pager?.pager?.close();
  }
}

/**
 * Colour and pager for this call, as git decides them for its own commands
 * (src/cli/terminal.ts): the command's --color/--no-color is taken out of its arguments here
 * when it declares one, so every reading command reads it the same way.
 */
function setUpTerminal(
  name: string,
  argsDef: ArgsDef,
  args: string[],
  deps: Deps,
): { rest: string[]; pager?: Pager } | undefined {
  const io = deps.io as Partial<SystemIO>;
  if (!io.setTerminal) return undefined;
  let config: TerminalConfig | undefined;
  // Started at once, so that it is usually in before colour or an ID length is asked for
  // (git log runs meanwhile); asked for earlier, it is read there and then.
  const isTTY = deps.io.stdoutIsTTY;
  const early = !isTTY && Object.hasOwn(argsDef, "color") ? readConfigAsync(deps) : undefined;
  early?.then((entries) => (config ??= terminalConfig(entries)));
  const readConfig = () => {
    if (config) return config;
    let entries: ConfigEntry[] = [];
    try {
      if (deps.realGit()) entries = configEntries(deps.git(), TERMINAL_CONFIG_PATTERN);
    } catch {
      // No git, or a config git cannot read: git's own defaults.
    }
    return (config = terminalConfig(entries));
  };
  const flag = Object.hasOwn(argsDef, "color") ? takeColorFlag(args) : { when: undefined, rest: args };
  const program = choosePager({ command: name, globals: deps.globals, env: deps.env, isTTY, config: readConfig });
  const pager = program ? startPager(program, pagerEnv(deps.env, deps.io.width)) : undefined;
  abbrevFrom(() => readConfig().get("core.abbrev"));
  io.setTerminal({
    pager,
    color: () => decideColor({ flag: flag.when, config: readConfig, env: deps.env, isTTY, paging: !!pager }),
  });
  return { rest: flag.rest, pager };
}

function readConfigAsync(deps: Deps): Promise<ConfigEntry[]> | undefined {
  try {
    if (!deps.realGit()) return undefined;
    return configEntriesAsync(deps.git(), TERMINAL_CONFIG_PATTERN).catch(() => []);
  } catch {
    return undefined;
  }
}

async function runLeaf(
  cmd: TracesCommand,
  parent: TracesCommand | undefined,
  name: string,
  argsDef: ArgsDef,
  rest: string[],
  deps: Deps,
): Promise<number> {
  // Notes an earlier commit's background work is still writing belong in what we read.
  if (
    name !== "hook" &&
    name !== "after-commit" &&
    name !== "after-push" &&
    name !== "after-fetch" &&
    anyPending(deps.env)
  )
    await settleHere(deps);
  try {
    let result: unknown;
    if (cmd.gitArgs) {
      // It reads rawArgs itself: citty's parser would only cost its loading.
      const ctx = { rawArgs: rest, args: { _: rest }, data: deps, cmd } as unknown as CommandContext<ArgsDef>;
      result = await cmd.run?.(ctx);
    } else {
      checkFlags(rest, argsDef);
      const { runCommand } = await import("citty");
      ({ result } = await runCommand(cmd as never, { rawArgs: rest, data: deps }));
    }
    return typeof result === "number" ? result : 0;
  } catch (e) {
    const usage = e instanceof UsageError || (e instanceof Error && e.name === "CLIError");
    if (!usage) throw e;
    const message = stripAnsi((e as Error).message);
    throw await usageError(message, cmd, parent, e instanceof CliError ? (e.data as Record<string, unknown>) : {});
  }
}
