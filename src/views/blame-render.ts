// How `git traces blame` prints: the text view (git blame's default columns plus the
// agent, model and trace ID of each line), git's porcelain with `trace` headers, and the
// summary footer. Pure: everything comes in as arguments, output is a byte string (latin1,
// one character per byte) so that file content is written with its own bytes.

import { agentLabel, mainModel, sanitize, sanitizeLine, shortId, type Paint } from "./render.ts";
import type { AttachedTrace } from "./attached.ts";
import type { BlameSummary, LineTraces, Share, TracesOf } from "./blame.ts";
import type { Blame, BlameCommit, BlameSource } from "./blame-porcelain.ts";
import { decodeBytes, decodeContent, unquoteBytes } from "./blame-porcelain.ts";
import { longest } from "../traces/text.ts";

/** The byte string of some text (UTF-8). */
export function toBytes(text: string): string {
  // One native scan: plain ASCII is the same in both.
  return NON_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** `2026-11-20 10:08:00 +0100`, in the author's own time zone, as git blame prints it. */
export function blameDate(time: number, tz: string): string {
  return localParts(time, tz).join(" ");
}

/** RFC 3339 in the author's time zone: `2026-11-20T10:08:00+01:00`. */
export function rfc3339(time: number, tz: string): string {
  const [date, clock] = localParts(time, tz);
  const m = /^([+-])(\d\d)(\d\d)$/.exec(tz);
  return `${date}T${clock}${m ? `${m[1]}${m[2]}:${m[3]}` : "Z"}`;
}

function localParts(time: number, tz: string): [string, string, string] {
  const m = /^([+-])(\d\d)(\d\d)$/.exec(tz);
  const offset = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const iso = new Date((time + offset * 60) * 1000).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 19), m ? tz : "+0000"];
}

export interface TextOptions {
  paint: Paint;
  /** Content goes to a terminal: make its control characters visible. */
  terminal: boolean;
  /** -e: the author's email instead of the name. */
  showEmail?: boolean;
  /** -s: no author and date. */
  suppressAuthor?: boolean;
  /** -l: whole commit IDs. */
  longHash?: boolean;
  /** -t: raw timestamps. */
  rawTime?: boolean;
  /** -n: the line number in the commit too. */
  showNumber?: boolean;
  /** -f: always the file name; by default only when some line comes from another name. */
  showName?: boolean;
  /** -b: blank IDs for boundary commits. */
  blankBoundary?: boolean;
  /** --abbrev=<n>. */
  abbrev?: number;
  /** The blamed file, repository-relative, to tell when lines come from other names. */
  path?: string;
  /** The terminal's columns: the trace column gives way first (Infinity in a pipe: never). */
  columns?: number;
}

/** Columns a blamed line keeps for its content before the trace column gives way. */
const CONTENT_ROOM = 30;

/**
 * A model as one column shows it: `claude-sonnet-4-5-20250929` -> `sonnet-4.5`,
 * `claude-3-5-haiku-20241022` -> `3.5-haiku`; other names without a date suffix.
 */
export function shortModel(model: string): string {
  return model
    .replace(/^claude-/, "")
    .replace(/-\d{8}$/, "")
    .replace(/(^|-)(\d+)-(\d)(?=$|-)/, "$1$2.$3");
}

function width(text: string): number {
  return Bun.stringWidth(text);
}

function padStart(text: string, to: number): string {
  return text.length >= to ? text : " ".repeat(to - text.length) + text;
}

/** The three cells of the trace column: agent, model, short ID. Human lines have one word. */
export function traceCells(l: LineTraces): [string, string, string] | string {
  if (l.attribution === "human") return "human";
  if (l.attribution === "uncommitted") return "uncommitted";
  const first = l.traces[0]!;
  if (l.traces.length === 1)
    return [agentLabel(first), sanitizeLine(shortModel(mainModel(first) ?? "")), shortId(first.id)];
  const agents = [...new Set(l.traces.map((t) => agentLabel(t)))].join(",");
  return [agents, `${l.traces.length} traces`, shortId(first.id)];
}

function hashCell(commit: BlameCommit, length: number, opts: TextOptions): string {
  const full = commit.sha;
  const len = Math.min(length, full.length);
  if (commit.boundary) {
    if (opts.blankBoundary) return " ".repeat(len);
    return `^${full.slice(0, len - 1)}`;
  }
  return full.slice(0, len);
}

function hashLength(opts: TextOptions, hexsz: number): number {
  if (opts.longHash) return hexsz;
  if (opts.abbrev === undefined) return 8; // git's default abbreviation (7) and one for the boundary mark
  // As git: at least 4 digits, 0 for whole IDs, and one more for the boundary mark.
  const n = opts.abbrev === 0 ? 0 : Math.max(opts.abbrev, 4);
  return n > 0 && n < hexsz ? n + 1 : hexsz;
}

/**
 * git blame's default view with the trace column before the author. Everything but the
 * line numbers and the content depends only on the line's commit and file name, so it is
 * worked out once per such pair (a 3,000-line file has a few hundred) and reused.
 */
