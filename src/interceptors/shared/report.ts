// When trace work fails inside the shim: one short warning on stderr, the details in a log
// file under <git dir>/traces/logs/, and git's own result stands.

import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export function logDir(gitDir: string): string {
  return join(gitDir, "traces", "logs");
}

export function writeLog(gitDir: string | null, command: string, error: unknown): string | null {
  if (!gitDir) return null;
  try {
    const dir = logDir(gitDir);
    mkdirSync(dir, { recursive: true });
    const now = new Date();
    const file = join(dir, `${now.toISOString().replace(/[:.]/g, "-")}.log`);
    const detail = error instanceof Error ? `${error.stack ?? error.message}` : String(error);
    appendFileSync(file, `git-traces ${command} at ${now.toISOString()}\n${detail}\n`);
    return file;
  } catch {
    return null;
  }
}

export function warn(message: string): void {
  try {
    process.stderr.write(`git-traces: warning: ${message}\n`);
  } catch {
    // nowhere to say it
  }
}

/** The warning a failed trace step prints. Never throws. */
export function reportFailure(gitDir: string | null, command: string, what: string, error: unknown): void {
  const logged = writeLog(gitDir, command, error);
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  warn(`${what}: ${reason}${logged ? " (details: git traces logs)" : ""}`);
}
