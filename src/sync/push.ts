// Sending our notes to a remote after a push: a plain (never forced) push of
// refs/notes/traces. When the remote's notes moved on, fetch them into the tracking ref,
// merge (union of lines) and try again, a few times. A remote that rejects the ref itself
// (a pre-receive hook, a protected or hidden ref) is remembered, so that the user is not
// warned about it on every push.

import { GitRunner } from "../git/runner.ts";
import { notesRefOid, NotesRefCorrupt } from "../notes/store.ts";
import { mergeFetchedNotes } from "./merge.ts";
import { NOTES_SRC, trackingRef } from "./remotes.ts";
import { remoteState, updateSyncState } from "./state.ts";
import { commonDir } from "../git/repo.ts";

const ATTEMPTS = 5;

/** Rejections that are the remote's policy rather than a race. */
const PERMANENT = /hook declined|hidden ref|protected|denied|not allowed|forbidden|permission|read.only|refusing/i;

export type PushStatus = "pushed" | "up-to-date" | "rejected" | "refused" | "failed";

export interface PushOutcome {
  status: PushStatus;
  /** One line for the user when it did not work. */
  detail?: string;
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

/** Fetches the remote's notes into the tracking ref (forced: it is theirs, not ours). */
export function fetchNotes(git: GitRunner, remote: string, key: string): { ok: boolean; detail?: string } {
  const r = quiet(git).run(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules", remote, `+${NOTES_SRC}:${trackingRef(key)}`]);
  if (r.exitCode === 0) return { ok: true };
  // A remote without notes yet is not a failure.
  if (/couldn't find remote ref/i.test(r.stderr)) return { ok: true };
  return { ok: false, detail: lastLine(r.stderr) };
}

function pushOnce(git: GitRunner, remote: string, opts: PushNotesOptions): { status: "ok" | "uptodate" | "nonff" | "refused" | "failed"; detail: string } {
  const args = ["push", "--porcelain", "--no-recurse-submodules", ...(opts.noVerify ? ["--no-verify"] : []), ...(opts.signed ? [opts.signed] : []), remote, `${NOTES_SRC}:${NOTES_SRC}`];
  const r = quiet(git).run(args);
  const line = r.stdout.split("\n").find((l) => l.includes(`${NOTES_SRC}:${NOTES_SRC}`)) ?? "";
  const [flag = "", , summary = ""] = line.split("\t");
  if (flag === "=") return { status: "uptodate", detail: "" };
  if (r.exitCode === 0 && (flag === " " || flag === "*" || flag === "+")) return { status: "ok", detail: "" };
  if (flag === "!") {
    const reason = summary.replace(/^\[(remote )?rejected\]\s*/, "").replace(/^\((.*)\)$/, "$1");
    // The remote's policy (a hook, a hidden or protected ref) will say the same next time;
    // a lost race for the ref's lock will not.
    if (/remote rejected/.test(summary) && PERMANENT.test(reason)) return { status: "refused", detail: reason };
    return { status: "nonff", detail: reason };
  }
  return { status: "failed", detail: lastLine(r.stderr) || summary || `git push exited ${r.exitCode}` };
}

/**
 * Pushes our notes to `remote` (a name or URL) unless it already has them, merging theirs
 * first when needed. `key` names the tracking ref (remotes.ts remoteKey).
 */
export function pushNotes(git: GitRunner, gitDir: string, remote: string, key: string, opts: PushNotesOptions = {}): PushOutcome {
  const common = commonDir(gitDir);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const local = notesRefOid(git);
    if (!local) return { status: "up-to-date" };
    const tracked = notesRefOid(git, trackingRef(key));
    if (tracked === local) return { status: "up-to-date" };
    const r = pushOnce(git, remote, opts);
    if (r.status === "ok" || r.status === "uptodate") {
      git.run(["update-ref", "-m", "git-traces: pushed notes", trackingRef(key), local]);
      updateSyncState(common, (s) => {
        const st = remoteState(s, key);
        st.lastPush = new Date().toISOString();
        st.mergedMtime = Bun.file(`${common}/${trackingRef(key)}`).lastModified;
        delete st.refused;
      });
      return { status: r.status === "ok" ? "pushed" : "up-to-date" };
    }
    if (r.status === "refused") {
      updateSyncState(common, (s) => {
        remoteState(s, key).refused = { reason: r.detail, at: new Date().toISOString() };
      });
      return { status: "refused", detail: r.detail };
    }
    if (r.status === "failed") return { status: "failed", detail: r.detail };
    // Their notes moved on (or another push held the ref): bring them in, merge, try again.
    Bun.sleepSync(10 + Math.floor(Math.random() * 40 * (attempt + 1)));
    const f = fetchNotes(git, remote, key);
    if (!f.ok) return { status: "failed", detail: f.detail ?? "could not fetch the remote's notes" };
    try {
      mergeFetchedNotes(git, gitDir, [key]);
    } catch (e) {
      if (e instanceof NotesRefCorrupt) return { status: "failed", detail: `its refs/notes/traces is not a notes commit; fix or delete that ref on ${remote}` };
      throw e;
    }
  }
  return { status: "rejected", detail: "the remote's notes kept moving; will retry on the next push" };
}
