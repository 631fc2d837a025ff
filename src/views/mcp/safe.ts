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

/** Redacted, control characters visible, at most `max` characters with a note on what was cut. */
export function safeAnswer(text: string, home: string, max = MAX_ANSWER_CHARS): string {
  const clean = sanitize(redactText(text, { home }));
  if (clean.length <= max) return clean;
  // Cut at a line end when one is near, so that no line is left half.
  const nl = clean.lastIndexOf("\n", max);
  const cut = nl > max * 0.8 ? nl : max;
  const left = clean.length - cut;
  const lines = clean.slice(cut).split("\n").length;
  return (
    `${clean.slice(0, cut)}\n\n[truncated: ${left.toLocaleString("en-US")} more characters (${lines.toLocaleString("en-US")} ` +
    `lines) of ${clean.length.toLocaleString("en-US")} were left out; ask for less (a narrower range, a lower limit)]`
  );
}
