// Whether a process still runs, asked the same way by everything that owns something by pid:
// marks of background work (src/jobs/pending.ts), scratch refs of notes merges
// (src/notes/store.ts) and upload locks (src/upload/queue.ts).

import { nodeFs } from "./lazy-fs.ts";

/**
 * True while process `pid` runs. One of another user (EPERM) runs. A zombie (exited, not
 * yet reaped) does not: in a container whose first process reaps nothing, a killed worker
 * stays one for good, and kill(pid, 0) alone would keep whatever it owned forever.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = nodeFs().readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    return stat.slice(close + 2, close + 3) !== "Z";
  } catch (e) {
    // Gone since; else no /proc here: kill(0) is all there is to go by.
    return (e as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
