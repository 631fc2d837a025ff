// `git traces show` as text for a terminal and as Markdown for a pull request or an agent's
// context. Pure: a TraceView in, text out. Everything that came from a note or a transcript
// goes through sanitize (text) or the Markdown escapes (markdown.ts) on its way out.
//
// By default long replies and prompts are cut (MESSAGE_LINES lines or MESSAGE_CHARS
// characters) with a marker that names --full, and a tool call takes one line; `full`
// prints everything.

import { type Paint, shortCommit } from "./render.ts";
import { sanitizeLine } from "../traces/sanitize.ts";
import { TOOL_KINDS, type Message, type ToolKind } from "../traces/model.ts";
import { indent, mdCell, mdCode, mdFence, mdLines, mdQuote, mdText, mdUrl } from "./markdown.ts";
import {
  append,
  clipBlock,
  clipLine,
  count,
  duration,
  hiddenText,
  longest,
  plural,
  timeOfDay,
  utcTime,
  type Clipped,
} from "../traces/text.ts";
import {
  filesTouched,
  headline,
  summarizeTool,
  timeline,
  TOKEN_KINDS,
  tokensOf,
  toolKinds,
  type TokenCounts,
  type TraceView,
} from "./view.ts";

export interface RenderOptions {
  /** Print whole messages, commands and lists instead of cutting them. */
  full: boolean;
}

export const MESSAGE_LINES = 40;
export const MESSAGE_CHARS = 4000;
const TOOL_CHARS = 200;
const COMMAND_LINES = 12;
const LIST_MAX = 100;
const COMMITS_MAX = 20;
/** Messages and tool calls shown without --full: a long session is thousands; shared content can hold millions. */
export const STEPS_MAX = 5000;

export const NOT_HERE = "The content of this trace is not available here: its transcript is not on this machine.";

export function notHereSentence(view: TraceView): string {
  if (view.unreadable)
    return (
      "The content of this trace is not available here: " +
      `its transcript could not be read (${clipLine(view.unreadable, 300)}).`
    );
  if (view.sharedError)
    return (
      "The content of this trace is not available here: " +
      `its shared content is not a valid trace (${clipLine(view.sharedError, 300)}).`
    );
  return NOT_HERE;
}

/**
 * The transcript's path on this machine: only for content read from it here (or a snapshot
 * taken from it), never from shared content, whose `transcript` would name someone's choice.
 */
function localTranscript(view: TraceView): string | undefined {
  const local =
    view.source === undefined ||
    view.source === "transcript" ||
    (view.source === "snapshot" && view.from === "transcript");
  return local ? view.trace?.transcript : undefined;
}

/** Where the content shown came from, when not from the transcript here (or when redacted). */
export function contentSentence(view: TraceView): string | undefined {
  if (!view.trace) return undefined;
  const parts: string[] = [];
  if (view.source === "snapshot")
    parts.push(
      view.from === "shared"
        ? "imported from shared content (redacted)"
        : "a snapshot kept on this machine (the transcript is not here)",
    );
  if (view.source === "shared") parts.push(`shared through git${view.from ? ` (${view.from})` : ""}, redacted`);
  if (view.redacted) parts.push("redacted, exactly as sharing stores it");
  return parts.length ? parts.join("; ") : undefined;
}

const KIND_LABEL: Record<ToolKind, string> = {
  read: "read",
  edit: "edit",
  shell: "shell",
  web_fetch: "web fetch",
  web_search: "web search",
  other: "other",
};

/** `7 (1 read, 3 edit, 1 shell, 1 web fetch, 1 other)`; kinds with no calls are left out. */
export function kindsLine(kinds: Record<ToolKind, number>): string {
  const total = TOOL_KINDS.reduce((s, k) => s + kinds[k], 0);
  const parts = TOOL_KINDS.filter((k) => kinds[k] > 0).map((k) => `${count(kinds[k])} ${KIND_LABEL[k]}`);
  return parts.length ? `${count(total)} (${parts.join(", ")})` : "0";
}

