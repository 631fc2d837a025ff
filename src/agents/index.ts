// Agent adapters by name, each loaded only when asked for. A null-prototype map, so a name
// such as "constructor" resolves to nothing.

import type { AgentName } from "../traces/model.ts";
import type { AgentAdapter } from "./types.ts";

type Loader = () => Promise<AgentAdapter>;

export const ADAPTERS: Partial<Record<AgentName, Loader>> = Object.assign(Object.create(null) as Partial<Record<AgentName, Loader>>, {
  "claude-code": () => import("./claude-code/index.ts").then((m) => m.default),
  codex: () => import("./codex/index.ts").then((m) => m.default),
  "copilot-cli": () => import("./copilot-cli/index.ts").then((m) => m.default),
  cursor: () => import("./cursor/index.ts").then((m) => m.default),
  "gemini-cli": () => import("./gemini-cli/index.ts").then((m) => m.default),
  opencode: () => import("./opencode/index.ts").then((m) => m.default),
});

/** Names of the agents this build can read. */
export function supportedAgents(): AgentName[] {
  return Object.keys(ADAPTERS) as AgentName[];
}

export async function adapter(name: string): Promise<AgentAdapter | null> {
  const load = Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name as AgentName] : undefined;
  return load ? load() : null;
}

export async function allAdapters(): Promise<AgentAdapter[]> {
  return Promise.all(supportedAgents().map((n) => ADAPTERS[n]!()));
}
