// The one module that reads and writes refs/notes/traces. Reads go through git's own
// notes code (any fanout); writes go through `git fast-import`, which fans the notes tree
// out as git does and updates the ref with a compare-and-swap, retried here.

import { GitError, type GitRunner } from "../git/runner.ts";
import { sanitizeLine } from "../traces/sanitize.ts";
import { NOTES_REF, renderNote } from "./format.ts";
import { TracesError } from "../base/errors.ts";

const MAX_ATTEMPTS = 8;

/**
 * The note text of each commit that has one. Notes are found by git's own fanout-aware
 * lister and read as blobs by size, so no note's content can pass for another's (a note is
 * untrusted text: it may hold any byte, separators included). `commits` are full IDs.
 */
export function readNotes(git: GitRunner, commits: readonly string[], ref = NOTES_REF, refKnownToExist = false): Map<string, string> {
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

export function notesRefOid(git: GitRunner, ref = NOTES_REF): string | null {
  const out = git.out(["for-each-ref", "--format=%(objectname)", ref]).trim();
  return out === "" ? null : out;
}

/** Every annotated commit and its note blob, through git's fanout-aware lister. */
export function listNotes(git: GitRunner, ref = NOTES_REF, refKnownToExist = false): { commit: string; blob: string }[] {
  if (!refKnownToExist && !notesRefOid(git, ref)) return [];
  return git
    .out(["notes", `--ref=${ref}`, "list"])
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [blob, commit] = l.split(" ");
      return { commit: commit!, blob: blob! };
    });
}

/** A ref's lock file stays: another git is writing it, or one was killed while it did. */
export class RefLocked extends TracesError {
  readonly code = "REF_LOCKED";
  constructor(
    readonly ref: string,
    readonly lockFile: string,
  ) {
    super(`${ref} is locked: ${lockFile} exists (another git is writing it, or one was killed while it did; if no git is running, remove that file)`, { ref, lockFile });
  }
}

export class NotesWriteConflict extends TracesError {
  readonly code = "NOTES_WRITE_CONFLICT";
  constructor(ref: string) {
    super(`${ref} kept moving while writing; gave up after ${MAX_ATTEMPTS} attempts`, { ref });
  }
}

/**
 * Rewrites the notes of some commits in one notes commit. `update` gets the current note
 * of each commit ("" when none) and returns the new text ("" removes the note), or null
 * to leave it. Reads and writes repeat until the ref did not move in between, so two
 * writers never lose each other's notes. Returns the commits whose note changed.
 */
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

export function updateNotes(
  git: GitRunner,
  commits: readonly string[],
  update: (commit: string, current: string) => string | null,
  opts: UpdateOptions = {},
): string[] {
  const ref = opts.ref ?? NOTES_REF;
  let locked: RefLocked | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
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
    Bun.sleepSync(5 + Math.floor(Math.random() * 20 * (attempt + 1)));
  }
  throw locked ?? new NotesWriteConflict(ref);
}

