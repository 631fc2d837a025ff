// The one module that reads and writes refs/notes/traces. Reads go through git's own
// notes code (any fanout); writes go through `git fast-import`, which fans the notes tree
// out as git does and updates the ref with a compare-and-swap, retried here. The git calls
// themselves are src/git's; what is here is what notes are and how two sets of them merge.

import { TracesError } from "../base/errors.ts";
import { processAlive } from "../base/process.ts";
import { CURRENT, fastImportCommit, fastImportData, RefLocked, writeCommitObject } from "../git/fast-import.ts";
import { mergeNotesInto, notesList, type NoteEntry } from "../git/notes.ts";
import { readBlobs, readRefs } from "../git/objects.ts";
import {
  backOff,
  CAS_ATTEMPTS,
  deleteRef,
  deleteRefsAt,
  mergeIntoRef,
  refExists,
  setRef,
  type MergeResult,
} from "../git/refs.ts";
import { gitCommonDir, resolveCommit } from "../git/repo.ts";
import type { GitRunner } from "../git/runner.ts";
import { diffTrees, lsTree, lsTreeLong, type LongTreeItem } from "../git/trees.ts";
import { sanitizeLine } from "../traces/sanitize.ts";
import { NOTES_REF } from "./format.ts";

/**
 * The note text of each commit that has one. Notes are found by git's own fanout-aware
 * lister and read as blobs by size, so no note's content can pass for another's (a note is
 * untrusted text: it may hold any byte, separators included). `commits` are full IDs.
 */
export function readNotes(
  git: GitRunner,
  commits: readonly string[],
  ref = NOTES_REF,
  refKnownToExist = false,
): Map<string, string> {
  const out = new Map<string, string>();
  if (commits.length === 0) return out;
  const wanted = new Set(commits);
  const hits = listNotes(git, ref, refKnownToExist).filter((l) => wanted.has(l.commit));
  const blobs = readBlobs(git, [...new Set(hits.map((h) => h.blob))]);
  for (const { commit, blob } of hits) {
    const text = blobs.get(blob);
    if (text !== undefined && text.trim() !== "") out.set(commit, text.endsWith("\n") ? text : `${text}\n`);
  }
  return out;
}

/** What the notes ref points at; null when it does not exist. */
export function notesRefOid(git: GitRunner, ref = NOTES_REF): string | null {
  return readRefs(git, [ref]).get(ref)?.oid ?? null;
}

/** Every annotated commit and its note blob, through git's fanout-aware lister. */
export function listNotes(git: GitRunner, ref = NOTES_REF, refKnownToExist = false): NoteEntry[] {
  if (!refKnownToExist && !notesRefOid(git, ref)) return [];
  return notesList(git, ref);
}

export class NotesWriteConflict extends TracesError {
  readonly code = "NOTES_WRITE_CONFLICT";
  constructor(ref: string) {
    super(`${ref} kept moving while writing; gave up after ${CAS_ATTEMPTS} attempts`, { ref });
  }
}

export interface UpdateOptions {
  ref?: string;
  message?: string;
  /** `Name <email>` for the notes commit; default: git's committer identity. */
  ident?: string;
  /** The commits were made just now and nothing can have noted them yet: skip reading their notes. */
  fresh?: boolean;
  /** Whether the notes ref exists, when the caller could tell without git (see refExistsOnDisk). */
  refExists?: boolean;
}

/**
 * Rewrites the notes of some commits in one notes commit. `update` gets the current note
 * of each commit ("" when none) and returns the new text ("" removes the note), or null
 * to leave it. Reads and writes repeat until the ref did not move in between, so two
 * writers never lose each other's notes. Returns the commits whose note changed.
 */
export function updateNotes(
  git: GitRunner,
  commits: readonly string[],
  update: (commit: string, current: string) => string | null,
  opts: UpdateOptions = {},
): string[] {
  const ref = opts.ref ?? NOTES_REF;
  let locked: RefLocked | null = null;
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    // Fresh commits have no note unless another writer got there first, which only a
    // failed compare-and-swap can tell: the first attempt builds on whatever the ref is when
    // fast-import starts, without reading anything first; later attempts read like everyone.
    const quick = opts.fresh && attempt === 0 && opts.refExists !== undefined;
    const old = quick ? (opts.refExists ? CURRENT : null) : notesRefOid(git, ref);
    const current = old && !quick ? readNotes(git, commits, ref, true) : new Map<string, string>();
    const changes: { commit: string; text: string }[] = [];
    for (const commit of commits) {
      const before = current.get(commit) ?? "";
      const after = update(commit, before);
      if (after !== null && after !== before) changes.push({ commit, text: after });
    }
    if (changes.length === 0) return [];
    try {
      if (writeNotesCommit(git, ref, old, changes, opts.message ?? "Notes added by git-traces", opts.ident)) {
        return changes.map((c) => c.commit);
      }
      locked = null;
    } catch (e) {
      // A lock held for a moment by another writer goes; one that stays is said as such.
      if (!(e instanceof RefLocked)) throw e;
      locked = e;
    }
    // The ref moved under us: read again and redo the change on top.
    backOff(attempt);
  }
  throw locked ?? new NotesWriteConflict(ref);
}

