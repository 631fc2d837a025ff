// Remotes as the notes sync sees them: which one a push or fetch talks to, where its notes
// are tracked locally, and the fetch refspec that brings them with every fetch.
//
// Every named remote gets one more fetch refspec, `+refs/notes/traces*:refs/notes/remotes/
// <remote>/traces*`: any `git fetch` (through the shim or not) then brings the remote's notes
// into that tracking ref, in the same round trip, forced, never into refs/notes/traces
// itself. Merging them into our own notes is a local step (merge.ts). The `*` matters: a
// refspec without one makes git fail the whole fetch when the remote has no notes yet;
// with it, no notes is no match, and fetches stay as they were.
//
// Next to it goes the same for shared trace content (docs/sharing.md): `+refs/traces/content*:
// refs/traces/remotes/<remote>/content*`. Fetching it shares nothing of ours; what we push
// is decided by push.ts.
//
// git uses configured refspecs only when it is told nothing else: a fetch or pull that
// names what to fetch (`git fetch origin main`), or a URL instead of a remote, and a clone
// that fetches one branch (`--depth`, `--single-branch`) bring no notes that way. The
// interceptors then fetch the notes refspecs alone, right after git (sourceWithoutNotes in
// src/interceptors/fetch.ts, cloneShape in src/interceptors/clone.ts).

import { configAdd, configEntries, configGet, configUnsetValue } from "../git/config.ts";
import { currentBranch, deleteRef } from "../git/refs.ts";
import { commonDir, configBool, tracesConfig } from "../git/repo.ts";
import { createHash } from "node:crypto";
import type { GitRunner } from "../git/runner.ts";
import { contentRefspec, contentTrackingRef } from "../content/refs.ts";
import { configIdentity, recordConfigured } from "./state.ts";
import { recordAddedRefspec } from "./added-refspecs.ts";

export const NOTES_SRC = "refs/notes/traces";

export interface Remote {
  name: string;
  urls: string[];
  fetch: string[];
}

/** A remote name that is safe inside a ref name. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** The key a remote's notes are tracked under: its name, or a hash of a bare URL or path. */
export function remoteKey(remote: string, named: readonly string[]): string {
  if (named.includes(remote) && SAFE_NAME.test(remote) && !remote.endsWith(".lock")) return remote;
  return `_url-${createHash("sha1").update(remote).digest("hex").slice(0, 12)}`;
}

export function trackingRef(key: string): string {
  return `refs/notes/remotes/${key}/traces`;
}

export function notesRefspec(key: string): string {
  return `+${NOTES_SRC}*:${trackingRef(key)}*`;
}

/** Every configured remote with its URLs and fetch refspecs, in one git call. */
export function listRemotes(git: GitRunner): Remote[] {
  const byName = new Map<string, Remote>();
  for (const { key, value } of configEntries(git, "^remote\\..*\\.(url|fetch)$")) {
    if (value === null) continue;
    const m = /^remote\.(.+)\.(url|fetch)$/.exec(key);
    if (!m) continue;
    const remote = byName.get(m[1]!) ?? { name: m[1]!, urls: [], fetch: [] };
    if (m[2] === "url") remote.urls.push(value);
    else remote.fetch.push(value);
    byName.set(m[1]!, remote);
  }
  return [...byName.values()];
}

/**
 * Adds the notes refspec and the shared content one to every named remote that lacks them;
 * returns the remotes changed.
 */
export function ensureNotesRefspecs(git: GitRunner, remotes: readonly Remote[]): string[] {
  const changed: string[] = [];
  for (const r of remotes) {
    const key = remoteKey(r.name, [r.name]);
    if (key !== r.name) continue;
    // A mirror fetches every ref, notes included; it needs nothing more.
    if (r.fetch.some((f) => f === "+refs/*:refs/*")) continue;
    const missing = [notesRefspec(key), contentRefspec(key)].filter((spec) => !r.fetch.includes(spec));
    if (!missing.length) continue;
    let added = false;
    for (const spec of missing)
      if (configAdd(git, `remote.${r.name}.fetch`, spec)) {
        added = true;
        recordAddedRefspec(git, r.name, spec); // listed for the full uninstall (added-refspecs.ts)
      }
    if (added) changed.push(r.name);
  }
  return changed;
}

/**
 * Gives every named remote of the repository the refspecs (unless automatic sync is off
 * there) and records, with the config file's time, which remotes it has: until that file
 * changes, the fetch path need not ask git again. Returns the remote names.
 */
