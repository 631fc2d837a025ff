// What Copilot CLI's edit tools wrote, from their arguments: `create {path, file_text}` (also
// `write`/`write_file` with `content`), `str_replace`/`edit {path, old_str, new_str}`, the
// older `str_replace_editor {command: create|str_replace, ...}`, and `apply_patch` (the
// envelope Codex uses). `insert` (a line number, not text to find) and payloads with a
// missing field yield nothing, and the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { patchWrites } from "../codex/patch.ts";
import { type Obj, str } from "../shared/json.ts";

export function copilotWrites(
  name: string,
  args: Obj,
  path: string | undefined,
  at: string | undefined,
  resolve: (p: string) => string,
): FileWrite[] {
  if (name === "apply_patch") return patchWrites(str(args.input) ?? str(args.patch) ?? "", at, resolve);
  if (!path) return [];
  const when = at ? { at } : {};
  const op = name === "str_replace_editor" ? str(args.command) : name;
  if (op === "create" || op === "write" || op === "write_file") {
    const content = typeof args.file_text === "string" ? args.file_text : args.content;
    return typeof content === "string" ? [{ path, ...when, op: "write", content }] : [];
  }
  if (op === "str_replace" || op === "edit") {
    const { old_str: old, new_str: now } = args;
    if (typeof old !== "string" || typeof now !== "string") return [];
    return [{ path, ...when, op: "replace", old, new: now }];
  }
  return [];
}
