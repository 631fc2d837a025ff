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

/**
 * The ID as log and blame show it: the first 8 characters (a UUID's first group), after a
 * short type prefix such as OpenCode's `ses_`, which every ID of that agent shares.
 */
export function shortId(id: string): string {
  const typed = /^([a-z]{2,5}_)(.+)$/.exec(id);
  return sanitizeLine(typed ? typed[1]! + typed[2]!.slice(0, 8) : id.slice(0, 8));
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
