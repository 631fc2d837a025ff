// Sending our notes to a remote after a push: a plain (never forced) push of a notes
// commit built for that remote, with refs/traces/content in the same push when we have
// shared traces the remote lacks. When the remote's notes moved on, fetch them into the
// tracking ref, merge (union of lines) and try again, a few times. A remote that rejects the
// ref itself (a pre-receive hook, a protected or hidden ref) is remembered, so that the user
// is not warned about it on every push.
//
// A remote gets the notes of the commits it has, and no others: notes of an unpushed
// branch, of commits rebased away, of throw-away branches stay here (their titles say what
// the work was). So what is pushed is not refs/notes/traces itself but a commit on top of
// the remote's notes (its tracking ref: a fast-forward for the remote) that adds our notes
// of the commits its branches reach (as of the push just made: the remote-tracking refs
// git updated, or `git ls-remote` for a URL). refs/notes/traces stays whole; fetching and
// merging the remote's notes stays a union; the notes of a branch go with the push that
// sends the branch.

import { fastImportPath } from "../git/fast-import.ts";
import { objectInfo, readBlobBytes, readRefs, unreachableFrom, type RefValue } from "../git/objects.ts";
import { isAncestor, setRef } from "../git/refs.ts";
import { fetchRefspecs, pushRefspecs, remoteTips, type PushOptions } from "../git/remote.ts";
import { commonDir } from "../git/repo.ts";
import { GitError, gitReason, type GitRunner } from "../git/runner.ts";
import {
  checkNotesTree,
  describeBadEntries,
  MAX_NOTE_BYTES,
  noteLinesWithin,
  notesChanges,
  NotesRefCorrupt,
  NotesTreeInvalid,
  unionOfNotes,
  writeNotesCommitObject,
  type BadNotesEntry,
  type NoteChange,
} from "../notes/store.ts";
import { ContentRefCorrupt } from "../content/content.ts";
import { sanitizeLine } from "../traces/sanitize.ts";
import { CONTENT_REF, contentRefspec, contentTrackingRef } from "../content/refs.ts";
import { mergeFetchedContent, mergeFetchedNotes } from "./merge.ts";
import { listRemotes, NOTES_SRC, notesRefspec, trackingPatterns, trackingRef, type Remote } from "./remotes.ts";
import { readSyncState, remoteState, updateSyncState } from "./state.ts";

const ATTEMPTS = 5;

/** Rejections that are the remote's policy rather than a race. */
const PERMANENT = /hook declined|hidden ref|protected|denied|not allowed|forbidden|permission|read.only|refusing/i;
/** Rejections that another push's notes caused: fetch theirs, merge, try again. */
const MOVED = /fetch first|non-fast-forward|stale info/i;
/** The same, lost at the remote's end: another push held or moved the ref meanwhile. */
const LOCKED =
  /cannot lock|failed to lock|unable to lock|incorrect old value|failed to update ref|is at [0-9a-f]+ but expected/i;

const MESSAGE = "Notes published by git-traces";

export type PushStatus = "pushed" | "up-to-date" | "rejected" | "refused" | "failed";

export interface PushOutcome {
  status: PushStatus;
  /** One line for the user when it did not work. */
  detail?: string;
  /** Our notes it did not get: their commits are not on the remote (yet). */
  held?: number;
  /** What became of our shared trace content, when there was some to send. */
  content?: PushOutcome;
}

/** noVerify only when the user's own push did; signed: the user's own --signed option. */
export interface PushNotesOptions extends PushOptions {
  /** The configured remotes, when the caller has them (else read here). */
  remotes?: readonly Remote[];
}

/** Fetches the remote's notes and shared content into their tracking refs (forced: they are theirs, not ours). */
export function fetchNotes(git: GitRunner, remote: string, key: string): { ok: boolean; detail?: string } {
  // Patterns, as in the configured refspecs: a remote without notes or content is no match, not an error.
  const failed = fetchRefspecs(git, remote, [notesRefspec(key), contentRefspec(key)]);
  return failed === null ? { ok: true } : { ok: false, detail: failed };
}

