// The one module that reads and writes refs/traces/content, the redacted traces a repository
// shares (docs/sharing.md): a commit whose tree holds `<trace id>.json`, flat. Writes are one
// `git fast-import` commit on top of the ref's value, a compare-and-swap retried as for the
// notes (src/notes/store.ts); merging a remote's content makes a merge commit with both
// parents, so that the next push is a fast-forward (the same compare-and-swap merge as the
// notes', src/git/refs.ts mergeIntoRef, with a merge of its own).
//
// What is stored here is already redacted (trace-json.ts sharedForm); this module only moves
// bytes. Entries that are not `<valid id>.json` blobs (someone else's writing) are never read
// and are left out of merges.

import { TracesError } from "../base/errors.ts";
import { fastImportCommit, fastImportData } from "../git/fast-import.ts";
import { readBlobs } from "../git/objects.ts";
import { backOff, CAS_ATTEMPTS, mergeBase, mergeIntoRef, refExists, refNames, type MergeResult } from "../git/refs.ts";
import { resolveCommit } from "../git/repo.ts";
import { GitError, type GitRunner } from "../git/runner.ts";
import { commitTree, lsTree, makeTree } from "../git/trees.ts";
import { isTraceId } from "../traces/id.ts";
import { CONTENT_REF, CONTENT_TRACKING_PREFIX } from "./refs.ts";
const ENTRY = /^([A-Za-z0-9_-]{1,128})\.json$/;

export class ContentRefCorrupt extends TracesError {
  readonly code = "CONTENT_REF_CORRUPT";
  constructor(readonly ref: string) {
    super(`${ref} is not a commit`, { ref });
  }
}

export class ContentWriteConflict extends TracesError {
  readonly code = "CONTENT_WRITE_CONFLICT";
  constructor(ref: string) {
    super(`${ref} kept moving while writing; gave up after ${CAS_ATTEMPTS} attempts`, { ref });
  }
}

/** The tree entry of a trace. Callers check IDs first; this refuses anything else. */
export function entryName(id: string): string {
  if (!isTraceId(id)) throw new Error(`not a trace ID: ${JSON.stringify(id).slice(0, 140)}`);
  return `${id}.json`;
}

/** The commit a content ref names; null when absent; ContentRefCorrupt when it names something else. */
export function contentCommit(git: GitRunner, ref = CONTENT_REF): string | null {
  const oid = resolveCommit(git, ref);
  if (oid) return oid;
  if (refExists(git, ref)) throw new ContentRefCorrupt(ref);
  return null;
}

/** Trace ID -> blob, for a content commit (or any tree-ish); nothing when it cannot be read. */
export function contentEntries(git: GitRunner, rev: string): Map<string, string> {
  const out = new Map<string, string>();
  let entries;
  try {
    entries = lsTree(git, rev);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    return out;
  }
  for (const e of entries) {
    const id = e.type === "blob" && (e.mode === "100644" || e.mode === "100755") ? ENTRY.exec(e.path)?.[1] : undefined;
    if (id) out.set(id, e.oid);
  }
  return out;
}

/** Where shared content can be read: ours first, then each remote's as last fetched, by name. */
export function contentRefs(git: GitRunner): string[] {
  let refs: string[];
  try {
    refs = refNames(git, [CONTENT_REF, CONTENT_TRACKING_PREFIX]);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    return [];
  }
  const tracking = refs.filter((ref) => ref.startsWith(CONTENT_TRACKING_PREFIX) && ref.endsWith("/content")).sort();
  return [...(refs.includes(CONTENT_REF) ? [CONTENT_REF] : []), ...tracking];
}

export interface SharedText {
  text: string;
  /** The ref it was read from. */
  ref: string;
}

/** Every distinct version of the shared JSON of each of `ids` found in `refs`, in the order of `refs`. */
export function readSharedVersions(
  git: GitRunner,
  ids: readonly string[],
  refs: readonly string[] = contentRefs(git),
): Map<string, SharedText[]> {
  const wanted = new Set(ids.filter(isTraceId));
  const found = new Map<string, { blob: string; ref: string }[]>();
  for (const ref of refs) {
    const entries = contentEntries(git, ref);
    for (const id of wanted) {
      const blob = entries.get(id);
      if (blob && !found.get(id)?.some((f) => f.blob === blob))
        found.set(id, [...(found.get(id) ?? []), { blob, ref }]);
    }
  }
  const blobs = readBlobs(git, [...new Set([...found.values()].flat().map((w) => w.blob))]);
  const out = new Map<string, SharedText[]>();
  for (const [id, versions] of found) {
    const texts = versions.flatMap(({ blob, ref }) => {
      const text = blobs.get(blob);
      return text === undefined ? [] : [{ text, ref }];
    });
    if (texts.length) out.set(id, texts);
  }
  return out;
}

/**
 * Of several versions of one trace, the one a merge would keep (laterVersion); on equal
 * terms the first.
 */
export function latestVersion<T extends SharedText>(versions: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const v of versions) if (!best || (v.text !== best.text && laterVersion(best.text, v.text) === v.text)) best = v;
  return best;
}

/**
 * The shared JSON of each of `ids` found in `refs`. When refs disagree (a remote's content
 * fetched but not merged yet) the later version wins, as a merge would pick it; on equal
 * terms the first ref's.
 */
