// What Cursor's edit tools wrote, from their inputs: `Write {path, contents}` (also `write`,
// `content`), `StrReplace`/`Edit`/`search_replace {path, old_string, new_string,
// replace_all}`, `MultiEdit`/`MultiStrReplace {path, edits: [...]}` (in order) and
// `Delete`/`DeleteFile`/`delete_file`. The older `edit_file` sends a sketch with
// "existing code" markers, not text to apply: it yields nothing, as does a payload with a
// missing field, and the file falls back to file-level attribution.

import type { FileWrite } from "../../traces/model.ts";
import { replaceWrite, replaceWrites, SNAKE_CASE_EDIT } from "../shared/edits.ts";
import type { Obj } from "../shared/json.ts";

const REPLACE = new Set(["StrReplace", "Edit", "search_replace"]);
const MULTI = new Set(["MultiEdit", "MultiStrReplace"]);
const DELETE = new Set(["Delete", "DeleteFile", "delete_file"]);

export function cursorWrites(name: string, input: Obj, path: string | undefined, at: string | undefined): FileWrite[] {
  if (!path) return [];
  const when = at ? { at } : {};
  if (name === "Write" || name === "write") {
    const content = typeof input.contents === "string" ? input.contents : input.content;
    return typeof content === "string" ? [{ path, ...when, op: "write", content }] : [];
  }
  if (DELETE.has(name)) return [{ path, ...when, op: "delete" }];
  if (REPLACE.has(name)) {
    const w = replaceWrite(path, at, input, SNAKE_CASE_EDIT);
    return w ? [w] : [];
  }
  if (MULTI.has(name)) return replaceWrites(path, at, input.edits, SNAKE_CASE_EDIT);
  return [];
}