// --- which of our notes a remote gets -------------------------------------------------------

/** The object types a branch or tag may point at that a walk can start from (a word list, not a command). */
const TIP_TYPES = new Set("commit tag".split(" "));

/** Where the remote is: its branches are tracked under `patterns` here, or asked of it (a URL). */
interface Target {
  remote: string;
  key: string;
  /** for-each-ref patterns of its remote-tracking refs; null: none, ask the remote. */
  patterns: string[] | null;
  /** Tracking refs git's own push moves (the remote has our fetch refspecs). */
  tracked: Set<string>;
}

function targetOf(remote: string, key: string, remotes: readonly Remote[]): Target {
  const named = remotes.find((r) => r.name === remote);
  const patterns = named ? trackingPatterns(named) : [];
  const tracked = new Set<string>();
  if (named?.fetch.includes(notesRefspec(key))) tracked.add(trackingRef(key));
  if (named?.fetch.includes(contentRefspec(key))) tracked.add(contentTrackingRef(key));
  return { remote, key, patterns: patterns.length ? patterns : null, tracked };
}

/** The refs one attempt looks at, in one git call. */
function refsFor(git: GitRunner, target: Target): Map<string, RefValue> {
  return readRefs(git, [
    NOTES_SRC,
    trackingRef(target.key),
    CONTENT_REF,
    contentTrackingRef(target.key),
    ...(target.patterns ?? []),
  ]);
}

interface Selection {
  /** Their notes commit (the tracking ref), or null when they have none. */
  theirs: string | null;
  ours: string;
  /** Annotated commit -> its note here (`to`) and there (`from`, when different). */
  send: [string, NoteChange][];
  /** Our notes left out: their commits are not on the remote. */
  held: number;
  /** Entries of their notes tree that are not notes, to be left out of what we push. */
  bad: BadNotesEntry[];
}

type Selected = Selection | { failed: string };

/**
 * Which of our notes the remote lacks and may have: ours that differ from its notes (one
 * `git diff-tree` against the tracking ref), whose commits exist here (one `git cat-file
 * --batch-check`) and are reachable from its branches (one `git rev-list` that stops where
 * the noted commits meet them). Nothing is spent when its notes tree is ours.
 */
function selectNotes(git: GitRunner, common: string, target: Target, refs: Map<string, RefValue>): Selected {
  const local = refs.get(NOTES_SRC);
  const tracked = refs.get(trackingRef(target.key));
  const nothing = (held = 0): Selection => ({
    theirs: tracked?.oid ?? null,
    ours: local?.oid ?? "",
    send: [],
    held,
    bad: [],
  });
  if (!local) return nothing();
  if (tracked && tracked.type !== "commit")
    return { failed: `its refs/notes/traces is not a notes commit; fix or delete that ref on ${target.remote}` };
  // Ours, or what we pushed last and nothing changed since.
  if (tracked && tracked.tree === local.tree) return nothing();
  // Their notes found to hold things that are not notes (merge.ts): those are left out.
  const known = readSyncState(common).remotes[target.key]?.badNotes;
  const bad = tracked && known?.oid === tracked.oid ? checkNotesTree(git, tracked.oid) : [];
  const badPaths = new Set(bad.map((b) => b.path));
  const changes = notesChanges(git, tracked?.oid ?? null, local.oid);
  const candidates: [string, NoteChange][] = [];
  for (const [commit, change] of changes) {
    if (!change.to) continue; // only they have it: nothing to send
    if (change.from && badPaths.has(change.from.path)) delete change.from;
    candidates.push([commit, change]);
  }
  if (!candidates.length) return { ...nothing(), bad };

  let tips: string[];
  if (target.patterns) {
    tips = [];
    for (const [name, value] of refs)
      if (target.patterns.some((p) => name === p || name.startsWith(`${p}/`))) tips.push(value.oid);
  } else {
    const listed = remoteTips(git, target.remote);
    if ("error" in listed) return { failed: `could not list its branches: ${listed.error}` };
    tips = listed.tips;
  }
  const info = objectInfo(git, [
    ...candidates.flatMap(([commit, c]) => [commit, c.to!.blob]),
    ...(target.patterns ? [] : tips),
  ]);
  // Notes of commits we have, that are notes; a tip we lack is one we cannot reason about.
  const valid = candidates.filter(([commit, c]) => {
    const blob = info.get(c.to!.blob);
    return info.get(commit)?.type === "commit" && blob?.type === "blob" && blob.size <= MAX_NOTE_BYTES;
  });
  const unreachable = unreachableFrom(
    git,
    valid.map(([commit]) => commit),
    target.patterns ? tips : tips.filter((t) => TIP_TYPES.has(info.get(t)?.type ?? "")),
  );
  const send = valid.filter(([commit]) => !unreachable.has(commit));
  return { theirs: tracked?.oid ?? null, ours: local.oid, send, held: candidates.length - send.length, bad };
}

