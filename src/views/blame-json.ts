// `git traces blame --json`: JSON Lines, one object per line of the file (`"type":"line"`)
// and, unless --no-summary, a last `"type":"summary"` object. The valibot schemas below are
// the contract for scripts; the tests hold the output to them. Strings are as git and the
// notes have them (JSON escapes control characters); content that is not UTF-8 shows U+FFFD.

import * as v from "valibot";
import type { AttachedTrace, LeftOut } from "./attached.ts";
import type { AttributedLine, BlameSummary } from "./blame.ts";
import { decodeContent } from "./blame-porcelain.ts";
import { rfc3339 } from "./blame-render.ts";
import { LeftOutListSchema } from "./schemas.ts";

const Attribution = v.picklist(["agent", "human", "uncommitted"]);

export const BlameTraceJsonSchema = v.object({
  id: v.string(),
  /** The tool whose note names the trace: git-traces, git-ai, git-atrace, hf-traces. */
  source: v.string(),
  agent: v.nullable(v.string()),
  /** The main model; every model in `models`. */
  model: v.nullable(v.string()),
  models: v.array(v.string()),
  url: v.nullable(v.string()),
  title: v.nullable(v.string()),
});

export const BlameLineJsonSchema = v.object({
  type: v.literal("line"),
  /** Line number in the file blamed. */
  line: v.number(),
  /** Line number in the file as `commit` left it. */
  originalLine: v.number(),
  commit: v.string(),
  /** The file's name in that commit. */
  path: v.string(),
  /** git blame stopped at this commit (a root commit, or the edge of the range). */
  boundary: v.boolean(),
  author: v.object({ name: v.string(), email: v.string(), time: v.string() }),
  summary: v.string(),
  attribution: Attribution,
  /**
   * "line": the note's line ranges hold the line; "file": the note lists the file (no ranges
   * for it); "commit": the note has no file list; null without traces.
   */
  match: v.nullable(v.picklist(["line", "file", "commit"])),
  traces: v.array(BlameTraceJsonSchema),
  content: v.string(),
});

export const BlameSummaryJsonSchema = v.object({
  type: v.literal("summary"),
  lines: v.number(),
  shares: v.array(
    v.object({
      attribution: Attribution,
      by: v.array(v.object({ agent: v.nullable(v.string()), model: v.nullable(v.string()), source: v.string() })),
      lines: v.number(),
      /** 0 to 1. */
      share: v.number(),
    }),
  ),
  /** Notes of the blamed commits that named more traces than are read from one note. */
  leftOut: LeftOutListSchema,
});

export type BlameLineJson = v.InferOutput<typeof BlameLineJsonSchema>;
export type BlameSummaryJson = v.InferOutput<typeof BlameSummaryJsonSchema>;

export function traceJson(t: AttachedTrace): v.InferOutput<typeof BlameTraceJsonSchema> {
  return {
    id: t.id,
    source: t.source,
    agent: t.agent ?? null,
    model: t.models[0] ?? null,
    models: t.models,
    url: t.url ?? null,
    title: t.title ?? null,
  };
}

export function lineJson(l: AttributedLine): BlameLineJson {
  const c = l.commit;
  return {
    type: "line",
    line: l.line,
    originalLine: l.originalLine,
    commit: c.sha,
    path: l.filename,
    boundary: c.boundary,
    author: { name: c.author, email: c.authorMail.replace(/^<(.*)>$/, "$1"), time: rfc3339(c.authorTime, c.authorTz) },
    summary: c.summary,
    attribution: l.attribution,
    match: l.match,
    traces: l.traces.map(traceJson),
    content: decodeContent(l),
  };
}

export function summaryJson(s: BlameSummary, leftOut: readonly LeftOut[] = []): BlameSummaryJson {
  return {
    type: "summary",
    lines: s.lines,
    shares: s.shares.map((x) => ({ attribution: x.attribution, by: x.by, lines: x.lines, share: x.share })),
    ...(leftOut.length ? { leftOut: leftOut.map((l) => ({ ...l })) } : {}),
  };
}

/** JSON Lines: one object per line, then the summary when given (with the notes left in part). */
export function renderJson(
  lines: readonly AttributedLine[],
  summary: BlameSummary | null,
  leftOut: readonly LeftOut[] = [],
): string {
  let out = "";
  for (const l of lines) out += `${JSON.stringify(lineJson(l))}\n`;
  if (summary) out += `${JSON.stringify(summaryJson(summary, leftOut))}\n`;
  return out;
}
