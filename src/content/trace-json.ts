// A trace as JSON, in the two forms this tool keeps: the shared form (redacted, without the
// local transcript path nor the edit payloads, canonical bytes) that goes into refs/traces/content, and the check
// every trace read back from JSON passes (a snapshot, or content a collaborator pushed).

import * as v from "valibot";
import { redactTrace } from "../traces/redact.ts";
import { TraceSchema, type Trace } from "../traces/model.ts";

/** A shared trace larger than this is not read (a remote is untrusted). */
export const MAX_TRACE_BYTES = 64 * 1024 * 1024;

/**
 * What is shared of a trace: every string redacted with the user's home (redact.ts), and no
 * `transcript`, which names a file on this machine only.
 */
export function sharedForm(trace: Trace, home: string): Trace {
  const { transcript: _local, writes: _payloads, ...rest } = trace;
  return redactTrace(rest as Trace, { home });
}

function sorted(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sorted);
  if (typeof x === "object" && x !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) {
      const val = (x as Record<string, unknown>)[k];
      if (val !== undefined) out[k] = sorted(val);
    }
    return out;
  }
  return x;
}

/** One encoding for one trace: keys sorted at every level, no blanks, a final newline. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sorted(value))}\n`;
}

/**
 * The shared form as a schema: the trace model without `transcript`. Read back from
 * refs/traces/content (someone else's writing), an object with keys it does not name, a
 * `transcript` among them, gives a trace without them: nothing shared is ever taken for a
 * path on this machine.
 */
export const SharedTraceSchema = v.omit(TraceSchema, ["transcript"]);

/** A trace read back from JSON, checked against the model; null when it is not one, or not `id`. */
export function decodeTrace(value: unknown, id: string, shared = false): Trace | null {
  const r = checkTrace(value, id, shared);
  return "trace" in r ? r.trace : null;
}

/** What is wrong with a value that should be a trace, in a few words (untrusted: sanitise before printing). */
function checkTrace(value: unknown, id: string, shared: boolean): { trace: Trace } | { error: string } {
  const parsed = v.safeParse(shared ? SharedTraceSchema : TraceSchema, value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join(".");
    return { error: `${where ? `${where.slice(0, 100)}: ` : ""}${issue.message.slice(0, 200)}` };
  }
  if (parsed.output.id !== id) return { error: "it holds another trace's ID" };
  return { trace: parsed.output };
}

/**
 * Shared content of trace `id` (JSON text from refs/traces/content): the trace, or why it is
 * not one. Never throws, whatever the text; never keeps a `transcript`.
 */
export function readSharedTrace(text: string, id: string): { trace: Trace } | { error: string } {
  if (text.length > MAX_TRACE_BYTES) return { error: `larger than ${MAX_TRACE_BYTES / 1024 / 1024} MiB` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: "not JSON" };
  }
  try {
    return checkTrace(value, id, true);
  } catch {
    return { error: "not a trace" }; // a value too deep or odd for the check itself
  }
}

/** readSharedTrace() as a trace or null. */
export function decodeTraceText(text: string, id: string): Trace | null {
  const r = readSharedTrace(text, id);
  return "trace" in r ? r.trace : null;
}