/** A fast-import `data` block: the length counts bytes. */
export function fastImportData(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** `+hhmm` for this machine's time zone now, as git writes it. */
function tzOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/** Stands for "the ref's value when fast-import reads it" (it may not exist). */
export const CURRENT = "current";

/** One notes commit on top of `old` (fastImportCommit); false when the ref moved. */
function writeNotesCommit(git: GitRunner, ref: string, old: string | null, changes: { commit: string; text: string }[], message: string, who?: string): boolean {
  let body = "";
  for (const c of changes) {
    if (c.text === "") body += `N ${"0".repeat(c.commit.length)} ${c.commit}\n`;
    else body += `N inline ${c.commit}\n${fastImportData(c.text)}`;
  }
  return fastImportCommit(git, ref, old, body, message, who);
}

/**
 * One commit on `ref` with `old` as its only parent (null: none; CURRENT: whatever the ref
 * is when fast-import reads it), its tree the parent's changed by `body` (fast-import's
 * `M`, `D` or `N` commands). fast-import updates the ref only if its value then is an
 * ancestor of the new commit, under the ref's lock: a compare-and-swap. Returns false when
 * the ref moved. Any ref that fast-import may write: the notes, the shared trace content.
 */
export function fastImportCommit(git: GitRunner, ref: string, old: string | null, body: string, message: string, who?: string): boolean {
  const now = new Date();
  const ident = who ? `${who} ${Math.floor(now.getTime() / 1000)} ${tzOffset(now)}` : git.out(["var", "GIT_COMMITTER_IDENT"]).trim();
  let stream = `commit ${ref}\ncommitter ${ident}\n${fastImportData(message)}`;
  if (old === CURRENT) stream += `from ${ref}^0\n`;
  else if (old) stream += `from ${old}\n`;
  stream += `${body}\n`;
  // unpackLimit=0: keep the few objects in a small pack instead of unpacking them, which
  // costs a second process (measured: 22 ms against 35 ms); git gc --auto packs them later.
  const r = git.run(["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--date-format=raw"], { input: stream });
  // Also when the ref did not exist: had another writer created it meanwhile, their
  // commit would not be an ancestor of our parentless one, and fast-import refuses.
  if (r.exitCode === 0) return true;
  const lock = /Unable to create '([^']+\.lock)': File exists/.exec(r.stderr);
  if (lock) throw new RefLocked(ref, lock[1]!);
  if (/Not updating|cannot lock ref|unable to update|does not contain/i.test(r.stderr)) return false;

  throw new GitError(["fast-import"], r.exitCode, r.stderr);
}

// --- merging another notes ref (a remote's) into ours ---------------------------------

export function refOid(git: GitRunner, ref: string): string | null {
  const r = git.run(["rev-parse", "-q", "--verify", "--end-of-options", `${ref}^{commit}`]);
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

export function isAncestor(git: GitRunner, a: string, b: string): boolean {
  return git.run(["merge-base", "--is-ancestor", a, b]).exitCode === 0;
}

/** Moves a ref only if it still has `old` (null: must not exist yet). */
export function casRef(git: GitRunner, ref: string, next: string, old: string | null, message: string): boolean {
  const zero = "0".repeat(next.length);
  return git.run(["update-ref", "-m", message, ref, next, old ?? zero]).exitCode === 0;
}

/** Annotated object -> note blob, for a notes commit, whatever its fanout. */
export function notesTree(git: GitRunner, commit: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of git.out(["ls-tree", "-r", "-z", commit]).split("\0")) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(entry);
    if (m) out.set(m[2]!.replaceAll("/", ""), m[1]!);
  }
  return out;
}

/** Blob contents by ID, through one `git cat-file --batch`. */
export function readBlobs(git: GitRunner, oids: readonly string[]): Map<string, string> {
  if (oids.length === 0) return new Map();
  // Sizes count bytes: the output is cut as bytes, and each blob decoded on its own, so a
  // note that is not valid UTF-8 cannot shift where the next one starts.
  return parseBatch(git.outBytes(["cat-file", "--batch"], { input: `${oids.join("\n")}\n` }));
}

/**
 * readBlobs() in two steps: `git cat-file --batch` starts now, and is asked for the blobs
 * once the caller knows which (call the returned function exactly once).
 */
export function blobReader(git: GitRunner): (oids: readonly string[]) => Promise<Map<string, string>> {
  const feed = git.startFed(["cat-file", "--batch"]);
  return async (oids) => parseBatch((await feed(oids.length ? `${oids.join("\n")}\n` : "")).stdout);
}

function parseBatch(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const [oid, type, size] = buf.subarray(pos, nl).toString().split(" ");
    pos = nl + 1;
    if (type === "missing" || !size) continue;
    const n = Number(size);
    out.set(oid!, buf.subarray(pos, pos + n).toString("utf8"));
    pos += n + 1;
  }
  return out;
}

export type MergeResult = "up-to-date" | "created" | "fast-forward" | "merged";

/**
 * Merges the notes of `theirsRef` into ours with git's own `notes merge -s cat_sort_uniq`:
 * a note only one side has is taken as is, two different notes for one commit become the
 * union of their lines. (git's merge also keeps notes of commits this repository does not
 * have, which fast-import refuses.) Never overwrites: the merge is made on a private ref
 * that starts at our notes, and refs/notes/traces moves to it only if it has not moved
 * meanwhile (compare-and-swap), else the merge is made again.
 */
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