const TOKEN_LABEL: Record<(typeof TOKEN_KINDS)[number], string> = {
  input: "input",
  output: "output",
  cacheRead: "cache read",
  cacheWrite: "cache write",
  reasoning: "reasoning",
};

/** `67 input, 3,242 output, ...`; zero counts are left out. */
export function tokensLine(tokens: TokenCounts | undefined): string | undefined {
  if (!tokens) return undefined;
  const parts = TOKEN_KINDS.filter((k) => tokens[k] > 0).map((k) => `${count(tokens[k])} ${TOKEN_LABEL[k]}`);
  return parts.length ? parts.join(", ") : undefined;
}

/** A note's calls per tool name, the ones that are counts (a note is untrusted), at most LIST_MAX. */
function noteTools(tools: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(tools)
    .filter(([, n]) => Number.isSafeInteger(n) && n >= 0)
    .slice(0, LIST_MAX);
}

function agentText(view: TraceView): string | undefined {
  const h = headline(view);
  if (!h.agent) return undefined;
  const source = view.note && view.note.source !== "git-traces" ? ` (named by ${view.note.source})` : "";
  return `${h.agent}${h.agentVersion ? ` ${h.agentVersion}` : ""}${source}`;
}

function endedText(view: TraceView): string | undefined {
  const h = headline(view);
  const end = utcTime(h.end);
  if (!end) return undefined;
  const d = duration(h.start, h.end);
  return d ? `${end} (${d})` : end;
}

function limit<T>(items: readonly T[], max: number, full: boolean): { shown: readonly T[]; more: number } {
  return full || items.length <= max
    ? { shown: items, more: 0 }
    : { shown: items.slice(0, max), more: items.length - max };
}

// ---------------------------------------------------------------- text

function cutMarker(c: Clipped, pad: string, paint: Paint): string {
  if (!c.hiddenLines && !c.hiddenChars) return "";
  return `\n${pad}${paint.dim(`[… ${hiddenText(c)}; --full shows everything]`)}`;
}

function textBody(text: string, opts: RenderOptions, paint: Paint): string {
  const c = opts.full ? clipBlock(text, Infinity, Infinity) : clipBlock(text, MESSAGE_LINES, MESSAGE_CHARS);
  const pad = "    ";
  return `${c.text
    .split("\n")
    .map((l) => (l ? pad + l : ""))
    .join("\n")}${cutMarker(c, pad, paint)}`;
}

function textTool(step: ReturnType<typeof summarizeTool>, opts: RenderOptions, paint: Paint): string {
  const verb = paint.cyan(clipLine(step.verb, 40).padEnd(6));
  if (step.object === undefined) return `    · ${verb}`;
  if (opts.full && step.command?.includes("\n")) {
    return `    · ${verb} ${clipBlock(step.command, Infinity, Infinity).text.replace(/\n/g, "\n             ")}`;
  }
  const firstLine = step.object.split("\n")[0] ?? "";
  const more = firstLine.length < step.object.trimEnd().length ? " …" : "";
  return `    · ${verb} ${opts.full ? sanitizeLine(step.object) : clipLine(firstLine, TOOL_CHARS) + more}`;
}

function messageHeader(m: Message, day: string | undefined, paint: Paint): string {
  const parts = [m.role === "user" ? paint.green("user") : paint.blue("assistant")];
  const when = timeOfDay(m.at, day);
  if (when) parts.push(paint.dim(when));
  if (m.model) parts.push(paint.magenta(clipLine(m.model, 80)));
  return parts.join(" ");
}

/** Steps of the conversation shown, and how many are not (0 with --full). */
function steps(view: TraceView, opts: RenderOptions): { shown: ReturnType<typeof timeline>; more: number } {
  const trace = view.trace!;
  const total = trace.messages.length + trace.tools.length;
  const shown = timeline(trace, opts.full ? Infinity : STEPS_MAX);
  return { shown, more: total - shown.length };
}

