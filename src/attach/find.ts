// A trace by its ID, from whichever agent has a transcript for it on this machine.

import { allAdapters } from "../agents/index.ts";
import type { Env } from "../agents/types.ts";
import { isTraceId, type Trace } from "../traces/model.ts";

export async function findTrace(id: string, env: Env, roots: readonly string[] = []): Promise<Trace | null> {
  if (!isTraceId(id)) return null;
  for (const a of await allAdapters()) {
    const path = await a.find?.(id, env);
    if (path) return a.read(path, { roots, env });
  }
  return null;
}