/** One notes commit on top of `old` (fastImportCommit); false when the ref moved. */
function writeNotesCommit(
  git: GitRunner,
  ref: string,
  old: string | null,
  changes: { commit: string; text: string }[],
  message: string,
  who?: string,
): boolean {
  let body = "";
  for (const c of changes) {
    if (c.text === "") body += `N ${"0".repeat(c.commit.length)} ${c.commit}\n`;
    else body += `N inline ${c.commit}\n${fastImportData(c.text)}`;
  }
  return fastImportCommit(git, ref, old, body, message, who);
}

// --- merging another notes ref (a remote's) into ours ---------------------------------

/** Annotated object -> note blob, for a notes commit, whatever its fanout. */
export function notesTree(git: GitRunner, commit: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of lsTree(git, commit, { recursive: true }))
    if (e.type === "blob") out.set(e.path.replaceAll("/", ""), e.oid);
  return out;
}

export class NotesRefCorrupt extends TracesError {
  readonly code = "NOTES_REF_CORRUPT";
  constructor(readonly ref: string) {
    super(`${ref} is not a notes commit`, { ref });
  }
}

export interface MergeNotesOptions {
  ref?: string;
  ident?: string;
  message?: string;
  /**
   * Called with their notes commit before anything of it enters ours (not when ours already
   * has it); throws to leave it out (a fetched notes tree that is not notes: checkNotesTree).
   */
  check?: (theirs: string) => void;
}

/**
 * Merges the notes of `theirsRef` into ours with git's own `notes merge -s cat_sort_uniq`:
 * a note only one side has is taken as is, two different notes for one commit become the
 * union of their lines. (git's merge also keeps notes of commits this repository does not
 * have, which fast-import refuses.) Never overwrites: the merge is made on a private ref
 * that starts at our notes, and refs/notes/traces moves to it only if it has not moved
 * meanwhile (compare-and-swap), else the merge is made again.
 */
export function mergeNotesRef(git: GitRunner, theirsRef: string, opts: MergeNotesOptions = {}): MergeResult {
  const ref = opts.ref ?? NOTES_REF;
  return mergeIntoRef(git, {
    ref,
    message: opts.message ?? `git-traces: merge ${theirsRef}`,
    theirs: () => {
      const theirs = resolveCommit(git, theirsRef);
      // Absent is nothing to merge; present but not a commit is someone's broken ref.
      if (!theirs && refExists(git, theirsRef)) throw new NotesRefCorrupt(theirsRef);
      return theirs;
    },
    ours: () => {
      const { ours, leftovers } = oursAndLeftovers(git, ref);
      if (leftovers.length) dropLeftovers(git, leftovers);
      return ours;
    },
    ...(opts.check ? { check: opts.check } : {}),
    merge: (ours, theirs, attempt) => {
      const tag = namespaceTag();
      const scratch = `${SCRATCH_PREFIX}${process.pid}-${attempt}${tag === null ? "" : `-h${tag}`}`;
      setRef(git, scratch, ours);
      try {
        mergeNotesInto(git, scratch, theirs, opts.ident);
        const merged = resolveCommit(git, scratch);
        // (Their commit itself would mean the scratch ref lost our notes under git's feet.)
        return merged && merged !== theirs ? merged : null;
      } finally {
        deleteRef(git, scratch);
      }
    },
    gaveUp: () => new NotesWriteConflict(ref),
  });
}

// A merge killed midway (SIGKILL, a machine that went down) leaves its scratch ref behind;
// the next merge takes it away once its process is gone. What it holds is never lost: our
// notes as they were (refs/notes/traces still has them), or those merged with theirs (the
// tracking ref still has theirs). A scratch ref's name carries its pid and a tag of the
// machine's boot and pid namespace (`-h<tag>`): a pid means something only where the tag is
// ours, so a leftover of ours whose process is gone goes at once, and one of another
// namespace or machine (a container or a host sharing the repository) only once it is old.
const SCRATCH_PREFIX = "refs/notes/git-traces-merge-";
const SCRATCH_REF = /^refs\/notes\/git-traces-merge-(\d+)-\d+(?:-h([0-9a-f]+))?$/;
/** A leftover this young may belong to a merge running in another pid namespace: left alone. */
const LEFTOVER_AGE_MS = 60_000;

