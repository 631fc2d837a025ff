// A repository where no agent session was found stays that way until an agent writes a new
// session. That shows in the modification times of a few directories (each agent says
// which: `watch` in its part of src/agents/index.ts). After a commit that found nobody, the worker
// records those times in <git dir>/traces/quiet.json; the next commit compares them with a
// few stats and, if nothing moved, skips the trace work altogether (no worker at all).

import { agents } from "../agents/index.ts";
import type { Env } from "../agents/types.ts";
import type { AgentName } from "../traces/model.ts";

interface Quiet {
  v: 1;
  /** Directory -> modification time (ms) when nobody was found. */
  dirs: Record<string, number>;
}

export function quietFile(gitDir: string): string {
  return `${gitDir}/traces/quiet.json`;
}

/** True when no session can have appeared since the last commit found none. Stats only. */
export function stillQuiet(gitDir: string): boolean {
  const file = Bun.file(quietFile(gitDir));
  if (file.size === 0) return false;
  // Sessions the agents' hooks report are looked at every time, and a squash merge's
  // commits wait to be copied.
  if (Bun.file(`${gitDir}/traces/active.json`).size > 0 || Bun.file(`${gitDir}/traces/squash-sources`).size > 0)
    return false;
  let quiet: Quiet;
  try {
    // require() reads JSON synchronously; Bun.file().json() would start Bun's I/O thread
    // pool, which costs ~6 ms on the way to execve (measured).
    quiet = require(quietFile(gitDir)) as Quiet;
  } catch {
    return false;
  }
  if (quiet?.v !== 1 || typeof quiet.dirs !== "object" || quiet.dirs === null) return false;
  for (const [dir, mtime] of Object.entries(quiet.dirs)) if (Bun.file(dir).lastModified !== mtime) return false;
  return Object.keys(quiet.dirs).length > 0;
}

/** After finding nobody: remember what would change if somebody came. */
export async function recordQuiet(gitDir: string, roots: readonly string[], sinceS: number, env: Env): Promise<void> {
  const dirs: Record<string, number> = {};
  for (const a of agents()) {
    for (const dir of (await a.sessions()).watch({ roots, sinceMs: sinceS * 1000, env }))
      dirs[dir] = Bun.file(dir).lastModified;
  }
  const text = JSON.stringify({ v: 1, dirs } satisfies Quiet);
  try {
    await Bun.write(quietFile(gitDir), text, { createPath: false });
  } catch {
    // (Not Bun.write's own mkdir -p: the repository may be gone by now, see base/dirs.ts.)
    const { makeDirsUnder } = await import("../base/dirs.ts");
    makeDirsUnder(gitDir, `${gitDir}/traces`);
    await Bun.write(quietFile(gitDir), text, { createPath: false });
  }
}

export async function forgetQuiet(gitDir: string): Promise<void> {
  const file = Bun.file(quietFile(gitDir));
  if (file.size > 0) await file.delete().catch(() => undefined);
}

export type { AgentName };
