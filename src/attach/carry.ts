// `git traces carry`: the traces of commits that a forge rewrote ("Squash and merge",
// "Rebase and merge", a cherry-pick on a server) carried onto the commits that now hold their
// changes. A commit of the old range goes to the one commit of the new range with the same
// patch ID (rebased, cherry-picked); commits that have no such twin go, all together, to a
// commit whose change is the combined change of the whole old range (a squash). Nothing is
// guessed beyond that: ranges that do not correspond carry nothing, and say why.

import type { CommitBase } from "../git/diff.ts";
import { blobsAt, combinedPatchId, commitPatchIds } from "../git/patch-id.ts";
import { commitInfo } from "../git/repo.ts";
import type { CommitStamp } from "../git/revisions.ts";
import type { GitRunner } from "../git/runner.ts";
import { mergeIntoNote, metaLine, parseNote, tracesLine, type NoteTrace, type TraceMeta } from "../notes/format.ts";
import { readNotes, updateNotes } from "../notes/store.ts";

export type CarryHow = "patch-id" | "squash";

export interface Carried {
  /** The old commits whose traces went to `to` (one, or the whole range for a squash). */
  from: string[];
  to: string;
  how: CarryHow;
  /** Traces added to `to`'s note. */
  traces: string[];
  /** Traces `to`'s note named already: left as they were. */
  already: string[];
  /**
   * Files whose line ranges were left out: line ranges are kept only where the file is the
   * same blob in the old and the new commit (the trivial mapping); elsewhere they would point
   * at the wrong lines.
   */
  linesDropped: string[];
}

export interface NotCarried {
  commit: string;
  traces: string[];
  reason: string;
}

export interface CarryResult {
  carried: Carried[];
  notCarried: NotCarried[];
  /** Why nothing was carried, when nothing was. */
  nothing?: string;
  /** The new commits whose note changed. */
  changed: string[];
}

interface Match {
  from: CommitStamp[];
  to: CommitStamp;
  how: CarryHow;
}

const short = (oid: string) => oid.slice(0, 12);

/** The patch-ID pairing of two ranges, pure: old commit -> new commit, each new commit used once. */
export function pairByPatchId(
  from: readonly CommitStamp[],
  to: readonly CommitStamp[],
  ids: ReadonlyMap<string, string>,
): Map<string, CommitStamp> {
  const byId = new Map<string, CommitStamp[]>();
  for (const c of to) {
    const id = ids.get(c.oid);
    if (id) byId.set(id, [...(byId.get(id) ?? []), c]);
  }
  const out = new Map<string, CommitStamp>();
  for (const c of from) {
    const id = ids.get(c.oid);
    const twin = id ? byId.get(id)?.shift() : undefined;
    if (twin) out.set(c.oid, twin);
  }
  return out;
}

/** Whether each commit's first parent is the one before it: a range a squash can be the sum of. */
function isLine(commits: readonly CommitStamp[]): boolean {
  return commits.every((c, i) => c.parents.length <= 1 && (i === 0 || c.parents[0] === commits[i - 1]!.oid));
}

const base = (c: CommitStamp): CommitBase => ({ oid: c.oid, parent: c.parents[0] ?? null });

