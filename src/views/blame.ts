// Which traces wrote each line git blame names: pure, no I/O.
//
// A line's commit wrote it; a trace of that commit wrote it when the trace touched the
// file in that commit, that is when the note's `files` list names the file under the name
// it had in that commit (git blame's `filename`, another one before a rename or for lines
// -C found in another file). Notes that carry no `files` list (older notes, other tools'
// notes) cannot say: their traces are given the line only when no trace of the commit is
// known to have touched the file, and marked `match: "commit"` so that readers can tell.
// Lines of commits with no such trace are human; lines not committed yet are neither.

import { type AttachedTrace, rangesOf } from "./attached.ts";
import type { Blame, BlameCommit, BlameLine, BlameSource } from "./blame-porcelain.ts";

export type Attribution = "agent" | "human" | "uncommitted";

/**
 * How the line's traces were found: the note's line ranges hold the line, the note lists the
 * file (without ranges for it), or only names the commit.
 */
export type TraceMatch = "line" | "file" | "commit";

export interface LineTraces {
  attribution: Attribution;
  /** Empty unless attribution is "agent". */
  traces: AttachedTrace[];
  match: TraceMatch | null;
}

export interface AttributedLine extends BlameLine, LineTraces {
  commit: BlameCommit;
}

const HUMAN: LineTraces = { attribution: "human", traces: [], match: null };
const UNCOMMITTED: LineTraces = { attribution: "uncommitted", traces: [], match: null };

/** One trace once per commit, ours first (a foreign note can name the same session). */
function distinct(traces: readonly AttachedTrace[]): AttachedTrace[] {
  const seen = new Set<string>();
  return traces.filter((t) => {
    if (seen.has(t.id)) return false;
    seen.add(t.id);
    return true;
  });
}

/** The traces of one commit that wrote lines of `filename` in it, whatever the line. */
export function tracesForFile(traces: readonly AttachedTrace[] | undefined, filename: string): LineTraces {
  return fileTraces(traces, filename).any;
}

/**
 * A commit's traces on one file: `any` for the file as a whole; with line ranges, `at(line)`
 * for one line of the commit's version (the traces whose ranges hold it, "line"; else the
 * file-level ones, "file"; else the person's).
 */
interface FileTraces {
  any: LineTraces;
  at?: (originalLine: number) => LineTraces;
}

const PLAIN_HUMAN: FileTraces = { any: HUMAN };

function fileTraces(traces: readonly AttachedTrace[] | undefined, filename: string): FileTraces {
  if (!traces?.length) return PLAIN_HUMAN;
  const all = traces.length === 1 ? traces : distinct(traces);
  const listed = all.filter((t) => t.files?.includes(filename));
  if (listed.length) {
    const any: LineTraces = { attribution: "agent", traces: listed, match: "file" };
    const exact = listed.filter((t) => rangesOf(t, filename));
    if (exact.length === 0) return { any };
    const loose = listed.filter((t) => !rangesOf(t, filename));
    const otherwise: LineTraces = loose.length ? { attribution: "agent", traces: loose, match: "file" } : HUMAN;
    // Line -> its traces; one object per distinct set, so that readers can group by identity.
    const byLine = new Map<number, LineTraces>();
    const bySet = new Map<string, LineTraces>();
    for (const t of exact)
      for (const [a, b] of rangesOf(t, filename)!)
        for (let n = a; n <= b; n++) {
          const prev = byLine.get(n);
          const set = prev ? [...prev.traces, t] : [t];
          const key = set.map((x) => x.id).join("\0");
          let lt = bySet.get(key);
          if (!lt) bySet.set(key, (lt = { attribution: "agent", traces: set, match: "line" }));
          byLine.set(n, lt);
        }
    return { any, at: (n) => byLine.get(n) ?? otherwise };
  }
  const unlisted = all.filter((t) => t.files === undefined);
  if (unlisted.length) return { any: { attribution: "agent", traces: unlisted, match: "commit" } };
  return PLAIN_HUMAN;
}

/**
 * The traces of a line: by commit and file name, and, where the note gives line ranges, by
 * the line's number in that commit's version (`originalLine`). Without the line, the file's
 * traces as a whole. `varies` tells whether the line matters for that commit and file.
 */
export interface TracesOf {
  (sha: string, filename: string, originalLine?: number): LineTraces;
  varies(sha: string, filename: string): boolean;
}

/** Memoised per commit and file name: a 3,000-line file has few of those. */
export function lineTracesOf(
  attached: ReadonlyMap<string, AttachedTrace[]>,
  commits: ReadonlyMap<string, BlameCommit>,
): TracesOf {
  // By commit, then file name: no key string is built per line.
  const cache = new Map<string, Map<string, FileTraces>>();
  const get = (sha: string, filename: string): FileTraces => {
    let byName = cache.get(sha);
    if (!byName) cache.set(sha, (byName = new Map()));
    let found = byName.get(filename);
    if (!found) {
      found = commits.get(sha)?.uncommitted ? { any: UNCOMMITTED } : fileTraces(attached.get(sha), filename);
      byName.set(filename, found);
    }
    return found;
  };
  const of = ((sha: string, filename: string, originalLine?: number) => {
    const f = get(sha, filename);
    return f.at && originalLine !== undefined ? f.at(originalLine) : f.any;
  }) as TracesOf;
  of.varies = (sha, filename) => get(sha, filename).at !== undefined;
  return of;
}

