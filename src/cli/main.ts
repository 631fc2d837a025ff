// `git traces ...` and `git-traces ...`: finds the command, checks its flags, runs it, and
// turns the outcome into an exit status. citty defines and parses the commands; this file
// keeps two of its habits out (a parent's `run` after a subcommand, silently ignored
// unknown flags) and owns help, version and errors. citty loads only when it is used: it
// brings node:util, a few milliseconds that log and blame (which parse git's own options
// themselves) need not pay.

import type { ArgsDef, CommandContext } from "citty";
import type { GlobalOption } from "../git/globals.ts";
import { checkFlags } from "./flags.ts";
import { type TracesCommand } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { makeDeps, type Deps } from "./deps.ts";
import { CliError, reportError, UsageError } from "./errors.ts";
import { stripAnsi, systemIO } from "./io.ts";
import { VERSION } from "../base/version.ts";
import { anyPending } from "../jobs/pending.ts";

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
    const deps = makeDeps(io, env, ctx.globals.filter((g) => g.name !== "-C"));
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
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : String((e as Error).message);
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
  let gitDir = plain ? await gitDirQuick(process.cwd(), deps.env) : null;
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
  let text = await renderUsage(cmd as never, parent as never);
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
      const help = name === undefined || wantsHelp(rest);
      const text = await usageText(cmd, parent, help ? io.color : false);
      if (help) {
        io.out(`${text}\n`);
        return 0;
      }
      io.err(`${text}\n\n`);
      throw new UsageError(`unknown option ${name}`);
    }
    const load = Object.hasOwn(subs, name) ? subs[name] : undefined;
    if (!load) {
      const where = cmd === ROOT ? "git traces" : `git traces ${String((cmd.meta as { name?: string })?.name ?? "")}`;
      throw new UsageError(`'${name}' is not a ${where} command. See '${where} --help'.`, { command: name });
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
  // Notes an earlier commit's background work is still writing belong in what we read.
  const name = (cmd.meta as { name?: string } | undefined)?.name;
  if (name !== "hook" && name !== "after-commit" && name !== "after-push" && name !== "after-fetch" && anyPending(deps.env)) await settleHere(deps);
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
    io.err(`${await usageText(cmd, parent, false)}\n\n`);
    throw e instanceof CliError ? e : new UsageError(stripAnsi(e.message));
  }
}