function moreSteps(more: number): string {
  return `${plural(more, "more message or tool call", "more messages and tool calls")}`;
}

function textConversation(view: TraceView, opts: RenderOptions, paint: Paint): string[] {
  const trace = view.trace!;
  const out: string[] = [];
  let inAssistant = false;
  const { shown, more } = steps(view, opts);
  for (const step of shown) {
    if (step.type === "message") {
      out.push("", messageHeader(step.message, trace.start, paint), textBody(step.message.text, opts, paint));
      inAssistant = step.message.role === "assistant";
    } else {
      if (!inAssistant) {
        const when = timeOfDay(step.call.at, trace.start);
        out.push("", `${paint.blue("assistant")}${when ? ` ${paint.dim(when)}` : ""}`);
        inAssistant = true;
      }
      out.push(textTool(summarizeTool(step.call), opts, paint));
    }
  }
  if (more) out.push("", paint.dim(`[… ${moreSteps(more)}; --full shows everything]`));
  return out;
}

function textFiles(view: TraceView, opts: RenderOptions): string[] {
  const files = filesTouched(view);
  if (!files.length) return [];
  const { shown, more } = limit(files, LIST_MAX, opts.full);
  const names = shown.map((f) => clipLine(f.path, 300));
  const width = Math.min(60, longest(names.map((n) => n.length)));
  const lines = shown.map(
    (f, i) =>
      `    ${names[i]!.padEnd(width)}  ${[f.read ? "read" : "", f.edited ? "edited" : ""].filter(Boolean).join(", ")}`,
  );
  if (more) lines.push(`    … and ${plural(more, "more file")} (--full lists them)`);
  return ["Files touched:", ...lines];
}

/** Which lines of which files the session wrote, per commit (notes with line ranges). */
function textLines(view: TraceView, opts: RenderOptions): string[] {
  const all = view.lines ?? [];
  if (!all.length) return [];
  const { shown, more } = limit(all, LIST_MAX, opts.full);
  const names = shown.map((l) => clipLine(l.path, 300));
  const width = Math.min(60, longest(names.map((n) => n.length)));
  const rows = shown.map(
    (l, i) =>
      `    ${l.commit.slice(0, 12)}  ${names[i]!.padEnd(width)}  ` +
      `${l.ranges ? clipLine(l.ranges, 200) : "-"}  (${plural(l.count, "line")})`,
  );
  if (more) rows.push(`    … and ${plural(more, "more file")} (--full lists them)`);
  return ["Lines written:", ...rows];
}

function field(name: string, value: string | undefined, paint: Paint): string[] {
  return value === undefined || value === "" ? [] : [`${paint.bold(`${name}:`.padEnd(12))}${value}`];
}

function commitsText(view: TraceView, opts: RenderOptions, paint: Paint): string {
  if (!view.commits.length) return "none (not attached to any commit)";
  const { shown, more } = limit(view.commits, COMMITS_MAX, opts.full);
  const lines = shown.map((c) => `${paint.yellow(shortCommit(c.oid))} ${clipLine(c.subject, 100)}`);
  if (more) lines.push(`… and ${plural(more, "more commit")}`);
  return lines.join(`\n${" ".repeat(12)}`);
}

