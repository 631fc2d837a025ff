// Commits written with `git fast-import`: one process builds the blobs, the tree (fanned
// out as git does for notes) and the commit from a stream, and moves the ref under its lock.

import { TracesError } from "../base/errors.ts";
import { committerIdent } from "./ident.ts";
import { GitError, type GitRunner } from "./runner.ts";

// unpackLimit=0: keep the few objects in a small pack instead of unpacking them, which
// costs a second process (measured: 22 ms against 35 ms); git gc --auto packs them later.
const FAST_IMPORT = ["-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--date-format=raw"];

/** A fast-import `data` block: the length counts bytes. */
export function fastImportData(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

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

/** A ref's lock file stays: another git is writing it, or one was killed while it did. */
export class RefLocked extends TracesError {
  readonly code = "REF_LOCKED";
  constructor(
    readonly ref: string,
    readonly lockFile: string,
  ) {
    super(
      `${ref} is locked: ${lockFile} exists (another git is writing it, or one was killed while it did; ` +
        "if no git is running, remove that file)",
      { ref, lockFile },
    );
  }
}

/** Stands for "the ref's value when fast-import reads it" (it may not exist). */
export const CURRENT = "current";

/**
 * One commit on `ref` with `old` as its only parent (null: none; CURRENT: whatever the ref
 * is when fast-import reads it), its tree the parent's changed by `body` (fast-import's
 * `M`, `D` or `N` commands). fast-import updates the ref only if its value then is an
 * ancestor of the new commit, under the ref's lock: a compare-and-swap. Returns false when
 * the ref moved; RefLocked when its lock file stays.
 */
export function fastImportCommit(
  git: GitRunner,
  ref: string,
  old: string | null,
  body: string,
  message: string,
  who?: string,
): boolean {
  let stream = `commit ${ref}\ncommitter ${committerIdent(git, who)}\n${fastImportData(message)}`;
  if (old === CURRENT) stream += `from ${ref}^0\n`;
  else if (old) stream += `from ${old}\n`;
  stream += `${body}\n`;
  const r = git.run(FAST_IMPORT, { input: stream });
  // Also when the ref did not exist: had another writer created it meanwhile, their
  // commit would not be an ancestor of our parentless one, and fast-import refuses.
  if (r.exitCode === 0) return true;
  const lock = /Unable to create '([^']+\.lock)': File exists/.exec(r.stderr);
  if (lock) throw new RefLocked(ref, lock[1]!);
  if (/Not updating|cannot lock ref|unable to update|does not contain/i.test(r.stderr)) return false;
  throw new GitError(["fast-import"], r.exitCode, r.stderr);
}

/**
 * A commit with `parent` as its only parent (null: none), its tree the parent's changed by
 * `body` (fast-import commands), written as objects only: no ref is created or moved.
 * (fast-import needs a ref to build on: it gets `scratch`, which must be a name of this
 * process alone, reset to nothing first and deleted in the same run, so it never reaches
 * the disk, and a process killed meanwhile leaves only unreachable objects for gc.) Returns
 * the commit's ID.
 */
export function writeCommitObject(
  git: GitRunner,
  scratch: string,
  parent: string | null,
  body: Uint8Array | string,
  message: string,
  opts: { who?: string; oidLength?: number } = {},
): string {
  const zero = "0".repeat(parent?.length ?? opts.oidLength ?? 40);
  const committer = `committer ${committerIdent(git, opts.who)}\n`;
  const from = parent ? `from ${parent}\n` : "";
  const head = `reset ${scratch}\n\ncommit ${scratch}\nmark :1\n${committer}${fastImportData(message)}${from}`;
  const tail = `\nreset ${scratch}\nfrom ${zero}\n\nget-mark :1\n`;
  const stream = Buffer.concat([
    Buffer.from(head),
    typeof body === "string" ? Buffer.from(body) : body,
    Buffer.from(tail),
  ]);
  const r = git.run(FAST_IMPORT, { input: stream });
  const oid = r.stdout.trim().split("\n").pop() ?? "";
  if (r.exitCode !== 0 || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(oid))
    throw new GitError(["fast-import"], r.exitCode, r.stderr);
  return oid;
}