export function renderText(blame: Blame, tracesOf: TracesOf, opts: TextOptions): string {
  const { lines } = blame;
  if (lines.length === 0) return "";
  const { paint } = opts;
  const hashLen = hashLength(opts, lines[0]!.sha.length);

  // One group per source (commit and file name), in the order they first appear. Each
  // text and its width is worked out once; authors and dates repeat across commits.
  interface Group {
    hash: string;
    name: string;
    nameW: number;
    cells: string | [string, string, string];
    cellW: [number, number, number];
    author: string;
    authorW: number;
    date: string;
    /** The row's bytes before the original line number, and between it and the line number. */
    head: string;
    middle: string;
  }
  const authors = new Map<string, [string, number]>();
  const dates = new Map<string, string>();
  const groupOf = new Map<BlameSource, Group>();
  // Sources whose lines have traces of their own (line ranges): one group per distinct traces.
  const lineGroups = new Map<BlameSource, Map<LineTraces, Group>>();
  const groups: Group[] = [];
  const makeGroup = (s: BlameSource, traces: LineTraces): Group => {
    const c = s.commit;
    const cells = traceCells(traces);
    const rawAuthor = opts.showEmail ? c.authorMail : c.author;
    let author = authors.get(rawAuthor);
    if (!author) {
      const safe = sanitizeLine(rawAuthor);
      authors.set(rawAuthor, (author = [safe, width(safe)]));
    }
    const when = `${c.authorTime} ${c.authorTz}`;
    let date = dates.get(when);
    if (date === undefined) dates.set(when, (date = opts.rawTime ? when : blameDate(c.authorTime, c.authorTz)));
    const name = sanitizeLine(s.filename);
    const g: Group = {
      hash: hashCell(c, hashLen, opts),
      name,
      nameW: width(name),
      cells,
      cellW: typeof cells === "string" ? [cells.length, 0, 0] : [width(cells[0]), width(cells[1]), width(cells[2])],
      author: author[0],
      authorW: author[1],
      date,
      head: "",
      middle: "",
    };
    groups.push(g);
    return g;
  };
  for (const s of blame.sources)
    if (tracesOf.varies(s.commit.sha, s.filename)) lineGroups.set(s, new Map());
    else groupOf.set(s, makeGroup(s, tracesOf(s.commit.sha, s.filename)));
  /** The group of line k of a run of `s`. */
  const groupAt = (s: BlameSource, k: number): Group => {
    const byTraces = lineGroups.get(s);
    if (!byTraces) return groupOf.get(s)!;
    const traces = tracesOf(s.commit.sha, s.filename, lines[k]!.originalLine);
    let g = byTraces.get(traces);
    if (!g) byTraces.set(traces, (g = makeGroup(s, traces)));
    return g;
  };
  for (const run of blame.runs)
    if (lineGroups.has(run.source)) for (let k = run.from; k < run.to; k++) groupAt(run.source, k);
  let maxOrig = 0;
  let maxLine = 0;
  for (const l of lines) {
    if (l.originalLine > maxOrig) maxOrig = l.originalLine;
    if (l.line > maxLine) maxLine = l.line;
  }
  const names = new Set(blame.sources.map((s) => s.filename));
  const showName = opts.showName ?? (names.size > 1 || (opts.path !== undefined && !names.has(opts.path)));

  let nameW = 0;
  let authorW = 0;
  const cellW = [0, 0, 0];
  let wordW = 0;
  for (const g of groups) {
    if (g.nameW > nameW) nameW = g.nameW;
    if (g.authorW > authorW) authorW = g.authorW;
    if (typeof g.cells === "string") wordW = Math.max(wordW, g.cellW[0]);
    else for (let k = 0; k < 3; k++) cellW[k] = Math.max(cellW[k]!, g.cellW[k]!);
  }
  const origW = String(maxOrig).length;
  const lineW = String(maxLine).length;
  // On a narrow terminal the trace column gives way before the content: the model first,
  // then the agent's name is cut; the short ID, which `show` takes, stays whole.
  let showModel = true;
  if (opts.columns !== undefined && Number.isFinite(opts.columns)) {
    const dateW = groups.reduce((w, g) => Math.max(w, g.date.length), 0);
    const gitW =
      hashLen +
      (showName ? nameW + 1 : 0) +
      (opts.showNumber ? origW + 1 : 0) +
      (opts.suppressAuthor ? 0 : 2 + authorW + 1 + dateW) +
      1 +
      lineW +
      2;
    const room = Math.max(0, opts.columns - gitW - CONTENT_ROOM - 1);
    const full = cellW[0]! ? cellW[0]! + 1 + cellW[1]! + 1 + cellW[2]! : 0;
    if (full > room && cellW[0]) {
      showModel = false;
      cellW[1] = 0;
      const agentRoom = Math.max(room - cellW[2]! - 1, 0);
      if (cellW[0]! > agentRoom) {
        cellW[0] = agentRoom;
        for (const g of groups) {
          if (typeof g.cells === "string") continue;
          const cut =
            g.cells[0].length > agentRoom ? `${g.cells[0].slice(0, Math.max(agentRoom - 1, 0))}…` : g.cells[0];
          g.cells = [agentRoom ? cut : "", g.cells[1], g.cells[2]];
          g.cellW = [width(g.cells[0]), g.cellW[1], g.cellW[2]];
        }
      }
    }
  }
  const traceW = Math.max(
    wordW,
    cellW[0]! ? cellW[0]! + 1 + (showModel ? cellW[1]! + 1 : 0) + cellW[2]! : cellW[2]! ? cellW[2]! : 0,
  );

  for (const g of groups) {
    let before = g.hash;
    if (showName) before += ` ${g.name}${" ".repeat(nameW - g.nameW)}`;
    let after = "";
    const c = g.cells;
    if (typeof c === "string") after += ` ${paint.dim(c)}${" ".repeat(traceW - c.length)}`;
    else {
      const [agent, model, id] = c;
      const agentPart = cellW[0] ? `${paint.cyan(agent)}${" ".repeat(cellW[0]! - g.cellW[0])} ` : "";
      const modelPart = showModel ? `${paint.magenta(model)}${" ".repeat(cellW[1]! - g.cellW[1])} ` : "";
      const text = `${agentPart}${modelPart}${paint.yellow(id)}`;
      const used = (cellW[0] ? cellW[0]! + 1 : 0) + (showModel ? cellW[1]! + 1 : 0) + g.cellW[2];
      after += ` ${text}${" ".repeat(traceW - used)}`;
    }
    if (!opts.suppressAuthor) after += ` (${g.author}${" ".repeat(authorW - g.authorW)} ${g.date}`;
    g.head = toBytes(before);
    g.middle = toBytes(after);
  }

  const out: string[] = new Array(lines.length);
  for (const run of blame.runs) {
    const plain = groupOf.get(run.source);
    for (let k = run.from; k < run.to; k++) {
      const { head, middle } = plain ?? groupAt(run.source, k);
      const l = lines[k]!;
      const orig = opts.showNumber ? ` ${padStart(String(l.originalLine), origW)}` : "";
      const content = opts.terminal ? toBytes(sanitize(decodeContent(l))) : l.content;
      out[k] = `${head}${orig}${middle} ${padStart(String(l.line), lineW)}) ${content}\n`;
    }
  }
  return out.join("");
}

