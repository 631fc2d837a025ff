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
