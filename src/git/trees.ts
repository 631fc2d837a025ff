// Trees and commits as objects: listing a tree, the entries two trees differ in, and making
// a tree or a commit from entries. Paths are bytes: a latin1 string each, one character per
// byte, so that any name comes back as git stored it.

import { identityEnv } from "./ident.ts";
import { GitError, type GitRunner } from "./runner.ts";

export interface TreeEntry {
  /** Six octal digits: 100644, 100755, 120000, 040000, 160000. */
  mode: string;
  /** blob, tree or commit (a gitlink). */
  type: string;
  oid: string;
  /** From the tree's root, `/`-separated (latin1: one character per byte). */
  path: string;
}

const ENTRY = /^(\d{6}) ([a-z]+) ([0-9a-f]{40}|[0-9a-f]{64})\t([^]+)$/;

/**
 * The entries of a tree (or of a commit's), from its root whatever the cwd; with
 * `recursive`, what subdirectories hold instead of the subdirectories. GitError when `tree`
 * names no tree.
 */
export function lsTree(git: GitRunner, tree: string, opts: { recursive?: boolean } = {}): TreeEntry[] {
  const listing = git
    .outBytes(["ls-tree", ...(opts.recursive ? ["-r"] : []), "-z", "--full-tree", "--end-of-options", tree])
    .toString("latin1");
  const out: TreeEntry[] = [];
  for (const entry of listing.split("\0")) {
    const m = ENTRY.exec(entry);
    if (m) out.push({ mode: m[1]!, type: m[2]!, oid: m[3]!, path: m[4]! });
  }
  return out;
}

export interface LongTreeEntry extends TreeEntry {
  /** The blob's size in bytes; null for trees and gitlinks. */
  size: number | null;
}

/** An entry of `git ls-tree -l`, or the path of one printed in a shape not known here. */
export type LongTreeItem = LongTreeEntry | { path: string; unknown: true };

/** One line of `git ls-tree -l`: mode, type, ID, size ("-" for trees, gitlinks), path. */
const LONG_ENTRY = /^(\d{6}) ([a-z]+) ([0-9a-f]{40}|[0-9a-f]{64}) +(-|\d+)\t([^]+)$/;

/**
 * `git ls-tree -r -t -z -l --full-tree` output (read as latin1): every entry with its size,
 * each directory listed before what it holds. An entry git printed in a shape not known
 * here is given by its path alone. Pure.
 */
export function parseLongTree(listing: string): LongTreeItem[] {
  const out: LongTreeItem[] = [];
  for (const entry of listing.split("\0")) {
    if (!entry) continue;
    const m = LONG_ENTRY.exec(entry);
    if (!m) out.push({ path: entry.slice(entry.indexOf("\t") + 1), unknown: true });
    else out.push({ mode: m[1]!, type: m[2]!, oid: m[3]!, size: m[4] === "-" ? null : Number(m[4]), path: m[5]! });
  }
  return out;
}

/** Every entry of a tree, directories too, with sizes (parseLongTree). One git call. */
export function lsTreeLong(git: GitRunner, tree: string): LongTreeItem[] {
  return parseLongTree(
    git.outBytes(["ls-tree", "-r", "-t", "-z", "-l", "--full-tree", "--end-of-options", tree]).toString("latin1"),
  );
}

export interface TreeChange {
  /** The entry's path from the root (latin1). */
  path: string;
  /** Modes and IDs on each side; mode 000000 and an all-zero ID where it is absent. */
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
}

/** The blobs (and gitlinks) that differ between two trees, all levels down, renames not followed. One git call. */
export function diffTrees(git: GitRunner, from: string, to: string): TreeChange[] {
  const fields = git
    .outBytes(["diff-tree", "-r", "-z", "--no-renames", "--end-of-options", from, to])
    .toString("latin1")
    .split("\0");
  const out: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*$/.exec(fields[i]!);
    if (!m) break;
    out.push({ path: fields[i + 1]!, oldMode: m[1]!, newMode: m[2]!, oldOid: m[3]!, newOid: m[4]! });
  }
  return out;
}

/** A tree of blobs, one level (`name` without a slash); its ID. */
export function makeTree(git: GitRunner, blobs: readonly { name: string; oid: string; mode?: string }[]): string {
  const input = blobs.map((b) => `${b.mode ?? "100644"} blob ${b.oid}\t${b.name}\0`).join("");
  return git.out(["mktree", "-z"], { input }).trim();
}

/** A commit of `tree` with these parents; its ID. `ident` (`Name <email>`): its author and committer, else git's. */
export function commitTree(
  git: GitRunner,
  tree: string,
  parents: readonly string[],
  message: string,
  ident?: string,
): string {
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message];
  const r = git.run(args, identityEnv(ident));
  if (r.exitCode !== 0) throw new GitError(["commit-tree"], r.exitCode, r.stderr);
  return r.stdout.trim();
}
