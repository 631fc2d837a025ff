// What the notes sync remembers per repository: <common git dir>/traces/sync.json. When
// each remote was last pushed to and merged from, which remotes refuse notes for good,
// and which remotes have the notes refspec (valid while .git/config is unchanged).
// Read with Bun.mmap (this is on the fetch path: no node:fs, whose loading costs ~2 ms, and
// no I/O thread pool), written atomically; two writers at once lose nothing that matters
// (the last one wins).

export interface RemoteState {
  lastPush?: string;
  lastMerge?: string;
  /** The tracking ref's file time when its notes were last merged into ours. */
  mergedMtime?: number;
  /**
   * The remote's notes commit found to hold entries that are not notes: left out
   * (merge.ts), repaired by our next push (push.ts).
   */
  badNotes?: { oid: string; problem: string };
  /** The notes commit our last notes push sent there (built from our notes: push.ts). */
  published?: string;
  /** Set when the remote rejected refs/notes/traces itself (a hook, a protected ref). */
  refused?: { reason: string; at: string };
  /** The content tracking ref's file time when its shared content was last merged into ours. */
  contentMergedMtime?: number;
  /** Set when the remote rejected refs/traces/content itself; the notes still go. */
  contentRefused?: { reason: string; at: string };
}

export interface SyncState {
  v: 1;
  remotes: Record<string, RemoteState>;
  /** Remotes with the notes refspec, as of this config file time. */
  configured?: { configMtime: number; remotes: string[] };
}

export function syncStateFile(commonDir: string): string {
  return `${commonDir}/traces/sync.json`;
}

export function readSyncState(commonDir: string): SyncState {
  const path = syncStateFile(commonDir);
  if (Bun.file(path).size === 0) return { v: 1, remotes: {} };
  try {
    // A fresh read every time, in 0.13 ms (require() took 0.45, readFileSync needs node:fs).
    const data = JSON.parse(new TextDecoder().decode(Bun.mmap(path, { shared: false }))) as SyncState;
    if (data?.v === 1 && typeof data.remotes === "object" && data.remotes !== null) return data;
  } catch {
    // damaged: start over
  }
  return { v: 1, remotes: {} };
}

export function updateSyncState(commonDir: string, change: (s: SyncState) => void): SyncState {
  const state = readSyncState(commonDir);
  change(state);
  const path = syncStateFile(commonDir);
  const fs = require("node:fs") as typeof import("node:fs");
  fs.mkdirSync(`${commonDir}/traces`, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  fs.renameSync(tmp, path);
  return state;
}

export function remoteState(state: SyncState, key: string): RemoteState {
  return (state.remotes[key] ??= {});
}