interface Leftover {
  ref: string;
  oid: string;
  pid: number;
  /** The tag of the namespace it was made in; null for an untagged (older) name. */
  tag: string | null;
}

let ownTag: string | null | undefined;
/** This process's boot and pid namespace, as a short tag; null where /proc cannot tell. */
export function namespaceTag(): string | null {
  if (ownTag !== undefined) return ownTag;
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    const boot = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const ns = fs.readlinkSync("/proc/self/ns/pid");
    ownTag = new Bun.CryptoHasher("sha1").update(`${boot} ${ns}`).digest("hex").slice(0, 12);
  } catch {
    ownTag = null;
  }
  return ownTag;
}

/** Our notes commit, and the scratch refs of merges, in one call. */
function oursAndLeftovers(git: GitRunner, ref: string): { ours: string | null; leftovers: Leftover[] } {
  const refs = readRefs(git, [ref, `${SCRATCH_PREFIX}*`]);
  const leftovers: Leftover[] = [];
  for (const [name, { oid }] of refs) {
    const m = SCRATCH_REF.exec(name);
    if (m) leftovers.push({ ref: name, oid, pid: Number(m[1]), tag: m[2] ?? null });
  }
  return { ours: refs.get(ref)?.oid ?? null, leftovers };
}

function processGone(pid: number): boolean {
  return pid !== process.pid && !processAlive(pid);
}

/** Deletes the scratch refs of merges whose process is gone (compare-and-swap: one git call). */
function dropLeftovers(git: GitRunner, leftovers: readonly Leftover[]): void {
  const orphans = leftovers.filter((l) => processGone(l.pid));
  if (!orphans.length) return;
  const dir = gitCommonDir(git);
  const tag = namespaceTag();
  const stale = orphans.filter((l) => {
    if (tag !== null && l.tag === tag) return true;
    const file = Bun.file(`${dir}/${l.ref}`);
    // Packed (no loose file): it has been there since a gc at least.
    return file.size === 0 || Date.now() - file.lastModified > LEFTOVER_AGE_MS;
  });
  if (!stale.length) return;
  deleteRefsAt(git, stale);
}

// --- what a notes tree from elsewhere may hold ---------------------------------------------
//
// A notes tree is blobs (mode 100644) named by the hex ID of the object they annotate,
// possibly split across fanout directories of two hex digits each (`ab/cdef...`). Anything
// else in a fetched one (a gitlink, a symbolic link, an executable, a name that is no object
// ID, a directory that is not a fanout one, a note too large to be one) is not a note, and
// `git notes merge` would turn some of it into tree entries that point at the wrong kind of
// object, breaking fsck, gc and every later push. Such a tree is left out, never merged.

/** The largest note accepted from elsewhere (our notes are a few lines a trace). */
export const MAX_NOTE_BYTES = 4 * 1024 * 1024;

export interface BadNotesEntry {
  /** The entry's path in the tree, as bytes in a latin1 string (a name may be any bytes). */
  path: string;
  /** What it is instead of a note. */
  why: string;
}

const FANOUT_DIR = /^[0-9a-f]{2}$/;
const HEX = /^[0-9a-f]+$/;

function entryKind(mode: string): string {
  if (mode === "160000") return "a gitlink (mode 160000)";
  if (mode === "120000") return "a symbolic link";
  if (mode === "100755") return "an executable file";
  return `an entry of mode ${mode}`;
}

/**
 * The entries of a notes tree that are not notes, from its listing (lsTreeLong: paths as
 * latin1, so that names keep their bytes). Pure. Of a bad directory only the directory is
 * named, not what is in it.
 */
export function badNotesEntries(entries: readonly LongTreeItem[]): BadNotesEntry[] {
  const bad: BadNotesEntry[] = [];
  const badDirs: string[] = [];
  for (const entry of entries) {
    if ("unknown" in entry) {
      bad.push({ path: entry.path, why: "an entry git cannot list" });
      continue;
    }
    const { mode, type, oid, size, path } = entry;
    // ls-tree lists a directory before what it holds: its verdict covers them.
    if (badDirs.some((d) => path.startsWith(d))) continue;
    const parts = path.split("/");
    const name = parts[parts.length - 1]!;
    const hexLength = oid.length;
    if (type === "tree" && mode === "040000") {
      // A fanout directory leaves room for a name after it.
      if (!FANOUT_DIR.test(name) || 2 * parts.length > hexLength - 2) {
        bad.push({ path, why: "a directory that is not a fanout directory" });
        badDirs.push(`${path}/`);
      }
      continue;
    }
    let why: string | null = null;
    if (mode !== "100644" || type !== "blob") why = entryKind(mode);
    else if (!HEX.test(name) || 2 * (parts.length - 1) + name.length !== hexLength)
      why = "a name that is not an object ID";
    else if (size !== null && size > MAX_NOTE_BYTES)
      why = `a note of ${size} bytes, over the limit of ${MAX_NOTE_BYTES / 1024 / 1024} MiB`;
    if (why) bad.push({ path, why });
  }
  return bad;
}