export function configureRemotes(git: GitRunner, gitDir: string): string[] {
  const common = commonDir(gitDir);
  const seen = configIdentity(common);
  const remotes = listRemotes(git);
  const changed = autoSyncEnabled(git) ? ensureNotesRefspecs(git, remotes) : [];
  const names = remotes.map((r) => r.name);
  // Changed by us just now: the front door's copy waits for the next fetch's listing, which
  // then sees the config as it is.
  recordConfigured(common, names, changed.length ? null : seen);
  return names;
}

/**
 * Whether refspecs given on a command line fetch our notes themselves (`refs/notes/*:...`,
 * `refs/*:refs/*`): then nothing is to be added to what they do.
 */
export function refspecsTakeNotes(refspecs: readonly string[]): boolean {
  return refspecs.some((spec) => {
    if (spec.startsWith("^")) return false; // a negative refspec takes nothing
    const src = spec.replace(/^\+/, "").split(":")[0]!;
    return src === "refs/*" || src.startsWith("refs/notes/");
  });
}

/**
 * Whether a fetch source that is not a named remote is a URL or a path (git fetches from
 * it) rather than a remote group (`remotes.<group>`, whose members fetch with their own
 * configured refspecs). `.` is this repository itself: nothing to bring.
 */
export function isUrlOrPath(source: string): boolean {
  if (source === "." || source === "./") return false;
  return source.includes("/") || source.includes(":");
}

/** Takes the notes and content refspecs and their tracking refs away again (`git traces sync --remove-config`). */
export function removeNotesRefspecs(git: GitRunner, remotes: readonly Remote[]): string[] {
  const changed: string[] = [];
  for (const r of remotes) {
    const key = remoteKey(r.name, [r.name]);
    const specs = [notesRefspec(key), contentRefspec(key)].filter((spec) => r.fetch.includes(spec));
    if (!specs.length) continue;
    for (const spec of specs) configUnsetValue(git, `remote.${r.name}.fetch`, spec);
    deleteRef(git, trackingRef(key));
    deleteRef(git, contentTrackingRef(key));
    changed.push(r.name);
  }
  return changed;
}

/**
 * Where a named remote's branches are tracked here: the destinations of its fetch refspecs
 * under refs/remotes/ (`refs/remotes/origin` for the usual `+refs/heads/*:refs/remotes/origin/*`),
 * as for-each-ref patterns. Empty when there are none (a mirror, no fetch refspec).
 */
export function trackingPatterns(remote: Remote): string[] {
  const out: string[] = [];
  for (const spec of remote.fetch) {
    if (spec.startsWith("^")) continue; // a negative refspec
    const dst = spec.replace(/^\+/, "").split(":")[1] ?? "";
    if (!dst.startsWith("refs/remotes/")) continue;
    const star = dst.indexOf("*");
    // A pattern stands for everything under the directory before its `*`.
    const pattern = star < 0 ? dst : dst.slice(0, dst.lastIndexOf("/", star));
    if (pattern.startsWith("refs/remotes/") && !out.includes(pattern)) out.push(pattern);
  }
  return out;
}

const configValue = (git: GitRunner, key: string) => configGet(git, key)?.trim() ?? null;

/** The remote a plain `git push` talks to: branch.<b>.pushRemote, remote.pushDefault, branch.<b>.remote, origin. */
export function defaultPushRemote(git: GitRunner, remotes: readonly Remote[]): string | null {
  const branch = currentBranch(git);
  const candidates = [
    branch ? configValue(git, `branch.${branch}.pushRemote`) : null,
    configValue(git, "remote.pushDefault"),
    branch ? configValue(git, `branch.${branch}.remote`) : null,
  ];
  for (const c of candidates) if (c && c !== ".") return c;
  if (remotes.some((r) => r.name === "origin")) return "origin";
  return remotes.length === 1 ? remotes[0]!.name : null;
}

/**
 * Whether the shim syncs notes here on its own (fetch refspecs, the push after a push):
 * `traces.sync false` (set by `git traces sync --remove-config`) or `traces.enabled false`
 * turn it off. `git traces sync` by hand works either way.
 */
export function autoSyncEnabled(git: GitRunner): boolean {
  const config = tracesConfig(git);
  return configBool(config.get("traces.enabled")?.at(-1), true) && configBool(config.get("traces.sync")?.at(-1), true);
}
