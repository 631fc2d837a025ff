// `git traces summary` as text and as Markdown (what a pull-request bot posts). Pure: a
// Summary in, text out; every string that came from a note or a transcript is made safe
// (clipLine for text, the Markdown escapes for Markdown). Long lists stop at LIST_MAX
// entries with a count of the rest; --json has them all.

import { shortCommit, shortId, type Paint } from "./render.ts";
import { sanitizeLine } from "../traces/sanitize.ts";
import { mdCell, mdCode, mdText, mdUrl } from "./markdown.ts";
import { kindsLine, tokensLine } from "./show-render.ts";
import type { Summary } from "./summary.ts";
import { type Stats, statsMarkdown } from "./stats.ts";
import { append, clipLine, count, longest, plural } from "../traces/text.ts";

export const LIST_MAX = 50;

function agentName(a: { agent: string; source: string }): string {
  return a.source === "git-traces" ? a.agent : `${a.agent} (${a.source})`;
}

/** The first sentence: how many commits, how many with traces, how many by humans. */
export function headlineText(s: Summary): string {
  const c = s.commits;
  if (c.total === 0) return "No commits in this range.";
  const merges = c.merges ? `, ${plural(c.merges, "merge")}` : "";
  const humans = c.human === 1 ? "a human" : "humans";
  if (c.withTraces === 0)
    return c.merges
      ? `${plural(c.total, "commit")} (${count(c.human)} by ${humans}${merges}), no agent traces.`
      : `${plural(c.total, "commit")} by ${humans}, no agent traces.`;
  if (c.withTraces === c.total) return `${plural(c.total, "commit")}, all with agent traces.`;
  const parts = [
    `${count(c.withTraces)} with agent traces`,
    ...(c.human ? [`${count(c.human)} by ${humans}`] : []),
    ...(c.merges ? [plural(c.merges, "merge")] : []),
  ];
  return `${plural(c.total, "commit")}: ${parts.join(", ")}.`;
}

function webNote(s: Summary): string | undefined {
  const n = s.traces.length;
  const here = s.web.tracesWithContent;
  if (n === 0 || here === n) return undefined;
  if (here === 0) return "unknown: no transcript of these traces is on this machine";
  return `only from ${count(here)} of ${plural(n, "trace")}: the others' transcripts are not on this machine`;
}

function capped<T>(items: readonly T[]): { shown: readonly T[]; more: number } {
  return items.length <= LIST_MAX
    ? { shown: items, more: 0 }
    : { shown: items.slice(0, LIST_MAX), more: items.length - LIST_MAX };
}

function times(n: number): string {
  return n > 1 ? ` (${count(n)}×)` : "";
}

// ---------------------------------------------------------------- text