/** One trace as text, ending with a newline. */
export function renderTraceText(view: TraceView, opts: RenderOptions, paint: Paint): string {
  const h = headline(view);
  const t = view.trace;
  const lines = [
    `${paint.yellow(`trace ${sanitizeLine(view.id)}`)}`,
    ...field("Agent", agentText(view) && clipLine(agentText(view)!, 100), paint),
    ...field("Models", h.models.length ? clipLine(h.models.join(", "), 300) : undefined, paint),
    ...field("Title", h.title !== undefined ? clipLine(h.title, opts.full ? Infinity : 200) : undefined, paint),
    ...field("Started", utcTime(h.start), paint),
    ...field("Ended", endedText(view), paint),
    ...field("Directory", t?.cwd && clipLine(t.cwd, 300), paint),
    ...field("Branch", t?.branch && clipLine(t.branch, 200), paint),
    ...field("Commits", commitsText(view, opts, paint), paint),
    ...field("URL", view.note?.url && clipLine(view.note.url, 500), paint),
    ...field("Transcript", localTranscript(view) && clipLine(localTranscript(view)!, 500), paint),
    ...field("Content", contentSentence(view) && clipLine(contentSentence(view)!, 300), paint),
  ];
  if (t) append(lines, textConversation(view, opts, paint));
  else {
    lines.push("", paint.red(notHereSentence(view)));
    const tools = view.note?.tools;
    if (tools && noteTools(tools).length) {
      append(
        lines,
        field(
          "Tools",
          noteTools(tools)
            .map(([name, n]) => `${clipLine(name, 60)} ${count(n)}`)
            .join(", "),
          paint,
        ),
      );
    }
  }
  lines.push("");
  append(lines, textFiles(view, opts));
  append(lines, textLines(view, opts));
  append(lines, field("Tool calls", kindsLine(toolKinds(view)), paint));
  append(lines, field("Tokens", tokensLine(tokensOf(view)), paint));
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- markdown

function mdBody(text: string, opts: RenderOptions, quoteAsMarkdown: boolean): string {
  const c = opts.full ? clipBlock(text, Infinity, Infinity) : clipBlock(text, MESSAGE_LINES, MESSAGE_CHARS);
  // A reply is Markdown the agent wrote: kept, inside a quote it cannot break out of. A
  // prompt is what a person typed: shown as typed.
  const body = quoteAsMarkdown ? c.text : mdLines(c.text);
  const marker =
    c.hiddenLines || c.hiddenChars ? `\n\n*[… ${hiddenText(c)}; \`git traces show --full\` shows everything]*` : "";
  return mdQuote(`${body}${marker}`);
}

function mdTool(step: ReturnType<typeof summarizeTool>, opts: RenderOptions): string {
  const verb = `**${mdText(step.verb)}**`;
  if (step.command !== undefined) {
    const lines = step.command.replace(/\n+$/, "").split("\n");
    const cut = !opts.full && lines.length > COMMAND_LINES;
    const shown = cut ? lines.slice(0, COMMAND_LINES).join("\n") : lines.join("\n");
    const note = cut ? `\n  *(${plural(lines.length - COMMAND_LINES, "more line")})*` : "";
    return `- ${verb}\n  ${indent(mdFence(shown, "sh"), "  ")}${note}`;
  }
  if (step.url !== undefined) return `- ${verb} ${mdUrl(step.url)}`;
  if (step.object === undefined) return `- ${verb}`;
  const object = opts.full ? step.object : clipLine(step.object, TOOL_CHARS);
  const shown =
    step.verb === "read" || step.verb === "edit" ? object.split(", ").map(mdCode).join(", ") : mdText(object);
  return `- ${verb} ${shown}`;
}

function mdConversation(view: TraceView, opts: RenderOptions): string[] {
  const trace = view.trace!;
  const out: string[] = [];
  let tools: string[] = [];
  let inAssistant = false;
  const flush = () => {
    if (tools.length) out.push(tools.join("\n"), "");
    tools = [];
  };
  const { shown, more } = steps(view, opts);
  for (const step of shown) {
    if (step.type === "message") {
      flush();
      const m = step.message;
      const when = timeOfDay(m.at, trace.start);
      const meta = [when, m.model ? mdCode(m.model) : undefined].filter(Boolean).join(", ");
      out.push(
        `**${m.role === "user" ? "User" : "Assistant"}**${meta ? ` (${meta})` : ""}`,
        "",
        mdBody(m.text, opts, m.role === "assistant"),
        "",
      );
      inAssistant = m.role === "assistant";
    } else {
      if (!inAssistant) {
        const when = timeOfDay(step.call.at, trace.start);
        out.push(`**Assistant**${when ? ` (${when})` : ""}`, "");
        inAssistant = true;
      }
      tools.push(mdTool(summarizeTool(step.call), opts));
    }
  }
  flush();
  if (more) out.push(`*[… ${moreSteps(more)}; \`git traces show --full\` shows everything]*`, "");
  return out;
}

function row(name: string, value: string | undefined): string[] {
  return value === undefined || value === "" ? [] : [`| ${name} | ${mdCell(value)} |`];
}

const mdTime = (text: string | undefined) => text && mdText(text);

/** One trace as Markdown, ending with a newline. */
export function renderTraceMarkdown(view: TraceView, opts: RenderOptions): string {
  const h = headline(view);
  const t = view.trace;
  const { shown: commits, more: moreCommits } = limit(view.commits, COMMITS_MAX, opts.full);
  const commitCell = view.commits.length
    ? commits.map((c) => `${mdCode(shortCommit(c.oid))} ${mdText(clipLine(c.subject, 100))}`).join("<br>") +
      (moreCommits ? `<br>… and ${plural(moreCommits, "more commit")}` : "")
    : "none (not attached to any commit)";
  const agent = agentText(view);
  const lines = [
    `## Trace ${mdCode(view.id)}`,
    "",
    "| | |",
    "| --- | --- |",
    ...row("Agent", agent && mdText(clipLine(agent, 100))),
    ...row("Models", h.models.length ? h.models.map((m) => mdCode(clipLine(m, 80))).join(", ") : undefined),
    ...row("Title", h.title !== undefined ? mdText(clipLine(h.title, opts.full ? Infinity : 200)) : undefined),
    ...row("Started", mdTime(utcTime(h.start))),
    ...row("Ended", mdTime(endedText(view))),
    ...row("Directory", t?.cwd && mdCode(clipLine(t.cwd, 300))),
    ...row("Branch", t?.branch && mdCode(clipLine(t.branch, 200))),
    ...row("Commits", commitCell),
    ...row("URL", view.note?.url && mdUrl(view.note.url)),
    ...row("Content", contentSentence(view) && mdText(clipLine(contentSentence(view)!, 300))),
    "",
  ];
  if (t) append(lines, ["### Conversation", "", ...mdConversation(view, opts)]);
  else {
    lines.push(`*${mdText(notHereSentence(view))}*`, "");
    const tools = view.note?.tools;
    if (tools && noteTools(tools).length) {
      lines.push(
        `**Tools:** ${noteTools(tools)
          .map(([name, n]) => `${mdCode(clipLine(name, 60))} ${count(n)}`)
          .join(", ")}`,
        "",
      );
    }
  }
  const files = filesTouched(view);
  if (files.length) {
    const { shown, more } = limit(files, LIST_MAX, opts.full);
    append(lines, [
      "### Files touched",
      "",
      ...shown.map(
        (f) =>
          `- ${mdCode(clipLine(f.path, 300))} ` +
          `(${[f.read ? "read" : "", f.edited ? "edited" : ""].filter(Boolean).join(", ")})`,
      ),
    ]);
    if (more) lines.push(`- … and ${plural(more, "more file")}`);
    lines.push("");
  }
  if (view.lines?.length) {
    const { shown, more } = limit(view.lines, LIST_MAX, opts.full);
    append(lines, [
      "### Lines written",
      "",
      ...shown.map(
        (l) =>
          `- ${mdCode(l.commit.slice(0, 12))} ${mdCode(clipLine(l.path, 300))}: ` +
          `${l.ranges ? mdCode(clipLine(l.ranges, 200)) : "none"} (${plural(l.count, "line")})`,
      ),
    ]);
    if (more) lines.push(`- … and ${plural(more, "more file")}`);
    lines.push("");
  }
  lines.push(`**Tool calls:** ${kindsLine(toolKinds(view))}`);
  const tokens = tokensLine(tokensOf(view));
  if (tokens) lines.push("", `**Tokens:** ${tokens}`);
  return `${lines.join("\n")}\n`;
}
