import { existsSync } from "node:fs";
import type { AgentAdapter } from "../types.ts";
import { copilotHome, copilotSessionsDir, discoverCopilot, findCopilot } from "./discover.ts";
import { copilotHooks } from "./hooks.ts";
import { parseCopilotHookPayload } from "./payload.ts";
import { readCopilotEvents } from "./read.ts";

export const copilotCli: AgentAdapter = {
  name: "copilot-cli",
  displayName: "Copilot CLI",
  dataDirs: (env) => [copilotSessionsDir(env)],
  detect: (env) => existsSync(copilotHome(env)),
  discover: discoverCopilot,
  read: readCopilotEvents,
  find: findCopilot,
  parseHookPayload: parseCopilotHookPayload,
  hooks: copilotHooks,
};

export default copilotCli;