/** The traces of `from` (oldest first) carried onto `to`; writes the notes unless `dryRun`. */
export function carryTraces(
  git: GitRunner,
  from: readonly CommitStamp[],
  to: readonly CommitStamp[],
  opts: { dryRun?: boolean } = {},
): CarryResult {
  const result: CarryResult = { carried: [], notCarried: [], changed: [] };
  const notes = readNotes(
    git,
    from.map((c) => c.oid),
  );
  const tracesOf = new Map<string, NoteTrace[]>();
  for (const c of from) {
    const traces = parseNote(notes.get(c.oid) ?? "").traces;
    if (traces.length) tracesOf.set(c.oid, traces);
  }
  if (tracesOf.size === 0) {
    result.nothing = from.length ? "no commit of the first range has traces" : "the first range has no commits";
    return result;
  }
  const fromOids = new Set(from.map((c) => c.oid));
  const targets = to.filter((c) => !fromOids.has(c.oid) && c.parents.length <= 1);
  if (targets.length === 0) {
    result.nothing = to.length
      ? "every commit of the second range is a merge or is in the first range: nothing was rewritten"
      : "the second range has no commits";
    return result;
  }
  const sources = from.filter((c) => c.parents.length <= 1);
  const ids = commitPatchIds(git, [...sources, ...targets].map(base));
  const pairs = pairByPatchId(sources, targets, ids);
  const matches: Match[] = [];
  for (const c of sources) {
    const twin = pairs.get(c.oid);
    if (twin && tracesOf.has(c.oid)) matches.push({ from: [c], to: twin, how: "patch-id" });
  }
  const left = from.filter((c) => tracesOf.has(c.oid) && !pairs.has(c.oid));
  let squashReason = "";
  if (left.length) {
    const used = new Set([...pairs.values()].map((c) => c.oid));
    const free = targets.filter((c) => !used.has(c.oid));
    if (!isLine(from)) squashReason = "; the first range is not a line of commits, so it cannot be a squash's source";
    else if (free.length === 0) squashReason = "";
    else {
      const sum = combinedPatchId(git, from[0]!.parents[0] ?? null, from[from.length - 1]!.oid);
      const squash = sum ? free.find((c) => ids.get(c.oid) === sum) : undefined;
      if (squash) {
        matches.push({ from: [...left], to: squash, how: "squash" });
        left.length = 0;
      } else squashReason = "; no commit of the second range holds the first range's combined change either";
    }
  }
  for (const c of left) {
    const reason = !ids.has(c.oid)
      ? "it changes nothing (or is a merge): no change to look for"
      : `no commit of the second range has the same change (patch ID)${squashReason}`;
    result.notCarried.push({ commit: c.oid, traces: tracesOf.get(c.oid)!.map((t) => t.id), reason });
  }
  if (matches.length === 0) {
    result.nothing = "no commit of the second range holds the changes of a commit with traces";
    return result;
  }
  // What each new commit gets: per trace its URL and its meta, mapped onto the new commit.
  const files = new Map(commitInfo(git, [...new Set(matches.map((m) => m.to.oid))]).map((c) => [c.oid, c.files]));
  const wantedBlobs: { commit: string; path: string }[] = [];
  for (const m of matches)
    for (const c of m.from)
      for (const t of tracesOf.get(c.oid)!)
        for (const path of Object.keys(linesOf(t.meta)))
          wantedBlobs.push({ commit: c.oid, path }, { commit: m.to.oid, path });
  const blobs = blobsAt(git, wantedBlobs);
  type Planned = { lines: Map<string, string[]>; rows: Carried[] };
  const plan = new Map<string, Planned>();
  for (const m of matches) {
    const entry: Planned = plan.get(m.to.oid) ?? { lines: new Map(), rows: [] };
    plan.set(m.to.oid, entry);
    const row: Carried = {
      from: m.from.map((c) => c.oid),
      to: m.to.oid,
      how: m.how,
      traces: [],
      already: [],
      linesDropped: [],
    };
    entry.rows.push(row);
    const metas = new Map<string, { url?: string; metas: TraceMeta[] }>();
    for (const c of m.from)
      for (const t of tracesOf.get(c.oid)!) {
        const g = metas.get(t.id) ?? { metas: [] };
        if (t.url) g.url = t.url;
        if (t.meta) {
          const mapped = mapMeta(t.meta, new Set(files.get(m.to.oid) ?? []), (path) => {
            const a = blobs.get(`${c.oid}:${path}`);
            return a !== undefined && a === blobs.get(`${m.to.oid}:${path}`);
          });
          row.linesDropped.push(...mapped.dropped);
          g.metas.push(mapped.meta);
        }
        metas.set(t.id, g);
      }
    row.linesDropped = [...new Set(row.linesDropped)].sort();
    for (const [id, g] of metas) {
      const lines = [tracesLine(id, g.url)];
      const meta = uniteMetas(g.metas);
      if (meta) lines.push(metaLine(id, meta));
      entry.lines.set(id, lines);
      row.traces.push(id);
    }
  }
  const targetOids = [...plan.keys()];
  const write = (commit: string, current: string): string | null => {
    const entry = plan.get(commit)!;
    const named = new Set(parseNote(current).traces.map((t) => t.id));
    for (const row of entry.rows) {
      row.already = row.traces.filter((id) => named.has(id));
    }
    const add = [...entry.lines].filter(([id]) => !named.has(id)).flatMap(([, l]) => l);
    return add.length ? mergeIntoNote(current, add) : null;
  };
  if (opts.dryRun) {
    const current = readNotes(git, targetOids);
    for (const oid of targetOids) if (write(oid, current.get(oid) ?? "") !== null) result.changed.push(oid);
  } else {
    result.changed = updateNotes(git, targetOids, write, { message: "git-traces: carry" });
  }
  for (const { rows } of plan.values())
    for (const row of rows) {
      row.traces = row.traces.filter((id) => !row.already.includes(id));
      // Nothing new written here: no line ranges were left out either.
      if (row.traces.length === 0) row.linesDropped = [];
      result.carried.push(row);
    }
  return result;
}

