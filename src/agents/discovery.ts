// Where each agent's sessions are found, without the rest of its adapter (readers, hooks):
// the commit path looks for sessions on every commit and loads readers only when it finds
// some. A null-prototype map, like src/agents/index.ts, which it must match.

import type { AgentName } from "../traces/model.ts";
import type { DiscoverOptions, SessionRef, WatchDirs } from "./types.ts";

type Discover = (opts: DiscoverOptions) => Promise<SessionRef[]>;

export const DISCOVERY: Partial<Record<AgentName, () => Promise<Discover>>> = Object.assign(Object.create(null) as Partial<Record<AgentName, () => Promise<Discover>>>, {
  "claude-code": () => import("./claude-code/discover.ts").then((m) => m.discoverClaude),
  codex: () => import("./codex/discover.ts").then((m) => m.discoverCodex),
  "copilot-cli": () => import("./copilot-cli/discover.ts").then((m) => m.discoverCopilot),
  cursor: () => import("./cursor/discover.ts").then((m) => m.discoverCursor),
  "gemini-cli": () => import("./gemini-cli/discover.ts").then((m) => m.discoverGemini),
  opencode: () => import("./opencode/discover.ts").then((m) => m.discoverOpencode),
});

/** Per agent, the directories a new session would change (see WatchDirs). */
export const WATCH: Partial<Record<AgentName, () => Promise<WatchDirs>>> = Object.assign(Object.create(null) as Partial<Record<AgentName, () => Promise<WatchDirs>>>, {
  "claude-code": () => import("./claude-code/discover.ts").then((m) => m.watchClaude),
  codex: () => import("./codex/discover.ts").then((m) => m.watchCodex),
  "copilot-cli": () => import("./copilot-cli/discover.ts").then((m) => m.watchCopilot),
  cursor: () => import("./cursor/discover.ts").then((m) => m.watchCursor),
  "gemini-cli": () => import("./gemini-cli/discover.ts").then((m) => m.watchGemini),
  opencode: () => import("./opencode/discover.ts").then((m) => m.watchOpencode),
});
