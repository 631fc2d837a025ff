// Which agent sent a hook payload, from the payload itself. The config that ran the hook is
// not proof: Cursor runs the hooks in Claude Code's settings, so `git-traces hook
// claude-code ...` may well carry a Cursor session. Only strong evidence counts; with none,
// the caller keeps the agent the hook command names.

import type { AgentName } from "../traces/model.ts";

type Obj = Record<string, unknown>;

// Where each agent writes its transcripts (the file a payload's transcript_path names).
const TRANSCRIPT_PLACES: readonly [RegExp, AgentName][] = [
  [/\/\.claude\/projects\/[^/]+\/[^/]+\.jsonl$/, "claude-code"],
  [/\/sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-[^/]+\.jsonl$/, "codex"],
  [/\/\.gemini\/tmp\/[^/]+\/chats\/[^/]+$/, "gemini-cli"],
  [/\/session-state\/[^/]+\/events\.jsonl$/, "copilot-cli"],
  [/\/agent-transcripts\//, "cursor"],
];

// Event names only one agent uses.
const EVENTS: readonly [ReadonlySet<string>, AgentName][] = [
  [new Set(["BeforeTool", "AfterTool", "BeforeAgent", "AfterAgent", "BeforeModel", "AfterModel", "BeforeToolSelection"]), "gemini-cli"],
  [new Set(["afterFileEdit", "beforeShellExecution", "afterShellExecution", "beforeMCPExecution", "beforeReadFile", "beforeSubmitPrompt", "afterAgentResponse", "afterAgentThought"]), "cursor"],
];

export function identifyAgent(payload: unknown): AgentName | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const p = payload as Obj;
  if (typeof p.cursor_version === "string" || (typeof p.conversation_id === "string" && typeof p.generation_id === "string")) return "cursor";
  if (p.source_agent === "opencode") return "opencode"; // our own OpenCode plugin says so
  // Copilot CLI's own hook events send camelCase keys; no other agent does.
  if (typeof p.sessionId === "string" && p.session_id === undefined) return "copilot-cli";
  if (typeof p.transcriptPath === "string" && /\/session-state\/[^/]+\/events\.jsonl$/.test(p.transcriptPath)) return "copilot-cli";
  if (typeof p.transcript_path === "string") {
    for (const [place, agent] of TRANSCRIPT_PLACES) if (place.test(p.transcript_path)) return agent;
  }
  if (typeof p.hook_event_name === "string") {
    for (const [names, agent] of EVENTS) if (names.has(p.hook_event_name)) return agent;
  }
  return null;
}
