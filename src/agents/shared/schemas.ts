// valibot pieces for what agents write, used where their data comes in: hook payloads
// (hook-payload.ts) and the few records of a transcript that describe the session rather
// than one step of it (Codex's session_meta, Copilot CLI's session.start, Gemini CLI's
// metadata, OpenCode's session). The bulk records, one per message or tool call, are
// checked by hand (json.ts): docs/agents/README.md, "Checking records", has the numbers.
// Not for discovery, which runs on every commit and loads no schema.

import * as v from "valibot";

/**
 * An optional field whose value, when of another type, reads as absent: a new release of
 * an agent that changes one field must not cost the rest of the record.
 */
export const lenient = <S extends v.GenericSchema>(schema: S) => v.fallback(v.optional(schema), undefined);

/** A string with something in it. */
export const TextSchema = v.pipe(v.string(), v.nonEmpty());

/** A path worth keeping: absolute (a relative one says nothing without its base). */
export const AbsolutePathSchema = v.pipe(v.string(), v.startsWith("/"));

/** A count (tokens): a finite number not below zero; anything else counts 0. */
export const CountSchema = v.fallback(v.pipe(v.number(), v.finite(), v.minValue(0)), 0);
