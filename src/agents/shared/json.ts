// Values taken one field at a time from JSON an agent wrote (transcripts, hook payloads,
// settings files): every reader checks each value before use with these, instead of a copy
// of its own. The bulk records of a transcript are checked this way rather than with
// valibot because of what that costs per record (docs/agents/README.md, "Checking records").

export type Obj = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** A string with something in it; an empty string says nothing, and reads as absent. */
export const str = (x: unknown): string | undefined => (typeof x === "string" && x !== "" ? x : undefined);

/** A count (tokens): a finite number not below zero, else 0. */
export const count = (x: unknown): number => (typeof x === "number" && Number.isFinite(x) && x >= 0 ? x : 0);

/** JSON text parsed, or undefined when it is not text or not JSON. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
