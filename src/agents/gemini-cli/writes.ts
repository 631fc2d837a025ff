// What Gemini CLI's edit tools wrote, from their args: `write_file {file_path, content}` (the
// whole file) and `replace {file_path, old_string, new_string, expected_replacements}` (also
// `edit`/`smart_edit` of some releases, same fields): more than one expected replacement
// replaces every occurrence. A call that failed (status error/cancelled) wrote nothing; a
// payload with a missing field yields nothing, and the file falls back to file-level.

import type { FileWrite } from "../../traces/model.ts";
import type { Obj } from "../shared/json.ts";

export function geminiWrites(name: string, args: Obj, path: string | undefined, at: string | undefined): FileWrite[] {
  if (!path) return [];
  const when = at ? { at } : {};
  if (name === "write_file")
    return typeof args.content === "string" ? [{ path, ...when, op: "write", content: args.content }] : [];
  if (name === "replace" || name === "edit" || name === "smart_edit") {
    const { old_string: old, new_string: now, expected_replacements: n } = args;
    if (typeof old !== "string" || typeof now !== "string") return [];
    return [{ path, ...when, op: "replace", old, new: now, ...(typeof n === "number" && n > 1 ? { all: true } : {}) }];
  }
  return [];
}
