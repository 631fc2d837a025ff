// How traces look on a terminal, the same in every command: short IDs, colours (only when
// io.color says so: a terminal, no NO_COLOR), and untrusted text made safe (sanitize.ts).

import type { AttachedTrace } from "./attached.ts";
import { sanitize, sanitizeLine } from "../traces/sanitize.ts";

export { sanitize, sanitizeLine };

const SGR = {
  bold: "1",
  dim: "2",
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  magenta: "35",
  cyan: "36",
} as const;
export type Style = keyof typeof SGR;

export type Paint = Record<Style, (text: string) => string>;

/** Colour functions that do nothing when colour is off. */
/** `io`: whether to colour (the CLI's streams decide, src/cli/io.ts). */
export function painter(io: { color: boolean }): Paint {
  const entries = Object.entries(SGR).map(([name, code]) => [
    name,
    io.color ? (t: string) => `\x1b[${code}m${t}\x1b[0m` : (t: string) => t,
  ]);
  return Object.fromEntries(entries) as Paint;
}

const commitAbbrevs = new Map<string, string>();

/** Tells shortCommit() how git abbreviates commits of this repository (abbrevCommits in src/git). */
export function knowCommitAbbrevs(abbrevs: ReadonlyMap<string, string>): void {
  for (const [oid, short] of abbrevs) commitAbbrevs.set(oid, short);
}

/** A commit ID as git abbreviates it here; 12 characters for one git was not asked about or does not have. */
export function shortCommit(oid: string): string {
  return sanitizeLine(commitAbbrevs.get(oid) ?? oid.slice(0, 12));
}

/** Trace IDs other than the one being shortened that a short ID must not also start. */
const knownIds = new Set<string>();
let sortedIds: string[] | undefined;
/** Characters after the type prefix a short ID keeps at least (core.abbrev, or 8: a UUID's first group). */
let minLength = 8;

/**
 * Tells shortId() the trace IDs of this repository (or of what is printed), so that a short
 * ID is lengthened until no other starts with it, as git lengthens abbreviated commit IDs;
 * and the least length, from core.abbrev (a number; `no`: whole IDs).
 */
export function knowTraceIds(ids: Iterable<string>): void {
  for (const id of ids) knownIds.add(id);
  sortedIds = undefined;
}

let abbrevOf: (() => string | null | undefined) | undefined;

/** Where core.abbrev comes from: asked the first time an ID is shortened. */
export function abbrevFrom(read: () => string | null | undefined): void {
  abbrevOf = read;
}

function leastLength(): number {
  if (abbrevOf) {
    const abbrev = abbrevOf();
    abbrevOf = undefined;
    if (abbrev === "no" || abbrev === "false") minLength = Infinity;
    else if (abbrev && /^\d+$/.test(abbrev)) minLength = Math.max(4, Number(abbrev));
  }
  return minLength;
}

/** Characters of `id` no other known ID shares, counted from its start. */
function uniqueLength(id: string): number {
  sortedIds ??= [...knownIds].sort();
  let lo = 0;
  let hi = sortedIds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedIds[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  let need = 0;
  for (const other of [sortedIds[lo - 1], sortedIds[lo] === id ? sortedIds[lo + 1] : sortedIds[lo]]) {
    if (other === undefined || other === id) continue;
    let common = 0;
    while (common < id.length && id[common] === other[common]) common++;
    need = Math.max(need, common + 1);
  }
  return need;
}

/**
 * The ID as log, blame and list show it: the first 8 characters (a UUID's first group), after
 * a short type prefix such as OpenCode's `ses_`, which every ID of that agent shares; longer
 * where another known trace ID starts the same (knowTraceIds).
 */
export function shortId(id: string): string {
  const typed = /^([a-z]{2,5}_)(.+)$/.exec(id);
  const head = typed ? typed[1]!.length : 0;
  const length = Math.max(head + leastLength(), knownIds.size ? uniqueLength(id) : 0);
  return sanitizeLine(id.slice(0, length));
}

/** The model a one-line view names: the first the note lists. */
export function mainModel(t: Pick<AttachedTrace, "models">): string | undefined {
  return t.models[0];
}

/** `agent` for our traces, `agent (tool)` when another tool's note named it. */
export function agentLabel(t: Pick<AttachedTrace, "agent" | "source">): string {
  const agent = sanitizeLine(t.agent ?? "unknown agent");
  return t.source === "git-traces" ? agent : `${agent} (${t.source})`;
}

/** One line: short ID, agent, model, title. Every part sanitised. */
export function traceLine(t: AttachedTrace, paint: Paint): string {
  const parts = [paint.yellow(shortId(t.id)), paint.cyan(agentLabel(t))];
  const model = mainModel(t);
  if (model) parts.push(paint.magenta(sanitizeLine(model)));
  if (t.title) parts.push(sanitizeLine(t.title));
  return parts.join(" ");
}
