// Every agent this build reads, in one registry: its name, how people write it, what in a
// hook payload gives it away, and its parts, each loaded only when asked for and on its own
// (a dynamic import per part), so that a commit loads where sessions are without the
// readers, and the hook command the payload parser without the config installers. Typed
// by AgentName, so an agent missing here fails to compile. A null-prototype map: a name
// such as "constructor" resolves to nothing. Nothing here is loaded at start-up but this
// file, which imports no module.

import type { AgentName } from "../traces/model.ts";
import type { AgentAdapter, AgentEntry, ParseHookPayload } from "./types.ts";

/** The parser of the payload most agents send (session_id, transcript_path, cwd, model). */
const commonPayload = (agent: AgentName) => (): Promise<ParseHookPayload> =>
  import("./shared/hook-payload.ts").then((m) => m.commonParser(agent));

const ENTRIES: { readonly [A in AgentName]: Omit<AgentEntry, "name"> } = {
  "claude-code": {
    displayName: "Claude Code",
    signs: { transcript: /\/\.claude\/projects\/[^/]+\/[^/]+\.jsonl$/ },
    sessions: () => import("./claude-code/discover.ts"),
    read: () => import("./claude-code/read.ts").then((m) => m.readClaudeTranscript),
    payload: commonPayload("claude-code"),
    hooks: () => import("./claude-code/hooks.ts").then((m) => m.claudeHooks),
  },
  codex: {
    displayName: "Codex",
    signs: { transcript: /\/sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-[^/]+\.jsonl$/ },
    sessions: () => import("./codex/discover.ts"),
    read: () => import("./codex/read.ts").then((m) => m.readCodexRollout),
    payload: commonPayload("codex"),
    hooks: () => import("./codex/hooks.ts").then((m) => m.codexHooks),
  },
  "copilot-cli": {
    displayName: "Copilot CLI",
    signs: {
      // Its own hook events send camelCase keys; no other agent does.
      marks: (p) =>
        (typeof p.sessionId === "string" && p.session_id === undefined) ||
        (typeof p.transcriptPath === "string" && /\/session-state\/[^/]+\/events\.jsonl$/.test(p.transcriptPath)),
      transcript: /\/session-state\/[^/]+\/events\.jsonl$/,
    },
    sessions: () => import("./copilot-cli/discover.ts"),
    read: () => import("./copilot-cli/read.ts").then((m) => m.readCopilotEvents),
    payload: () => import("./copilot-cli/payload.ts").then((m) => m.parseCopilotHookPayload),
    hooks: () => import("./copilot-cli/hooks.ts").then((m) => m.copilotHooks),
  },
  cursor: {
    displayName: "Cursor",
    signs: {
      marks: (p) =>
        typeof p.cursor_version === "string" ||
        (typeof p.conversation_id === "string" && typeof p.generation_id === "string"),
      transcript: /\/agent-transcripts\//,
      events: [
        "afterFileEdit",
        "beforeShellExecution",
        "afterShellExecution",
        "beforeMCPExecution",
        "beforeReadFile",
        "beforeSubmitPrompt",
        "afterAgentResponse",
        "afterAgentThought",
      ],
    },
    sessions: () => import("./cursor/discover.ts"),
    read: () => import("./cursor/read.ts").then((m) => m.readCursorTranscript),
    payload: () => import("./cursor/payload.ts").then((m) => m.parseCursorHookPayload),
    hooks: () => import("./cursor/hooks.ts").then((m) => m.cursorHooks),
  },
  "gemini-cli": {
    displayName: "Gemini CLI",
    signs: {
      transcript: /\/\.gemini\/tmp\/[^/]+\/chats\/[^/]+$/,
      events: [
        "BeforeTool",
        "AfterTool",
        "BeforeAgent",
        "AfterAgent",
        "BeforeModel",
        "AfterModel",
        "BeforeToolSelection",
      ],
    },
    sessions: () => import("./gemini-cli/discover.ts"),
    read: () => import("./gemini-cli/read.ts").then((m) => m.readGeminiChat),
    payload: commonPayload("gemini-cli"),
    hooks: () => import("./gemini-cli/hooks.ts").then((m) => m.geminiHooks),
  },
  opencode: {
    displayName: "OpenCode",
    // Our own OpenCode plugin says so; it sends the fields the other agents' hooks share.
    signs: { marks: (p) => p.source_agent === "opencode" },
    sessions: () => import("./opencode/discover.ts"),
    read: () => import("./opencode/read.ts").then((m) => m.readOpencodeSession),
    payload: commonPayload("opencode"),
    hooks: () => import("./opencode/hooks.ts").then((m) => m.opencodeHooks),
  },
};

export const AGENTS: { readonly [A in AgentName]: AgentEntry } = Object.freeze(
  Object.assign(
    Object.create(null) as { [A in AgentName]: AgentEntry },
    Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, { name, ...entry }])),
  ),
);

/** The registry's agents, in its order. */
export function agents(): AgentEntry[] {
  return Object.values(AGENTS);
}

/** Names of the agents this build can read. */
export function supportedAgents(): AgentName[] {
  return agents().map((a) => a.name);
}

/** The agent by that name; null for any name this build does not know. */
export function agent(name: string): AgentEntry | null {
  return Object.hasOwn(AGENTS, name) ? AGENTS[name as AgentName] : null;
}

/** Every part of an agent, loaded (for commands that install, check or remove hooks). */
export async function adapter(name: string): Promise<AgentAdapter | null> {
  const a = agent(name);
  if (!a) return null;
  const [sessions, read, parseHookPayload, hooks] = await Promise.all([a.sessions(), a.read(), a.payload(), a.hooks()]);
  const { dataDirs, detect, discover, find, watch } = sessions;
  return {
    name: a.name,
    displayName: a.displayName,
    dataDirs,
    detect,
    discover,
    find,
    watch,
    read,
    parseHookPayload,
    hooks,
  };
}
