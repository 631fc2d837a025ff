// What a change is, apart from where it was made: `git patch-id --stable` of a commit's
// patch (or of a range's combined patch), so that a commit rebased, cherry-picked or
// squashed by a forge can be matched with the one it came from (`git traces carry`).

import { type CommitBase, zeroContextPatches } from "./diff.ts";
import type { GitRunner } from "./runner.ts";

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{64})?$/;

/**
 * The patch `diff-tree --stdin` prints for `oid` against `parent` (the empty tree for a root
 * commit): zero context lines, so that what changed next to a hunk on the base branch does
 * not change the ID; binary changes in full, so two different ones do not look alike; no
 * external diff or textconv, whatever the config says.
 */
function patchesOf(git: GitRunner, pairs: readonly CommitBase[]): Uint8Array {
  return zeroContextPatches(git, pairs, ["--binary", "--no-renames"]);
}

/** `git patch-id --stable` over patches that each start with their commit's ID: ID -> patch ID. */
function patchIdsOf(git: GitRunner, patches: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  if (patches.length === 0) return out;
  const text = git.out(["patch-id", "--stable"], { input: patches });
  for (const line of text.split("\n")) {
    const [id, oid] = line.split(" ");
    if (id && oid && OID.test(id) && OID.test(oid)) out.set(oid, id);
  }
  return out;
}

/**
 * The patch ID of each commit against its parent (`parent` null: a root commit). Commits
 * that change nothing have none. Two git calls for any number of commits.
 */
export function commitPatchIds(git: GitRunner, commits: readonly CommitBase[]): Map<string, string> {
  if (commits.length === 0) return new Map();
  return patchIdsOf(git, patchesOf(git, commits));
}

/**
 * The patch ID of everything from `base` to `tip` taken as one change (what a squash makes
 * of a range); null when the two trees are the same. `base` null: from the empty tree.
 */
export function combinedPatchId(git: GitRunner, base: string | null, tip: string): string | null {
  return commitPatchIds(git, [{ oid: tip, parent: base }]).get(tip) ?? null;
}

/**
 * The blob each path has in each commit (`<commit>:<path>`), through one
 * `git cat-file --batch-check`; a path a commit lacks is absent from its map.
 */
export function blobsAt(git: GitRunner, wanted: readonly { commit: string; path: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  const keys = [...new Set(wanted.map((w) => `${w.commit}:${w.path}`))].filter((k) => !k.includes("\n"));
  if (keys.length === 0) return out;
  const text = git.out(["cat-file", "--batch-check=%(objectname) %(objecttype)"], { input: `${keys.join("\n")}\n` });
  const lines = text.split("\n");
  for (let i = 0; i < keys.length; i++) {
    const m = /^([0-9a-f]+) blob$/.exec(lines[i] ?? "");
    if (m) out.set(keys[i]!, m[1]!);
  }
  return out;
}
