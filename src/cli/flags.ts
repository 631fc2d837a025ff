// citty parses with `strict: false`, so a misspelled flag would be ignored without a word.
// checkFlags() holds raw arguments against the command's definition first.

import type { ArgsDef } from "citty";
import { UsageError } from "./errors.ts";
import { didYouMean } from "./suggest.ts";

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Throws UsageError for a flag the command does not define, or a value flag without its value. */
export function checkFlags(rawArgs: readonly string[], argsDef: ArgsDef): void {
  const known = new Map<string, { takesValue: boolean; boolean: boolean }>();
  // The spellings help shows, for "did you mean".
  const shown: string[] = [];
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const spec = { takesValue: def.type === "string" || def.type === "enum", boolean: def.type === "boolean" };
    const alias = (def as { alias?: string | string[] }).alias;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    shown.push(`--${kebab(name)}`);
    if (spec.boolean) shown.push(`--no-${kebab(name)}`);
    for (const n of new Set([name, kebab(name), camel(name), ...aliases])) {
      known.set(n.length === 1 ? `-${n}` : `--${n}`, spec);
      if (spec.boolean && n.length > 1) known.set(`--no-${n}`, spec);
    }
  }
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") return;
    if (!arg.startsWith("-") || arg === "-") continue;
    const eq = arg.indexOf("=");
    const flag = eq > 0 && arg.startsWith("--") ? arg.slice(0, eq) : arg;
    const spec = known.get(flag);
    if (!spec) throw new UsageError(`unknown option '${flag}'${didYouMean(flag, shown)}`, { option: flag });
    if (spec.takesValue && eq < 0) {
      const next = rawArgs[i + 1];
      if (next === undefined) throw new UsageError(`option '${flag}' needs a value`, { option: flag });
      i++;
    }
  }
}
