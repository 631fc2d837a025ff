// The --json outputs of the history commands, described with valibot: what scripts can
// rely on (field names are stable), and what the tests check the output against.

import * as v from "valibot";
import { TraceIdSchema, TraceSchema } from "../traces/model.ts";
import type { AttachedTrace, NoteSource } from "./attached.ts";

export const NOTE_SOURCES = [
  "git-traces",
  "git-ai",
  "git-atrace",
  "hf-traces",
] as const satisfies readonly NoteSource[];

const counts = v.record(v.string(), v.number());

/** What the notes say of a trace (src/views/attached.ts AttachedTrace). */
export const AttachedTraceSchema = v.object({
  id: TraceIdSchema,
  source: v.picklist(NOTE_SOURCES),
  url: v.optional(v.string()),
  agent: v.optional(v.string()),
  models: v.array(v.string()),
  title: v.optional(v.string()),
  files: v.optional(v.array(v.string())),
  /** File -> the lines of the commit's version the trace wrote, [first, last] pairs (line-level notes). */
  lines: v.optional(v.record(v.string(), v.array(v.tuple([v.number(), v.number()])))),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  tools: v.optional(counts),
  tokens: v.optional(counts),
}) satisfies v.GenericSchema<AttachedTrace, unknown>;

export const CommitRefSchema = v.object({ oid: v.string(), subject: v.string() });

/**
 * A note that named more traces than a reader takes from one note (1,000): its first ones
 * were read, `traces` more left out. The `leftOut` field of the --json outputs, present only
 * when some note was cut.
 */
export const LeftOutSchema = v.object({
  commit: v.string(),
  /** The notes ref the note is in (`refs/notes/traces`, `refs/notes/ai`, ...). */
  ref: v.string(),
  traces: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export const LeftOutListSchema = v.optional(v.array(LeftOutSchema));

/** `git traces show --json`. */
export const ShowOutputSchema = v.object({
  /** The argument as given. */
  query: v.string(),
  /** What it named: a trace (ID or unique prefix) or a commit. */
  resolvedAs: v.picklist(["trace", "commit"]),
  /** The commit, when it named one. */
  commit: v.nullable(v.string()),
  /** `--redacted`: every `trace` is as sharing stores it. */
  redacted: v.boolean(),
  traces: v.array(
    v.object({
      id: TraceIdSchema,
      /** Whether the whole session is here (`trace` is set). */
      available: v.boolean(),
      /** Where `trace` came from: its transcript here, a snapshot, content shared through git; null without one. */
      source: v.nullable(v.picklist(["transcript", "snapshot", "shared"])),
      /** Commits whose notes name the trace. */
      commits: v.array(CommitRefSchema),
      /** What the notes say of it; null for a session no commit names. */
      note: v.nullable(AttachedTraceSchema),
      /** Which lines of which files it wrote, per commit, where the notes give line ranges (`3-10,15`). */
      lines: v.array(v.object({ commit: v.string(), path: v.string(), ranges: v.string(), count: v.number() })),
      /** The session in the common trace model, when its content is on this machine. */
      trace: v.nullable(TraceSchema),
      /** Why a transcript that is here could not be read, or why shared content here is not a valid trace. */
      unreadable: v.nullable(v.string()),
    }),
  ),
  leftOut: LeftOutListSchema,
});
export type ShowOutput = v.InferOutput<typeof ShowOutputSchema>;

/** `git traces log --json`: one object per commit, in git log's order. */
export const LogCommitJsonSchema = v.object({
  commit: v.pipe(v.string(), v.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/)),
  parents: v.array(v.string()),
  author: v.object({ name: v.string(), email: v.string() }),
  /** Author date, strict ISO 8601. */
  date: v.string(),
  subject: v.string(),
  /** Branches and tags pointing at the commit (git's %D), empty when none. */
  refs: v.array(v.string()),
  traces: v.array(AttachedTraceSchema),
  /** This commit's notes that named more traces than are read from one note. */
  leftOut: LeftOutListSchema,
});
export type LogCommitJson = v.InferOutput<typeof LogCommitJsonSchema>;
export const LogJsonSchema = v.array(LogCommitJsonSchema);

/** A commit a session is attached to, in `git traces list --json`. */
export const SessionCommitSchema = v.object({
  oid: v.string(),
  /** The next three are null when this repository does not have the commit (its note came first). */
  abbrev: v.nullable(v.string()),
  subject: v.nullable(v.string()),
  /** Committer date, RFC 3339. */
  date: v.nullable(v.string()),
});
export type SessionCommit = v.InferOutput<typeof SessionCommitSchema>;

export const SessionJsonSchema = v.object({
  id: TraceIdSchema,
  agent: v.optional(v.string()),
  title: v.optional(v.string()),
  models: v.array(v.string()),
  start: v.optional(v.string()),
  end: v.optional(v.string()),
  /** The session's last activity, RFC 3339: its transcript's last record (else file time), else the note's `end`. */
  lastActivity: v.optional(v.string()),
  cwd: v.optional(v.string()),
  /** The transcript on this machine; null when the session is known only from notes. */
  transcript: v.nullable(v.string()),
  /** The tools whose notes attach it to commits (empty: not attached). */
  attachedBy: v.array(v.picklist(NOTE_SOURCES)),
  url: v.optional(v.string()),
  /** Newest first. */
  commits: v.array(SessionCommitSchema),
});
export type SessionRow = v.InferOutput<typeof SessionJsonSchema>;

export const RepositoryJsonSchema = v.object({
  /** The remote URL (origin first, credentials left out), else the path. */
  key: v.string(),
  path: v.string(),
  remote: v.nullable(v.string()),
  /** False for sessions whose directory is in no git repository. */
  git: v.boolean(),
  sessions: v.array(SessionJsonSchema),
  leftOut: LeftOutListSchema,
});
export type RepositoryGroup = v.InferOutput<typeof RepositoryJsonSchema>;

/** `git traces list --json`. */
export const ListJsonSchema = v.object({
  repository: v.omit(RepositoryJsonSchema, ["sessions", "leftOut"]),
  sessions: v.array(SessionJsonSchema),
  leftOut: LeftOutListSchema,
});
/** `git traces list --all --json`. */
export const ListAllJsonSchema = v.object({ repositories: v.array(RepositoryJsonSchema) });
