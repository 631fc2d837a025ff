// What the shim does with a command it may care about: resolve aliases, then run the
// command's interceptor (`git traces ...` goes to the CLI from shim/main.ts).

import type { GlobalOption } from "../git/globals.ts";
import { passThrough } from "../git/passthrough.ts";
import { INTERCEPTORS } from "./index.ts";
import type { Invocation } from "./invocation.ts";
import { INTERCEPTED } from "./names.ts";

/** The command an alias stands for, when it is one the shim handles; else null. */
export async function resolveCommand(
  globals: readonly GlobalOption[],
  command: string,
  args: readonly string[],
): Promise<{ command: string; args: string[] } | null> {
  const { locateRealGit } = await import("../git/locate.ts");
  const { resolveAlias } = await import("../git/alias.ts");
  const real = locateRealGit();
  if (!real) return null; // passThrough() reports the missing git
  const resolved = resolveAlias(real.path, globals, command, args);
  if (!resolved) return null;
  return resolved.command === "traces" || INTERCEPTED.has(resolved.command) ? resolved : null;
}

/** `git <cmd> --help` is git's own business (it turns into `git help <cmd>`). */
function asksForHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

export async function dispatch(inv: Invocation): Promise<void> {
  const load = INTERCEPTORS[inv.command];
  if (!load || asksForHelp(inv.commandArgs)) passThrough();
  let run;
  try {
    run = await load();
  } catch {
    passThrough(); // an interceptor that cannot load must not cost the user their command
  }
  await run(inv);
}