/**
 * The notes commit to push: theirs (its parent), without the entries of theirs that are not
 * notes, with our notes of `send`. Where both have a note for a commit, ours is taken when
 * it already took theirs in (their commit is in our notes' history, or is what we pushed
 * last), as git's three-way merge would; else the union of their lines.
 */
function buildNotesCommit(git: GitRunner, sel: Selection, publishedBefore: string | undefined): string {
  const chunks: Buffer[] = [];
  for (const b of sel.bad) chunks.push(Buffer.from(`D ${fastImportPath(b.path)}\n`));
  const both = sel.send.filter(([, c]) => c.from);
  const theirs = sel.theirs;
  const ourVersions =
    theirs !== null &&
    sel.bad.length === 0 &&
    both.length > 0 &&
    (publishedBefore === theirs || isAncestor(git, theirs, sel.ours));
  const texts =
    both.length && !ourVersions
      ? readBlobBytes(
          git,
          both.flatMap(([, c]) => [c.from!.blob, c.to!.blob]),
        )
      : new Map<string, Buffer>();
  for (const [commit, c] of sel.send) {
    const ours = c.to!.blob;
    const theirText = c.from ? texts.get(c.from.blob) : undefined;
    const ourText = texts.get(ours);
    if (theirText && ourText && !noteLinesWithin(theirText, ourText)) {
      const union = unionOfNotes(ourText, theirText);
      chunks.push(Buffer.from(`N inline ${commit}\ndata ${union.length}\n`), union, Buffer.from("\n"));
    } else chunks.push(Buffer.from(`N ${ours} ${commit}\n`));
  }
  const message = sel.bad.length
    ? `${MESSAGE}\n\nLeft out of the notes tree, not being notes: ${describeBadEntries(sel.bad)}\n`
    : MESSAGE;
  return writeNotesCommitObject(git, theirs, Buffer.concat(chunks), message, { oidLength: sel.ours.length });
}

/**
 * How many of our notes `remote` (a named remote) lacks and may have (pending), and how
 * many it lacks because their commits are not there (held), as of its tracking refs: what
 * `git traces status` shows. No network, nothing written.
 */
export function notesPending(
  git: GitRunner,
  gitDir: string,
  remote: Remote,
  key: string,
): { pending: number; held: number } {
  const target = targetOf(remote.name, key, [remote]);
  if (!target.patterns) return { pending: 0, held: 0 };
  const sel = selectNotes(git, commonDir(gitDir), target, refsFor(git, target));
  return "failed" in sel ? { pending: 0, held: 0 } : { pending: sel.send.length, held: sel.held };
}

// --- the push ---------------------------------------------------------------------------------

type OnceStatus = "ok" | "uptodate" | "moved" | "refused" | "failed";