function linesOf(meta: TraceMeta | undefined): Record<string, string> {
  const lines = meta?.lines;
  if (!lines || typeof lines !== "object" || Array.isArray(lines)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(lines as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}

/**
 * A trace's meta on the new commit: its files those the new commit changed, its line ranges
 * only for files that are the same blob in both commits.
 */
function mapMeta(
  meta: TraceMeta,
  changed: ReadonlySet<string>,
  sameBlob: (path: string) => boolean,
): { meta: TraceMeta; dropped: string[] } {
  const out: TraceMeta = { ...meta };
  if (meta.files) out.files = meta.files.filter((f) => changed.has(f));
  const dropped: string[] = [];
  if (meta.lines !== undefined) {
    const kept: Record<string, string> = {};
    for (const [path, ranges] of Object.entries(linesOf(meta))) {
      if (sameBlob(path)) kept[path] = ranges;
      else dropped.push(path);
    }
    if (Object.keys(kept).length) out.lines = kept;
    else delete out.lines;
  }
  return { meta: out, dropped };
}

/** One meta from a trace's metas on several squashed commits: the newest's fields, files and line ranges united. */
function uniteMetas(metas: readonly TraceMeta[]): TraceMeta | undefined {
  if (metas.length === 0) return undefined;
  const last = metas[metas.length - 1]!;
  if (metas.length === 1) return last;
  const out: TraceMeta = { ...last };
  const files = new Set<string>();
  const lines: Record<string, string> = {};
  for (const m of metas) {
    for (const f of m.files ?? []) files.add(f);
    for (const [path, r] of Object.entries(linesOf(m))) lines[path] = lines[path] ? `${lines[path]},${r}` : r;
  }
  out.files = [...files].sort();
  if (Object.keys(lines).length) out.lines = lines;
  else delete out.lines;
  return out;
}

/** One line per result, for people. */
export function describeCarry(r: CarryResult): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  for (const c of r.carried) {
    const what =
      c.how === "squash" ? `${c.from.length} commits (squash: their combined change)` : `${short(c.from[0]!)}`;
    if (c.traces.length) out.push(`carried ${c.traces.join(", ")} from ${what} to ${short(c.to)}`);
    if (c.already.length) out.push(`${short(c.to)} has ${c.already.join(", ")} already`);
    if (c.linesDropped.length)
      err.push(
        `line ranges of ${c.linesDropped.join(", ")} not carried to ${short(c.to)}: ` +
          "the file differs from the old commit's",
      );
  }
  for (const n of r.notCarried) err.push(`not carried from ${short(n.commit)} (${n.traces.join(", ")}): ${n.reason}`);
  if (r.nothing) err.push(`nothing to carry: ${r.nothing}`);
  return { out, err };
}
