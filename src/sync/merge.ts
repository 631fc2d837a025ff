// Bringing fetched notes home: each remote's notes arrive in its tracking ref (with every
// fetch, see remotes.ts); they are merged into refs/notes/traces here, union of lines, never
// overwriting a note of ours. Cheap when nothing arrived: one stat per remote. The shared
// trace content a fetch brings is merged the same way, into refs/traces/content
// (mergeContentRef in src/content/content.ts).

import type { MergeResult } from "../git/refs.ts";
import { commonDir, refOidOnDisk } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import {
  checkNotesTree,
  describeBadEntries,
  mergeNotesRef,
  NotesRefCorrupt,
  NotesTreeInvalid,
} from "../notes/store.ts";
import { ContentRefCorrupt, mergeContentRef } from "../content/content.ts";
import { contentTrackingRef } from "../content/refs.ts";
import { trackingRef } from "./remotes.ts";
import { readSyncState, remoteState, updateSyncState } from "./state.ts";

/**
 * When the tracking ref last changed: its loose file's time, which every fetch that moves it
 * updates. Without a loose file (a clone writes packed-refs) the time of packed-refs stands
 * in: at worst one needless, cheap merge. 0: neither exists, nothing was ever fetched.
 * (Size 0 tells a missing file: refs are never empty, and Bun's lastModified for a missing
 * file is no sentinel to rely on.)
 */
function trackingFileTime(common: string, key: string, ref = trackingRef(key)): number {
  for (const path of [`${common}/${ref}`, `${common}/packed-refs`]) {
    const file = Bun.file(path);
    if (file.size > 0) return file.lastModified;
  }
  return 0;
}

/** Remotes whose tracking ref moved since we last merged it. */
export function remotesWithNewNotes(gitDir: string, keys?: readonly string[]): string[] {
  const common = commonDir(gitDir);
  const state = readSyncState(common);
  const candidates = keys ?? state.configured?.remotes ?? Object.keys(state.remotes);
  return candidates.filter((key) => {
    const t = trackingFileTime(common, key);
    return t !== 0 && t !== state.remotes[key]?.mergedMtime;
  });
}

/**
 * Merges the notes fetched from `keys` into ours and records it. Their notes commit is
 * checked first (only when it has something ours lacks: one `git ls-tree`): one whose tree
 * holds anything but notes throws NotesTreeInvalid, and is remembered (`badNotes`) so that
 * our next push to that remote leaves those entries out (push.ts).
 */
export function mergeFetchedNotes(
  git: GitRunner,
  gitDir: string,
  keys: readonly string[],
  ident?: string,
): Map<string, MergeResult> {
  const common = commonDir(gitDir);
  const results = new Map<string, MergeResult>();
  for (const key of keys) {
    const mtime = trackingFileTime(common, key);
    const ref = trackingRef(key);
    // What our own push sent there last is made of our notes: nothing to merge (a stat or two).
    const published = readSyncState(common).remotes[key]?.published;
    if (published && refOidOnDisk(gitDir, ref) === published) {
      results.set(key, "up-to-date");
      updateSyncState(common, (s) => {
        remoteState(s, key).mergedMtime = mtime;
      });
      continue;
    }
    const check = (theirs: string) => {
      const bad = checkNotesTree(git, theirs);
      if (!bad.length) return;
      updateSyncState(common, (s) => {
        const r = remoteState(s, key);
        r.mergedMtime = mtime;
        r.badNotes = { oid: theirs, problem: describeBadEntries(bad) };
      });
      throw new NotesTreeInvalid(ref, theirs, bad);
    };
    const result = mergeNotesRef(git, ref, {
      message: `git-traces: merge notes of ${key}`,
      check,
      ...(ident ? { ident } : {}),
    });
    results.set(key, result);
    updateSyncState(common, (s) => {
      const r = remoteState(s, key);
      r.mergedMtime = mtime;
      delete r.badNotes;
      if (result !== "up-to-date") r.lastMerge = new Date().toISOString();
    });
  }
  return results;
}

