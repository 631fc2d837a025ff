// `git traces stats [<range>]`: how many of the lines a range of commits added each agent and
// model wrote, and how many people did. Pure: the commits, the lines each added (diff-hunks.ts)
// and the traces their notes name, in; counts and shares out. A line is a trace's as blame
// would give it in its commit (blame.ts): by the note's line ranges where it has them, else by
// the file list; lines no trace has are the people's. Merges are left out: their lines were
// added by the merged commits.

import * as v from "valibot";
import type { AttachedTrace } from "./attached.ts";
import { type BlameSummary, type LineTraces, lineTracesOf, summarizeRuns } from "./blame.ts";
import type { FileAdditions } from "./diff-hunks.ts";
import { shareLabel } from "./blame-render.ts";
import { mdText } from "./markdown.ts";
import type { Paint } from "./render.ts";
import { NOTE_SOURCES } from "./schemas.ts";
import { longest } from "../traces/text.ts";
import { sanitizeLine } from "../traces/sanitize.ts";

export interface StatsInput {
  range: string;
  commits: readonly { oid: string; parents: readonly string[] }[];
  /** Commit -> the lines it added, per file (against its first parent). */
  additions: ReadonlyMap<string, readonly FileAdditions[]>;
  attached: ReadonlyMap<string, AttachedTrace[]>;
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const StatsSchema = v.object({
  range: v.string(),
  /** Commits counted (merges are not). */
  commits: count,
  /** Lines the commits added. */
  lines: count,
  /** Lines whose author the notes' line ranges give (the rest by file lists, or the people's). */
  exact: count,
  /** Most lines first. An agent share's `by` lists several pairs when traces share lines (file-level). */
  shares: v.array(
    v.object({
      attribution: v.picklist(["agent", "human"]),
      by: v.array(
        v.object({ agent: v.nullable(v.string()), model: v.nullable(v.string()), source: v.picklist(NOTE_SOURCES) }),
      ),
      lines: count,
      /** lines / all lines, 0 to 1. */
      share: v.number(),
    }),
  ),
});
export type Stats = v.InferOutput<typeof StatsSchema>;

export function lineStats(input: StatsInput): Stats {
  const of = lineTracesOf(input.attached, new Map());
  const runs: [LineTraces, number][] = [];
  let commits = 0;
  let exact = 0;
  for (const c of input.commits) {
    if (c.parents.length > 1) continue;
    commits++;
    for (const f of input.additions.get(c.oid) ?? []) {
      const varies = of.varies(c.oid, f.path);
      for (const r of f.ranges) {
        if (!varies) {
          runs.push([of(c.oid, f.path), r.end - r.start + 1]);
          continue;
        }
        for (let n = r.start; n <= r.end; n++) {
          const t = of(c.oid, f.path, n);
          if (t.match === "line" || t.attribution === "human") exact++;
          runs.push([t, 1]);
        }
      }
    }
  }
  const summary: BlameSummary = summarizeRuns(runs);
  return {
    range: input.range,
    commits,
    lines: summary.lines,
    exact,
    shares: summary.shares.map((s) => ({
      attribution: s.attribution === "agent" ? "agent" : "human",
      by: s.by,
      lines: s.lines,
      share: s.share,
    })),
  };
}

/** `claude-code claude-sonnet-4-5` for a share, `human` for the people's (blame's labels). */
function label(s: Stats["shares"][number]): string {
  return shareLabel({ ...s, attribution: s.attribution });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The text view: the total, then one row per agent and model, and the people. */
export function renderStatsText(s: Stats, paint: Paint): string {
  const commits = `${s.commits} commit${s.commits === 1 ? "" : "s"}`;
  const head = `Lines added in ${sanitizeLine(s.range)}: ${s.lines} in ${commits}`;
  if (!s.lines) return `${head}\n`;
  const rows = s.shares.map((x) => ({
    p: pct(x.share),
    n: String(x.lines),
    label: label(x),
    agent: x.attribution === "agent",
  }));
  const pW = longest(rows.map((r) => r.p.length));
  const nW = longest(rows.map((r) => r.n.length));
  const body = rows.map(
    (r) => `  ${r.p.padStart(pW)}  ${r.n.padStart(nW)}  ${r.agent ? paint.cyan(r.label) : paint.dim(r.label)}`,
  );
  const exact = `  (${pct(s.exact / s.lines)} of them line-exact: the rest by the files a note lists)`;
  return `${[paint.bold(head), ...body, paint.dim(exact)].join("\n")}\n`;
}

/** The figures for the top of `summary --markdown`: one line. */
export function statsMarkdown(s: Stats): string {
  if (!s.lines) return "**Lines added:** none";
  const parts = s.shares.map((x) => `${mdText(label(x))} ${pct(x.share)} (${x.lines})`);
  return `**Lines added:** ${s.lines}: ${parts.join(", ")}`;
}