export function readSharedTexts(
  git: GitRunner,
  ids: readonly string[],
  refs: readonly string[] = contentRefs(git),
): Map<string, SharedText> {
  const out = new Map<string, SharedText>();
  for (const [id, versions] of readSharedVersions(git, ids, refs)) out.set(id, latestVersion(versions)!);
  return out;
}

export interface WriteOptions {
  message: string;
  /** `Name <email>` for the commit; default: git's committer identity. */
  ident?: string;
}

/**
 * Sets (JSON text) or removes (null) entries of refs/traces/content in one commit, on top
 * of the ref's value, again and again until the ref did not move in between. An entry that
 * already holds the same bytes is not written. Returns the IDs whose entry changed.
 */
export function updateContent(
  git: GitRunner,
  changes: ReadonlyMap<string, string | null>,
  opts: WriteOptions,
): string[] {
  for (const id of changes.keys()) entryName(id);
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const old = contentCommit(git);
    const current = old ? contentEntries(git, old) : new Map<string, string>();
    const kept = readBlobs(
      git,
      [...changes].filter(([id, text]) => text !== null && current.has(id)).map(([id]) => current.get(id)!),
    );
    let body = "";
    const changed: string[] = [];
    for (const [id, text] of changes) {
      const blob = current.get(id);
      if (text === null) {
        if (!blob) continue;
        body += `D ${entryName(id)}\n`;
      } else {
        if (blob && kept.get(blob) === text) continue;
        body += `M 100644 inline ${entryName(id)}\n${fastImportData(text)}`;
      }
      changed.push(id);
    }
    if (!changed.length) return [];
    if (fastImportCommit(git, CONTENT_REF, old, body, opts.message, opts.ident)) return changed;
    backOff(attempt);
  }
  throw new ContentWriteConflict(CONTENT_REF);
}

// --- merging a remote's content into ours -------------------------------------------------

/** Milliseconds of a shared trace's `end`; -Infinity when it has none or is not JSON. */
function endOf(text: string): number {
  try {
    const end = (JSON.parse(text) as { end?: unknown }).end;
    const t = typeof end === "string" ? Date.parse(end) : NaN;
    return Number.isFinite(t) ? t : -Infinity;
  } catch {
    return -Infinity;
  }
}

/**
 * Which of two versions of one trace a merge keeps: the later `end` (the session went on),
 * then the larger JSON, then the greater bytes. Symmetric, so every clone picks the same.
 */
export function laterVersion(a: string, b: string): string {
  const ea = endOf(a);
  const eb = endOf(b);
  if (ea !== eb) return ea > eb ? a : b;
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  if (la !== lb) return la > lb ? a : b;
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) >= 0 ? a : b;
}

/**
 * The entries of a three-way merge of content trees (ID -> blob). An entry only one side
 * changed since the base takes that side's version, a removal (an unshare) included; both
 * sides changed it: `pick` chooses; one side removed it while the other changed it: removed
 * (an unshare is deliberate). Nothing else is ever dropped: an entry that only one side has
 * and the base did not have is kept, so two clones sharing at once both keep theirs.
 */
export function mergeEntries(
  base: ReadonlyMap<string, string>,
  ours: ReadonlyMap<string, string>,
  theirs: ReadonlyMap<string, string>,
  pick: (id: string, ours: string, theirs: string) => string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const b = base.get(id);
    const o = ours.get(id);
    const t = theirs.get(id);
    let keep: string | undefined;
    if (o === t) keep = o;
    else if (o === b) keep = t;
    else if (t === b) keep = o;
    else if (o !== undefined && t !== undefined) keep = pick(id, o, t);
    else keep = undefined;
    if (keep !== undefined) out.set(id, keep);
  }
  return out;
}

/**
 * Merges the content of `theirsRef` (a remote's, as fetched) into refs/traces/content: the
 * union of their entries, by mergeEntries. A merge commit has both sides as parents, so that
 * pushing the result is a fast-forward for the remote. refs/traces/content moves only if it
 * still has the value the merge started from (compare-and-swap), else the merge is made again.
 */
export function mergeContentRef(
  git: GitRunner,
  theirsRef: string,
  opts: { ident?: string; message?: string } = {},
): MergeResult {
  const message = opts.message ?? `git-traces: merge ${theirsRef}`;
  return mergeIntoRef(git, {
    ref: CONTENT_REF,
    message,
    theirs: () => contentCommit(git, theirsRef),
    ours: () => contentCommit(git),
    merge: (ours, theirs) => {
      const base = mergeBase(git, ours, theirs);
      const o = contentEntries(git, ours);
      const t = contentEntries(git, theirs);
      const b = base ? contentEntries(git, base) : new Map<string, string>();
      // The texts of entries both sides changed, to pick from.
      const both = [...o].filter(
        ([id, blob]) => t.has(id) && t.get(id) !== blob && b.get(id) !== blob && b.get(id) !== t.get(id),
      );
      const texts = readBlobs(
        git,
        both.flatMap(([id, blob]) => [blob, t.get(id)!]),
      );
      const merged = mergeEntries(b, o, t, (_id, ob, tb) => {
        const ot = texts.get(ob);
        const tt = texts.get(tb);
        if (ot === undefined || tt === undefined) return ot === undefined ? tb : ob;
        return laterVersion(ot, tt) === ot ? ob : tb;
      });
      const tree = makeTree(
        git,
        [...merged].map(([id, oid]) => ({ name: entryName(id), oid })),
      );
      return commitTree(git, tree, [ours, theirs], message, opts.ident);
    },
    gaveUp: () => new ContentWriteConflict(CONTENT_REF),
  });
}
