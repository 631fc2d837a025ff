import { existsSync } from "node:fs";
import { commonHookEvent } from "../shared/hook-payload.ts";
import type { AgentAdapter } from "../types.ts";
import { claudeConfigDir, claudeProjectsDir, discoverClaude, findClaude } from "./discover.ts";
import { claudeHooks } from "./hooks.ts";
import { readClaudeTranscript } from "./read.ts";

export const claudeCode: AgentAdapter = {
  name: "claude-code",
  displayName: "Claude Code",
  dataDirs: (env) => [claudeProjectsDir(env)],
  detect: (env) => existsSync(claudeConfigDir(env)),
  discover: discoverClaude,
  read: readClaudeTranscript,
  find: findClaude,
  parseHookPayload: (payload, event) => commonHookEvent("claude-code", payload, event),
  hooks: claudeHooks,
};

export default claudeCode;
