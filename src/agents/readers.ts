// Each agent's transcript reader alone, without the rest of its adapter (hook installers):
// what the commit path loads when it has sessions to read. Must match src/agents/index.ts.

import type { AgentName, Trace } from "../traces/model.ts";
import type { ReadOptions } from "./types.ts";

type Read = (path: string, opts?: ReadOptions) => Promise<Trace>;

export const READERS: Partial<Record<AgentName, () => Promise<Read>>> = Object.assign(Object.create(null) as Partial<Record<AgentName, () => Promise<Read>>>, {
  "claude-code": () => import("./claude-code/read.ts").then((m) => m.readClaudeTranscript),
  codex: () => import("./codex/read.ts").then((m) => m.readCodexRollout),
  "copilot-cli": () => import("./copilot-cli/read.ts").then((m) => m.readCopilotEvents),
  cursor: () => import("./cursor/read.ts").then((m) => m.readCursorTranscript),
  "gemini-cli": () => import("./gemini-cli/read.ts").then((m) => m.readGeminiChat),
  opencode: () => import("./opencode/read.ts").then((m) => m.readOpencodeSession),
});
