// When trace work fails: one short warning on stderr, the details in a log file under
// <git dir>/traces/logs/, and git's own result stands. Background work cannot print to the
// terminal the user has moved on in: it keeps its warning for the next command
// (deferWarning, or a failed job's mark, pending.ts).

// (node:fs is required lazily: the commit path imports this module and pays for what it uses.)
import { dataHome } from "./home.ts";
import { nodeFs } from "./lazy-fs.ts";
import { makeDirsUnder } from "./dirs.ts";

export function logDir(gitDir: string): string {
  return `${gitDir}/traces/logs`;
}

export function writeLog(gitDir: string | null, command: string, error: unknown): string | null {
  if (!gitDir) return null;
  try {
    const fs = nodeFs();
    const dir = logDir(gitDir);
    makeDirsUnder(gitDir, dir);
    const now = new Date();
    const file = `${dir}/${now.toISOString().replace(/[:.]/g, "-")}.log`;
    const detail = error instanceof Error ? `${error.stack ?? error.message}` : String(error);
    fs.appendFileSync(file, `git-traces ${command} at ${now.toISOString()}\n${detail}\n`);
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

export function warningsFile(env: Record<string, string | undefined>): string {
  return `${dataHome(env)}/warnings.log`;
}

/** Keeps a warning for the next command to print. */
export function deferWarning(env: Record<string, string | undefined>, line: string): void {
  try {
    const fs = nodeFs();
    fs.mkdirSync(dataHome(env), { recursive: true });
    fs.appendFileSync(warningsFile(env), `${line}\n`);
  } catch {
    // nowhere to keep it
  }
}

/**
 * Prints and forgets the warnings background work left. One stat when there are none. A
 * command run quietly (`-q`, `--porcelain`: `quiet`) leaves them for the next command a
 * person reads.
 */
export function flushWarnings(env: Record<string, string | undefined>, quiet = false): void {
  if (quiet) return;
  const path = warningsFile(env);
  if (Bun.file(path).size === 0) return;
  try {
    const fs = nodeFs();
    const text = fs.readFileSync(path, "utf8");
    fs.rmSync(path, { force: true });
    const lines = [...new Set(text.split("\n").filter(Boolean))].slice(-3);
    for (const l of lines) warn(l);
  } catch {
    // leave it for next time
  }
}
