// Which commit a `git commit` made, learned from the HEAD reflog by the entry's own identity
// rather than by a byte offset: git's auto-gc (`reflog expire`) rewrites the file while a
// worker waits, and other programs (an IDE's own git) commit right after.
//
// Before git runs, the shim reads the reflog's last entry (the anchor): its new ID is HEAD
// then. Afterwards, the commit made is the first `commit...` entry after the anchor whose
// old ID is that HEAD: an entry appended by a later commit has our commit as its old ID.

import type { GitRunner } from "./runner.ts";

export interface Anchor {
  /** The last line of logs/HEAD before git ran. */
  line: string;
  /** HEAD then: that entry's new ID. */
  head: string;
}

const ENTRY = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) ([0-9a-f]{40}(?:[0-9a-f]{24})?) [^\t]*\t(.*)$/;

/**
 * The anchor of `<gitDir>/logs/HEAD`, read without node:fs (Bun.mmap: the commit path counts
 * milliseconds). null without a reflog (a first commit, or reflogs turned off).
 */
export function readAnchor(gitDir: string): Anchor | null {
  const path = `${gitDir}/logs/HEAD`;
  if (Bun.file(path).size === 0) return null;
  let bytes: Uint8Array;
  try {
    bytes = Bun.mmap(path, { shared: false });
  } catch {
    return null;
  }
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x0a) end--;
  let start = end;
  while (start > 0 && bytes[start - 1] !== 0x0a) start--;
  const line = new TextDecoder().decode(bytes.subarray(start, end));
  const m = ENTRY.exec(line);
  return m ? { line, head: m[2]! } : null;
}

/** Whether the HEAD reflog's last entry is a rebase finishing (`git rebase`, `git pull --rebase`). */
export function rebaseJustFinished(gitDir: string): boolean {
  const anchor = readAnchor(gitDir);
  const message = anchor ? (ENTRY.exec(anchor.line)?.[3] ?? "") : "";
  return /\(finish\): returning to /.test(message);
}

/** Subjects compared as git may have cleaned them up (white space). */
export function sameSubject(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, " ").trim();
  return norm(a) === norm(b);
}

/** The first line of a commit message as given with -m (what the reflog entry says after "commit: "). */
export function subjectOf(message: string): string {
  return (
    message
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? ""
  );
}

/**
 * The commit a `git commit` recorded after `anchor` in the reflog text `reflog`, or null
 * when it made none. `subject` (from -m), when known, picks among several candidates.
 */
export function commitMade(reflog: string, anchor: Anchor, amend: boolean, subject: string | null): string | null {
  const at = reflog.lastIndexOf(`${anchor.line}\n`);
  const after = at >= 0 ? reflog.slice(at + anchor.line.length + 1) : reflog;
  const candidates: { oid: string; subject: string }[] = [];
  for (const entry of after.split("\n")) {
    const m = ENTRY.exec(entry);
    if (!m || m[1] !== anchor.head) continue;
    const msg = /^commit(?: \((amend|initial|merge)\))?: ?(.*)$/.exec(m[3]!);
    if (!msg || (msg[1] === "amend") !== amend) continue;
    candidates.push({ oid: m[2]!, subject: msg[2]!.trim() });
  }
  // With -m, the subject must match: a candidate with another one is a commit someone else
  // made (an IDE's) while ours failed.
  if (subject !== null) return candidates.find((c) => sameSubject(c.subject, subject))?.oid ?? null;
  return (at >= 0 ? candidates[0] : candidates.at(-1))?.oid ?? null;
}

/**
 * The commit made on top of `anchor.head`, found by walking HEAD's first parents (at most
 * `depth`): for when the reflog cannot tell (expired to nothing by `gc.reflogExpire=now`,
 * or reflogs turned off). A later commit on top of ours has ours as its parent, so the
 * first commit whose parent is the old HEAD is ours; an amend's replaces the old HEAD, so
 * its parents are the old HEAD's.
 */
export function commitOnTopOf(
  git: GitRunner,
  anchor: Anchor,
  amend: boolean,
  subject: string | null,
  depth = 100,
): string | null {
  const r = git.run(["log", "--first-parent", "--format=%H %P%x00%s", `--max-count=${depth}`, "HEAD", "--"]);
  if (r.exitCode !== 0) return null;
  let parents: string | null = null;
  if (amend) {
    const p = git.run(["rev-list", "--parents", "--no-walk", anchor.head, "--"]);
    if (p.exitCode !== 0) return null;
    parents = p.stdout.trim().split(" ").slice(1).join(" ");
  }
  for (const line of r.stdout.split("\n")) {
    const [ids = "", subj = ""] = line.split("\0");
    const [oid, ...ps] = ids.trim().split(" ");
    if (!oid) continue;
    if (amend ? oid !== anchor.head && ps.join(" ") === parents : ps[0] === anchor.head) {
      // (%s joins the first paragraph's lines; -m's first line starts it.)
      return subject === null ||
        sameSubject(subj, subject) ||
        subj.replace(/\s+/g, " ").startsWith(subject.replace(/\s+/g, " ").trim())
        ? oid
        : null;
    }
  }
  return null;
}
