// Starting a background worker: `git-traces <kind>` with its job in GIT_TRACES_JOB, detached
// from the terminal, marked pending (pending.ts) before this function returns.
//
// The binary is started under its own resolved path, whatever that file is called: in a
// package or a container image it may be installed as `git` alone, with no `git-traces`
// beside it. The job variable, not the name, makes it the worker (shim/main.ts).

import { JOB_ENV, type Env } from "../base/env.ts";
import { noteOwnFds, openFdCount } from "../git/fds.ts";
import { hintDir } from "./hint.ts";
import { repoPendingDir, writeMarks, type WorkerKind } from "./pending.ts";

export interface StartOptions {
  /** The repository's common directory: where the job's mark goes. */
  commonDir: string;
  /** A process to wait for before the worker starts (the shim that becomes git). */
  waitFor?: number;
  /** The worker's cwd. */
  cwd?: string;
  /**
   * Start the worker only when one of these files or directories (or something under
   * them) is newer than the file `than`, or `than` is missing: else the waiting shell
   * removes the marks and exits, and no Bun process starts at all.
   */
  onlyIfNewer?: { paths: readonly string[]; than: string };
}

/** The waiting shell's $0. */
export const WAITER_NAME = "git-traces-wait";

/**
 * The script of the small shell that starts a worker (its argv: $1 the pid to wait for,
 * $2 the binary, $3 the worker kind, $4 the repository's pending directory; with
 * `onlyIfNewer`, $5 the hint directory, $6 the stamp, then absolute paths). The front door
 * starts the same shell for a plain fetch (scripts/lib/front-door-fetch.c).
 */
export function waiterScript(opts: { wait: boolean; onlyIfNewer: boolean }): string {
  // GNU tail waits for a pid without starting a process every 10 ms (a `sleep` each time
  // would take CPU from the git being waited for); elsewhere it fails at once, and the loop waits.
  const wait = opts.wait
    ? 'tail --pid="$1" -s 0.01 -f /dev/null 2>/dev/null; while kill -0 "$1" 2>/dev/null; do sleep 0.01; done; '
    : "";
  // The worker waits for its mark too (at most a second): it removes the mark when done,
  // and must not do so before the mark is there.
  const markWait = 'i=0; while [ ! -e "$4/$$" ] && [ $i -lt 100 ]; do sleep 0.01; i=$((i+1)); done; ';
  // Nothing newer than the stamp: the marks go (the hint directory too when it was the
  // last), and no worker. find's -newer compares nanoseconds, where test -nt in dash has
  // seconds only; POSIX find (no -quit), the refs being few. (Absolute paths only: find
  // would read "-name" or "!" as its expression.)
  const check = opts.onlyIfNewer
    ? "x=$2 k=$3 m=$4/$$ h=$5 s=$6; shift 6; " +
      'if [ -e "$s" ] && { [ $# -eq 0 ] || [ -z "$(find "$@" -newer "$s" -print 2>/dev/null)" ]; }; ' +
      'then rm -f "$m" "$h/$$"; rmdir "$h" 2>/dev/null; exit 0; fi; exec "$x" "$k"'
    : 'exec "$2" "$3"';
  return `${wait}${markWait}${check}`;
}

/**
 * Starts the worker and marks it pending. Returns its pid, or null when it could not be
 * started or marked (then nothing runs, and the caller does the work itself).
 *
 * A small shell waits for `waitFor` to exit before the worker starts, since a Bun process
 * starting while git commits would slow the commit down (two cores, measured).
 */
export async function startWorker(
  kind: WorkerKind,
  job: Record<string, unknown>,
  env: Env,
  opts: StartOptions,
): Promise<number | null> {
  const newer =
    opts.onlyIfNewer && [opts.onlyIfNewer.than, ...opts.onlyIfNewer.paths].every((p) => p.startsWith("/"))
      ? opts.onlyIfNewer
      : null;
  const script = waiterScript({ wait: Boolean(opts.waitFor), onlyIfNewer: Boolean(newer) });
  const extra = newer ? [hintDir(env), newer.than, ...newer.paths] : [];
  let child;
  try {
    // The mark's name is the child's pid, known only once it runs: the shell holds on
    // until the mark exists (or a second has passed).
    const fds = openFdCount();
    child = Bun.spawn({
      cmd: [
        "/bin/sh",
        "-c",
        script,
        WAITER_NAME,
        String(opts.waitFor ?? 0),
        process.execPath,
        kind,
        repoPendingDir(opts.commonDir),
        ...extra,
      ],
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      env: { ...env, [JOB_ENV]: JSON.stringify(job) },
      stdio: ["ignore", "ignore", "ignore"],
      detached: true,
    });
    noteOwnFds(fds, openFdCount()); // its pidfd, which an exec of git must not count as inherited
  } catch {
    return null;
  }
  child.unref();
  if (!(await writeMarks(env, opts.commonDir, child.pid, { kind, job, at: Date.now() }))) {
    try {
      child.kill(9);
    } catch {
      // gone already
    }
    return null;
  }
  return child.pid;
}