export function renderSummaryText(s: Summary, paint: Paint): string {
  const pad = "    ";
  const lines = [paint.bold(`Agent traces in ${clipLine(s.range, 200)}`), headlineText(s)];
  if (s.traces.length === 0) return `${lines.join("\n")}\n`;

  const agentRows = [
    ...s.agents.map((a) => [clipLine(agentName(a), 60), plural(a.commits, "commit"), plural(a.traces, "trace")]),
    ...(s.commits.human ? [["human", plural(s.commits.human, "commit"), ""]] : []),
  ];
  const w0 = longest(agentRows.map((r) => r[0]!.length));
  const w1 = longest(agentRows.map((r) => r[1]!.length));
  append(lines, [
    "",
    "Agents:",
    ...agentRows.map(([a, c, t]) => `${pad}${paint.cyan(a!.padEnd(w0))}  ${c!.padEnd(w1)}  ${t}`.trimEnd()),
  ]);
  if (s.models.length) {
    const rows = s.models.map((m) => [
      clipLine(m.model, 80),
      clipLine(m.agents.join(", "), 80),
      plural(m.commits, "commit"),
      plural(m.traces, "trace"),
    ]);
    const w = [0, 1, 2].map((i) => longest(rows.map((r) => r[i]!.length)));
    append(lines, [
      "Models:",
      ...rows.map(
        (r) => `${pad}${paint.magenta(r[0]!.padEnd(w[0]!))}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`,
      ),
    ]);
  }
  lines.push("", `Tool calls: ${kindsLine(s.tools)}`);
  const note = webNote(s);
  const none = note?.startsWith("unknown") ? "unknown" : "none";
  const aside = note && !note.startsWith("unknown") ? ` (${note})` : "";
  const fetched = capped(s.web.fetched);
  lines.push(`Web pages loaded: ${s.web.fetched.length ? count(s.web.fetched.length) : none}${aside}`);
  append(
    lines,
    fetched.shown.map((f) => `${pad}${clipLine(f.url, 300)}${times(f.count)}`),
  );
  if (fetched.more) lines.push(`${pad}… and ${plural(fetched.more, "more page")}`);
  const searches = capped(s.web.searches);
  lines.push(`Web searches: ${s.web.searches.length ? count(s.web.searches.length) : none}`);
  append(
    lines,
    searches.shown.map((q) => `${pad}${clipLine(q.query, 300)}${times(q.count)}`),
  );
  if (searches.more) lines.push(`${pad}… and ${plural(searches.more, "more search", "more searches")}`);
  const files = capped(s.files);
  append(lines, [
    `Files touched: ${count(s.files.length)}`,
    ...files.shown.map((f) => `${pad}${clipLine(f.path, 300)}`),
  ]);
  if (files.more) lines.push(`${pad}… and ${plural(files.more, "more file")}`);
  lines.push(`Tokens: ${tokensLine(s.tokens) ?? "not recorded"}`);
  const traces = capped(s.traces);
  lines.push("", "Traces:");
  for (const t of traces.shown) {
    const parts = [
      paint.yellow(clipLine(t.id, 128)),
      paint.cyan(clipLine(agentName({ agent: t.agent ?? "unknown agent", source: t.source }), 60)),
    ];
    if (t.models[0]) parts.push(paint.magenta(clipLine(t.models[0], 80)));
    if (t.title) parts.push(clipLine(t.title, 100));
    lines.push(`${pad}${parts.join("  ")}`);
    const where = [
      t.url ? clipLine(t.url, 300) : "",
      `${t.commits.length === 1 ? "commit" : "commits"} ${t.commits.map((c) => shortCommit(c)).join(", ")}`,
      t.available ? "" : "transcript not on this machine",
    ];
    lines.push(`${pad}${pad}${paint.dim(where.filter(Boolean).join("; "))}`);
  }
  if (traces.more) lines.push(`${pad}… and ${plural(traces.more, "more trace")}`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- markdown

/** Lines that `fill` adds, inside `<details>` when the list is longer than FOLD_AT. */
function folded(lines: string[], n: number, title: string, fill: () => void): void {
  if (n <= FOLD_AT) {
    fill();
    return;
  }
  lines.push(`<details><summary>${count(n)} ${title.toLowerCase()}</summary>`, "");
  fill();
  lines.push("", "</details>");
}

export function renderSummaryMarkdown(s: Summary, added?: Stats): string {
  const lines = [`### Agent traces in ${mdCode(clipLine(s.range, 200))}`, "", mdText(headlineText(s))];
  // The figures people ask for first: who wrote the lines (git traces stats).
  if (added && s.traces.length) lines.push("", statsMarkdown(added));
  if (s.traces.length === 0) return `${lines.join("\n")}\n`;

  lines.push("", "| Agent | Commits | Traces |", "| --- | ---: | ---: |");
  for (const a of s.agents)
    lines.push(`| ${mdCell(mdText(clipLine(agentName(a), 60)))} | ${count(a.commits)} | ${count(a.traces)} |`);
  if (s.commits.human) lines.push(`| human | ${count(s.commits.human)} | |`);
  if (s.models.length) {
    lines.push("", "| Model | Agent | Commits | Traces |", "| --- | --- | ---: | ---: |");
    for (const m of s.models)
      lines.push(
        `| ${mdCell(mdCode(clipLine(m.model, 80)))} | ${mdCell(mdText(clipLine(m.agents.join(", "), 80)))} ` +
          `| ${count(m.commits)} | ${count(m.traces)} |`,
      );
  }
  lines.push("", `**Tool calls:** ${s.tools.total ? kindsLine(s.tools) : "none recorded"}`);

  const note = webNote(s);
  const list = <T>(title: string, items: readonly T[], item: (x: T) => string) => {
    const { shown, more } = capped(items);
    lines.push("", `**${title}**${note ? ` (${mdText(note)})` : ""}`, "");
    if (note?.startsWith("unknown")) {
      lines.pop(); // the title says it all: no list under it
      return;
    }
    if (!items.length) lines.push("- none");
    folded(lines, items.length, title, () => {
      append(
        lines,
        shown.map((x) => `- ${item(x)}`),
      );
      if (more) lines.push(`- … and ${count(more)} more`);
    });
  };
  list("Web pages loaded", s.web.fetched, (f) => `${mdUrl(f.url)}${times(f.count)}`);
  list("Web searches", s.web.searches, (q) => `${mdText(clipLine(q.query, 300))}${times(q.count)}`);

  const files = capped(s.files);
  lines.push("", `**Files touched** (${count(s.files.length)})`, "");
  folded(lines, s.files.length, "Files touched", () => {
    append(
      lines,
      files.shown.map((f) => `- ${mdCode(clipLine(f.path, 300))}`),
    );
    if (files.more) lines.push(`- … and ${plural(files.more, "more file")}`);
  });
  if (!s.files.length) lines.push("- none recorded");

  lines.push("", `**Tokens:** ${tokensLine(s.tokens) ?? "not recorded"}`);

  return fitComment(lines, s);
}

/**
 * GitHub refuses a comment longer than 65,536 characters; the summary stays under this
 * whatever the range holds: traces that do not fit are counted, never an error.
 */
export const MARKDOWN_MAX = 60_000;
/** Lists longer than this are folded (`<details>`), so that a long pull request stays readable. */
export const FOLD_AT = 10;

export function durationText(seconds: number | null): string {
  if (seconds === null) return "";
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

function tokensTotal(tokens: Summary["traces"][number]["tokens"]): string {
  if (!tokens) return "";
  const total = Object.values(tokens).reduce((a, b) => a + b, 0);
  return total ? count(total) : "";
}

/**
 * One row of the traces table: its link (or the command that shows it), agent, model,
 * title, duration, tokens, commits.
 */
function traceRow(t: Summary["traces"][number]): string {
  // A link where the URL can be one as it is; else the command that shows it.
  const url = t.url === null ? "" : sanitizeLine(t.url);
  const where = /^https?:\/\/[^\s<>()[\]`\\|]+$/.test(url)
    ? `[${mdCode(shortId(t.id))}](${url})`
    : `${mdCode(`git traces show ${t.id}`)}${url ? ` ${mdUrl(url)}` : ""}`;
  const agent = mdText(clipLine(agentName({ agent: t.agent ?? "unknown agent", source: t.source }), 60));
  const cells = [
    where,
    agent,
    t.models[0] ? mdCode(clipLine(t.models[0], 80)) : "",
    t.title ? mdText(clipLine(t.title, 100)) : "",
    durationText(t.durationS),
    tokensTotal(t.tokens),
    t.commits.map((c) => mdCode(shortCommit(c))).join(", "),
  ];
  return `| ${cells.map(mdCell).join(" | ")} |`;
}

const TRACE_HEAD = [
  "| Trace | Agent | Model | Title | Duration | Tokens | Commits |",
  "| --- | --- | --- | --- | ---: | ---: | --- |",
];

/**
 * The summary's head, then as many trace rows as fit under MARKDOWN_MAX, folded when there
 * are many; the rest counted. A head that alone is too long (hostile notes) is cut at a line,
 * its open `<details>` closed.
 */
function fitComment(head: string[], s: Summary): string {
  const more = (n: number) =>
    `\n… and ${plural(n, "more trace")}: ` +
    `${mdCode(`git traces summary ${clipLine(s.range, 200)} --json`)} lists them all\n`;
  let text = `${head.join("\n")}\n`;
  const reserve = 400;
  if (text.length > MARKDOWN_MAX - reserve) {
    const cut = text.lastIndexOf("\n", MARKDOWN_MAX - reserve * 2);
    text = text.slice(0, cut + 1);
    const open = (text.match(/<details>/g) ?? []).length - (text.match(/<\/details>/g) ?? []).length;
    text += "\n</details>\n".repeat(Math.max(0, open));
    text += "\n… cut here: the summary is longer than a comment can be\n";
    return s.traces.length ? text + more(s.traces.length) : text;
  }
  const fold = s.traces.length > FOLD_AT;
  const open = fold
    ? ["", `<details><summary><b>Traces</b> (${count(s.traces.length)})</summary>`, "", ...TRACE_HEAD]
    : ["", "**Traces**", "", ...TRACE_HEAD];
  const close = fold ? ["", "</details>"] : [];
  text += `${open.join("\n")}\n`;
  const budget = MARKDOWN_MAX - reserve - close.join("\n").length;
  let shown = 0;
  for (const t of s.traces) {
    const row = `${traceRow(t)}\n`;
    if (text.length + row.length > budget) break;
    text += row;
    shown++;
  }
  if (close.length) text += `${close.join("\n")}\n`;
  if (shown < s.traces.length) text += more(s.traces.length - shown);
  return text;
}