export function mergeNotesRef(git: GitRunner, theirsRef: string, opts: MergeNotesOptions = {}): MergeResult {
  const ref = opts.ref ?? NOTES_REF;
  const message = opts.message ?? `git-traces: merge ${theirsRef}`;
  let checked: string | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const theirs = refOid(git, theirsRef);
    if (!theirs) {
      // Absent is nothing to merge; present but not a commit is someone's broken ref.
      if (git.run(["rev-parse", "-q", "--verify", "--end-of-options", theirsRef]).exitCode === 0) throw new NotesRefCorrupt(theirsRef);
      return "up-to-date";
    }
    const { ours, leftovers } = oursAndLeftovers(git, ref);
    if (leftovers.length) dropLeftovers(git, leftovers);
    if (ours && (ours === theirs || isAncestor(git, theirs, ours))) return "up-to-date";
    if (opts.check && checked !== theirs) {
      opts.check(theirs);
      checked = theirs;
    }
    if (!ours) {
      if (casRef(git, ref, theirs, null, message)) return "created";
      continue;
    }
    if (isAncestor(git, ours, theirs)) {
      if (casRef(git, ref, theirs, ours, message)) return "fast-forward";
      continue;
    }
    const scratch = `${SCRATCH_PREFIX}${process.pid}-${attempt}`;
    git.out(["update-ref", scratch, ours]);
    try {
      const r = git.run(["notes", `--ref=${scratch}`, "merge", "-q", "-s", "cat_sort_uniq", theirs], identityEnv(opts.ident));
      if (r.exitCode !== 0) throw new GitError(["notes", "merge"], r.exitCode, r.stderr);
      const merged = refOid(git, scratch);
      // (Their commit itself would mean the scratch ref lost our notes under git's feet.)
      if (merged && merged !== theirs && casRef(git, ref, merged, ours, message)) return "merged";
    } finally {
      git.run(["update-ref", "-d", scratch]);
    }
    Bun.sleepSync(5 + Math.floor(Math.random() * 20 * (attempt + 1)));
  }
  throw new NotesWriteConflict(ref);
}

// A merge killed midway (SIGKILL, a machine that went down) leaves its scratch ref behind;
// the next merge takes it away once its process is gone. What it holds is never lost: our
// notes as they were (refs/notes/traces still has them), or those merged with theirs (the
// tracking ref still has theirs).
const SCRATCH_PREFIX = "refs/notes/git-traces-merge-";
const SCRATCH_REF = /^([0-9a-f]{40}|[0-9a-f]{64}) refs\/notes\/git-traces-merge-(\d+)-\d+$/;
/** A leftover this young may belong to a merge running in another pid namespace: left alone. */
const LEFTOVER_AGE_MS = 60_000;

interface Leftover {
  ref: string;
  oid: string;
  pid: number;
}

/** Our notes commit, and the scratch refs of merges, in one call. */
function oursAndLeftovers(git: GitRunner, ref: string): { ours: string | null; leftovers: Leftover[] } {
  let ours: string | null = null;
  const leftovers: Leftover[] = [];
  for (const line of git.out(["for-each-ref", "--format=%(objectname) %(refname)", ref, `${SCRATCH_PREFIX}*`]).split("\n")) {
    if (line.endsWith(` ${ref}`)) ours = line.slice(0, line.indexOf(" "));
    const m = SCRATCH_REF.exec(line);
    if (m) leftovers.push({ ref: line.slice(line.indexOf(" ") + 1), oid: m[1]!, pid: Number(m[2]) });
  }
  return { ours, leftovers };
}

function processGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Deletes the scratch refs of merges whose process is gone (compare-and-swap: one git call). */
function dropLeftovers(git: GitRunner, leftovers: readonly Leftover[]): void {
  const orphans = leftovers.filter((l) => processGone(l.pid));
  if (!orphans.length) return;
  const dir = git.out(["rev-parse", "--path-format=absolute", "--git-common-dir"]).trim();
  const stale = orphans.filter((l) => {
    const file = Bun.file(`${dir}/${l.ref}`);
    // Packed (no loose file): it has been there since a gc at least.
    return file.size === 0 || Date.now() - file.lastModified > LEFTOVER_AGE_MS;
  });
  if (!stale.length) return;
  git.run(["update-ref", "--stdin"], { input: stale.map((l) => `delete ${l.ref} ${l.oid}\n`).join("") });
}

