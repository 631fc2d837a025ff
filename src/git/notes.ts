// git's own notes commands: the list of a notes ref (whatever its fanout), its merge, and
// the option that makes history rewrites carry notes along. What a note says is notes/'s.

import { identityEnv } from "./ident.ts";
import { GitError, type GitRunner } from "./runner.ts";

export interface NoteEntry {
  /** The annotated object. */
  commit: string;
  /** The note's blob. */
  blob: string;
}

function parseList(text: string): NoteEntry[] {
  const out: NoteEntry[] = [];
  for (const line of text.split("\n")) {
    const [blob, commit] = line.split(" ");
    if (blob && commit) out.push({ commit, blob });
  }
  return out;
}

const list = (ref: string) => ["notes", `--ref=${ref}`, "list"];

/** Every annotated object of a notes ref and its note's blob (`git notes list`). */
export function notesList(git: GitRunner, ref: string): NoteEntry[] {
  return parseList(git.out(list(ref)));
}

/** notesList() without blocking, as annotated object -> note blob. */
export async function notesListAsync(git: GitRunner, ref: string): Promise<Map<string, string>> {
  const args = list(ref);
  const r = await git.runAsync(args);
  if (r.exitCode !== 0) throw new GitError(args, r.exitCode, r.stderr);
  return new Map(parseList(r.stdout).map((e) => [e.commit, e.blob]));
}

/**
 * Merges notes commit `theirs` into notes ref `ref` with `git notes merge -s cat_sort_uniq`
 * (two notes of one object become the union of their lines), moving `ref`. `ident`
 * (`Name <email>`): the merge commit's committer, else git's. GitError when git fails.
 */
export function mergeNotesInto(git: GitRunner, ref: string, theirs: string, ident?: string): void {
  const r = git.run(["notes", `--ref=${ref}`, "merge", "-q", "-s", "cat_sort_uniq", theirs], identityEnv(ident));
  if (r.exitCode !== 0) throw new GitError(["notes", "merge"], r.exitCode, r.stderr);
}

/** Global options that make a rewrite (`commit --amend`, `rebase`) copy the notes of `ref` to the new commits. */
export function rewriteRefOptions(ref: string): readonly string[] {
  return ["-c", `notes.rewriteRef=${ref}`];
}
