// The shim's way out for every command it does not intercept: become the real git.

import { type ExecError, execInPlace } from "./exec.ts";
import { REAL_GIT_ENV, overrideProblem, quickCandidate, searchPath } from "./locate.ts";
import { nodeFs } from "../base/lazy-fs.ts";

/** One clear line on stderr and git's "command not found" status; never a stack trace. */
export function fatal(message: string, status = 127): never {
  const fs = nodeFs();
  try {
    fs.writeSync(2, `git-traces: ${message}\n`);
  } catch {
    // stderr closed: the status still tells
  }
  process.exit(status);
}

/**
 * Replaces this process with the real git, running exactly what the user typed, with
 * `globals` (git options such as `-c notes.rewriteRef=...`) put before the user's own.
 */
export function passThrough(globals: readonly string[] = []): never {
  const quick = quickCandidate();
  if (quick.source === "env") {
    const problem = overrideProblem(quick.path);
    if (problem) fatal(`${REAL_GIT_ENV}=${quick.path} ${problem}`);
  }
  try {
    execInPlace(quick.path, globals);
  } catch (e) {
    if (quick.source === "env") {
      fatal(`${REAL_GIT_ENV}=${quick.path} cannot be run (${(e as ExecError).errno}); point it at the real git`);
    }
    // The recorded git is gone (git moved or was upgraded, or no install): search PATH.
  }
  const found = searchPath();
  if (!found) {
    fatal(
      `cannot find the real git: no git on PATH besides this shim (${process.execPath}); ` +
        `install git or set ${REAL_GIT_ENV}`,
    );
  }
  try {
    execInPlace(found, globals);
  } catch (e) {
    fatal(`cannot run the real git at ${found} (${(e as ExecError).errno})`);
  }
}