export function attributeBlame(blame: Blame, attached: ReadonlyMap<string, AttachedTrace[]>): AttributedLine[] {
  const of = lineTracesOf(attached, blame.commits);
  // Neighbouring lines mostly share commit and file: those are looked up once.
  let sha = "";
  let filename = "";
  let commit: BlameCommit | undefined;
  let t: LineTraces = HUMAN;
  let varies = false;
  return blame.lines.map((l) => {
    if (l.sha !== sha || l.filename !== filename || commit === undefined) {
      sha = l.sha;
      filename = l.filename;
      commit = blame.commits.get(sha)!;
      varies = of.varies(sha, filename);
      t = of(sha, filename);
    }
    if (varies) t = of(sha, filename, l.originalLine);
    return {
      sha,
      originalLine: l.originalLine,
      line: l.line,
      filename,
      content: l.content,
      commit,
      attribution: t.attribution,
      traces: t.traces,
      match: t.match,
    };
  });
}

/** The commits whose notes are worth reading: every one blamed but the uncommitted. */
export function blamedCommits(blame: Blame): string[] {
  return [...blame.commits.values()].filter((c) => !c.uncommitted).map((c) => c.sha);
}

/** One agent and model pair (either may be unknown), and the tool whose note named it. */
export interface AgentModel {
  agent: string | null;
  model: string | null;
  source: AttachedTrace["source"];
}

export interface Share {
  attribution: Attribution;
  /** The agents and models of the lines' traces; several when traces shared lines. Empty for human lines. */
  by: AgentModel[];
  lines: number;
  /** lines / all lines, 0 to 1. */
  share: number;
}

export interface BlameSummary {
  lines: number;
  /** Most lines first; ties by label. */
  shares: Share[];
}

function pairsOf(traces: readonly AttachedTrace[]): AgentModel[] {
  const seen = new Map<string, AgentModel>();
  for (const t of traces) {
    const pair: AgentModel = { agent: t.agent ?? null, model: t.models[0] ?? null, source: t.source };
    seen.set(label(pair), pair);
  }
  return [...seen.values()].sort((a, b) => label(a).localeCompare(label(b)));
}

function label(p: AgentModel): string {
  return `${p.agent ?? ""} ${p.model ?? ""} ${p.source}`;
}

/** The share of lines of each agent and model (and of humans), adding up to every line. */
export function summarize(lines: readonly LineTraces[]): BlameSummary {
  return summarizeRuns(lines.map((l) => [l, 1] as const));
}

/** summarize() straight from a blame: lines counted by run, attributed once per source. */
export function summarizeBlame(blame: Blame, tracesOf: TracesOf): BlameSummary {
  const count = new Map<BlameSource, number>();
  const perLine: (readonly [LineTraces, number])[] = [];
  for (const r of blame.runs) {
    const { sha } = r.source.commit;
    if (tracesOf.varies(sha, r.source.filename))
      for (let k = r.from; k < r.to; k++)
        perLine.push([tracesOf(sha, r.source.filename, blame.lines[k]!.originalLine), 1] as const);
    else count.set(r.source, (count.get(r.source) ?? 0) + (r.to - r.from));
  }
  return summarizeRuns([
    ...blame.sources
      .filter((s) => count.has(s))
      .map((s) => [tracesOf(s.commit.sha, s.filename), count.get(s)!] as const),
    ...perLine,
  ]);
}

export function summarizeRuns(runs: readonly (readonly [LineTraces, number])[]): BlameSummary {
  const groups = new Map<string, Share>();
  // Lines of one commit and file share their traces array: each is labelled once.
  const labelled = new Map<readonly AttachedTrace[], { key: string; by: AgentModel[] }>();
  let total = 0;
  for (const [l, n] of runs) {
    total += n;
    let k = l.attribution === "agent" ? labelled.get(l.traces) : undefined;
    if (!k) {
      const by = l.attribution === "agent" ? pairsOf(l.traces) : [];
      k = { key: by.length ? `${l.attribution}\0${by.map(label).join("\0")}` : l.attribution, by };
      if (l.attribution === "agent") labelled.set(l.traces, k);
    }
    const g = groups.get(k.key);
    if (g) g.lines += n;
    else groups.set(k.key, { attribution: l.attribution, by: k.by, lines: n, share: 0 });
  }
  const shares = [...groups.values()];
  for (const s of shares) s.share = total ? s.lines / total : 0;
  const order: Record<Attribution, number> = { agent: 0, uncommitted: 1, human: 2 };
  shares.sort(
    (a, b) =>
      b.lines - a.lines ||
      order[a.attribution] - order[b.attribution] ||
      a.by.map(label).join().localeCompare(b.by.map(label).join()),
  );
  return { lines: total, shares };
}
