// The --json outputs of the history commands, described with valibot: what scripts can
// rely on (field names are stable), and what the tests check the output against.

import * as v from "valibot";
import { TraceIdSchema, TraceSchema } from "../traces/model.ts";
import type { AttachedTrace, NoteSource } from "./attached.ts";

export const NOTE_SOURCES = ["git-traces", "git-ai", "git-atrace", "hf-traces"] as const satisfies readonly NoteSource[];

const counts = v.record(v.string(), v.number());

/** What the notes say of a trace (src/history/attached.ts AttachedTrace). */
export const AttachedTraceSchema = v.object({
  id: TraceIdSchema,
  source: v.picklist(NOTE_SOURCES),
  url: v.optional(v.string()),
  agent: v.optional(v.string()),
  models: v.array(v.string()),
  title: v.optional(v.string()),
  files: v.optional(v.array(v.string())),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  tools: v.optional(counts),
  tokens: v.optional(counts),
}) satisfies v.GenericSchema<AttachedTrace, unknown>;

export const CommitRefSchema = v.object({ oid: v.string(), subject: v.string() });

/** `git traces show --json`. */
export const ShowOutputSchema = v.object({
  /** The argument as given. */
  query: v.string(),
  /** What it named: a trace (ID or unique prefix) or a commit. */
  resolvedAs: v.picklist(["trace", "commit"]),
  /** The commit, when it named one. */
  commit: v.nullable(v.string()),
  traces: v.array(
    v.object({
      id: TraceIdSchema,
      /** Whether the whole session is here (`trace` is set). */
      available: v.boolean(),
      /** Commits whose notes name the trace. */
      commits: v.array(CommitRefSchema),
      /** What the notes say of it; null for a session no commit names. */
      note: v.nullable(AttachedTraceSchema),
      /** The session in the common trace model, when its transcript is on this machine. */
      trace: v.nullable(TraceSchema),
      /** Why a transcript that is here could not be read. */
      unreadable: v.nullable(v.string()),
    }),
  ),
});
export type ShowOutput = v.InferOutput<typeof ShowOutputSchema>;
