// The whole sessions behind trace IDs, for the ones whose transcript is on this machine.
// IDs are checked (findTrace takes only valid ones near a path); a transcript that cannot
// be read is reported, never fatal.

import { findTrace } from "../attach/find.ts";
import type { Env } from "../agents/types.ts";
import { isTraceId, type Trace } from "../traces/model.ts";

export interface LocalSession {
  trace?: Trace;
  /** Why the transcript that is here could not be read. */
  error?: string;
}

export async function localSessions(ids: Iterable<string>, env: Env, roots: readonly string[]): Promise<Map<string, LocalSession>> {
  const unique = [...new Set(ids)].filter(isTraceId);
  const found = await Promise.all(
    unique.map(async (id): Promise<[string, LocalSession]> => {
      try {
        const trace = await findTrace(id, env, roots);
        return [id, trace ? { trace } : {}];
      } catch (e) {
        return [id, { error: e instanceof Error ? e.message : String(e) }];
      }
    }),
  );
  return new Map(found);
}
