// The fields most agents' hook payloads share: session_id, transcript_path, cwd.

import { isTraceId } from "../../traces/id.ts";
import type { AgentName } from "../../traces/model.ts";
import type { HookEvent } from "../types.ts";
import { isObj, type Obj, str } from "./json.ts";

/** A HookEvent from a `{session_id, transcript_path, cwd, model}` payload; null when the ID is missing or unsafe. */
export function commonHookEvent(agent: AgentName, payload: unknown, event: string, idKey = "session_id"): HookEvent | null {
  if (!isObj(payload)) return null;
  const sessionId = payload[idKey];
  if (!isTraceId(sessionId)) return null;
  const transcript = str(payload.transcript_path);
  const cwd = str(payload.cwd);
  const model = str(payload.model);
  return {
    agent,
    sessionId,
    event: str(payload.hook_event_name) ?? event,
    ...(cwd && cwd.startsWith("/") ? { cwd } : {}),
    ...(transcript && transcript.startsWith("/") ? { transcript } : {}),
    ...(model ? { model } : {}),
  };
}

/** The parser of an agent whose payload is the common one. */
export function commonParser(agent: AgentName): (payload: unknown, event: string) => HookEvent | null {
  return (payload, event) => commonHookEvent(agent, payload, event);
}