/** One `git push` of the given `src:dst` pairs; what became of each destination. */
function pushOnce(
  git: GitRunner,
  remote: string,
  specs: readonly { src: string; dst: string }[],
  opts: PushNotesOptions,
): Map<string, { status: OnceStatus; detail: string }> {
  const r = pushRefspecs(
    git,
    remote,
    specs.map((s) => `${s.src}:${s.dst}`),
    opts,
  );
  const out = new Map<string, { status: OnceStatus; detail: string }>();
  for (const { src, dst } of specs) {
    const { flag, summary } = r.refs.get(`${src}:${dst}`)!;
    if (flag === "=") out.set(dst, { status: "uptodate", detail: "" });
    // (By its own flag: with two refs, one can go while the other is rejected.)
    else if (flag === " " || flag === "*" || flag === "+") out.set(dst, { status: "ok", detail: "" });
    else if (flag === "!") {
      const reason = summary.replace(/^\[(remote )?rejected\]\s*/, "").replace(/^\((.*)\)$/, "$1");
      // The remote's policy (a hook, a hidden or protected ref) will say the same next time;
      // a lost race will not.
      if (/remote rejected/.test(summary) && PERMANENT.test(reason))
        out.set(dst, { status: "refused", detail: reason });
      else if (MOVED.test(reason) || LOCKED.test(reason)) out.set(dst, { status: "moved", detail: reason });
      else {
        // The remote could not take them at all (it failed to store the objects, ...): say so.
        const why =
          /^remote: (?:fatal|error): (.+?)\s*$/m.exec(r.stderr)?.[1] ??
          /remote unpack failed: (.+)/.exec(r.stderr)?.[1]?.trim();
        out.set(dst, {
          status: "failed",
          detail: sanitizeLine(
            `${remote} did not take them: ${reason || summary || gitReason(r.stderr)}${why ? ` (${why})` : ""}`,
          ),
        });
      }
    } else
      out.set(dst, { status: "failed", detail: gitReason(r.stderr) || summary || `git push exited ${r.exitCode}` });
  }
  return out;
}

/** Moves a tracking ref to what was pushed; when git cannot, the next push finds it behind and catches up. */
function trackPushed(git: GitRunner, tracking: string, oid: string): void {
  try {
    setRef(git, tracking, oid, "git-traces: pushed");
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
  }
}

/** One ref the push sends: what, where, and where the remote's is tracked. */
interface Sent {
  src: string;
  dst: string;
  tracking: string;
  /** For the notes: their entries that are not notes were left out. */
  repaired?: boolean;
}

/**
 * Pushes to `remote` (a name or URL) our notes of the commits it has, unless it has them
 * already, merging theirs first when needed; and in the same `git push`, our shared trace
 * content when we have some it lacks (docs/sharing.md). `key` names the tracking refs
 * (remotes.ts remoteKey). The outcome's `status` is the notes'; `content`, when there was
 * content to send, its own.
 */