/** `Name <email>` as the committer of a notes commit git makes, when the caller knows it. */
export function identityEnv(ident?: string): { env: Record<string, string> } | undefined {
  const m = ident ? /^(.*) <(.*)>$/.exec(ident) : null;
  return m ? { env: { GIT_COMMITTER_NAME: m[1]!, GIT_COMMITTER_EMAIL: m[2]!, GIT_AUTHOR_NAME: m[1]!, GIT_AUTHOR_EMAIL: m[2]! } } : undefined;
}

// --- reading many notes without blocking (log over thousands of commits) -----------------

/** Which of these notes refs exist, in one call. */
/** existingNotesRefs(), blocking: which of `refs` exist, in one git call. */
export function existingNotesRefsSync(git: GitRunner, refs: readonly string[]): Set<string> {
  const out = git.out(["for-each-ref", "--format=%(refname)", ...refs]);
  return new Set(out.split("\n").filter((l) => refs.includes(l)));
}

export async function existingNotesRefs(git: GitRunner, refs: readonly string[]): Promise<Set<string>> {
  const r = await git.runAsync(["for-each-ref", "--format=%(refname)", ...refs]);
  if (r.exitCode !== 0) throw new GitError(["for-each-ref"], r.exitCode, r.stderr);
  return new Set(r.stdout.split("\n").filter((l) => refs.includes(l)));
}

/** listNotes() without blocking: annotated object -> note blob (nothing when the ref is absent). */
export async function listNotesAsync(git: GitRunner, ref = NOTES_REF): Promise<Map<string, string>> {
  const r = await git.runAsync(["notes", `--ref=${ref}`, "list"]);
  if (r.exitCode !== 0) throw new GitError(["notes", "list"], r.exitCode, r.stderr);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const [blob, commit] = line.split(" ");
    if (blob && commit) out.set(commit, blob);
  }
  return out;
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

/** One line of `git ls-tree -r -t -z -l --full-tree`: mode, type, ID, size ("-" for trees, gitlinks), path. */
const LS_TREE_LONG = /^(\d{6}) ([a-z]+) ([0-9a-f]{40}|[0-9a-f]{64}) +(-|\d+)\t([^]+)$/;
const FANOUT_DIR = /^[0-9a-f]{2}$/;
const HEX = /^[0-9a-f]+$/;

function entryKind(mode: string): string {
  if (mode === "160000") return "a gitlink (mode 160000)";
  if (mode === "120000") return "a symbolic link";
  if (mode === "100755") return "an executable file";
  return `an entry of mode ${mode}`;
}

/**
 * The entries of a notes tree that are not notes, from `git ls-tree -r -t -z -l --full-tree`
 * output (read as latin1, so that names keep their bytes). Pure. Of a bad directory only the
 * directory is named, not what is in it.
 */
export function badNotesEntries(lsTree: string): BadNotesEntry[] {
  const bad: BadNotesEntry[] = [];
  const badDirs: string[] = [];
  for (const entry of lsTree.split("\0")) {
    if (!entry) continue;
    const m = LS_TREE_LONG.exec(entry);
    if (!m) {
      bad.push({ path: entry.slice(entry.indexOf("\t") + 1), why: "an entry git cannot list" });
      continue;
    }
    const [, mode, type, oid, size, path] = m as unknown as [string, string, string, string, string, string];
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
    else if (!HEX.test(name) || 2 * (parts.length - 1) + name.length !== hexLength) why = "a name that is not an object ID";
    else if (Number(size) > MAX_NOTE_BYTES) why = `a note of ${size} bytes, over the limit of ${MAX_NOTE_BYTES / 1024 / 1024} MiB`;
    if (why) bad.push({ path, why });
  }
  return bad;
}

