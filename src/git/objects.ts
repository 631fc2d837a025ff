// Questions about many refs and objects at once, each one git call whatever their number:
// what refs point at, what objects are and what blobs hold, which commits some tips reach.

import type { GitRunner } from "./runner.ts";

export interface RefValue {
  oid: string;
  /** The type of the object the ref points at. */
  type: string;
  /** Its tree, when it is a commit ("" otherwise). */
  tree: string;
}

/** Every ref matching `patterns` (for-each-ref patterns: full names, prefixes up to a slash). */
export function readRefs(git: GitRunner, patterns: readonly string[]): Map<string, RefValue> {
  const out = new Map<string, RefValue>();
  if (patterns.length === 0) return out;
  const text = git.out(["for-each-ref", "--format=%(objectname) %(objecttype) %(tree) %(refname)", ...patterns]);
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+) ([a-z]+) ([0-9a-f]*) (refs\/.+)$/.exec(line);
    if (m) out.set(m[4]!, { oid: m[1]!, type: m[2]!, tree: m[3]! });
  }
  return out;
}

/** Type and size of each object that exists, through one `git cat-file --batch-check`. */
export function objectInfo(git: GitRunner, oids: readonly string[]): Map<string, { type: string; size: number }> {
  const out = new Map<string, { type: string; size: number }>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return out;
  const text = git.out(["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], {
    input: `${unique.join("\n")}\n`,
  });
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(line);
    if (m) out.set(m[1]!, { type: m[2]!, size: Number(m[3]) });
  }
  return out;
}

/**
 * Of `commits` (which must exist), those no commit of `tips` reaches. One `git rev-list`
 * walking from the commits down to where they meet the tips' history: it stops there, so
 * its cost follows how far the commits are from the tips, not the size of the history.
 */
export function unreachableFrom(git: GitRunner, commits: readonly string[], tips: readonly string[]): Set<string> {
  if (commits.length === 0 || tips.length === 0) return new Set(commits);
  const input = `${commits.join("\n")}\n${tips.map((t) => `^${t}`).join("\n")}\n`;
  const walked = new Set(git.out(["rev-list", "--stdin"], { input }).split("\n"));
  return new Set(commits.filter((c) => walked.has(c)));
}

const BATCH = ["cat-file", "--batch"];

/** Blob contents by ID as text, through one `git cat-file --batch`; missing ones absent. */
export function readBlobs(git: GitRunner, oids: readonly string[]): Map<string, string> {
  return decode(readBlobBytes(git, oids));
}

/** Blob contents by ID as bytes, through one `git cat-file --batch`; missing ones absent. */
export function readBlobBytes(git: GitRunner, oids: readonly string[]): Map<string, Buffer> {
  if (oids.length === 0) return new Map();
  return parseBatch(git.outBytes(BATCH, { input: `${[...new Set(oids)].join("\n")}\n` }));
}

/**
 * readBlobs() in two steps: `git cat-file --batch` starts now, and is asked for the blobs
 * once the caller knows which (call the returned function exactly once).
 */
export function blobReader(git: GitRunner): (oids: readonly string[]) => Promise<Map<string, string>> {
  const feed = git.startFed(BATCH);
  return async (oids) => decode(parseBatch((await feed(oids.length ? `${oids.join("\n")}\n` : "")).stdout));
}

/**
 * `git cat-file --batch` output, cut by the sizes it gives, which count bytes: each blob is
 * taken on its own, so that content which is not valid UTF-8 cannot shift where the next
 * one starts.
 */
function parseBatch(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const [oid, type, size] = buf.subarray(pos, nl).toString().split(" ");
    pos = nl + 1;
    if (type === "missing" || !size) continue;
    const n = Number(size);
    out.set(oid!, buf.subarray(pos, pos + n));
    pos += n + 1;
  }
  return out;
}

function decode(blobs: Map<string, Buffer>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [oid, bytes] of blobs) out.set(oid, bytes.toString("utf8"));
  return out;
}

/**
 * The text of files at a revision (`<rev>:<path>`), by path, through one `git cat-file
 * --batch`; files absent there (or not blobs) are left out. Answers come in the order asked,
 * so each is matched to its path, not to the blob ID git prints.
 */
export function readFilesAt(git: GitRunner, rev: string, paths: readonly string[]): Map<string, string> {
  const asked = [...new Set(paths)].filter((p) => !p.includes("\n"));
  const out = new Map<string, string>();
  if (asked.length === 0) return out;
  const buf = git.outBytes(BATCH, { input: `${asked.map((p) => `${rev}:${p}`).join("\n")}\n` });
  let pos = 0;
  for (const path of asked) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.subarray(pos, nl).toString();
    pos = nl + 1;
    const m = / (\w+) (\d+)$/.exec(header);
    if (!m || header.endsWith(" missing") || header.endsWith(" ambiguous")) continue;
    const n = Number(m[2]);
    if (m[1] === "blob") out.set(path, buf.subarray(pos, pos + n).toString("utf8"));
    pos += n + 1;
  }
  return out;
}
