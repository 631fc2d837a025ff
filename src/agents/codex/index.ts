import { existsSync } from "node:fs";
import { commonHookEvent } from "../shared/hook-payload.ts";
import type { AgentAdapter } from "../types.ts";
import { codexHome, codexSessionsDir, discoverCodex, findCodex } from "./discover.ts";
import { codexHooks } from "./hooks.ts";
import { readCodexRollout } from "./read.ts";

export const codex: AgentAdapter = {
  name: "codex",
  displayName: "Codex",
  dataDirs: (env) => [codexSessionsDir(env)],
  detect: (env) => existsSync(codexHome(env)),
  discover: discoverCodex,
  read: readCodexRollout,
  find: findCodex,
  parseHookPayload: (payload, event) => commonHookEvent("codex", payload, event),
  hooks: codexHooks,
};

export default codex;
