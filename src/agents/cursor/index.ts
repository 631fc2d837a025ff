import { existsSync } from "node:fs";
import { commonHookEvent } from "../shared/hook-payload.ts";
import { isInside } from "../shared/paths.ts";
import type { AgentAdapter, HookEvent } from "../types.ts";
import { cursorHome, cursorProjectsDir, discoverCursor, findCursor } from "./discover.ts";
import { cursorHooks } from "./hooks.ts";
import { readCursorTranscript } from "./read.ts";
import { isObj, type Obj, str } from "../shared/json.ts";

/**
 * Cursor's payload: `conversation_id` (the transcript's name), `model`, `cursor_version`,
 * `workspace_roots` (no cwd: the root holding the edited file, else the first), and a
 * `transcript_path` that may be null (the transcript is then found by ID).
 */
export function parseCursorHookPayload(payload: unknown, event: string): HookEvent | null {
  if (!isObj(payload)) return null;
  const key = typeof payload.conversation_id === "string" ? "conversation_id" : "session_id";
  const ev = commonHookEvent("cursor", payload, event, key);
  if (!ev) return null;
  const roots = Array.isArray(payload.workspace_roots) ? payload.workspace_roots.filter((r): r is string => typeof r === "string" && r.startsWith("/")) : [];
  // The workspace root the event happened in: the one holding the edited file or the
  // command's directory, else the first.
  const inside = [str(payload.file_path), ev.cwd].filter((p): p is string => p !== undefined && p.startsWith("/"));
  const cwd = roots.find((r) => inside.some((p) => isInside(p, r))) ?? roots[0] ?? ev.cwd;
  const version = str(payload.cursor_version);
  const { cwd: _, ...rest } = ev;
  return { ...rest, ...(cwd ? { cwd } : {}), ...(version ? { agentVersion: version } : {}) };
}

export const cursor: AgentAdapter = {
  name: "cursor",
  displayName: "Cursor",
  dataDirs: (env) => [cursorProjectsDir(env)],
  detect: (env) => existsSync(cursorHome(env)),
  discover: discoverCursor,
  read: readCursorTranscript,
  find: findCursor,
  parseHookPayload: parseCursorHookPayload,
  hooks: cursorHooks,
};

export default cursor;
