// Which agent sent a hook payload, from the payload itself. The config that ran the hook is
// not proof: Cursor runs the hooks in Claude Code's settings, so `git-traces hook
// claude-code ...` may well carry a Cursor session. Only strong evidence counts, from each
// agent's signs in the registry (index.ts), strongest first: fields only that agent sends,
// where it writes transcripts, event names only it uses. With none, the caller keeps the
// agent the hook command names.

import type { AgentName } from "../traces/model.ts";
import { agents } from "./index.ts";
import { isObj } from "./shared/json.ts";

export function identifyAgent(payload: unknown): AgentName | null {
  if (!isObj(payload)) return null;
  const all = agents();
  for (const a of all) if (a.signs.marks?.(payload)) return a.name;
  const transcript = payload.transcript_path;
  if (typeof transcript === "string") for (const a of all) if (a.signs.transcript?.test(transcript)) return a.name;
  const event = payload.hook_event_name;
  if (typeof event === "string") for (const a of all) if (a.signs.events?.includes(event)) return a.name;
  return null;
}
