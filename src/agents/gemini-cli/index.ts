import { existsSync } from "node:fs";
import { commonHookEvent } from "../shared/hook-payload.ts";
import type { AgentAdapter } from "../types.ts";
import { discoverGemini, findGemini, geminiDir, geminiTmpDir } from "./discover.ts";
import { geminiHooks } from "./hooks.ts";
import { readGeminiChat } from "./read.ts";

export const geminiCli: AgentAdapter = {
  name: "gemini-cli",
  displayName: "Gemini CLI",
  dataDirs: (env) => [geminiTmpDir(env)],
  detect: (env) => existsSync(geminiDir(env)),
  discover: discoverGemini,
  read: readGeminiChat,
  find: findGemini,
  parseHookPayload: (payload, event) => commonHookEvent("gemini-cli", payload, event),
  hooks: geminiHooks,
};

export default geminiCli;
