// Alias expansion as git does it (git.c handle_alias): `alias.<name>` is split like a
// shell line, may start with global options that do not change the environment, and may
// name another alias. A `!` alias runs a shell, which the shim never needs to look into.

import { GIT_COMMANDS } from "./commands.ts";
import { changesEnvironment, contextTokens, parseCommandLine, splitCommandLine, type GlobalOption } from "./globals.ts";
import { GitRunner } from "./runner.ts";

export interface ResolvedCommand {
  /** The command git will finally run. */
  command: string;
  /** Its arguments after expansion. */
  args: string[];
}

const ALIAS_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const MAX_DEPTH = 16;

/**
 * Expands `command` through the user's aliases. Returns null when git will not run a
 * plain git command from it: a shell alias, a missing alias, a loop or an error (git
 * reports those itself when the shim passes the call through).
 */
export function resolveAlias(
  git: string,
  globals: readonly GlobalOption[],
  command: string,
  args: readonly string[],
): ResolvedCommand | null {
  const runner = new GitRunner({ git, context: contextTokens(globals) });
  const seen = new Set<string>();
  let name = command;
  let rest = [...args];
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (GIT_COMMANDS.has(name)) return { command: name, args: rest };
    if (!ALIAS_NAME.test(name) || seen.has(name)) return null;
    seen.add(name);
    const r = runner.run(["config", "--get-all", `alias.${name}`]);
    if (r.exitCode !== 0) return name === command ? null : { command: name, args: rest };
    const values = r.stdout.split("\n").filter((l, i, all) => i < all.length - 1 || l !== "");
    const value = values[values.length - 1];
    if (value === undefined || value.startsWith("!")) return null;
    const words = splitCommandLine(value);
    if (!words || words.length === 0) return null;
    const parsed = parseCommandLine(words);
    if (parsed.kind !== "command" || changesEnvironment(parsed.globals)) return null;
    name = parsed.command;
    rest = [...parsed.args, ...rest];
  }
  return null;
}
