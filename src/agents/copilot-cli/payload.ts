// What a Copilot CLI hook payload says. There is no captured payload among the fixtures; the
// shape is the public hooks reference's (docs.github.com, "GitHub Copilot hooks reference"):
// hooks configured with camelCase event names (ours) get camelCase fields, `{sessionId,
// timestamp (epoch ms), cwd, ...}`, plus `transcriptPath` on agentStop; PascalCase event
// names get the VS Code-compatible snake_case fields, `{hook_event_name, session_id,
// timestamp (ISO), cwd, transcript_path}`. Both are accepted, whichever file called us.

import { existsSync } from "node:fs";
import * as v from "valibot";
import { isTraceId } from "../../traces/id.ts";
import { HookPayloadSchema, toHookEvent } from "../shared/hook-payload.ts";
import { AbsolutePathSchema, lenient } from "../shared/schemas.ts";
import type { HookEvent } from "../types.ts";
import { EVENTS_FILE } from "./discover.ts";

const CopilotPayloadSchema = v.looseObject({
  ...HookPayloadSchema.entries,
  sessionId: lenient(v.string()),
  transcriptPath: lenient(AbsolutePathSchema),
});

export function parseCopilotHookPayload(payload: unknown, event: string): HookEvent | null {
  const parsed = v.safeParse(CopilotPayloadSchema, payload);
  if (!parsed.success) return null;
  const p = parsed.output;
  const transcript = p.transcriptPath ?? p.transcript_path;
  // Only Copilot's own event log is read as a transcript; anything else is found by ID.
  return toHookEvent(
    "copilot-cli",
    p,
    [p.sessionId, p.session_id].find(isTraceId),
    event,
    transcript?.endsWith(`/${EVENTS_FILE}`) ? transcript : undefined,
  );
}

/**
 * True when a payload comes from Copilot CLI, whichever hook file called us: Copilot also
 * runs the hooks of a repository's .claude/settings.json, with snake_case payloads much
 * like Claude Code's. Signs: the camelCase `sessionId` (no other agent writes it), a
 * transcript in session-state/<id>/events.jsonl, or (given `sessionsDir`) a session folder
 * of Copilot's by that ID.
 */
export function isCopilotPayload(payload: unknown, sessionsDir?: string): boolean {
  const parsed = v.safeParse(CopilotPayloadSchema, payload);
  if (!parsed.success) return false;
  const p = parsed.output;
  if (isTraceId(p.sessionId)) return true;
  const id = p.session_id;
  if (!isTraceId(id)) return false;
  if ((p.transcriptPath ?? p.transcript_path)?.endsWith(`/session-state/${id}/${EVENTS_FILE}`)) return true;
  return sessionsDir !== undefined && existsSync(`${sessionsDir}/${id}/${EVENTS_FILE}`);
}
