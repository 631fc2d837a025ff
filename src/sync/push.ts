// Sending our notes to a remote after a push: a plain (never forced) push of
// refs/notes/traces, with refs/traces/content in the same push when we have shared traces
// the remote lacks. When the remote's notes moved on, fetch them into the tracking ref,
// merge (union of lines) and try again, a few times. A remote that rejects the ref itself
// (a pre-receive hook, a protected or hidden ref) is remembered, so that the user is not
// warned about it on every push.

import { GitRunner } from "../git/runner.ts";
import { notesRefOid, NotesRefCorrupt } from "../notes/store.ts";
import { ContentRefCorrupt } from "../share/content.ts";
import { CONTENT_REF, contentRefspec, contentTrackingRef } from "../share/refs.ts";
import { mergeFetchedContent, mergeFetchedNotes } from "./merge.ts";
import { NOTES_SRC, notesRefspec, trackingRef } from "./remotes.ts";
import { readSyncState, remoteState, updateSyncState } from "./state.ts";
import { commonDir } from "../git/repo.ts";

const ATTEMPTS = 5;

/** Rejections that are the remote's policy rather than a race. */
const PERMANENT = /hook declined|hidden ref|protected|denied|not allowed|forbidden|permission|read.only|refusing/i;

export type PushStatus = "pushed" | "up-to-date" | "rejected" | "refused" | "failed";

export interface PushOutcome {
  status: PushStatus;
  /** One line for the user when it did not work. */
  detail?: string;
  /** What became of our shared trace content, when there was some to send. */
  content?: PushOutcome;
}

export interface PushNotesOptions {
  /** Pass --no-verify: only when the user's own push did. */
  noVerify?: boolean;
  /** The user's own --signed option, passed on as given (null: none). */
  signed?: string | null;
}

/** A runner that never stops to ask for a password: nobody is there to answer. */
function quiet(git: GitRunner): GitRunner {
  return new GitRunner({ git: git.git, context: git.context, ...(git.cwd ? { cwd: git.cwd } : {}), env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" } });
}

function lastLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ""
  ).replace(/^(fatal|error): /, "");
}

/** Fetches the remote's notes and shared content into their tracking refs (forced: they are theirs, not ours). */
export function fetchNotes(git: GitRunner, remote: string, key: string): { ok: boolean; detail?: string } {
  // Patterns, as in the configured refspecs: a remote without notes or content is no match, not an error.
  const r = quiet(git).run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", remote, notesRefspec(key), contentRefspec(key)]);
  if (r.exitCode === 0) return { ok: true };
  if (/couldn't find remote ref/i.test(r.stderr)) return { ok: true };
  return { ok: false, detail: lastLine(r.stderr) };
}

type OnceStatus = "ok" | "uptodate" | "nonff" | "refused" | "failed";

/** One `git push` of the given refs; what became of each. */
function pushOnce(git: GitRunner, remote: string, refs: readonly string[], opts: PushNotesOptions): Map<string, { status: OnceStatus; detail: string }> {
  const args = ["push", "--porcelain", "--no-recurse-submodules", ...(opts.noVerify ? ["--no-verify"] : []), ...(opts.signed ? [opts.signed] : []), remote, ...refs.map((ref) => `${ref}:${ref}`)];
  const r = quiet(git).run(args);
  const out = new Map<string, { status: OnceStatus; detail: string }>();
  for (const ref of refs) {
    const line = r.stdout.split("\n").find((l) => l.includes(`${ref}:${ref}`)) ?? "";
    const [flag = "", , summary = ""] = line.split("\t");
    if (flag === "=") out.set(ref, { status: "uptodate", detail: "" });
    // (By its own flag: with two refs, one can go while the other is rejected.)
    else if (flag === " " || flag === "*" || flag === "+") out.set(ref, { status: "ok", detail: "" });
    else if (flag === "!") {
      const reason = summary.replace(/^\[(remote )?rejected\]\s*/, "").replace(/^\((.*)\)$/, "$1");
      // The remote's policy (a hook, a hidden or protected ref) will say the same next time;
      // a lost race for the ref's lock will not.
      if (/remote rejected/.test(summary) && PERMANENT.test(reason)) out.set(ref, { status: "refused", detail: reason });
      else out.set(ref, { status: "nonff", detail: reason });
    } else out.set(ref, { status: "failed", detail: lastLine(r.stderr) || summary || `git push exited ${r.exitCode}` });
  }
  return out;
}

/** One ref the push sends: ours, and where the remote's is tracked. */
interface Sent {
  ref: string;
  tracking: string;
  local: string;
}

/**
 * Pushes our notes to `remote` (a name or URL) unless it already has them, merging theirs
 * first when needed; and in the same `git push`, our shared trace content when we have some
 * it lacks (docs/sharing.md). `key` names the tracking refs (remotes.ts remoteKey). The
 * outcome's `status` is the notes'; `content`, when there was content to send, its own.
 */
export function pushNotes(git: GitRunner, gitDir: string, remote: string, key: string, opts: PushNotesOptions = {}): PushOutcome {
  const common = commonDir(gitDir);
  let notes: PushOutcome | null = null;
  // Content the remote refused before waits for `git traces sync`, which clears the mark.
  let content: PushOutcome | null | undefined = readSyncState(common).remotes[key]?.contentRefused ? undefined : null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const sent: Sent[] = [];
    if (!notes) {
      const local = notesRefOid(git);
      if (!local || notesRefOid(git, trackingRef(key)) === local) notes = { status: "up-to-date" };
      else sent.push({ ref: NOTES_SRC, tracking: trackingRef(key), local });
    }
    if (content === null) {
      const local = notesRefOid(git, CONTENT_REF);
      if (!local) content = undefined; // nothing shared here: nothing to say
      else if (notesRefOid(git, contentTrackingRef(key)) === local) content = { status: "up-to-date" };
      else sent.push({ ref: CONTENT_REF, tracking: contentTrackingRef(key), local });
    }
    if (!sent.length) break;
    const results = pushOnce(git, remote, sent.map((s) => s.ref), opts);
    let again = false;
    for (const s of sent) {
      const r = results.get(s.ref)!;
      const isNotes = s.ref === NOTES_SRC;
      let done: PushOutcome | null = null;
      if (r.status === "ok" || r.status === "uptodate") {
        git.run(["update-ref", "-m", "git-traces: pushed", s.tracking, s.local]);
        updateSyncState(common, (st) => {
          const rs = remoteState(st, key);
          if (isNotes) {
            rs.lastPush = new Date().toISOString();
            rs.mergedMtime = Bun.file(`${common}/${s.tracking}`).lastModified;
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
      else again = true; // nonff: theirs moved on (or another push held the ref)
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
        if (!(e instanceof NotesRefCorrupt)) throw e;
        notes = { status: "failed", detail: `its refs/notes/traces is not a notes commit; fix or delete that ref on ${remote}` };
      }
    }
    if (content === null) {
      try {
        mergeFetchedContent(git, gitDir, [key]);
      } catch (e) {
        if (!(e instanceof ContentRefCorrupt)) throw e;
        content = { status: "failed", detail: `its refs/traces/content is not a commit; fix or delete that ref on ${remote}` };
      }
    }
  }
  notes ??= { status: "rejected", detail: "the remote's notes kept moving; will retry on the next push" };
  if (content === null) content = { status: "rejected", detail: "the remote's shared traces kept moving; will retry on the next push" };
  return content ? { ...notes, content } : notes;
}