export function pushNotes(
  git: GitRunner,
  gitDir: string,
  remote: string,
  key: string,
  opts: PushNotesOptions = {},
): PushOutcome {
  const common = commonDir(gitDir);
  const target = targetOf(remote, key, opts.remotes ?? listRemotes(git));
  let notes: PushOutcome | null = null;
  let held = 0;
  let lastRefusal = "";
  // Content the remote refused before waits for `git traces sync`, which clears the mark.
  let content: PushOutcome | null | undefined = readSyncState(common).remotes[key]?.contentRefused ? undefined : null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const refs = refsFor(git, target);
    const sent: Sent[] = [];
    if (!notes) {
      const sel = selectNotes(git, common, target, refs);
      if ("failed" in sel) notes = { status: "failed", detail: sel.failed };
      else {
        held = sel.held;
        if (!sel.send.length && !sel.bad.length) notes = { status: "up-to-date" };
        else {
          try {
            const commit = buildNotesCommit(git, sel, readSyncState(common).remotes[key]?.published);
            sent.push({ src: commit, dst: NOTES_SRC, tracking: trackingRef(key), repaired: sel.bad.length > 0 });
          } catch (e) {
            if (!(e instanceof GitError)) throw e;
            notes = { status: "failed", detail: `could not build the notes to push: ${e.message}` };
          }
        }
      }
    }
    if (content === null) {
      const local = refs.get(CONTENT_REF)?.oid;
      if (!local)
        content = undefined; // nothing shared here: nothing to say
      else if (refs.get(contentTrackingRef(key))?.oid === local) content = { status: "up-to-date" };
      else sent.push({ src: CONTENT_REF, dst: CONTENT_REF, tracking: contentTrackingRef(key) });
    }
    if (!sent.length) break;
    const results = pushOnce(git, remote, sent, opts);
    let again = false;
    for (const s of sent) {
      const r = results.get(s.dst)!;
      const isNotes = s.dst === NOTES_SRC;
      let done: PushOutcome | null = null;
      if (r.status === "ok" || r.status === "uptodate") {
        // git's push moves the tracking ref itself when a fetch refspec maps the pushed ref.
        if (!target.tracked.has(s.tracking)) trackPushed(git, s.tracking, s.src);
        updateSyncState(common, (st) => {
          const rs = remoteState(st, key);
          if (isNotes) {
            rs.lastPush = new Date().toISOString();
            // What we pushed is ours already, unless it kept notes of theirs that we left
            // out with the rest of their tree: then the next merge takes it in.
            if (s.repaired) delete rs.published;
            else {
              rs.published = s.src;
              rs.mergedMtime = Bun.file(`${common}/${s.tracking}`).lastModified;
            }
            delete rs.badNotes;
            delete rs.refused;
          } else {
            rs.contentMergedMtime = Bun.file(`${common}/${s.tracking}`).lastModified;
            delete rs.contentRefused;
          }
        });
        done = { status: r.status === "ok" ? "pushed" : "up-to-date" };
      } else if (r.status === "refused") {
        updateSyncState(common, (st) => {
          const rs = remoteState(st, key);
          const mark = { reason: r.detail, at: new Date().toISOString() };
          if (isNotes) rs.refused = mark;
          else rs.contentRefused = mark;
        });
        done = { status: "refused", detail: r.detail };
      } else if (r.status === "failed") done = { status: "failed", detail: r.detail };
      else {
        again = true; // theirs moved on (or another push held the ref)
        lastRefusal = r.detail;
      }
      if (done && isNotes) notes = done;
      else if (done) content = done;
    }
    if (!again) break;
    // Bring theirs in, merge, try again.
    Bun.sleepSync(10 + Math.floor(Math.random() * 40 * (attempt + 1)));
    const f = fetchNotes(git, remote, key);
    if (!f.ok) {
      const failed: PushOutcome = { status: "failed", detail: f.detail ?? "could not fetch the remote's notes" };
      notes ??= failed;
      if (content === null) content = failed;
      break;
    }
    if (!notes) {
      try {
        mergeFetchedNotes(git, gitDir, [key]);
      } catch (e) {
        // Entries that are not notes: remembered by the merge, left out by the next attempt.
        if (!(e instanceof NotesRefCorrupt) && !(e instanceof NotesTreeInvalid)) throw e;
        if (e instanceof NotesRefCorrupt)
          notes = {
            status: "failed",
            detail: `its refs/notes/traces is not a notes commit; fix or delete that ref on ${remote}`,
          };
      }
    }
    if (content === null) {
      try {
        mergeFetchedContent(git, gitDir, [key]);
      } catch (e) {
        if (!(e instanceof ContentRefCorrupt)) throw e;
        content = {
          status: "failed",
          detail: `its refs/traces/content is not a commit; fix or delete that ref on ${remote}`,
        };
      }
    }
  }
  const racing = !lastRefusal || MOVED.test(lastRefusal);
  notes ??= {
    status: "rejected",
    detail: racing
      ? "the remote's notes kept moving; will retry on the next push"
      : `the remote kept turning the update down (${lastRefusal}); will retry on the next push`,
  };
  if (held && (notes.status === "pushed" || notes.status === "up-to-date")) notes = { ...notes, held };
  if (content === null)
    content = { status: "rejected", detail: "the remote's shared traces kept moving; will retry on the next push" };
  return content ? { ...notes, content } : notes;
}
