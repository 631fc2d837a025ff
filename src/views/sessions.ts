// The whole sessions behind trace IDs: from their transcripts on this machine, and, when
// asked, for the ones whose transcript is not here, from a snapshot or from content shared
// through git (src/content/). IDs are checked (findTrace takes only valid ones near a path);
// a transcript that cannot be read is reported, never fatal.

import { findTrace } from "../attach/find.ts";
import type { Env } from "../agents/types.ts";
import type { GitRunner } from "../git/runner.ts";
import type { ContentSource } from "../content/share.ts";
import { isTraceId, type Trace } from "../traces/model.ts";

export interface LocalSession {
  trace?: Trace;
  /** Why the transcript that is here could not be read. */
  error?: string;
  /** Where `trace` came from. */
  source?: ContentSource;
  /** For a snapshot: what it was taken from (`transcript`, `shared`); for shared content: its ref. */
  from?: string;
  /** Shared content was found but is not a valid trace: where and why (untrusted text). */
  sharedError?: string;
}

export interface SessionOptions {
  /** Look further when a transcript is not here: snapshots, then (with a runner) shared content. */
  elsewhere?: { git: GitRunner | null };
  /** Refresh the snapshots of these traces when their transcript is read. */
  refresh?: ReadonlySet<string>;
}

export async function localSessions(
  ids: Iterable<string>,
  env: Env,
  roots: readonly string[],
  opts: SessionOptions = {},
): Promise<Map<string, LocalSession>> {
  const unique = [...new Set(ids)].filter(isTraceId);
  const found = new Map(
    await Promise.all(
      unique.map(async (id): Promise<[string, LocalSession]> => {
        try {
          const trace = await findTrace(id, env, roots);
          return [id, trace ? { trace, source: "transcript" } : {}];
        } catch (e) {
          return [id, { error: e instanceof Error ? e.message : String(e) }];
        }
      }),
    ),
  );
  if (opts.refresh?.size || opts.elsewhere) {
    const share = await import("../content/share.ts");
    for (const [id, s] of found) if (s.trace && opts.refresh?.has(id)) share.refreshSnapshot(env, s.trace);
    const missing = [...found].filter(([, s]) => !s.trace).map(([id]) => id);
    if (opts.elsewhere && missing.length) {
      const invalid = new Map<string, string>();
      const onInvalid = (id: string, ref: string, error: string) => invalid.set(id, `${ref}: ${error}`);
      for (const [id, c] of share.contentElsewhere(missing, env, opts.elsewhere.git, onInvalid)) {
        found.set(id, { trace: c.trace, source: c.source, ...(c.from ? { from: c.from } : {}) });
      }
      for (const [id, why] of invalid) if (!found.get(id)?.trace) found.set(id, { ...found.get(id), sharedError: why });
    }
  }
  return found;
}