/** `claude-code claude-sonnet-4-5` for a share; `human`, `not committed yet`. */
export function shareLabel(s: Share): string {
  if (s.attribution === "human") return "human";
  if (s.attribution === "uncommitted") return "not committed yet";
  return s.by
    .map((p) =>
      [
        agentLabel({ source: p.source, ...(p.agent === null ? {} : { agent: p.agent }) }),
        ...(p.model ? [sanitizeLine(p.model)] : []),
      ].join(" "),
    )
    .join(" + ");
}

/** The footer: each agent and model's share of the lines, and the humans'. */
export function renderSummary(summary: BlameSummary, paint: Paint): string {
  if (summary.lines === 0) return "";
  const rows = summary.shares.map((s) => ({
    pct: `${(s.share * 100).toFixed(1)}%`,
    n: String(s.lines),
    label: shareLabel(s),
    s,
  }));
  const pctW = longest(rows.map((r) => r.pct.length));
  const nW = longest(rows.map((r) => r.n.length));
  let out = `\n${paint.bold(`Summary of ${summary.lines} line${summary.lines === 1 ? "" : "s"}`)}\n`;
  for (const r of rows) {
    const label = r.s.attribution === "agent" ? paint.cyan(r.label) : paint.dim(r.label);
    out += `  ${padStart(r.pct, pctW)}  ${padStart(r.n, nW)}  ${label}\n`;
  }
  return toBytes(out);
}

/** A space-free token for a porcelain header field; `-` when unknown. */
function token(text: string | undefined): string {
  const t = sanitizeLine(text ?? "").replace(/\s+/g, "_");
  return t === "" ? "-" : t;
}

/** `trace <id> <agent> <model>`: one porcelain header line per trace of the line. */
export function traceHeader(t: AttachedTrace): string {
  return `trace ${t.id} ${token(t.agent)} ${token(mainModel(t))}`;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) \d+ \d+(?: \d+)?$/;

/**
 * git's porcelain, byte for byte, with `trace` header lines before each `filename` line:
 * the traces of that commit that wrote lines of that file. git gives `filename` with the
 * commit's details (once, or every line with --line-porcelain) and again whenever the
 * commit shows under another name, so the trace lines follow the same rule.
 */
export function annotatePorcelain(bytes: string, tracesOf: (sha: string, filename: string) => LineTraces): string {
  const rows = bytes.split("\n");
  const out: string[] = [];
  let sha = "";
  for (const row of rows) {
    if (row.charCodeAt(0) !== 9) {
      const m = HEADER.exec(row);
      if (m) sha = m[1]!;
      else if (row.startsWith("filename ")) {
        const name = decodeBytes(unquoteBytes(row.slice(9)));
        for (const t of tracesOf(sha, name).traces) out.push(toBytes(traceHeader(t)));
      }
    }
    out.push(row);
  }
  return out.join("\n");
}
