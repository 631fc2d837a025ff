// A trace by its ID, from whichever agent has a transcript for it on this machine.

import { agents } from "../agents/index.ts";
import type { Env } from "../agents/types.ts";
import { isTraceId, type Trace } from "../traces/model.ts";

export async function findTrace(id: string, env: Env, roots: readonly string[] = []): Promise<Trace | null> {
  if (!isTraceId(id)) return null;
  for (const a of agents()) {
    const path = await (await a.sessions()).find(id, env);
    if (path) return (await a.read())(path, { roots, env });
  }
  return null;
}
