// `git traces summary` as text and as Markdown (what a pull-request bot posts). Pure: a
// Summary in, text out; every string that came from a note or a transcript is made safe
// (clipLine for text, the Markdown escapes for Markdown). Long lists stop at LIST_MAX
// entries with a count of the rest; --json has them all.

import { shortId, type Paint } from "./render.ts";
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
  const fetched = capped(s.web.fetched);
  lines.push(
    `Web pages loaded: ${s.web.fetched.length ? count(s.web.fetched.length) : note?.startsWith("unknown") ? "unknown" : "none"}${note && !note.startsWith("unknown") ? ` (${note})` : ""}`,
  );
  append(
    lines,
    fetched.shown.map((f) => `${pad}${clipLine(f.url, 300)}${times(f.count)}`),
  );
  if (fetched.more) lines.push(`${pad}… and ${plural(fetched.more, "more page")}`);
  const searches = capped(s.web.searches);
  lines.push(
    `Web searches: ${s.web.searches.length ? count(s.web.searches.length) : note?.startsWith("unknown") ? "unknown" : "none"}`,
  );
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
      `${t.commits.length === 1 ? "commit" : "commits"} ${t.commits.map((c) => c.slice(0, 12)).join(", ")}`,
      t.available ? "" : "transcript not on this machine",
    ];
    lines.push(`${pad}${pad}${paint.dim(where.filter(Boolean).join("; "))}`);
  }
  if (traces.more) lines.push(`${pad}… and ${plural(traces.more, "more trace")}`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- markdown

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
        `| ${mdCell(mdCode(clipLine(m.model, 80)))} | ${mdCell(mdText(clipLine(m.agents.join(", "), 80)))} | ${count(m.commits)} | ${count(m.traces)} |`,
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
    append(
      lines,
      shown.map((x) => `- ${item(x)}`),
    );
    if (more) lines.push(`- … and ${count(more)} more`);
  };
  list("Web pages loaded", s.web.fetched, (f) => `${mdUrl(f.url)}${times(f.count)}`);
  list("Web searches", s.web.searches, (q) => `${mdText(clipLine(q.query, 300))}${times(q.count)}`);

  const files = capped(s.files);
  lines.push("", `**Files touched** (${count(s.files.length)})`, "");
  append(
    lines,
    files.shown.map((f) => `- ${mdCode(clipLine(f.path, 300))}`),
  );
  if (files.more) lines.push(`- … and ${plural(files.more, "more file")}`);
  if (!s.files.length) lines.push("- none recorded");

  lines.push("", `**Tokens:** ${tokensLine(s.tokens) ?? "not recorded"}`);

  const traces = capped(s.traces);
  lines.push("", "**Traces**", "");
  for (const t of traces.shown) {
    // A link where the URL can be one as it is; else the whole ID, and the URL as code.
    const url = t.url === null ? "" : sanitizeLine(t.url);
    const id = /^https?:\/\/[^\s<>()[\]`\\]+$/.test(url)
      ? `[${mdCode(shortId(t.id))}](${url})`
      : `${mdCode(t.id)}${url ? ` ${mdUrl(url)}` : ""}`;
    const parts = [
      id,
      `**${mdText(clipLine(agentName({ agent: t.agent ?? "unknown agent", source: t.source }), 60))}**`,
    ];
    if (t.models[0]) parts.push(mdCode(clipLine(t.models[0], 80)));
    if (t.title) parts.push(mdText(clipLine(t.title, 100)));
    const commits = t.commits.map((c) => mdCode(c.slice(0, 12))).join(", ");
    lines.push(`- ${parts.join(" · ")} (${t.commits.length === 1 ? "commit" : "commits"} ${commits})`);
  }
  if (traces.more) lines.push(`- … and ${plural(traces.more, "more trace")}`);
  return `${lines.join("\n")}\n`;
}
