// The agent sessions on this machine, every supported agent: found in each agent's
// datastore (its `sessions` part in src/agents/index.ts) and read in summary mode for their title, models and
// times. A transcript that cannot be read still counts as a session.

import { agent, agents } from "../agents/index.ts";
import type { Env, SessionRef } from "../agents/types.ts";
import type { Trace } from "../traces/model.ts";

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
  for (const a of agents()) {
    const { discover } = await a.sessions();
    for (const ref of await discover({ env, ...(roots ? { roots } : {}) })) {
      const key = `${a.name}:${ref.id}`;
      const known = refs.get(key);
      if (!known || known.mtimeMs < ref.mtimeMs) refs.set(key, ref);
    }
  }
  const found: FoundSession[] = [];
  for (const ref of refs.values()) {
    const read = await agent(ref.agent)?.read();
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
