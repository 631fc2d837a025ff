// What the notes sync remembers per repository: <common git dir>/traces/sync.json. When
// each remote was last pushed to and merged from, which remotes refuse notes for good,
// and which remotes have the notes refspec (valid while .git/config is unchanged).
// Read with Bun.mmap (this is on the fetch path: no node:fs, whose loading costs ~2 ms, and
// no I/O thread pool), written atomically; two writers at once lose nothing that matters
// (the last one wins).

import { makeDirsUnder } from "../base/dirs.ts";

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

/**
 * The front door's copy of `configured` (scripts/lib/front-door-fetch.c): with it, a plain
 * `git fetch` at a terminal needs no Bun start at all. Plain text, since the door is small C:
 * a header line, the config file's identity, then the remote names, one per line. The
 * identity is exact (inode, size, mtime in ns), not the millisecond sync.json keeps, because
 * the door trusts it without ever asking git.
 */
export const DOOR_REMOTES_FILE = "traces/remotes-configured";
export const DOOR_REMOTES_HEADER = "git-traces remotes v1";

/** `<inode> <size> <mtime s> <mtime ns>` of the repository's config file, as the door compares it; null when absent. */
export function configIdentity(commonDir: string): string | null {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    const st = fs.statSync(`${commonDir}/config`, { bigint: true });
    return `${st.ino} ${st.size} ${st.mtimeNs / 1_000_000_000n} ${st.mtimeNs % 1_000_000_000n}`;
  } catch {
    return null;
  }
}

/**
 * Records that `remotes` are the repository's named remotes and have our refspecs, as of its
 * config file now. `seen` is the config's identity from before the remotes were listed: the
 * front door's copy is written only when the file is still that one (a remote added meanwhile
 * could be missing from `remotes`), and removed otherwise, so the next fetch asks git again.
 */
export function recordConfigured(commonDir: string, remotes: readonly string[], seen: string | null): void {
  updateSyncState(commonDir, (s) => {
    s.configured = { configMtime: Bun.file(`${commonDir}/config`).lastModified, remotes: [...remotes] };
  });
  const fs = require("node:fs") as typeof import("node:fs");
  const file = `${commonDir}/${DOOR_REMOTES_FILE}`;
  try {
    const now = configIdentity(commonDir);
    if (now === null || now !== seen || remotes.some((r) => r === "" || r.includes("\n"))) {
      fs.rmSync(file, { force: true });
      return;
    }
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, [DOOR_REMOTES_HEADER, now, ...remotes, ""].join("\n"));
    fs.renameSync(tmp, file);
  } catch {
    // without it the front door hands every fetch to the shim, which checks with git
  }
}

/** Forgets which remotes have our refspecs (`git traces sync --remove-config`). */
export function forgetConfigured(commonDir: string): void {
  updateSyncState(commonDir, (s) => delete s.configured);
  (require("node:fs") as typeof import("node:fs")).rmSync(`${commonDir}/${DOOR_REMOTES_FILE}`, { force: true });
}

export function updateSyncState(commonDir: string, change: (s: SyncState) => void): SyncState {
  const state = readSyncState(commonDir);
  change(state);
  const path = syncStateFile(commonDir);
  const fs = require("node:fs") as typeof import("node:fs");
  makeDirsUnder(commonDir, `${commonDir}/traces`);
  const tmp = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  fs.renameSync(tmp, path);
  return state;
}

export function remoteState(state: SyncState, key: string): RemoteState {
  return (state.remotes[key] ??= {});
}
