// Refs: what they name, how commits relate, and moving them with a compare-and-swap. Each
// function is one git call (mergeIntoRef, a few in a loop); a ref that is not there is an
// answer (null, false, nothing), not an error.

import { GitError, type GitRunner } from "./runner.ts";

/** Whether `rev` names any object (a ref that exists, whatever it points at). */
export function refExists(git: GitRunner, rev: string): boolean {
  return git.run(["rev-parse", "-q", "--verify", "--end-of-options", rev]).exitCode === 0;
}

/** Whether commit `a` is `b` or one of its ancestors. */
export function isAncestor(git: GitRunner, a: string, b: string): boolean {
  return git.run(["merge-base", "--is-ancestor", a, b]).exitCode === 0;
}

/** A best common ancestor of two commits; null when they share no history. */
export function mergeBase(git: GitRunner, a: string, b: string): string | null {
  const r = git.run(["merge-base", a, b]);
  return r.exitCode === 0 ? r.stdout.trim().split("\n")[0] || null : null;
}

/** Moves a ref only if it still has `old` (null: must not exist yet); false when it had something else. */
export function casRef(git: GitRunner, ref: string, next: string, old: string | null, message: string): boolean {
  const zero = "0".repeat(next.length);
  return git.run(["update-ref", "-m", message, ref, next, old ?? zero]).exitCode === 0;
}

/** Points a ref at `oid`, whatever it had; GitError when git cannot. */
export function setRef(git: GitRunner, ref: string, oid: string, message?: string): void {
  git.out(["update-ref", ...(message === undefined ? [] : ["-m", message]), ref, oid]);
}

/** Deletes a ref; false when there was none (or git could not). */
export function deleteRef(git: GitRunner, ref: string): boolean {
  return git.run(["update-ref", "-d", ref]).exitCode === 0;
}

/**
 * Deletes refs in one git call, each only if it still has the given value (git refuses the
 * whole batch when one moved or went: then nothing is deleted). Returns whether git did.
 */
export function deleteRefsAt(git: GitRunner, refs: readonly { ref: string; oid: string }[]): boolean {
  if (refs.length === 0) return true;
  return (
    git.run(["update-ref", "--stdin"], { input: refs.map((r) => `delete ${r.ref} ${r.oid}\n`).join("") }).exitCode === 0
  );
}

const REF_NAMES = ["for-each-ref", "--format=%(refname)"];

/** Which of `refs` exist (full names), in one git call. */
export function existingRefs(git: GitRunner, refs: readonly string[]): Set<string> {
  if (refs.length === 0) return new Set();
  const out = git.out([...REF_NAMES, ...refs]);
  return new Set(out.split("\n").filter((l) => refs.includes(l)));
}

/** existingRefs() without blocking. */
export async function existingRefsAsync(git: GitRunner, refs: readonly string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const args = [...REF_NAMES, ...refs];
  const r = await git.runAsync(args);
  if (r.exitCode !== 0) throw new GitError(args, r.exitCode, r.stderr);
  return new Set(r.stdout.split("\n").filter((l) => refs.includes(l)));
}

/** The names of the refs matching for-each-ref `patterns` (full names, prefixes up to a slash, globs). */
export function refNames(git: GitRunner, patterns: readonly string[]): string[] {
  if (patterns.length === 0) return [];
  return git
    .out([...REF_NAMES, ...patterns])
    .split("\n")
    .filter((l) => l.startsWith("refs/"));
}

/** The branch HEAD is on, short (`main`); null when HEAD is detached. */
export function currentBranch(git: GitRunner): string | null {
  const r = git.run(["symbolic-ref", "-q", "--short", "HEAD"]);
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

// --- merging one commit's history into a ref, compare-and-swap ---------------------------------

/** How many times a writer that lost a race reads again and retries. */
export const CAS_ATTEMPTS = 8;

/** A short random wait after a lost race, longer with each attempt, so that racers part. */
export function backOff(attempt: number): void {
  Bun.sleepSync(5 + Math.floor(Math.random() * 20 * (attempt + 1)));
}

export type MergeResult = "up-to-date" | "created" | "fast-forward" | "merged";

export interface RefMerge {
  /** The ref that takes theirs in. */
  ref: string;
  /** The reflog message of the move. */
  message: string;
  /** Their commit, read again on each attempt; null: nothing to merge. */
  theirs(): string | null;
  /** Our commit (the ref's), read again on each attempt; null: the ref does not exist. */
  ours(): string | null;
  /**
   * Called with their commit before anything of it enters ours (not when ours has it
   * already); throws to keep it out.
   */
  check?(theirs: string): void;
  /** A commit with both histories, when neither contains the other; null: none this time (tried again). */
  merge(ours: string, theirs: string, attempt: number): string | null;
  /** The error to throw when the ref kept moving. */
  gaveUp(): Error;
}

/**
 * Takes their commit into a ref: nothing when ours has it, a fast-forward (or the ref
 * created) when theirs has ours, else the commit `merge` makes. The ref moves only if it
 * still has the value the step started from (compare-and-swap), else everything is read
 * again and done once more: two writers never lose each other's work.
 */
export function mergeIntoRef(git: GitRunner, m: RefMerge): MergeResult {
  let checked: string | null = null;
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const theirs = m.theirs();
    if (!theirs) return "up-to-date";
    const ours = m.ours();
    if (ours && (ours === theirs || isAncestor(git, theirs, ours))) return "up-to-date";
    if (m.check && checked !== theirs) {
      m.check(theirs);
      checked = theirs;
    }
    if (!ours) {
      if (casRef(git, m.ref, theirs, null, m.message)) return "created";
      continue;
    }
    if (isAncestor(git, ours, theirs)) {
      if (casRef(git, m.ref, theirs, ours, m.message)) return "fast-forward";
      continue;
    }
    const merged = m.merge(ours, theirs, attempt);
    if (merged && casRef(git, m.ref, merged, ours, m.message)) return "merged";
    backOff(attempt);
  }
  throw m.gaveUp();
}
