// How a `git traces` command is declared: a citty command plus help examples. Shared flag
// definitions live here so every command spells them the same way.

import type { ArgsDef, CommandContext, CommandDef } from "citty";
import type { Deps } from "./deps.ts";

// biome-ignore lint/suspicious/noExplicitAny: commands differ in their args
export type AnyTracesCommand = TracesCommand<any>;

export type TracesCommand<T extends ArgsDef = ArgsDef> = CommandDef<T> & {
  /** Shown under EXAMPLES in `--help`, and in docs/commands.md. */
  examples?: string[];
  /**
   * The command takes git's own options too (`git traces log -n 3 --author=x`): flags it
   * does not define are not refused here; it reads ctx.rawArgs itself.
   */
  gitArgs?: boolean;
  /** git's own options the command takes (`-L <range>`: what it does), listed under GIT OPTIONS in `--help`. */
  gitOptions?: Record<string, string>;
};

export function defineTracesCommand<const T extends ArgsDef = ArgsDef>(def: TracesCommand<T>): TracesCommand<T> {
  return def;
}

/** The Deps object main() passes to every command through citty's `data`. */
export function depsOf(ctx: Pick<CommandContext<ArgsDef>, "data">): Deps {
  return ctx.data as Deps;
}

export const jsonArgs = {
  json: { type: "boolean", description: "Print JSON for scripts instead of text" },
} as const satisfies ArgsDef;

/**
 * `--color[=<when>]` / `--no-color` on every reading command. main() takes them out of the
 * arguments and settles colour once (src/cli/terminal.ts); a command only reads io.color.
 */
export const colorArgs = {
  color: {
    type: "string",
    description: "Colour: always, never or auto (default: color.traces, color.ui, then the terminal and NO_COLOR)",
    valueHint: "when",
  },
} as const satisfies ArgsDef;
