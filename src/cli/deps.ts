// Everything a command needs from the outside world, built once. Members are lazy: nothing
// (real git lookup, repository root) runs unless a command asks for it.

import type { GlobalOption } from "../git/globals.ts";
import { contextTokens } from "../git/globals.ts";
import { locateRealGit, type RealGit } from "../git/locate.ts";
import { GitRunner } from "../git/runner.ts";
import { CliError } from "./errors.ts";
import type { IO } from "./io.ts";

export interface Deps {
  io: IO;
  env: Record<string, string | undefined>;
  /** Global options given before `traces` (`git -C dir -c k=v traces ...`). */
  globals: readonly GlobalOption[];
  now: () => Date;
  /** Where the command runs: the process's directory (after `-C`); git runs there. */
  cwd: string;
  /** This program (the shim and the CLI are one binary); process.execPath. */
  execPath: string;
  /** The real git; depends on env (GIT_TRACES_REAL_GIT, PATH) and the install prefix. */
  realGit: () => RealGit | null;
  /** A runner for the real git with the global options applied; depends on realGit. */
  git: () => GitRunner;
}

export interface DepsOptions {
  cwd?: string;
  execPath?: string;
}

export function makeDeps(
  io: IO,
  env: Record<string, string | undefined>,
  globals: readonly GlobalOption[],
  opts: DepsOptions = {},
): Deps {
  let realGit: RealGit | null | undefined;
  let runner: GitRunner | undefined;
  const deps: Deps = {
    io,
    env,
    globals,
    now: () => new Date(),
    cwd: opts.cwd ?? process.cwd(),
    execPath: opts.execPath ?? process.execPath,
    realGit: () => (realGit === undefined ? (realGit = locateRealGit(env)) : realGit),
    git: () => {
      if (runner) return runner;
      const found = deps.realGit();
      if (!found) {
        throw new CliError("cannot find the real git; run `git traces doctor` to see why", "NO_REAL_GIT");
      }
      runner = new GitRunner({ git: found.path, context: contextTokens(globals), cwd: deps.cwd, env });
      return runner;
    },
  };
  return deps;
}
