// Error kinds of the CLI, and the one place that turns an error into a message and an
// exit status (never a stack trace unless GIT_TRACES_DEBUG asks for one).

import { TracesError } from "../base/errors.ts";
import type { IO } from "./io.ts";

/** Something the user can fix, said by the CLI itself; `exitStatus` is what the process ends with. */
export class CliError extends TracesError {
  constructor(
    message: string,
    readonly code = "ERROR",
    data: Record<string, unknown> = {},
    readonly exitStatus = 1,
  ) {
    super(message, data);
  }
}

/** Wrong flags or arguments: git's convention is exit status 129 and the usage text. */
export class UsageError extends CliError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, "USAGE", data, 129);
  }
}

/**
 * The exit status of an error: the CLI's own say which (usage 129, a missing -C directory
 * 128, like git); the other errors of the tool (GitError, SettingsFileError,
 * TranscriptError, ...) are failures, 1.
 */
export function exitStatusOf(error: TracesError): number {
  return error instanceof CliError ? error.exitStatus : 1;
}

/**
 * The one place that turns an error into what the user sees and the exit status. Ours
 * (TracesError) carry a message written for the user; anything else is a bug or a surprise
 * (a node:fs error included): its first line, and the stack with GIT_TRACES_DEBUG.
 */
export function reportError(error: unknown, io: IO, env: Record<string, string | undefined>): number {
  if (error instanceof TracesError) {
    io.err(`git-traces: ${error.message}\n`);
    return exitStatusOf(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`git-traces: unexpected error: ${message.split("\n")[0]}\n`);
  if (env.GIT_TRACES_DEBUG && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  else io.err("git-traces: run again with GIT_TRACES_DEBUG=1 for details\n");
  return 1;
}
