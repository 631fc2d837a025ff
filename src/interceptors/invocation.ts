import type { GlobalOption } from "../git/globals.ts";

/** One git call the shim decided to look at. */
export interface Invocation {
  /** argv[0] as the user's shell gave it (`git`). */
  argv0: string;
  /** Everything after argv[0], exactly as typed: what the real git runs. */
  args: string[];
  /** Global options before the subcommand. */
  globals: GlobalOption[];
  /** The subcommand after alias expansion (`commit` for `git ci`). */
  command: string;
  /** Its arguments after alias expansion. */
  commandArgs: string[];
}

/** The cwd git runs in: ours, moved by any -C the user gave. */
export function gitCwd(inv: Invocation): string {
  let cwd = process.cwd();
  for (const g of inv.globals) {
    if (g.name !== "-C" || !g.value) continue;
    cwd = g.value.startsWith("/") ? g.value : `${cwd}/${g.value}`;
  }
  return cwd;
}

/** No --git-dir, --work-tree or --bare: the repository can be found from the cwd alone. */
export const plainGlobals = (inv: Invocation) => !inv.globals.some((g) => g.name === "--git-dir" || g.name === "--work-tree" || g.name === "--bare");
