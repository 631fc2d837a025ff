// What a Cursor hook payload says: `conversation_id` (the transcript's name), `model`,
// `cursor_version`, `workspace_roots` (no cwd: the root holding the edited file, else the
// first), and a `transcript_path` that may be null (the transcript is then found by ID).

import * as v from "valibot";
import { HookPayloadSchema, toHookEvent } from "../shared/hook-payload.ts";
import { AbsolutePathSchema, lenient, TextSchema } from "../shared/schemas.ts";
import { isInside } from "../shared/paths.ts";
import type { HookEvent } from "../types.ts";

const CursorPayloadSchema = v.looseObject({
  ...HookPayloadSchema.entries,
  conversation_id: lenient(v.string()),
  cursor_version: lenient(TextSchema),
  workspace_roots: lenient(v.array(v.unknown())),
  file_path: lenient(AbsolutePathSchema),
});

export function parseCursorHookPayload(payload: unknown, event: string): HookEvent | null {
  const parsed = v.safeParse(CursorPayloadSchema, payload);
  if (!parsed.success) return null;
  const p = parsed.output;
  // Older payloads name the conversation session_id.
  const ev = toHookEvent("cursor", p, p.conversation_id ?? p.session_id, event);
  if (!ev) return null;
  const roots = (p.workspace_roots ?? []).filter((r): r is string => typeof r === "string" && r.startsWith("/"));
  // The workspace root the event happened in: the one holding the edited file or the
  // command's directory, else the first.
  const inside = [p.file_path, ev.cwd].filter((x): x is string => x !== undefined);
  const cwd = roots.find((r) => inside.some((x) => isInside(x, r))) ?? roots[0] ?? ev.cwd;
  const { cwd: _, ...rest } = ev;
  return { ...rest, ...(cwd ? { cwd } : {}), ...(p.cursor_version ? { agentVersion: p.cursor_version } : {}) };
}
