// Hook payloads, checked with valibot where they come in (`git-traces hook`): the fields
// most agents' payloads share (session_id, transcript_path, cwd, model, hook_event_name),
// which agents with payloads of their own extend (cursor/payload.ts, copilot-cli/payload.ts).
// A field of another type than expected is dropped, not fatal: a new release of an agent
// must not stop its sessions from being recorded. Only a usable session ID is required.

import * as v from "valibot";
import { isTraceId } from "../../traces/id.ts";
import type { AgentName } from "../../traces/model.ts";
import type { HookEvent, ParseHookPayload } from "../types.ts";
import { AbsolutePathSchema, lenient, TextSchema } from "./schemas.ts";

export const HookPayloadSchema = v.looseObject({
  /** Checked as a trace ID by toHookEvent, whichever key an agent names its ID with. */
  session_id: lenient(v.string()),
  transcript_path: lenient(AbsolutePathSchema),
  cwd: lenient(AbsolutePathSchema),
  model: lenient(TextSchema),
  hook_event_name: lenient(TextSchema),
});
export type HookPayload = v.InferOutput<typeof HookPayloadSchema>;

/** The event a parsed payload reports, for the session `id`; null when that is no valid trace ID. */
export function toHookEvent(
  agent: AgentName,
  p: HookPayload,
  id: unknown,
  event: string,
  transcript = p.transcript_path,
): HookEvent | null {
  if (!isTraceId(id)) return null;
  return {
    agent,
    sessionId: id,
    event: p.hook_event_name ?? event,
    ...(p.cwd ? { cwd: p.cwd } : {}),
    ...(transcript ? { transcript } : {}),
    ...(p.model ? { model: p.model } : {}),
  };
}

/** A HookEvent from the common payload; null when it is no object or its session ID is missing or unsafe. */
export function commonHookEvent(agent: AgentName, payload: unknown, event: string): HookEvent | null {
  const parsed = v.safeParse(HookPayloadSchema, payload);
  return parsed.success ? toHookEvent(agent, parsed.output, parsed.output.session_id, event) : null;
}

/** The parser of an agent whose payload is the common one. */
export function commonParser(agent: AgentName): ParseHookPayload {
  return (payload, event) => commonHookEvent(agent, payload, event);
}
