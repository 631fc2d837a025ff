// Error kinds of the CLI, and the one place that turns an error into a message and an
// exit status (never a stack trace unless GIT_TRACES_DEBUG asks for one).

import { GitError } from "../git/runner.ts";
import type { IO } from "./io.ts";

/** Something the user can fix; `code` is stable for scripts, `data` holds the details. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = "ERROR",
    readonly data: Record<string, unknown> = {},
    readonly exitStatus = 1,
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** Wrong flags or arguments: git's convention is exit status 129 and the usage text. */
export class UsageError extends CliError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, "USAGE", data, 129);
  }
}

export function reportError(error: unknown, io: IO, env: Record<string, string | undefined>): number {
  const debug = Boolean(env.GIT_TRACES_DEBUG);
  if (error instanceof CliError) {
    io.err(`git-traces: ${error.message}\n`);
    return error.exitStatus;
  }
  // Our domain errors (GitError, SettingsFileError, TranscriptError, ...) carry a stable
  // code and a message written for the user.
  if (error instanceof GitError || (error instanceof Error && typeof (error as { code?: unknown }).code === "string" && /^[A-Z_]+$/.test((error as unknown as { code: string }).code))) {
    io.err(`git-traces: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`git-traces: unexpected error: ${message.split("\n")[0]}\n`);
  if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err("git-traces: run again with GIT_TRACES_DEBUG=1 for details\n");
  return 1;
}