/** The entries of a notes commit's tree that are not notes (none: it is all notes). One git call. */
export function checkNotesTree(git: GitRunner, commit: string): BadNotesEntry[] {
  return badNotesEntries(lsTreeLong(git, commit));
}

/** A fetched notes commit whose tree holds entries that are not notes: left out, never merged. */
export class NotesTreeInvalid extends TracesError {
  readonly code = "NOTES_TREE_INVALID";
  constructor(
    readonly ref: string,
    readonly commit: string,
    readonly bad: readonly BadNotesEntry[],
  ) {
    super(`${ref} holds ${describeBadEntries(bad)}`, { ref, commit, bad });
  }
}

/** `ab/cd… (a gitlink (mode 160000))`, and how many more, for one line of text. */
export function describeBadEntries(bad: readonly BadNotesEntry[]): string {
  const first = bad[0];
  if (!first) return "nothing wrong";
  let path = Buffer.from(first.path, "latin1").toString("utf8");
  if (path.length > 80) path = `${path.slice(0, 79)}…`;
  const more =
    bad.length > 1 ? ` and ${bad.length - 1} more entr${bad.length === 2 ? "y" : "ies"} that are not notes` : "";
  return `${sanitizeLine(path)}, ${first.why}${more}`;
}

// --- notes commits built as objects only ----------------------------------------------------

/** The scratch refs fast-import builds on (writeCommitObject): never on disk. */
const BUILD_PREFIX = "refs/notes/git-traces-build-";

/**
 * A notes commit with `parent` as its only parent (null: none), its tree the parent's
 * changed by `body` (fast-import `N` and `D` commands), written as objects only: no ref is
 * created or moved. Returns the commit's ID.
 */
export function writeNotesCommitObject(
  git: GitRunner,
  parent: string | null,
  body: Uint8Array | string,
  message: string,
  opts: { who?: string; oidLength?: number } = {},
): string {
  const scratch = `${BUILD_PREFIX}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  return writeCommitObject(git, scratch, parent, body, message, opts);
}

/** One note's changes between two notes commits: the blob on each side (absent: no note). */
export interface NoteChange {
  from?: { blob: string; path: string };
  to?: { blob: string; path: string };
}

const OID_HEX = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Annotated object -> its note on each side, for the notes that differ between notes
 * commits `from` and `to` (from null: every note of `to`), whatever the fanout of either (a
 * note moved to another fanout path is no change). Only notes: blobs of mode 100644 whose
 * path spells an object ID. One git call.
 */
export function notesChanges(git: GitRunner, from: string | null, to: string): Map<string, NoteChange> {
  const out = new Map<string, NoteChange>();
  const put = (path: string, side: "from" | "to", blob: string) => {
    const object = path.replaceAll("/", "");
    if (!OID_HEX.test(object) || /^0+$/.test(blob)) return;
    const change = out.get(object) ?? {};
    change[side] = { blob, path };
    out.set(object, change);
  };
  if (!from) {
    for (const e of lsTree(git, to, { recursive: true }))
      if (e.mode === "100644" && e.type === "blob") put(e.path, "to", e.oid);
    return out;
  }
  for (const c of diffTrees(git, from, to)) {
    if (c.oldMode === "100644") put(c.path, "from", c.oldOid);
    if (c.newMode === "100644") put(c.path, "to", c.newOid);
  }
  for (const [object, change] of out) if (change.from?.blob === change.to?.blob) out.delete(object);
  return out;
}

function noteLines(note: Buffer): string[] {
  return note
    .toString("latin1")
    .split("\n")
    .filter((l) => l !== "");
}

/** Whether every line of note `a` is also a line of note `b`. */
export function noteLinesWithin(a: Buffer, b: Buffer): boolean {
  const have = new Set(noteLines(b));
  return noteLines(a).every((l) => have.has(l));
}

/**
 * Two notes as one, as `git notes merge -s cat_sort_uniq` makes it: their lines, sorted by
 * their bytes, each once, each ending in a newline; empty lines dropped.
 */
export function unionOfNotes(a: Buffer, b: Buffer): Buffer {
  const lines = [...new Set([...noteLines(a), ...noteLines(b)])].map((l) => Buffer.from(l, "latin1"));
  lines.sort(Buffer.compare);
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));
}
