// What `git traces mcp` puts in a model's context: text from notes, transcripts and files is
// untrusted. Every answer is redacted as `git traces show --redacted` is (src/traces/redact.ts),
// its control characters made visible (sanitize), and cut to a bound with a note saying how
// much was left out, so that one huge session cannot flood the agent's context.

import { TracesError } from "../../base/errors.ts";
import { redactText } from "../../traces/redact.ts";
import { sanitize } from "../../traces/sanitize.ts";

/** The most characters one answer holds (about 8k tokens). */
export const MAX_ANSWER_CHARS = 32_000;

/** A request the server refuses: its message is the tool's error result; the server goes on. */
export class McpRequestError extends TracesError {
  readonly code = "MCP_BAD_REQUEST";
}

/**
 * Redacted, control characters visible, about `max` characters at most with a note on what
 * was cut. The text is cut first (at a line end when one is near) and only what is kept is
 * redacted: a 3,000-line blame is not redacted whole to be thrown away.
 */
export function safeAnswer(text: string, home: string, max = MAX_ANSWER_CHARS): string {
  if (text.length <= max) return clean(text, home, max);
  const nl = text.lastIndexOf("\n", max);
  const cut = nl > max * 0.8 ? nl : max;
  const left = text.length - cut;
  const lines = text.slice(cut).split("\n").length;
  const n = (x: number) => x.toLocaleString("en-US");
  return (
    `${clean(text.slice(0, cut), home, max)}\n\n[truncated: ${n(left)} more characters (${n(lines)} lines) of ` +
    `${n(text.length)} were left out; ask for less (a narrower range, a lower limit)]`
  );
}

/** Redacted and sanitised; held to `max` even when that made it longer (caret forms, markers). */
function clean(text: string, home: string, max: number): string {
  const out = sanitize(redactText(text, { home }));
  return out.length <= max + 1_000 ? out : `${out.slice(0, max)}…`;
}
