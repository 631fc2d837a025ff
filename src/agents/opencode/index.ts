import { existsSync } from "node:fs";
import { commonHookEvent } from "../shared/hook-payload.ts";
import type { AgentAdapter } from "../types.ts";
import { opencodeConfigDir, opencodeDataDir } from "./db.ts";
import { discoverOpencode, findOpencode } from "./discover.ts";
import { opencodeHooks } from "./hooks.ts";
import { readOpencodeSession } from "./read.ts";

export const opencode: AgentAdapter = {
  name: "opencode",
  displayName: "OpenCode",
  dataDirs: (env) => [opencodeDataDir(env)],
  detect: (env) => existsSync(opencodeConfigDir(env)) || existsSync(opencodeDataDir(env)),
  discover: discoverOpencode,
  read: readOpencodeSession,
  find: findOpencode,
  // Our plugin sends {session_id, cwd, hook_event_name}, the fields the other agents' hooks share.
  parseHookPayload: (payload, event) => commonHookEvent("opencode", payload, event),
  hooks: opencodeHooks,
};

export default opencode;
