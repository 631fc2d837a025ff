// The agent sessions on this machine, every supported agent: found in each agent's
// datastore (src/agents/discovery.ts) and read in summary mode for their title, models and
// times. A transcript that cannot be read still counts as a session.

import { DISCOVERY } from "../agents/discovery.ts";
import { READERS } from "../agents/readers.ts";
import type { Env, SessionRef } from "../agents/types.ts";
import type { AgentName, Trace } from "../traces/model.ts";

export interface FoundSession {
  ref: SessionRef;
  /** What its transcript says, when it could be read. */
  trace?: Trace;
}

/**
 * Sessions whose working directory lies inside one of `roots` (every session on the machine
 * when `roots` is undefined), each once.
 */
export async function findSessions(env: Env, roots?: readonly string[]): Promise<FoundSession[]> {
  const refs = new Map<string, SessionRef>();
  for (const [agent, load] of Object.entries(DISCOVERY) as [AgentName, NonNullable<(typeof DISCOVERY)[AgentName]>][]) {
    const discover = await load();
    for (const ref of await discover({ env, ...(roots ? { roots } : {}) })) {
      const key = `${agent}:${ref.id}`;
      const known = refs.get(key);
      if (!known || known.mtimeMs < ref.mtimeMs) refs.set(key, ref);
    }
  }
  const found: FoundSession[] = [];
  for (const ref of refs.values()) {
    const read = await READERS[ref.agent]?.();
    let trace: Trace | undefined;
    try {
      trace = read ? await read(ref.path, { summary: true, ...(roots ? { roots } : {}) }) : undefined;
    } catch {
      trace = undefined; // unreadable: listed from what discovery knows
    }
    found.push(trace ? { ref, trace } : { ref });
  }
  return found;
}