/** The entries of a notes commit's tree that are not notes (none: it is all notes). One git call. */
export function checkNotesTree(git: GitRunner, commit: string): BadNotesEntry[] {
  const out = git.outBytes(["ls-tree", "-r", "-t", "-z", "-l", "--full-tree", commit]);
  return badNotesEntries(out.toString("latin1"));
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
  const more = bad.length > 1 ? ` and ${bad.length - 1} more entr${bad.length === 2 ? "y" : "ies"} that are not notes` : "";
  return `${sanitizeLine(path)}, ${first.why}${more}`;
}

// --- notes commits built as objects only ----------------------------------------------------

/** A path in a fast-import command, C-quoted with octal escapes: any bytes (latin1 string) in ASCII. */
export function fastImportPath(path: string): string {
  let out = '"';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += `\\${path[i]}`;
    else if (c < 0x20 || c >= 0x7f) out += `\\${c.toString(8).padStart(3, "0")}`;
    else out += path[i];
  }
  return `${out}"`;
}

/**
 * A notes commit with `parent` as its only parent (null: none), its tree the parent's
 * changed by `body` (fast-import `N` and `D` commands), written as objects only: no ref is
 * created or moved. (fast-import needs a ref to build on: it gets one named for this
 * process, reset to nothing first and deleted in the same run, so it never reaches the
 * disk, and a process killed meanwhile leaves only unreachable objects for gc.) Returns the
 * commit's ID.
 */
export function writeNotesCommitObject(git: GitRunner, parent: string | null, body: Uint8Array | string, message: string, opts: { who?: string; oidLength?: number } = {}): string {
  const who = opts.who;
  const now = new Date();
  const ident = who ? `${who} ${Math.floor(now.getTime() / 1000)} ${tzOffset(now)}` : git.out(["var", "GIT_COMMITTER_IDENT"]).trim();
  const ref = `${SCRATCH_PREFIX.replace("merge-", "build-")}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const zero = "0".repeat(parent?.length ?? opts.oidLength ?? 40);
  const head = `reset ${ref}\n\ncommit ${ref}\nmark :1\ncommitter ${ident}\n${fastImportData(message)}${parent ? `from ${parent}\n` : ""}`;
  const tail = `\nreset ${ref}\nfrom ${zero}\n\nget-mark :1\n`;
  const stream = Buffer.concat([Buffer.from(head), typeof body === "string" ? Buffer.from(body) : body, Buffer.from(tail)]);
  const r = git.run(["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--date-format=raw"], { input: stream });
  const oid = r.stdout.trim().split("\n").pop() ?? "";
  if (r.exitCode !== 0 || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(oid)) throw new GitError(["fast-import"], r.exitCode, r.stderr);
  return oid;
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
    const listing = git.outBytes(["ls-tree", "-r", "-z", "--full-tree", to]).toString("latin1");
    for (const entry of listing.split("\0")) {
      const m = /^100644 blob ([0-9a-f]+)\t([^]+)$/.exec(entry);
      if (m) put(m[2]!, "to", m[1]!);
    }
    return out;
  }
  const fields = git.outBytes(["diff-tree", "-r", "-z", "--no-renames", from, to]).toString("latin1").split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*$/.exec(fields[i]!);
    if (!m) break;
    const path = fields[i + 1]!;
    if (m[1] === "100644") put(path, "from", m[3]!);
    if (m[2] === "100644") put(path, "to", m[4]!);
  }
  for (const [object, change] of out) if (change.from?.blob === change.to?.blob) out.delete(object);
  return out;
}

/** Blob contents by ID as bytes, through one `git cat-file --batch`. */
export function readBlobBytes(git: GitRunner, oids: readonly string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (oids.length === 0) return out;
  const buf = git.outBytes(["cat-file", "--batch"], { input: `${[...new Set(oids)].join("\n")}\n` });
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const [oid, type, size] = buf.subarray(pos, nl).toString().split(" ");
    pos = nl + 1;
    if (type === "missing" || !size) continue;
    const n = Number(size);
    out.set(oid!, Buffer.from(buf.subarray(pos, pos + n)));
    pos += n + 1;
  }
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