/** The one warning for a remote whose fetched notes were left out. */
export function brokenNotesWarning(key: string, e: NotesRefCorrupt | NotesTreeInvalid): string {
  const ref = trackingRef(key);
  if (e instanceof NotesTreeInvalid)
    return `the notes fetched from ${key} hold ${describeBadEntries(e.bad)}, which is not a note; left out (${ref})`;
  return `the notes fetched from ${key} are not a notes commit (${ref}); left out`;
}

/**
 * Merges whatever any client fetched since last time: the shim and `git traces` call this.
 * A remote whose notes ref is broken, or whose notes tree holds anything but notes, is
 * skipped (and reported through `onBroken`), not merged and not retried until it changes.
 * `also`: keys to look at besides the named remotes (a URL's, just fetched from).
 */
export function mergePendingNotes(
  git: GitRunner,
  gitDir: string,
  onBroken?: (key: string, e: NotesRefCorrupt | NotesTreeInvalid) => void,
  also: readonly string[] = [],
): Map<string, MergeResult> {
  const results = new Map<string, MergeResult>();
  const pending = remotesWithNewNotes(gitDir);
  if (also.length) pending.push(...remotesWithNewNotes(gitDir, also).filter((k) => !pending.includes(k)));
  for (const key of pending) {
    try {
      for (const [k, v] of mergeFetchedNotes(git, gitDir, [key])) results.set(k, v);
    } catch (e) {
      if (!(e instanceof NotesRefCorrupt) && !(e instanceof NotesTreeInvalid)) throw e;
      const common = commonDir(gitDir);
      const mtime = trackingFileTime(common, key);
      updateSyncState(common, (s) => {
        remoteState(s, key).mergedMtime = mtime;
      });
      onBroken?.(key, e);
    }
  }
  return results;
}

// --- shared trace content ------------------------------------------------------------------

/** Merges the content fetched from `keys` into refs/traces/content and records it. */
export function mergeFetchedContent(
  git: GitRunner,
  gitDir: string,
  keys: readonly string[],
  ident?: string,
): Map<string, MergeResult> {
  const common = commonDir(gitDir);
  const results = new Map<string, MergeResult>();
  for (const key of keys) {
    const mtime = trackingFileTime(common, key, contentTrackingRef(key));
    const result = mergeContentRef(git, contentTrackingRef(key), {
      message: `git-traces: merge shared traces of ${key}`,
      ...(ident ? { ident } : {}),
    });
    results.set(key, result);
    updateSyncState(common, (s) => {
      remoteState(s, key).contentMergedMtime = mtime;
    });
  }
  return results;
}

/**
 * Merges whatever content any client fetched since last time (one stat per remote when
 * nothing did). A remote whose content ref is not a commit is skipped, reported through
 * `onBroken`, and not tried again until it changes.
 */
export function mergePendingContent(
  git: GitRunner,
  gitDir: string,
  onBroken?: (key: string) => void,
  also: readonly string[] = [],
): Map<string, MergeResult> {
  const common = commonDir(gitDir);
  const state = readSyncState(common);
  const candidates = [...new Set([...(state.configured?.remotes ?? Object.keys(state.remotes)), ...also])];
  const moved = candidates.filter((key) => {
    const t = trackingFileTime(common, key, contentTrackingRef(key));
    return t !== 0 && t !== state.remotes[key]?.contentMergedMtime;
  });
  const results = new Map<string, MergeResult>();
  for (const key of moved) {
    try {
      for (const [k, v] of mergeFetchedContent(git, gitDir, [key])) results.set(k, v);
    } catch (e) {
      // Ours broken is not the remote's fault: that goes up.
      if (!(e instanceof ContentRefCorrupt) || e.ref !== contentTrackingRef(key)) throw e;
      const mtime = trackingFileTime(common, key, contentTrackingRef(key));
      updateSyncState(common, (s) => {
        remoteState(s, key).contentMergedMtime = mtime;
      });
      onBroken?.(key);
    }
  }
  return results;
}
