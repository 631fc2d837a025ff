// The jobs background workers get (in GIT_TRACES_JOB, and in their pending marks for a
// rerun), checked at the boundary: the types come from these schemas.

import * as v from "valibot";

export const GlobalsSchema = v.array(
  v.object({ name: v.string(), value: v.optional(v.string()), tokens: v.array(v.string()) }),
);

const OID = v.pipe(v.string(), v.regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/));

export const CommitJobSchema = v.object({
  v: v.literal(2),
  /** The process that becomes git. */
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  cwd: v.string(),
  gitDir: v.string(),
  commonDir: v.string(),
  /** The HEAD reflog's last entry before git ran (src/git/reflog.ts). */
  anchor: v.object({ line: v.pipe(v.string(), v.maxLength(4096)), head: OID }),
  /** The first line of -m, to tell our commit among several. */
  subject: v.nullable(v.string()),
  globals: GlobalsSchema,
  amend: v.boolean(),
});

export type CommitJob = v.InferOutput<typeof CommitJobSchema>;

export const PushJobSchema = v.object({
  v: v.literal(1),
  cwd: v.string(),
  commonDir: v.optional(v.string()),
  globals: GlobalsSchema,
  /** The remote the user named (a name, URL or path), or null for the default. */
  remote: v.nullable(v.string()),
  noVerify: v.boolean(),
  signed: v.nullable(v.string()),
});

export type PushJob = v.InferOutput<typeof PushJobSchema>;

export const FetchJobSchema = v.object({
  v: v.literal(1),
  /** The process that becomes git (`git fetch` or `git pull`). */
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** When the shim started the job (ms since the epoch), before git ran. */
  start: v.number(),
  /** The shim's cwd; the user's -C is in `globals`. */
  cwd: v.string(),
  gitDir: v.string(),
  commonDir: v.string(),
  globals: GlobalsSchema,
  /** Where git's own fetch brought no notes from (src/interceptors/fetch.ts sourceWithoutNotes): fetched afterwards. */
  source: v.nullable(v.string()),
  /** The named remotes, as the refspecs were checked before git ran. */
  named: v.array(v.string()),
  /** The submodules' git directories: what git's recursive fetch brought them is merged too. */
  submodules: v.array(v.string()),
  /** False with --no-write-fetch-head: then FETCH_HEAD cannot tell whether git's fetch succeeded. */
  fetchHead: v.boolean(),
});

export type FetchJob = v.InferOutput<typeof FetchJobSchema>;
