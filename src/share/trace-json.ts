// A trace as JSON, in the two forms this tool keeps: the shared form (redacted, without the
// local transcript path, canonical bytes) that goes into refs/traces/content, and the check
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
  const { transcript: _local, ...rest } = trace;
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

/** A trace read back from JSON, checked against the model; null when it is not one, or not `id`. */
export function decodeTrace(value: unknown, id: string): Trace | null {
  const parsed = v.safeParse(TraceSchema, value);
  if (!parsed.success || parsed.output.id !== id) return null;
  return parsed.output;
}

/** decodeTrace() of JSON text, capped in size. */
export function decodeTraceText(text: string, id: string): Trace | null {
  if (text.length > MAX_TRACE_BYTES) return null;
  try {
    return decodeTrace(JSON.parse(text), id);
  } catch {
    return null;
  }
}
