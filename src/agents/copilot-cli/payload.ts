// What a Copilot CLI hook payload says. There is no captured payload among the fixtures; the
// shape is the public hooks reference's (docs.github.com, "GitHub Copilot hooks reference"):
// hooks configured with camelCase event names (ours) get camelCase fields, `{sessionId,
// timestamp (epoch ms), cwd, ...}`, plus `transcriptPath` on agentStop; PascalCase event
// names get the VS Code-compatible snake_case fields, `{hook_event_name, session_id,
// timestamp (ISO), cwd, transcript_path}`. Both are accepted, whichever file called us.

import { existsSync } from "node:fs";
import { isTraceId } from "../../traces/id.ts";
import { commonHookEvent } from "../shared/hook-payload.ts";
import type { HookEvent } from "../types.ts";
import { EVENTS_FILE } from "./discover.ts";
import { isObj, type Obj } from "../shared/json.ts";

export function parseCopilotHookPayload(payload: unknown, event: string): HookEvent | null {
  if (!isObj(payload)) return null;
  const id = [payload.sessionId, payload.session_id].find(isTraceId);
  const transcript = [payload.transcriptPath, payload.transcript_path].find((p) => typeof p === "string" && p !== "");
  const ev = commonHookEvent("copilot-cli", { ...payload, session_id: id, transcript_path: transcript }, event);
  if (!ev) return null;
  // Only Copilot's own event log is read as a transcript; anything else is found by ID.
  if (ev.transcript && !ev.transcript.endsWith(`/${EVENTS_FILE}`)) delete ev.transcript;
  return ev;
}

/**
 * True when a payload comes from Copilot CLI, whichever hook file called us: Copilot also
 * runs the hooks of a repository's .claude/settings.json, with snake_case payloads much
 * like Claude Code's. Signs: the camelCase `sessionId` (no other agent writes it), a
 * transcript in session-state/<id>/events.jsonl, or (given `sessionsDir`) a session folder
 * of Copilot's by that ID.
 */
export function isCopilotPayload(payload: unknown, sessionsDir?: string): boolean {
  if (!isObj(payload)) return false;
  if (isTraceId(payload.sessionId)) return true;
  const id = payload.session_id;
  if (!isTraceId(id)) return false;
  const transcript = [payload.transcriptPath, payload.transcript_path].find((p) => typeof p === "string");
  if (typeof transcript === "string" && transcript.endsWith(`/session-state/${id}/${EVENTS_FILE}`)) return true;
  return sessionsDir !== undefined && existsSync(`${sessionsDir}/${id}/${EVENTS_FILE}`);
}
