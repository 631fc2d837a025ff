// What a Cursor hook payload says: `conversation_id` (the transcript's name), `model`,
// `cursor_version`, `workspace_roots` (no cwd: the root holding the edited file, else the
// first), and a `transcript_path` that may be null (the transcript is then found by ID).

import { commonHookEvent } from "../shared/hook-payload.ts";
import { isObj, str } from "../shared/json.ts";
import { isInside } from "../shared/paths.ts";
import type { HookEvent } from "../types.ts";

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
